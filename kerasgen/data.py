"""tf.data input pipelines, batched and prefetched.

* `digits`: scikit-learn's bundled 8x8 handwritten digits (1,797 images, 17 grey levels 0..16),
  split as in Tomczak & Welling's VAE experiments: train = first 1000, val = next 350,
  test = last 447. Scaled to [-1, 1] by default, or the raw integer levels (`raw=True`).
* `toy`: mixtures of isotropic Gaussians (any means, std and weights), with the two of the PacGAN
  protocol (Lin et al. 2018) as named presets: `ring8` (8 modes on the unit circle at angles
  2*pi*k/8, std 0.01) and `grid25` (modes at {-4,-2,0,2,4}^2, std 0.05).
* `image_folder`: a folder of JPEG/PNG/BMP/GIF files, centre-cropped, resized, in [-1, 1].
* `from_tfds`: any TensorFlow Datasets image dataset (e.g. `lsun/bedroom`, `celeb_a`,
  `cycle_gan/horse2zebra`).
* `from_numpy`: an in-memory array.
* `unpaired`: zip two independently shuffled domains for unpaired translation.
"""

import collections
import os
import warnings

import numpy as np
import tensorflow as tf

from kerasgen.utils import check_positive_int

AUTOTUNE = tf.data.AUTOTUNE
DIGITS_SPLITS = {"train": (0, 1000), "val": (1000, 1350), "test": (1350, 1797)}
DIGITS_LEVELS = 17
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif")

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


def _finish(ds, batch_size, shuffle, seed, repeat, drop_remainder, cache=True, buffer=10_000):
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


def _resize(images, image_size):
    """Resizes a float image batch or image to `image_size` (int or (h, w)) with antialiasing."""
    size = (image_size, image_size) if isinstance(image_size, int) else tuple(image_size)
    return tf.image.resize(images, size, method="area" if size[0] <= images.shape[-3] else
                           "bilinear", antialias=True)


# ---------------------------------------------------------------------------------- digits
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
            x = tf.clip_by_value(_resize(x, image_size), 0.0, 1.0)
        x = x * 2.0 - 1.0
    if channels == 3:
        x = tf.repeat(x, 3, axis=-1)
    ds = tf.data.Dataset.from_tensor_slices((x, labels) if with_labels else x)
    if shuffle is None:
        shuffle = split == "train"
    return _finish(ds, batch_size, shuffle, seed, repeat, drop_remainder, buffer=2000)


# ---------------------------------------------------------------------------------- toy
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
        return _finish(tf.data.Dataset.from_tensor_slices(toy_samples(m, num_samples, seed)),
                       batch_size, False, seed, False, False, cache=False)
    means_t = tf.constant(m.means, tf.float32)
    std_t = tf.constant(m.std, tf.float32)
    logits = tf.constant(np.log(np.maximum(m.weights, 1e-30))[None], tf.float32)
    dims = m.means.shape[1]

    def draw(seed_pair):
        mode = tf.random.stateless_categorical(logits, 1, seed_pair, dtype=tf.int32)[0, 0]
        noise = tf.random.stateless_normal((dims,), seed_pair[::-1] + 1)
        return tf.gather(means_t, mode) + tf.gather(std_t, mode) * noise

    seeds = tf.data.Dataset.random(seed=seed).batch(2)
    ds = seeds.map(draw, num_parallel_calls=AUTOTUNE)
    return _finish(ds, batch_size, False, seed, False, False, cache=False)


# ---------------------------------------------------------------------------------- files
def _list_images(path, recursive=True):
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


def _check_image_file(filename, check="full"):
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


def _decode(contents, channels):
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
    files = _list_images(path, recursive)
    good = []
    for f in files:
        problem = None if check == "none" else _check_image_file(f, check)
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
        return center_crop_resize(_decode(tf.io.read_file(filename), channels), image_size)

    ds = ds.map(load, num_parallel_calls=AUTOTUNE)
    if on_error == "skip":
        ds = ds.ignore_errors(log_warning=True)
    return _finish(ds, batch_size, False, seed, repeat, drop_remainder, cache=cache)


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
    return _finish(ds, batch_size, shuffle, seed, repeat, drop_remainder, cache=False)


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
    return _finish(ds, batch_size, shuffle, seed, repeat, drop_remainder, cache=False,
                   buffer=len(first))


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
        files = _list_images(folder, recursive=False)
        names[key] = {os.path.basename(f): f for f in files}
    missing = sorted(set(names["input"]) ^ set(names["target"]))
    if missing:
        raise ValueError(f"Paired folders {os.fspath(input_dir)!r} and {os.fspath(target_dir)!r} "
                         f"do not match: {missing[:5]} present in only one of them.")
    keys = sorted(names["input"])
    for key in keys:
        for side in ("input", "target"):
            problem = _check_image_file(names[side][key])
            if problem:
                raise ValueError(f"Cannot read image file {names[side][key]!r}: {problem}.")
    target_channels = target_channels or channels
    ds = tf.data.Dataset.from_tensor_slices(([names["input"][k] for k in keys],
                                             [names["target"][k] for k in keys]))
    if shuffle:
        ds = ds.shuffle(len(keys), seed=seed, reshuffle_each_iteration=True)

    def load(a, b):
        return (center_crop_resize(_decode(tf.io.read_file(a), channels), image_size),
                center_crop_resize(_decode(tf.io.read_file(b), target_channels), image_size))

    ds = ds.map(load, num_parallel_calls=AUTOTUNE)
    return _finish(ds, batch_size, False, seed, repeat, False, cache=False)


# ---------------------------------------------------------------------------------- mappings
def _gamma(x, gamma):
    return 2.0 * np.power(np.clip((x + 1.0) / 2.0, 0.0, 1.0), gamma) - 1.0


def _affine(x, scale, offset):
    return scale * x + offset


def _shift(x, dy, dx):
    return np.roll(x, (int(dy), int(dx)), axis=(-3, -2))


def _permute_channels(x, order):
    order = list(order)
    if x.shape[-1] != len(order) or sorted(order) != list(range(len(order))):
        raise ValueError(f"`order` {order} must permute the {x.shape[-1]} channels of the "
                         f"images.")
    return x[..., order]


#: invertible mappings of images (N, H, W, C) in [-1, 1]: name -> (function, default parameters)
IMAGE_MAPPINGS = {
    "invert": (lambda x: -x, {}),
    "gamma": (_gamma, {"gamma": 0.5}),
    "affine": (_affine, {"scale": 0.6, "offset": -0.3}),
    "hflip": (lambda x: x[..., :, ::-1, :], {}),
    "vflip": (lambda x: x[..., ::-1, :, :], {}),
    "rot90": (lambda x, k=1: np.rot90(x, k, axes=(-3, -2)), {"k": 1}),
    "transpose": (lambda x: np.swapaxes(x, -3, -2), {}),
    "shift": (_shift, {"dy": 2, "dx": 3}),
    "permute_channels": (_permute_channels, {"order": [1, 2, 0]}),
}


def image_mapping(mapping):
    """A known invertible mapping of images in [-1, 1], as a function of NumPy arrays.

    Args:
        mapping: a name of `IMAGE_MAPPINGS` ("invert", "gamma", "affine", "hflip", "vflip",
            "rot90", "transpose", "shift", "permute_channels"), or a dict `{"name": ...,
            **parameters}` (e.g. `{"name": "gamma", "gamma": 2.0}`, `{"name": "rot90", "k": 3}`,
            `{"name": "shift", "dy": -1, "dx": 2}` (cyclic), `{"name": "affine", "scale": 0.5,
            "offset": 0.2}`, `{"name": "permute_channels", "order": [2, 0, 1]}`).

    Example:
        >>> f = image_mapping({"name": "gamma", "gamma": 2.0})
        >>> f(np.array([[[[-1.0], [0.0], [1.0]]]])).ravel().tolist()
        [-1.0, -0.5, 1.0]
    """
    spec = {"name": mapping} if isinstance(mapping, str) else dict(mapping or {})
    name = spec.pop("name", None)
    if name not in IMAGE_MAPPINGS:
        raise ValueError(f"Unknown image mapping {name!r}; expected one of "
                         f"{', '.join(sorted(IMAGE_MAPPINGS))} (a name or a dict with 'name').")
    function, defaults = IMAGE_MAPPINGS[name]
    unknown = sorted(set(spec) - set(defaults))
    if unknown:
        raise ValueError(f"Image mapping {name!r} takes {sorted(defaults) or 'no parameters'}; "
                         f"got {unknown}.")
    params = dict(defaults, **spec)
    return lambda images: np.ascontiguousarray(
        function(np.asarray(images, np.float32), **params), dtype=np.float32)


def mapping_name(mapping):
    """A short label of a mapping spec, e.g. 'gamma(gamma=2.0)'."""
    if isinstance(mapping, str):
        return mapping
    spec = dict(mapping)
    name = spec.pop("name")
    return f"{name}({', '.join(f'{k}={v}' for k, v in sorted(spec.items()))})" if spec else name


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
        return _finish(ds, batch_size, True, seed, repeat, False, cache=False, buffer=len(images))
    half = len(images) // 2
    ds_x = tf.data.Dataset.from_tensor_slices(images[:half]).repeat()
    ds_y = tf.data.Dataset.from_tensor_slices(t(images[half:])).repeat()
    ds = unpaired(ds_x, ds_y, shuffle_buffer=half, seed=seed)
    if not repeat:
        ds = ds.take(half)
    return ds.batch(batch_size).prefetch(AUTOTUNE)


def unpaired_tfds(name, image_size=256, batch_size=1, seed=None, data_dir=None, download=True,
                  repeat=False):
    """The `trainA`/`trainB` domains of a tfds CycleGAN dataset (e.g. cycle_gan/horse2zebra),
    unpaired and batched."""
    a, b = (from_tfds(name, split=s, image_size=image_size, batch_size=None, seed=seed,
                      data_dir=data_dir, download=download) for s in ("trainA", "trainB"))
    ds = unpaired(a, b, seed=seed)
    return (ds.repeat() if repeat else ds).batch(batch_size).prefetch(AUTOTUNE)


def unpaired_folders(path, image_size=256, channels=3, batch_size=1, seed=None, repeat=False):
    """The trainA/trainB folders of a CycleGAN-layout directory, unpaired and batched."""
    a, b = cyclegan_folders(path, "train", image_size, channels, seed=seed)
    ds = unpaired(a, b, seed=seed)
    return (ds.repeat() if repeat else ds).batch(batch_size).prefetch(AUTOTUNE)


def paired_dataset(path, image_size=256, channels=3, batch_size=1, seed=None, repeat=False):
    """pix2pix data from `path/input` and `path/target` folders with matching file names."""
    return paired_folders(os.path.join(path, "input"), os.path.join(path, "target"), image_size,
                          channels, batch_size=batch_size, seed=seed, repeat=repeat)


# ---------------------------------------------------------------------------------- natural images
#: Natural photographs bundled in the scikit-image wheel (read from its data folder; the images
#: skimage would download instead, e.g. `lily` or `kidney`, are not used) and scikit-learn's two
#: sample images. Split by image: the test images are never seen in training.
NATURAL_IMAGES = {
    "train": ("rocket", "hubble_deep_field", "immunohistochemistry", "retina", "motorcycle",
              "brick", "grass", "gravel", "coins", "moon", "page", "text", "cell", "china",
              "flower"),
    "test": ("astronaut", "camera", "chelsea", "coffee"),
}
_SKIMAGE_FILES = {
    "astronaut": "astronaut.png", "camera": "camera.png", "chelsea": "chelsea.png",
    "coffee": "coffee.png", "rocket": "rocket.jpg", "hubble_deep_field": "hubble_deep_field.jpg",
    "immunohistochemistry": "ihc.png", "retina": "retina.jpg", "motorcycle":
    "motorcycle_left.png", "brick": "brick.png", "grass": "grass.png", "gravel": "gravel.png",
    "coins": "coins.png", "moon": "moon.png", "page": "page.png", "text": "text.png",
    "cell": "cell.png",
}
_NATURAL_CACHE = {}


def natural_image(name):
    """One bundled natural image as a uint8 RGB array (H, W, 3); grey images are repeated.

    Example:
        >>> natural_image("astronaut").shape
        (512, 512, 3)
    """
    if name not in _NATURAL_CACHE:
        if name in ("china", "flower"):
            from sklearn.datasets import load_sample_image

            image = load_sample_image(f"{name}.jpg")
        elif name in _SKIMAGE_FILES:
            try:
                import skimage.data
            except ImportError as e:
                raise ImportError("The bundled natural images need scikit-image "
                                  "(pip install scikit-image).") from e
            path = os.path.join(os.path.dirname(skimage.data.__file__), _SKIMAGE_FILES[name])
            if not os.path.isfile(path):
                raise FileNotFoundError(f"{path!r} is not in this scikit-image wheel; kerasgen "
                                        "reads only the bundled images and never downloads.")
            from PIL import Image

            with Image.open(path) as im:
                image = np.asarray(im.convert("RGB"))
        else:
            known = sorted(NATURAL_IMAGES["train"] + NATURAL_IMAGES["test"])
            raise ValueError(f"Unknown natural image {name!r}; expected one of {known}.")
        _NATURAL_CACHE[name] = np.asarray(image, dtype=np.uint8)
    return _NATURAL_CACHE[name]


def natural_images(split="train"):
    """The bundled natural images of a split as a list of uint8 RGB arrays of various sizes."""
    if split not in NATURAL_IMAGES:
        raise ValueError(f"Unknown natural-images split {split!r}; expected one of "
                         f"{sorted(NATURAL_IMAGES)}.")
    return [natural_image(name) for name in NATURAL_IMAGES[split]]


def downscale(images, scale):
    """Bicubic downsampling with antialiasing (as MATLAB's imresize), quantized to 8 bits.

    `images` (N, H, W, C) in [-1, 1] with H and W multiples of `scale`; returns (N, H/s, W/s, C).
    """
    images = tf.convert_to_tensor(images, tf.float32)
    h, w = int(images.shape[1]), int(images.shape[2])
    if h % scale or w % scale:
        raise ValueError(f"Image size {(h, w)} is not a multiple of the scale {scale}.")
    small = tf.image.resize((images + 1.0) / 2.0, (h // scale, w // scale), method="bicubic",
                            antialias=True)
    return tf.round(tf.clip_by_value(small, 0.0, 1.0) * 255.0) / 127.5 - 1.0


def bicubic_upscale(images, scale):
    """Bicubic upsampling by `scale` (the super-resolution baseline), clipped to [-1, 1]."""
    images = tf.convert_to_tensor(images, tf.float32)
    h, w = int(images.shape[1]), int(images.shape[2])
    up = tf.image.resize(images, (h * scale, w * scale), method="bicubic")
    return tf.clip_by_value(up, -1.0, 1.0)


def super_resolution(split="train", scale=4, patch_size=96, batch_size=16, seed=None,
                     repeat=False, num_patches=None, min_patch_std=0.0):
    """(low-resolution, high-resolution) pairs of the bundled natural images, in [-1, 1].

    Training patches are random `patch_size` crops (HR) of a uniformly chosen training image,
    with random horizontal and vertical flips and 90-degree rotations; the LR input is the patch
    downscaled by `scale` (`downscale`: bicubic with antialiasing, 8-bit). The stream is endless
    unless `num_patches` is given; it is seeded. The test images are evaluated whole
    (`kerasgen.evaluation`), never cropped here.

    Args:
        split: "train" or "test" (test crops are for quick checks only).
        scale: the upscaling factor (4 in the paper).
        patch_size: HR crop side, a multiple of `scale` (96 in the paper).
        num_patches: None for an endless stream, else the number of patches.
        min_patch_std: crops whose standard deviation (in 8-bit levels, 0-255) is below this
            are drawn again: flat sky, blank paper and dark background teach the network
            nothing but cost a step (0: keep every crop).

    Example:
        >>> lr, hr = next(iter(super_resolution(scale=4, patch_size=32, batch_size=2, seed=0)))
        >>> lr.shape, hr.shape
        (TensorShape([2, 8, 8, 3]), TensorShape([2, 32, 32, 3]))
    """
    scale = check_positive_int(scale, "scale")
    patch_size = check_positive_int(patch_size, "patch_size")
    if patch_size % scale:
        raise ValueError(f"`patch_size` {patch_size} must be a multiple of `scale` {scale}.")
    min_patch_std = float(min_patch_std)
    if not 0.0 <= min_patch_std < 128.0:
        raise ValueError(f"`min_patch_std` must be in [0, 128) 8-bit levels, got "
                         f"{min_patch_std}.")
    images = [im for im in natural_images(split) if min(im.shape[:2]) >= patch_size]
    if not images:
        raise ValueError(f"No {split} image is at least {patch_size} px on each side.")

    def patches():
        rng = np.random.default_rng(seed)
        count = rejected = 0
        while num_patches is None or count < num_patches:
            im = images[rng.integers(len(images))]
            y = rng.integers(im.shape[0] - patch_size + 1)
            x = rng.integers(im.shape[1] - patch_size + 1)
            patch = im[y:y + patch_size, x:x + patch_size]
            if min_patch_std and patch.std() < min_patch_std:
                rejected += 1
                if rejected >= 1000:
                    raise ValueError(f"1000 {split} crops in a row had a standard deviation "
                                     f"below `min_patch_std` {min_patch_std}; lower it.")
                continue
            rejected = 0
            if rng.random() < 0.5:
                patch = patch[:, ::-1]
            if rng.random() < 0.5:
                patch = patch[::-1]
            patch = np.rot90(patch, rng.integers(4))
            count += 1
            yield np.ascontiguousarray(patch)

    ds = tf.data.Dataset.from_generator(
        patches, output_signature=tf.TensorSpec((patch_size, patch_size, 3), tf.uint8))
    if repeat and num_patches is not None:
        ds = ds.repeat()
    ds = ds.batch(check_positive_int(batch_size, "batch_size"))

    def pair(hr):
        hr = tf.cast(hr, tf.float32) / 127.5 - 1.0
        return downscale(hr, scale), hr

    return ds.map(pair, num_parallel_calls=AUTOTUNE).prefetch(AUTOTUNE)


def super_resolution_tfds(name="div2k/bicubic_x4", split="train", scale=4, patch_size=96,
                          batch_size=16, seed=None, data_dir=None, download=True, repeat=False):
    """(LR, HR) random aligned crops of a tfds super-resolution dataset (`lr`/`hr` features),
    e.g. DIV2K (Agustsson & Timofte 2017) with its bicubic x4 LR images, in [-1, 1], with flips.

    Raises:
        RuntimeError: the dataset is neither in `data_dir` nor downloadable; the message says
            how to prepare it (`tfds build div2k/bicubic_x4 --data_dir=DIR`, then `--data=DIR`).
    """
    import tensorflow_datasets as tfds

    if patch_size % scale:
        raise ValueError(f"`patch_size` {patch_size} must be a multiple of `scale` {scale}.")
    try:
        ds = tfds.load(name, split=split, data_dir=data_dir, download=download,
                       shuffle_files=True)
    except Exception as e:  # offline: DatasetNotFoundError, or a failed download
        raise RuntimeError(
            f"tfds dataset {name!r} could not be loaded from data_dir={data_dir!r} "
            f"({type(e).__name__}: {str(e)[:200]}). Prepare it where there is internet with "
            f"`tfds build {name} --data_dir=DIR` and pass --data=DIR; the offline alternative "
            "is the bundled natural images (recipes srresnet_natural, srgan_natural).") from e
    lr_size = patch_size // scale
    seed_pair = (0 if seed is None else int(seed), 1)

    def crop(index, example):
        s = tf.random.experimental.stateless_fold_in(seed_pair, index)
        lr, hr = example["lr"], example["hr"]
        shape = tf.shape(lr)
        y = tf.random.stateless_uniform((), s, 0, shape[0] - lr_size + 1, tf.int32)
        x = tf.random.stateless_uniform((), s[::-1], 0, shape[1] - lr_size + 1, tf.int32)
        lr = lr[y:y + lr_size, x:x + lr_size]
        hr = hr[y * scale:(y + lr_size) * scale, x * scale:(x + lr_size) * scale]
        flip = tf.random.stateless_uniform((), s + 1) < 0.5
        lr, hr = tf.cond(flip, lambda: (lr[:, ::-1], hr[:, ::-1]), lambda: (lr, hr))
        return tf.cast(lr, tf.float32) / 127.5 - 1.0, tf.cast(hr, tf.float32) / 127.5 - 1.0

    ds = ds.enumerate().map(crop, num_parallel_calls=AUTOTUNE)
    if repeat:
        ds = ds.repeat()
    return ds.shuffle(256, seed=seed).batch(batch_size).prefetch(AUTOTUNE)


# ---------------------------------------------------------------------------------- moving digits
def _bounce(start, velocity, steps, extent):
    """Positions start + v t reflected into [0, extent] (a triangle wave), rounded to pixels."""
    u = start[..., None] + velocity[..., None] * np.arange(steps)
    folded = extent - np.abs(np.mod(u, 2 * extent) - extent)
    return np.rint(folded).astype(np.int64)


def moving_digits_array(split="train", num_sequences=256, sequence_length=10, num_digits=1,
                        canvas_size=32, speed=(1.5, 3.0), seed=0):
    """Sequences of 8x8 digits bouncing on a canvas, as a float32 array in [-1, 1].

    Each digit starts at a uniform position with a uniform direction and a speed in `speed`
    pixels per frame; it moves in a straight line and bounces off the canvas walls (positions are
    rounded to whole pixels, so a speed of 1.5 moves 1, 2, 1, 2 ... pixels). With speeds of at
    least 1.5 (the default) one coordinate changes by at least a pixel every frame, except
    rarely at a bounce. Several digits
    combine by their maximum. Digits are drawn from the split of `kerasgen.data.digits`
    ("train": the first 1000 images, "test": the last 447), so train and test sequences use
    different digit images.

    Returns:
        (num_sequences, sequence_length, canvas_size, canvas_size, 1) float32, background -1.

    Example:
        >>> seq = moving_digits_array("test", num_sequences=2, sequence_length=3, seed=0)
        >>> seq.shape, float(seq.min()), float(seq.max()) <= 1.0
        ((2, 3, 32, 32, 1), -1.0, True)
    """
    num_sequences = check_positive_int(num_sequences, "num_sequences")
    sequence_length = check_positive_int(sequence_length, "sequence_length")
    num_digits = check_positive_int(num_digits, "num_digits")
    canvas_size = check_positive_int(canvas_size, "canvas_size")
    if canvas_size < 8:
        raise ValueError(f"`canvas_size` must be >= 8 (the digits are 8x8), got {canvas_size}.")
    lo, hi = (float(s) for s in speed)
    if not 0 <= lo <= hi:
        raise ValueError(f"`speed` must be (low, high) with 0 <= low <= high, got {speed!r}.")
    digits_images, _ = load_digits_array(split, raw=True)
    digits_images = digits_images.astype(np.float32) / 16.0
    rng = np.random.default_rng(seed)
    extent = canvas_size - 8
    canvas = np.zeros((num_sequences, sequence_length, canvas_size, canvas_size), np.float32)
    n_idx = np.arange(num_sequences)[:, None, None, None]
    t_idx = np.arange(sequence_length)[None, :, None, None]
    offsets = np.arange(8)
    for _ in range(num_digits):
        picks = digits_images[rng.integers(len(digits_images), size=num_sequences)]
        start = rng.uniform(0, extent, size=(num_sequences, 2))
        angle = rng.uniform(0, 2 * np.pi, size=num_sequences)
        speeds = rng.uniform(lo, hi, size=num_sequences)
        velocity = np.stack([np.sin(angle), np.cos(angle)], -1) * speeds[:, None]
        pos = _bounce(start, velocity, sequence_length, extent)  # (n, 2, T)
        rows = pos[:, 0, :, None, None] + offsets[:, None]  # (n, T, 8, 1): canvas rows
        cols = pos[:, 1, :, None, None] + offsets[None, :]  # (n, T, 1, 8): canvas columns
        layer = np.zeros_like(canvas)
        layer[n_idx, t_idx, rows, cols] = picks[:, None]
        canvas = np.maximum(canvas, layer)
    return (canvas * 2.0 - 1.0)[..., None]


def moving_digits(split="train", context_frames=4, batch_size=32, num_sequences=None,
                  sequence_length=None, num_digits=1, canvas_size=32, speed=(1.5, 3.0),
                  seed=None, repeat=False):
    """Moving digits for next-frame prediction as a tf.data pipeline.

    With `num_sequences=None` the training stream is endless: chunks of 1,024 new sequences are
    generated on the fly from `seed`. Each element is `(context, next_frame)`: `context` the
    first `context_frames` frames (k, H, W, 1) and `next_frame` the one after; with
    `sequence_length` longer than k + 1 (for multi-step evaluation) each element is the whole
    sequence instead.

    Args:
        split: "train" or "test" digit images (see `moving_digits_array`).
        context_frames: k, the frames the model sees.
        num_sequences: a finite dataset of that many sequences, or None for an endless stream.
        sequence_length: frames per sequence (default k + 1).

    Example:
        >>> context, target = next(iter(moving_digits(batch_size=4, seed=0)))
        >>> context.shape, target.shape
        (TensorShape([4, 4, 32, 32, 1]), TensorShape([4, 32, 32, 1]))
    """
    context_frames = check_positive_int(context_frames, "context_frames")
    length = int(sequence_length or context_frames + 1)
    if length <= context_frames:
        raise ValueError(f"`sequence_length` ({length}) must exceed `context_frames` "
                         f"({context_frames}).")
    kwargs = dict(split=split, sequence_length=length, num_digits=num_digits,
                  canvas_size=canvas_size, speed=speed)

    def as_example(seq):
        if length == context_frames + 1:
            return seq[:context_frames], seq[context_frames]
        return seq

    if num_sequences is not None:
        ds = tf.data.Dataset.from_tensor_slices(
            moving_digits_array(num_sequences=num_sequences, seed=seed, **kwargs))
        if repeat:
            ds = ds.repeat()
    else:
        shape = (length, canvas_size, canvas_size, 1)

        def chunks():
            chunk_seed = np.random.SeedSequence(seed)
            while True:
                chunk_seed, child = chunk_seed.spawn(2)
                yield moving_digits_array(num_sequences=1024, seed=child, **kwargs)

        ds = tf.data.Dataset.from_generator(
            chunks, output_signature=tf.TensorSpec((None,) + shape, tf.float32)).unbatch()
        ds = ds.shuffle(1024, seed=seed)
    ds = ds.map(as_example, num_parallel_calls=AUTOTUNE)
    return ds.batch(check_positive_int(batch_size, "batch_size")).prefetch(AUTOTUNE)
