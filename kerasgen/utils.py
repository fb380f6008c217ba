"""Helpers shared by the library: atomic writes, file hashes and argument checks.

Nothing here depends on a model: the model base, the data pipelines, the presets and the metrics
all import from this module, never from each other for these.
"""

import hashlib
import numbers
import os
import shutil
import tempfile

import numpy as np


def write_atomically(path, writer):
    """Calls `writer(tmp_path)` and renames the result onto `path` only when it succeeded.

    Works for files and directories: a crash or an exception leaves any previous `path` intact
    and no half-written one behind.

    Example:
        >>> import os, tempfile
        >>> target = os.path.join(tempfile.mkdtemp(), "hello.txt")
        >>> _ = write_atomically(target, lambda tmp: open(tmp, "w").write("hi"))
        >>> open(target).read()
        'hi'
    """
    path = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp_dir = tempfile.mkdtemp(prefix=".tmp-" + os.path.basename(path) + "-", dir=parent)
    tmp_path = os.path.join(tmp_dir, os.path.basename(path))
    try:
        writer(tmp_path)
        if os.path.isdir(path) and not os.path.islink(path):
            # os.replace cannot replace a non-empty directory: move the old one aside first.
            old = tempfile.mkdtemp(prefix=".old-", dir=parent)
            os.replace(path, os.path.join(old, "x"))
            os.replace(tmp_path, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp_path, path)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return path


def sha256_of(path, chunk=1 << 20):
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def check_positive_int(value, name):
    """Returns `value` as an int, or raises ValueError naming the argument.

    Booleans, floats and strings are refused even when they look like integers.

    Example:
        >>> check_positive_int(3, "num_samples")
        3
        >>> check_positive_int(2.5, "num_samples")
        Traceback (most recent call last):
        ...
        ValueError: `num_samples` must be a positive integer, got 2.5 of type float.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"`{name}` must be a positive integer, got {value!r} "
                         f"of type {type(value).__name__}.")
    if value <= 0:
        raise ValueError(f"`{name}` must be a positive integer, got {value}.")
    return int(value)


def check_choice(value, name, choices):
    """Returns `value` if it is one of `choices`, else raises ValueError listing them."""
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {', '.join(map(repr, choices))}; "
                         f"got {value!r}.")
    return value


#: how far (as a share of the range's width) float inputs may stray outside the model's range
#: before they are refused: rounding and resampling overshoot, not another scale
RANGE_TOLERANCE = 0.005


def range_text(value_range):
    """How a model's pixel range reads in messages: "float32 in [-1, 1] or uint8 in [0, 255]"."""
    if value_range is None:
        return "finite float32 values"
    lo, hi = value_range
    return f"float32 in [{lo:g}, {hi:g}] or uint8 in [0, 255]"


def check_images(images, example_shape, value_range=(-1.0, 1.0), name="images", owner="model"):
    """The one check of the images a verb takes; returns `(batch, single)`.

    * uint8 images (0..255) are mapped linearly onto `value_range`, so a uint8 image and the
      same image in the model's range give the same result;
    * other inputs are read as float32 and must be finite and inside `value_range` (up to
      `RANGE_TOLERANCE` of its width, then clipped); the error names the range and the fix;
    * one example without the batch axis (`example_shape`) comes back with a batch axis of 1
      and `single=True`; a batch (n,) + `example_shape` with `single=False`; an empty batch,
      another rank or another size (`None` in `example_shape` = any) raises ValueError.

    Args:
        images: array-like (NumPy, a list, a tensor).
        example_shape: the shape of one example, e.g. (H, W, C); `None` entries match any size,
            and so do names ("T"), which messages show.
        value_range: the model's (lo, hi), or None for an unbounded model (uint8 refused).
        name: the argument's name in messages; `owner` the model's name.

    Example:
        >>> x, single = check_images(np.full((2, 2, 1), 255, np.uint8), (2, 2, 1))
        >>> x[..., 0], single
        (array([[[1., 1.],
                [1., 1.]]], dtype=float32), True)
        >>> check_images(np.full((1, 2, 2, 1), 255.0), (2, 2, 1), owner="CycleGAN")
        Traceback (most recent call last):
        ...
        ValueError: CycleGAN expects `images` as float32 in [-1, 1] or uint8 in [0, 255]; got float64 values in [255, 255]. Pass 0..255 pixels as uint8, or scale them to [-1, 1] first.
    """
    example_shape = tuple(example_shape)
    expected = ", ".join("H" if s is None and i == 0 and len(example_shape) == 3 else
                         "W" if s is None and i == 1 and len(example_shape) == 3 else
                         "any" if s is None else str(s) for i, s in enumerate(example_shape))
    example_shape = tuple(None if isinstance(s, str) else s for s in example_shape)
    one = f"({expected},)" if len(example_shape) == 1 else f"({expected})"
    wanted = f"{owner} expects `{name}` of shape {one} or (batch, {expected})"
    values = f"{owner} expects `{name}` as {range_text(value_range)}"
    if hasattr(images, "numpy") and not isinstance(images, np.ndarray):
        images = images.numpy()
    try:
        array = np.asarray(images)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{values}; got something that is not an array of numbers ({e}).") \
            from None
    if array.dtype == object or array.dtype.kind not in "biuf":
        raise ValueError(f"{values}; got an array of dtype {array.dtype}, not numbers.")
    rank = len(example_shape)
    single = array.ndim == rank
    if array.ndim not in (rank, rank + 1):
        raise ValueError(f"{wanted}; got shape {array.shape}.")
    batch = array[None] if single else array
    if batch.shape[0] == 0:
        raise ValueError(f"{wanted}; got an empty batch of shape {array.shape}.")
    if any(e is not None and s != e for s, e in zip(batch.shape[1:], example_shape)):
        raise ValueError(f"{wanted}; got shape {array.shape}.")
    if array.dtype == np.uint8:
        if value_range is None:
            raise ValueError(f"{owner} has no bounded pixel range, so uint8 `{name}` cannot be "
                             "mapped onto it; pass float32 values in the model's own units.")
        lo, hi = value_range
        return (lo + batch.astype(np.float32) * np.float32((hi - lo) / 255.0)).astype(
            np.float32), single
    if array.dtype.kind == "b":
        raise ValueError(f"{values}; got booleans.")
    batch = batch.astype(np.float32)
    finite = np.isfinite(batch)
    if not finite.all():
        raise ValueError(f"{values}; got {int(np.sum(~finite))} NaN or infinite value(s).")
    if value_range is not None:
        lo, hi = value_range
        slack = RANGE_TOLERANCE * (hi - lo)
        low, high = float(batch.min()), float(batch.max())
        if low < lo - slack or high > hi + slack:
            raise ValueError(f"{values}; got {array.dtype} values in [{low:g}, {high:g}]. "
                             f"Pass 0..255 pixels as uint8, or scale them to "
                             f"[{lo:g}, {hi:g}] first.")
        batch = np.clip(batch, lo, hi)
    return batch, single
