"""Mixtures of isotropic Gaussians in the plane (any means, std and weights).

The two of the PacGAN protocol (Lin et al. 2018) are named presets: `ring8` (8 modes on the unit
circle at angles 2*pi*k/8, std 0.01) and `grid25` (modes at {-4,-2,0,2,4}^2, std 0.05).
"""

import collections

import numpy as np
import tensorflow as tf

from kerasgen.data.pipeline import AUTOTUNE, finish
from kerasgen.utils import check_positive_int

TOY_MIXTURES = {
    "ring8": {
        "means": np.stack(
            [np.cos(2 * np.pi * np.arange(8) / 8), np.sin(2 * np.pi * np.arange(8) / 8)], axis=1
        ),
        "std": 0.01,
    },
    "grid25": {
        "means": np.array([[x, y] for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)],
                          dtype=np.float64),
        "std": 0.05,
    },
}



class Mixture(collections.namedtuple("Mixture", ["means", "std", "weights"])):
    """A mixture of isotropic Gaussians: `means` (K, d), `std` (K,), `weights` (K,) summing to 1.

    Build one with `toy_mixture` from a preset name ("ring8", "grid25"), a dict
    `{"means": ..., "std": ..., "weights": ...}` or a `(means, std)` pair.
    """

    @property
    def num_modes(self):
        return len(self.means)


def toy_mixture(mixture):
    """Returns a `Mixture` from a preset name, a dict with means/std[/weights], or (means, std).

    `std` is one number or one per mode; `weights` default to uniform (the PacGAN protocol).

    Example:
        >>> m = toy_mixture({"means": [[0, 0], [3, 0], [0, 3]], "std": 0.1})
        >>> m.num_modes, m.std.tolist(), m.weights.round(3).tolist()
        (3, [0.1, 0.1, 0.1], [0.333, 0.333, 0.333])
        >>> toy_mixture("grid25").num_modes
        25
    """
    if isinstance(mixture, Mixture):
        return mixture
    if isinstance(mixture, str):
        if mixture not in TOY_MIXTURES:
            raise ValueError(f"Unknown toy mixture {mixture!r}; expected one of "
                             f"{sorted(TOY_MIXTURES)}, or a dict with 'means' and 'std'.")
        mixture = TOY_MIXTURES[mixture]
    if isinstance(mixture, dict):
        missing = {"means", "std"} - set(mixture)
        if missing:
            raise ValueError(f"A toy mixture dict needs 'means' and 'std'; missing "
                             f"{sorted(missing)}.")
        means, std, weights = mixture["means"], mixture["std"], mixture.get("weights")
    elif isinstance(mixture, (tuple, list)) and len(mixture) == 2:
        (means, std), weights = mixture, None
    else:
        raise ValueError(f"`mixture` must be a name, a dict or a (means, std) pair, got "
                         f"{mixture!r}.")
    means = np.asarray(means, dtype=np.float64)
    if means.ndim != 2 or len(means) == 0 or not np.all(np.isfinite(means)):
        raise ValueError(f"Mixture means must be a finite (num_modes, dims) array, got shape "
                         f"{means.shape}.")
    std = np.broadcast_to(np.asarray(std, dtype=np.float64), (len(means),)).copy()
    if not np.all(std > 0):
        raise ValueError(f"Mixture std must be positive, got {std.tolist()}.")
    weights = (np.full(len(means), 1.0 / len(means)) if weights is None
               else np.asarray(weights, dtype=np.float64))
    if weights.shape != (len(means),) or np.any(weights < 0) or not weights.sum() > 0:
        raise ValueError(f"Mixture weights must be {len(means)} non-negative numbers, got "
                         f"{np.asarray(weights).tolist()}.")
    return Mixture(means, std, weights / weights.sum())


def toy_samples(mixture, num_samples, seed=None):
    """Draws `num_samples` points of a toy mixture as a float32 NumPy array."""
    m = toy_mixture(mixture)
    num_samples = check_positive_int(num_samples, "num_samples")
    rng = np.random.default_rng(seed)
    modes = rng.choice(m.num_modes, size=num_samples, p=m.weights)
    noise = rng.standard_normal((num_samples, m.means.shape[1]))
    return (m.means[modes] + m.std[modes, None] * noise).astype(np.float32)


def toy(mixture, batch_size=256, num_samples=None, seed=None):
    """A stream of points from a mixture of isotropic Gaussians.

    Args:
        mixture: "ring8", "grid25", or any mixture `toy_mixture` accepts (means, std, weights).
        batch_size: batch size, or None for single points.
        num_samples: None for an endless stream, or the number of points of a sized dataset.
        seed: int or None.

    Example:
        >>> ds = toy({"means": [[0.0, 0.0], [4.0, 4.0]], "std": 0.1}, batch_size=8, seed=0)
        >>> next(iter(ds)).shape
        TensorShape([8, 2])
    """
    m = toy_mixture(mixture)
    if num_samples is not None:
        return finish(tf.data.Dataset.from_tensor_slices(toy_samples(m, num_samples, seed)),
                       batch_size, False, seed, False, False, cache=False)
    means_t = tf.constant(m.means, tf.float32)
    std_t = tf.constant(m.std, tf.float32)
    logits = tf.constant(np.log(np.maximum(m.weights, 1e-30))[None], tf.float32)
    dims = m.means.shape[1]

    def draw(seed_pair, count):
        modes = tf.random.stateless_categorical(logits, count, seed_pair, dtype=tf.int32)[0]
        noise = tf.random.stateless_normal((count, dims), seed_pair[::-1] + 1)
        return tf.gather(means_t, modes) + tf.gather(std_t, modes)[:, None] * noise

    seeds = tf.data.Dataset.random(seed=seed).batch(2)
    if batch_size is None:
        return seeds.map(lambda pair: draw(pair, 1)[0], num_parallel_calls=AUTOTUNE).prefetch(
            AUTOTUNE)
    # a whole batch per draw: drawing the points one by one cost 17 ms of CPU per batch of 256,
    # more than the grid25 GAN's training step itself (bench/RESULTS.md, #35 gan_grid25)
    batch_size = check_positive_int(batch_size, "batch_size")
    return seeds.map(lambda pair: draw(pair, batch_size),
                     num_parallel_calls=AUTOTUNE).prefetch(AUTOTUNE)

