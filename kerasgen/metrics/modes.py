"""Mode coverage of a mixture of Gaussians (the PacGAN protocol, Lin et al. 2018).

A sample is *high quality* when it lies within `num_std` (3) standard deviations of its nearest
mode; a mode is *covered* when at least one high-quality sample has it as nearest mode; the reverse
KL is KL(histogram of high-quality samples over the modes || the mixture's weights) =
sum_k p_k log(p_k / w_k), which for the uniform weights of the protocol is sum_k p_k log(p_k K).
"""

import collections

import numpy as np

from kerasgen.data import toy_mixture

ModeCoverage = collections.namedtuple(
    "ModeCoverage", ["modes", "high_quality", "reverse_kl", "counts"])


def mode_coverage(samples, mixture, num_std=3.0):
    """Modes covered, fraction of high-quality samples and reverse KL on a Gaussian mixture.

    Args:
        samples: array (n, dims).
        mixture: "ring8", "grid25", or any mixture `kerasgen.data.toy_mixture` accepts (a dict
            with means, std and optional weights).
        num_std: the high-quality radius in standard deviations (3 in PacGAN).

    Returns:
        ModeCoverage(modes: int, high_quality: fraction in [0, 1], reverse_kl: float (inf when
        no sample is high quality), counts: high-quality samples per mode).

    Example:
        >>> mixture = {"means": [[0.0, 0.0], [1.0, 0.0]], "std": 0.1}
        >>> r = mode_coverage([[0.0, 0.05], [0.02, 0.0], [0.5, 0.5]], mixture)
        >>> r.modes, round(r.high_quality, 3), round(r.reverse_kl, 3), r.counts.tolist()
        (1, 0.667, 0.693, [2, 0])
    """
    m = toy_mixture(mixture)
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != m.means.shape[1] or len(samples) == 0:
        raise ValueError(f"`samples` must have shape (n, {m.means.shape[1]}) with n > 0, got "
                         f"{samples.shape}.")
    distances = np.linalg.norm(samples[:, None, :] - m.means[None], axis=-1)
    nearest = distances.argmin(axis=1)
    high_quality = distances[np.arange(len(samples)), nearest] <= num_std * m.std[nearest]
    counts = np.bincount(nearest[high_quality], minlength=m.num_modes)
    total = counts.sum()
    if total == 0:
        reverse_kl = float("inf")
    else:
        covered = counts > 0
        p = counts[covered] / total
        reverse_kl = float(np.sum(p * np.log(p / m.weights[covered])))
    return ModeCoverage(int((counts > 0).sum()), float(high_quality.mean()), reverse_kl, counts)
