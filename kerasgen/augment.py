"""Differentiable augmentation of the discriminator's inputs (DiffAugment; Zhao et al. 2020,
arXiv:2006.10738).

With little data (the 1,000 training digits) a discriminator memorizes the training set and its
feedback to the generator degrades. DiffAugment applies the same family of random, differentiable
transformations to *both* real and generated images before the discriminator sees them, so D
cannot tell them apart by the augmentation and G still learns the un-augmented distribution (the
gradient flows through the transformation). Policies, applied in this order:

* `color`: random brightness (+U(-0.5, 0.5)), saturation (x U(0, 2), RGB only) and contrast
  (x U(0.5, 1.5)) per image;
* `translation`: a random shift of up to 1/8 of the side per image, the uncovered border filled
  with `fill` (the images' background; -1 for digits on [-1, 1]);
* `cutout`: a random square of half the side per image set to `fill`.

Every draw goes through `keras.random` with the given seed (a `SeedGenerator`), so runs repeat.
"""

import tensorflow as tf
import keras

POLICIES = ("color", "translation", "cutout")


def parse_policy(policy):
    """`"translation,cutout"` -> ("translation", "cutout"); None or "" -> (); checks names."""
    if not policy:
        return ()
    names = tuple(p.strip() for p in str(policy).split(",") if p.strip())
    unknown = [p for p in names if p not in POLICIES]
    if unknown:
        raise ValueError(f"Unknown augmentation {unknown[0]!r} in {policy!r}; expected a "
                         f"comma-separated subset of {', '.join(POLICIES)}.")
    return names


def translate(images, ratio=0.125, fill=0.0, seed=None, shifts=None):
    """Shifts each image by up to `ratio` of its side (integer pixels), filling with `fill`.

    `shifts` (batch, 2) of (dy, dx) may be given instead of drawing them.

    Example:
        >>> x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
        >>> translate(x, shifts=[[1, 0]], fill=-1.0)[0, :, :, 0].numpy()
        array([[-1., -1., -1.],
               [ 0.,  1.,  2.],
               [ 3.,  4.,  5.]], dtype=float32)
    """
    images = tf.convert_to_tensor(images)
    batch, h, w = tf.shape(images)[0], images.shape[1], images.shape[2]
    max_h, max_w = max(1, int(h * ratio + 0.5)), max(1, int(w * ratio + 0.5))
    if shifts is None:
        dy = tf.cast(keras.random.randint((batch,), -max_h, max_h + 1, seed=seed), tf.int32)
        dx = tf.cast(keras.random.randint((batch,), -max_w, max_w + 1, seed=seed), tf.int32)
    else:
        shifts = tf.cast(tf.convert_to_tensor(shifts), tf.int32)
        dy, dx = shifts[:, 0], shifts[:, 1]
        max_h = max_w = max(max_h, max_w, int(tf.reduce_max(tf.abs(shifts))))
    padded = tf.pad(images, [[0, 0], [max_h, max_h], [max_w, max_w], [0, 0]],
                    constant_values=tf.cast(fill, images.dtype))
    # output[y, x] = input[y - dy, x - dx] = padded[y - dy + max_h, x - dx + max_w]
    rows = tf.range(h)[None, :, None] - dy[:, None, None] + max_h
    cols = tf.range(w)[None, None, :] - dx[:, None, None] + max_w
    index = tf.stack([tf.broadcast_to(rows, (batch, h, w)), tf.broadcast_to(cols, (batch, h, w))],
                     axis=-1)
    return tf.gather_nd(padded, index, batch_dims=1)


def cutout(images, ratio=0.5, fill=0.0, seed=None):
    """Sets a random square of `ratio` of the side of each image to `fill`."""
    images = tf.convert_to_tensor(images)
    batch, h, w = tf.shape(images)[0], images.shape[1], images.shape[2]
    size_h, size_w = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = tf.cast(keras.random.randint((batch, 1, 1), 0, h + (1 - size_h % 2), seed=seed),
                 tf.int32)
    cx = tf.cast(keras.random.randint((batch, 1, 1), 0, w + (1 - size_w % 2), seed=seed),
                 tf.int32)
    y = tf.range(h)[None, :, None]
    x = tf.range(w)[None, None, :]
    inside = ((y >= cy - size_h // 2) & (y < cy - size_h // 2 + size_h)
              & (x >= cx - size_w // 2) & (x < cx - size_w // 2 + size_w))
    return tf.where(inside[..., None], tf.cast(fill, images.dtype), images)


def color(images, seed=None):
    """Random brightness, saturation (RGB only) and contrast per image."""
    images = tf.convert_to_tensor(images)
    batch = tf.shape(images)[0]
    dtype = images.dtype

    def draw(lo, hi):
        return tf.cast(keras.random.uniform((batch, 1, 1, 1), lo, hi, seed=seed), dtype)

    images = images + draw(-0.5, 0.5)
    if images.shape[-1] == 3:
        mean = tf.reduce_mean(images, axis=-1, keepdims=True)
        images = (images - mean) * draw(0.0, 2.0) + mean
    mean = tf.reduce_mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * draw(0.5, 1.5) + mean


def diff_augment(images, policy, fill=0.0, seed=None):
    """Applies the policies of `policy` (see the module docstring) to a batch of images."""
    for name in parse_policy(policy):
        if name == "color":
            images = color(images, seed=seed)
        elif name == "translation":
            images = translate(images, fill=fill, seed=seed)
        else:
            images = cutout(images, fill=fill, seed=seed)
    return images
