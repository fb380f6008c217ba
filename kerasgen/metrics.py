"""Evaluation metrics.

* `mode_coverage`: the PacGAN protocol (Lin et al. 2018) on 2-D mixtures. A sample is *high
  quality* when it lies within 3 standard deviations of its nearest mode; a mode is *covered* when
  at least one high-quality sample has it as nearest mode; the reverse KL is
  KL(histogram of high-quality samples over the modes || uniform) = sum_k p_k log(p_k K).
* Feature-space metrics (Fréchet distance, KID, precision/recall, density/coverage) and their
  extractors live in `kerasgen.feature_metrics` and are re-exported here.
* The VAE's importance-weighted log-likelihood is `kerasgen.models.VAE.log_likelihood`.
"""

import collections

import numpy as np

from kerasgen.data import toy_mixture
from kerasgen.feature_metrics import (density_coverage, frechet_distance, image_metrics,  # noqa
                                      kid, precision_recall)

ModeCoverage = collections.namedtuple(
    "ModeCoverage", ["modes", "high_quality", "reverse_kl", "counts"])


def mode_coverage(samples, mixture, num_std=3.0):
    """Modes covered, fraction of high-quality samples and reverse KL on a toy mixture.

    Args:
        samples: array (n, 2).
        mixture: "ring8" or "grid25" (means and std from `kerasgen.data.toy_mixture`).
        num_std: the high-quality radius in standard deviations (3 in PacGAN).

    Returns:
        ModeCoverage(modes: int, high_quality: fraction in [0, 1], reverse_kl: float (inf when
        no sample is high quality), counts: high-quality samples per mode).
    """
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[1] != 2 or len(samples) == 0:
        raise ValueError(f"`samples` must have shape (n, 2) with n > 0, got {samples.shape}.")
    means, std = toy_mixture(mixture)
    distances = np.linalg.norm(samples[:, None, :] - means[None].astype(np.float64), axis=-1)
    nearest = distances.argmin(axis=1)
    high_quality = distances[np.arange(len(samples)), nearest] <= num_std * std
    counts = np.bincount(nearest[high_quality], minlength=len(means))
    total = counts.sum()
    if total == 0:
        reverse_kl = float("inf")
    else:
        p = counts[counts > 0] / total
        reverse_kl = float(np.sum(p * np.log(p * len(means))))
    return ModeCoverage(int((counts > 0).sum()), float(high_quality.mean()), reverse_kl, counts)
