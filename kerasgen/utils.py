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
