"""Where pretrained weights come from, and how they are checked before Keras reads them.

A recipe's weights resolve in this order: the preset shipped inside the package
(`kerasgen/zoo/weights/NAME/`), the cache (`$KERASGEN_HOME/NAME/`, default `~/.keras/kerasgen`),
then the recipe's URL through `keras.utils.get_file` with its sha256 (downloaded into a temporary
directory and moved into the cache only once the hash matched). When none is available the error
names the recipe, the cache path and the command that trains the weights; random weights are never
returned for `weights="pretrained"`.

Every weights file is checked before Keras opens it: it exists, starts with the HDF5 signature and,
when its preset metadata or recipe gives one, has the expected sha256. Keras's own errors (a
truncated file, weights of another architecture) are re-raised naming the file and the reason.
"""

import hashlib
import json
import os
import shutil
import tempfile
import warnings

import keras

from kerasgen import recipes

WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def shipped_preset_dir(name):
    """The directory of the preset shipped in the package for a recipe (may not exist)."""
    return os.path.join(os.path.dirname(recipes.zoo_package().__file__), "weights",
                        recipes.check_name(name))


def cache_dir(name=None):
    """`$KERASGEN_HOME` (default `~/.keras/kerasgen`), or a recipe's directory inside it."""
    home = os.environ.get("KERASGEN_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras", "kerasgen")
    return home if name is None else os.path.join(home, recipes.check_name(name))


def sha256_of(path, chunk=1 << 20):
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def preset_dir_in(directory):
    """`directory` if it holds a preset, else its `preset/` subdirectory (a training model_dir)."""
    for candidate in (directory, os.path.join(directory, "preset")):
        if os.path.isfile(os.path.join(candidate, WEIGHTS_FILE)) or os.path.isfile(
                os.path.join(candidate, "config.json")):
            return candidate
    return directory


def weights_file_in(directory):
    """The weights file of the preset in `directory`, or None."""
    path = os.path.join(preset_dir_in(directory), WEIGHTS_FILE)
    return path if os.path.isfile(path) else None


def download(name, url, sha256, force_download=False):
    """Downloads a recipe's weights into the cache, verified by sha256.

    The file is fetched with `keras.utils.get_file` into a temporary directory and moved into
    `cache_dir(name)` only after its hash matched, so a truncated or tampered download never
    enters the cache.
    """
    target_dir = cache_dir(name)
    target = os.path.join(target_dir, WEIGHTS_FILE)
    if os.path.isfile(target) and not force_download:
        if sha256 is None or sha256_of(target) == sha256:
            return target
    if not sha256:
        raise ValueError(f"Recipe {name!r} has a weights URL but no sha256; refusing to "
                         "download unverified weights.")
    os.makedirs(target_dir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".download-", dir=target_dir)
    try:
        try:
            path = keras.utils.get_file(fname=WEIGHTS_FILE, origin=url, cache_dir=tmp,
                                        cache_subdir=".", file_hash=sha256,
                                        hash_algorithm="sha256")
        except Exception as e:
            raise ValueError(f"Download of weights for recipe {name!r} from {url} failed: {e} "
                             "Nothing was written to the cache.") from e
        actual = sha256_of(path)
        if actual != sha256:  # belt and braces: get_file keeps a mismatching file
            raise ValueError(f"Weights for recipe {name!r} from {url} have sha256 {actual}, "
                             f"expected {sha256}; refused, nothing was written to the cache.")
        os.replace(path, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def expected_sha256(weights_path, recipe=None):
    """The sha256 a weights file must have: its preset's metadata, else the recipe's."""
    meta_path = os.path.join(os.path.dirname(weights_path), METADATA_FILE)
    if os.path.isfile(meta_path):
        try:
            with open(meta_path) as f:
                sha = json.load(f).get("weights_sha256")
        except (OSError, ValueError) as e:
            raise ValueError(f"Preset metadata {meta_path!r} is not valid JSON: {e}") from None
        if sha:
            return sha
    return ((recipe or {}).get("weights") or {}).get("sha256")


def resolve(name, recipe, offline=None, force_download=False):
    """Returns the path of a recipe's pretrained weights (see the module docstring for the order)."""
    if offline is None:
        offline = os.environ.get("KERASGEN_OFFLINE", "") not in ("", "0", "false", "False")
    if not force_download:
        for directory in (shipped_preset_dir(name), cache_dir(name)):
            path = weights_file_in(directory)
            if path is not None:
                verify(path, expected_sha256(path, recipe))
                return path
    spec = recipe.get("weights") or {}
    if spec.get("url") and not offline:
        return download(name, spec["url"], spec.get("sha256"), force_download)
    reason = "offline mode is on" if spec.get("url") else "the recipe has no download URL yet"
    raise FileNotFoundError(
        f"No pretrained weights for recipe {name!r}: none shipped with kerasgen, none in the cache "
        f"at {os.path.join(cache_dir(name), WEIGHTS_FILE)}, and {reason}. Train them with\n"
        f"    {recipes.train_command(name, cache_dir(name))}\n"
        f"(which writes a preset there), or pass weights=None for an untrained model or "
        f"weights=PATH for a weights file.")


def verify(path, sha256=None):
    """Checks that a weights file exists, is HDF5 and (when given) has the expected sha256.

    Raises FileNotFoundError or ValueError naming the file and the reason.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"Weights file not found: {path!r}.")
    with open(path, "rb") as f:
        head = f.read(8)
    if head != HDF5_SIGNATURE:
        raise ValueError(f"Weights file {path!r} is not an HDF5 (.weights.h5) file.")
    if sha256:
        actual = sha256_of(path)
        if actual != sha256:
            raise ValueError(f"Weights file {path!r} has sha256 {actual}, expected {sha256}: "
                             "it is corrupted or not the published file. Delete it (or pass "
                             "force_download=True) to fetch it again.")
    return path


def load_into(model, path, sha256=None):
    """Loads a `.weights.h5` file after `verify`, naming the file in any error."""
    path = verify(path, sha256)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # Keras warns before it raises
            model.load_weights(path)
    except OSError as e:
        reason = "the file is truncated" if "truncated" in str(e) else "HDF5 read error"
        raise ValueError(f"Cannot load weights file {path!r}: {reason} ({e}).") from e
    except ValueError as e:
        raise ValueError(f"Cannot load weights file {path!r}: it does not match the "
                         f"architecture of this {type(model).__name__} (another recipe or "
                         f"configuration?). Keras says: {str(e).splitlines()[0]}") from e
    return model
