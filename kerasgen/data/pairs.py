"""Two domains for image-to-image translation: unpaired (CycleGAN) or aligned pairs (pix2pix),
from folders, TensorFlow Datasets, or digits under a known mapping."""

import os

import tensorflow as tf

from kerasgen.data.sklearn_digits import digits_images
from kerasgen.data.images import (center_crop_resize, check_image_file, decode, from_tfds,
                                  image_folder, list_images)
from kerasgen.data.mappings import image_mapping
from kerasgen.data.pipeline import AUTOTUNE, finish


def unpaired(ds_x, ds_y, shuffle_buffer=1000, seed=None):
    """Zips two *unbatched* or batched domains independently: the shorter one is repeated.

    Each domain is shuffled on its own (different seeds), so pairs carry no correspondence.
    Both datasets must be finite or both endless. Yields `(x, y)`.
    """
    len_x = ds_x.cardinality().numpy()
    len_y = ds_y.cardinality().numpy()
    if len_x == 0 or len_y == 0:
        raise ValueError("unpaired() got an empty domain dataset.")
    if shuffle_buffer:
        s = None if seed is None else seed + 1
        ds_x = ds_x.shuffle(shuffle_buffer, seed=seed)
        ds_y = ds_y.shuffle(shuffle_buffer, seed=s)
    if len_x >= 0 and len_y >= 0 and len_x != len_y:
        if len_x < len_y:
            ds_x = ds_x.repeat()
        else:
            ds_y = ds_y.repeat()
    return tf.data.Dataset.zip((ds_x, ds_y)).prefetch(AUTOTUNE)


def cyclegan_folders(root, split="train", image_size=256, channels=3, **kwargs):
    """The two domains of a CycleGAN-layout folder (`trainA/ trainB/ testA/ testB/`).

    Returns `(ds_a, ds_b)`, unbatched image datasets in [-1, 1]; pair them with `unpaired` and
    batch. Extra keyword arguments go to `image_folder` (shuffle, on_error, check, ...).
    """
    if split not in ("train", "test"):
        raise ValueError(f"`split` must be 'train' or 'test', got {split!r}.")
    root = os.fspath(root)
    if not os.path.isdir(root):
        raise FileNotFoundError(f"CycleGAN data folder not found: {root!r}.")
    return tuple(image_folder(os.path.join(root, split + domain), image_size, channels,
                              batch_size=None, **kwargs) for domain in ("A", "B"))


def paired_folders(input_dir, target_dir, image_size=256, channels=3, target_channels=None,
                   batch_size=64, shuffle=True, seed=None, repeat=False):
    """Aligned (input, target) pairs for pix2pix from two folders with the same file names.

    A file present in one folder and not the other is an error that names it.
    """
    names = {}
    for key, folder in (("input", input_dir), ("target", target_dir)):
        files = list_images(folder, recursive=False)
        names[key] = {os.path.basename(f): f for f in files}
    missing = sorted(set(names["input"]) ^ set(names["target"]))
    if missing:
        raise ValueError(f"Paired folders {os.fspath(input_dir)!r} and {os.fspath(target_dir)!r} "
                         f"do not match: {missing[:5]} present in only one of them.")
    keys = sorted(names["input"])
    for key in keys:
        for side in ("input", "target"):
            problem = check_image_file(names[side][key])
            if problem:
                raise ValueError(f"Cannot read image file {names[side][key]!r}: {problem}.")
    target_channels = target_channels or channels
    ds = tf.data.Dataset.from_tensor_slices(([names["input"][k] for k in keys],
                                             [names["target"][k] for k in keys]))
    if shuffle:
        ds = ds.shuffle(len(keys), seed=seed, reshuffle_each_iteration=True)

    def load(a, b):
        return (center_crop_resize(decode(tf.io.read_file(a), channels), image_size),
                center_crop_resize(decode(tf.io.read_file(b), target_channels), image_size))

    ds = ds.map(load, num_parallel_calls=AUTOTUNE)
    return finish(ds, batch_size, False, seed, repeat, False, cache=False)



def digits_translation(mapping="invert", image_size=16, batch_size=32, paired=False,
                       split="train", seed=None, repeat=False, channels=1, tint_seed=None):
    """Digits in domain X and T(digits) in domain Y for a known invertible mapping T.

    With `paired=False` (CycleGAN), X is the first half of the split and Y is T of the *other*
    half, each shuffled on its own, so no pair (x, T(x)) is ever seen. With `paired=True`
    (pix2pix), the batches are aligned pairs (x, T(x)) of the whole split.

    Args:
        mapping: any mapping `image_mapping` accepts (a name or a dict with parameters).
        channels, tint_seed: grey digits, or RGB digits each in its own colour (see
            `digits_images`), e.g. for `permute_channels`.

    Example:
        >>> ds = digits_translation({"name": "rot90"}, image_size=8, batch_size=4, seed=0)
        >>> [t.shape for t in next(iter(ds))]
        [TensorShape([4, 8, 8, 1]), TensorShape([4, 8, 8, 1])]
    """
    t = image_mapping(mapping)
    images = digits_images(split, image_size, channels, tint_seed)
    if paired:
        ds = tf.data.Dataset.from_tensor_slices((images, t(images)))
        return finish(ds, batch_size, True, seed, repeat, False, cache=False, buffer=len(images))
    half = len(images) // 2
    ds_x = tf.data.Dataset.from_tensor_slices(images[:half]).repeat()
    ds_y = tf.data.Dataset.from_tensor_slices(t(images[half:])).repeat()
    ds = unpaired(ds_x, ds_y, shuffle_buffer=half, seed=seed)
    if not repeat:
        ds = ds.take(half)
    return ds.batch(batch_size).prefetch(AUTOTUNE)


DIRECTIONS = ("AtoB", "BtoA")


def _oriented(a, b, direction):
    """(x, y) = (A, B) for "AtoB", (B, A) for "BtoA": the reference's `--direction` option."""
    if direction not in DIRECTIONS:
        raise ValueError(f"`direction` must be 'AtoB' or 'BtoA', got {direction!r}.")
    return (a, b) if direction == "AtoB" else (b, a)


def unpaired_tfds(name, image_size=256, batch_size=1, seed=None, data_dir=None, download=True,
                  repeat=False, direction="AtoB"):
    """The `trainA`/`trainB` domains of a tfds CycleGAN dataset (e.g. cycle_gan/horse2zebra),
    unpaired and batched as (x, y): (A, B), or (B, A) with `direction="BtoA"` (the reference's
    `--direction`; e.g. the authors' `style_monet` maps monet2photo's B to A)."""
    splits = _oriented("trainA", "trainB", direction)
    x, y = (from_tfds(name, split=s, image_size=image_size, batch_size=None, seed=seed,
                      data_dir=data_dir, download=download) for s in splits)
    ds = unpaired(x, y, seed=seed)
    return (ds.repeat() if repeat else ds).batch(batch_size).prefetch(AUTOTUNE)


def unpaired_folders(path, image_size=256, channels=3, batch_size=1, seed=None, repeat=False,
                     direction="AtoB"):
    """The trainA/trainB folders of a CycleGAN-layout directory, unpaired and batched as (x, y):
    (A, B), or (B, A) with `direction="BtoA"`."""
    a, b = cyclegan_folders(path, "train", image_size, channels, seed=seed)
    ds = unpaired(*_oriented(a, b, direction), seed=seed)
    return (ds.repeat() if repeat else ds).batch(batch_size).prefetch(AUTOTUNE)


def paired_dataset(path, image_size=256, channels=3, batch_size=1, seed=None, repeat=False):
    """pix2pix data from `path/input` and `path/target` folders with matching file names."""
    return paired_folders(os.path.join(path, "input"), os.path.join(path, "target"), image_size,
                          channels, batch_size=batch_size, seed=seed, repeat=repeat)


# ---------------------------------------------------------------------------------- natural images
#: Natural photographs bundled in the scikit-image wheel (read from its data folder; the images
