"""scikit-learn's bundled 8x8 handwritten digits (1,797 images, 17 grey levels 0..16).

Split as in Tomczak & Welling's VAE experiments: train = first 1000, val = next 350, test = last
447. Scaled to [-1, 1] by default, or the raw integer levels (`raw=True`).
"""

import numpy as np
import tensorflow as tf

from kerasgen.data.pipeline import finish, resize
from kerasgen.utils import check_positive_int

DIGITS_SPLITS = {"train": (0, 1000), "val": (1000, 1350), "test": (1350, 1797)}
DIGITS_LEVELS = 17


def load_digits_array(split="train", raw=True):
    """Returns `(images, labels)` of a digits split as NumPy: images (n, 8, 8) in 0..16."""
    if split not in DIGITS_SPLITS and split != "all":
        raise ValueError(f"Unknown digits split {split!r}; expected one of "
                         f"{sorted(DIGITS_SPLITS) + ['all']}.")
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = bunch.images.astype(np.int32)
    labels = bunch.target.astype(np.int32)
    if split != "all":
        lo, hi = DIGITS_SPLITS[split]
        images, labels = images[lo:hi], labels[lo:hi]
    if not raw:
        images = images.astype(np.float32) / 8.0 - 1.0
    return images, labels


def digits(split="train", image_size=8, batch_size=64, raw=False, channels=1, with_labels=False,
           shuffle=None, repeat=False, seed=None, drop_remainder=False):
    """scikit-learn's 8x8 digits as a tf.data pipeline.

    Args:
        split: "train" (first 1000), "val" (next 350), "test" (last 447) or "all".
        image_size: output side in pixels (8 keeps the originals).
        batch_size: batch size, or None for unbatched examples.
        raw: if True, yield the integer grey levels 0..16 (int32; resized with nearest
            neighbour when `image_size != 8`) instead of floats in [-1, 1].
        channels: 1 or 3 (the grey image repeated).
        with_labels: yield `(image, label)` pairs.
        shuffle: shuffle examples; defaults to True for "train", False otherwise.
        repeat: repeat forever.

    Returns:
        A `tf.data.Dataset` of images of shape (image_size, image_size, channels).

    Example:
        >>> ds = digits("train", image_size=16, batch_size=32)
        >>> next(iter(ds)).shape
        TensorShape([32, 16, 16, 1])
    """
    image_size = check_positive_int(image_size, "image_size")
    if channels not in (1, 3):
        raise ValueError(f"`channels` must be 1 or 3, got {channels!r}.")
    images, labels = load_digits_array(split, raw=True)
    images = images[..., None]
    if raw:
        x = tf.constant(images, tf.int32)
        if image_size != 8:
            x = tf.cast(tf.image.resize(x, (image_size, image_size), method="nearest"), tf.int32)
    else:
        x = tf.constant(images.astype(np.float32) / 16.0)
        if image_size != 8:
            x = tf.clip_by_value(resize(x, image_size), 0.0, 1.0)
        x = x * 2.0 - 1.0
    if channels == 3:
        x = tf.repeat(x, 3, axis=-1)
    ds = tf.data.Dataset.from_tensor_slices((x, labels) if with_labels else x)
    if shuffle is None:
        shuffle = split == "train"
    return finish(ds, batch_size, shuffle, seed, repeat, drop_remainder, buffer=2000)



def digits_images(split="train", image_size=16, channels=1, tint_seed=None):
    """Digits of a split as a NumPy array (N, size, size, channels) in [-1, 1].

    With `channels=3` and `tint_seed`, each digit is drawn in its own random warm colour on
    black (seeded; red in [0.6, 1], green in [0.35, 0.75], blue in [0.1, 0.5]), so that colour
    mappings (e.g. channel permutations) have something to act on and change the distribution.
    """
    images = next(iter(digits(split, image_size=image_size, batch_size=2000,
                              shuffle=False))).numpy()
    if channels == 3:
        if tint_seed is None:
            images = np.repeat(images, 3, axis=-1)
        else:
            # each channel from its own range (warm colours: red high, blue low), so that the
            # channels are not exchangeable: with i.i.d. channels a channel permutation would
            # leave the distribution unchanged, and no unpaired method could tell it apart
            low, high = np.array([0.6, 0.35, 0.1]), np.array([1.0, 0.75, 0.5])
            colours = np.random.default_rng(tint_seed).uniform(low, high, (len(images), 1, 1, 3))
            images = ((images + 1.0) / 2.0 * colours * 2.0 - 1.0).astype(np.float32)
    elif channels != 1:
        raise ValueError(f"`channels` must be 1 or 3, got {channels!r}.")
    return images

