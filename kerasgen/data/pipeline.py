"""The steps every kerasgen input pipeline ends with: cache, shuffle, repeat, batch, prefetch."""

import tensorflow as tf

from kerasgen.utils import check_positive_int

AUTOTUNE = tf.data.AUTOTUNE


def finish(ds, batch_size, shuffle, seed, repeat, drop_remainder, cache=True, buffer=10_000):
    """Caches, shuffles, repeats, batches and prefetches a dataset of single examples."""
    if batch_size is not None:
        check_positive_int(batch_size, "batch_size")
    if cache:
        ds = ds.cache()
    if shuffle:
        ds = ds.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    if batch_size is not None:
        ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(AUTOTUNE)


def resize(images, image_size):
    """Resizes a float image batch or image to `image_size` (int or (h, w)) with antialiasing."""
    size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    return tf.image.resize(images, size, method="area" if size[0] <= images.shape[-3] else
                           "bilinear", antialias=True)

