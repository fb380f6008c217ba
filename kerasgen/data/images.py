"""Image files and arrays as pipelines in [-1, 1]: a folder, a TensorFlow Datasets dataset, an
in-memory array."""

import os
import warnings

import numpy as np
import tensorflow as tf

from kerasgen.data.pipeline import AUTOTUNE, finish

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")


def list_images(path, recursive=True):
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"Image folder not found: {path!r}.")
    if not os.path.isdir(path):
        raise NotADirectoryError(f"Not a folder: {path!r} (image_folder expects a directory).")
    files = []
    for root, dirs, names in os.walk(path):
        dirs.sort()
        files.extend(os.path.join(root, n) for n in sorted(names)
                     if n.lower().endswith(IMAGE_EXTENSIONS))
        if not recursive:
            break
    if not files:
        raise ValueError(
            f"No image files ({', '.join(IMAGE_EXTENSIONS)}) in folder {path!r}."
        )
    return files


def check_image_file(filename, check="full"):
    """Returns None when the file reads as an image, else the reason it does not.

    check="full" decodes the whole image (catches truncated files); "header" only parses the
    header and structure (much faster on large folders).
    """
    from PIL import Image

    try:
        with Image.open(filename) as im:
            if check == "full":
                im.load()
            else:
                im.verify()
    except Exception as e:  # PIL raises many types for bad files
        return f"{type(e).__name__}: {e}"
    return None


def decode(contents, channels):
    # GIF decodes only to RGB: decode everything as RGB, then convert to grey when asked.
    image = tf.io.decode_image(contents, channels=3, expand_animations=False)
    image.set_shape((None, None, 3))
    if channels == 1:
        image = tf.image.rgb_to_grayscale(image)
    return image


def center_crop_resize(image, image_size):
    """Crops the central square of an image (H, W, C) and resizes it; returns floats in [-1, 1]."""
    shape = tf.shape(image)
    h, w = shape[0], shape[1]
    side = tf.minimum(h, w)
    image = tf.image.crop_to_bounding_box(image, (h - side) // 2, (w - side) // 2, side, side)
    image = tf.cast(image, tf.float32) / 255.0
    size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    image = tf.image.resize(image, size, method="area", antialias=True)
    return tf.clip_by_value(image, 0.0, 1.0) * 2.0 - 1.0


def image_folder(path, image_size=64, channels=3, batch_size=64, shuffle=True, seed=None,
                 repeat=False, on_error="raise", recursive=True, cache=False,
                 drop_remainder=False, check="full"):
    """Images from a folder (JPEG, PNG, BMP, GIF), centre-cropped and resized, in [-1, 1].

    Every file is checked before the pipeline is built, so a broken file is reported by name
    instead of failing mid-epoch.

    Args:
        path: the folder (searched recursively unless `recursive=False`).
        image_size: output side in pixels, or (height, width).
        channels: 1 (grey) or 3 (RGB).
        on_error: "raise" (default) raises ValueError naming an unreadable or non-image file;
            "skip" leaves such files out with a warning.
        check: how files are checked up front: "full" decodes each once (catches truncation),
            "header" parses headers only (fast, for very large folders), "none" skips the check
            (a bad file then fails inside the pipeline, or is dropped when on_error="skip").

    Raises:
        FileNotFoundError: `path` does not exist.
        ValueError: no image in the folder, or (on_error="raise") a file that does not decode.
    """
    if on_error not in ("raise", "skip"):
        raise ValueError(f"`on_error` must be 'raise' or 'skip', got {on_error!r}.")
    if channels not in (1, 3):
        raise ValueError(f"`channels` must be 1 or 3, got {channels!r}.")
    if check not in ("full", "header", "none"):
        raise ValueError(f"`check` must be 'full', 'header' or 'none', got {check!r}.")
    files = list_images(path, recursive)
    good = []
    for f in files:
        problem = None if check == "none" else check_image_file(f, check)
        if problem is None:
            good.append(f)
        elif on_error == "raise":
            raise ValueError(f"Cannot read image file {f!r}: {problem}. Remove it or pass "
                             "on_error='skip'.")
        else:
            warnings.warn(f"Skipping unreadable image file {f!r}: {problem}")
    if not good:
        raise ValueError(f"No readable image in folder {os.fspath(path)!r}.")
    ds = tf.data.Dataset.from_tensor_slices(good)
    if shuffle:
        ds = ds.shuffle(len(good), seed=seed, reshuffle_each_iteration=True)

    def load(filename):
        return center_crop_resize(decode(tf.io.read_file(filename), channels), image_size)

    ds = ds.map(load, num_parallel_calls=AUTOTUNE)
    if on_error == "skip":
        ds = ds.ignore_errors(log_warning=True)
    return finish(ds, batch_size, False, seed, repeat, drop_remainder, cache=cache)


def from_tfds(name, split="train", image_size=64, batch_size=64, image_key="image", channels=None,
              shuffle=True, seed=None, repeat=False, data_dir=None, download=True,
              drop_remainder=False, crop=True):
    """An image dataset from TensorFlow Datasets, centre-cropped, resized, in [-1, 1].

    Args:
        name: a tfds name such as "lsun/bedroom", "celeb_a", "cycle_gan/horse2zebra", "mnist".
        split: a tfds split string ("train", "trainA", "test[:10%]", ...).
        image_key: the feature that holds the image.
        channels: convert to 1 or 3 channels; None keeps the dataset's.
        data_dir: tfds data directory (default: tfds's own, usually ~/tensorflow_datasets).
        download: let tfds download and prepare the data when it is missing.
        crop: centre-crop to a square before resizing.
    """
    import tensorflow_datasets as tfds

    ds = tfds.load(name, split=split, data_dir=data_dir, download=download,
                   shuffle_files=bool(shuffle))

    def load(example):
        if image_key not in example:
            raise ValueError(f"tfds dataset {name!r} has no feature {image_key!r}; it has "
                             f"{sorted(example)}.")
        image = example[image_key]
        if channels == 3 and image.shape[-1] == 1:
            image = tf.image.grayscale_to_rgb(image)
        elif channels == 1 and image.shape[-1] == 3:
            image = tf.image.rgb_to_grayscale(image)
        if crop:
            return center_crop_resize(image, image_size)
        image = tf.cast(image, tf.float32) / 255.0
        size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
        return tf.image.resize(image, size, antialias=True) * 2.0 - 1.0

    ds = ds.map(load, num_parallel_calls=AUTOTUNE)
    return finish(ds, batch_size, shuffle, seed, repeat, drop_remainder, cache=False)


def from_numpy(array, batch_size=64, shuffle=True, seed=None, repeat=False, value_range=None,
               drop_remainder=False):
    """A dataset from an in-memory array (or a tuple of arrays of equal length).

    Args:
        value_range: None keeps the values (as float32); `(low, high)` rescales linearly from
            that range to [-1, 1] (e.g. `(0, 255)` for uint8 images).
    """
    arrays = array if isinstance(array, tuple) else (array,)
    arrays = tuple(np.asarray(a) for a in arrays)
    if any(len(a) == 0 for a in arrays):
        raise ValueError("from_numpy got an empty array.")
    if len({len(a) for a in arrays}) != 1:
        raise ValueError(f"Arrays must have equal lengths, got {[len(a) for a in arrays]}.")
    first = arrays[0].astype(np.float32)
    if value_range is not None:
        lo, hi = value_range
        if not hi > lo:
            raise ValueError(f"`value_range` must be (low, high) with high > low, got "
                             f"{value_range!r}.")
        first = (first - lo) / (hi - lo) * 2.0 - 1.0
    arrays = (first,) + arrays[1:]
    ds = tf.data.Dataset.from_tensor_slices(arrays if len(arrays) > 1 else first)
    return finish(ds, batch_size, shuffle, seed, repeat, drop_remainder, cache=False,
                   buffer=len(first))
