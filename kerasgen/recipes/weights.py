"""Where a recipe's pretrained weights come from: the package, the cache, or a URL.

A recipe's weights resolve in this order: the preset shipped inside the package
(`kerasgen/zoo/weights/NAME/`), the cache (`$KERASGEN_HOME/NAME/`, default `~/.keras/kerasgen`),
then the recipe's URL through `keras.utils.get_file` with its sha256 (downloaded into a temporary
directory and moved into the cache only once the hash matched). When none is available the error
names the recipe, the cache path and the command that trains the weights; random weights are never
returned for `weights="pretrained"`.

The functions take recipe dicts (their name was checked by `registry.get_recipe`) and paths.
"""

import os
import shutil
import tempfile

import keras

from kerasgen import preset_format
from kerasgen.recipes import registry
from kerasgen.utils import sha256_of


def shipped_dir(recipe):
    """The directory of the preset shipped in the package for a recipe (may not exist)."""
    return os.path.join(os.path.dirname(registry.zoo_package().__file__), "weights",
                        recipe["name"])


def home():
    """`$KERASGEN_HOME`, default `~/.keras/kerasgen`: the cache of downloaded and trained weights."""
    return os.environ.get("KERASGEN_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras", "kerasgen")


def cache_dir(recipe):
    """A recipe's directory in the cache."""
    return os.path.join(home(), recipe["name"])


def is_offline(offline=None):
    """`offline` when given, else the `KERASGEN_OFFLINE` environment variable."""
    if offline is None:
        return os.environ.get("KERASGEN_OFFLINE", "") not in ("", "0", "false", "False")
    return bool(offline)


def download(url, sha256, target, force_download=False):
    """Downloads `url` to the file `target`, verified by sha256; returns `target`.

    The file is fetched with `keras.utils.get_file` into a temporary directory beside `target`
    and renamed onto it only after its hash matched, so a truncated or tampered download never
    takes its place.
    """
    if os.path.isfile(target) and not force_download:
        if sha256 is None or sha256_of(target) == sha256:
            return target
    if not sha256:
        raise ValueError(f"{url} has no published sha256; refusing to download unverified "
                         "weights.")
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".download-", dir=directory)
    try:
        try:
            path = keras.utils.get_file(fname=os.path.basename(target), origin=url,
                                        cache_dir=tmp, cache_subdir=".", file_hash=sha256,
                                        hash_algorithm="sha256")
        except Exception as e:
            raise ValueError(f"Download from {url} failed: {e} Nothing was written to "
                             f"{directory}.") from e
        actual = sha256_of(path)
        if actual != sha256:  # belt and braces: get_file keeps a mismatching file
            raise ValueError(f"{url} has sha256 {actual}, expected {sha256}; refused, nothing "
                             f"was written to {directory}.")
        os.replace(path, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def expected_sha256(weights_path, recipe=None):
    """The sha256 a weights file must have: its preset's metadata, else the recipe's."""
    return (preset_format.metadata_sha256(weights_path)
            or ((recipe or {}).get("weights") or {}).get("sha256"))


def resolve(recipe, offline=None, force_download=False):
    """Returns the path of a recipe's pretrained weights (see the module docstring for the order)."""
    name = recipe["name"]
    if not force_download:
        for directory in (shipped_dir(recipe), cache_dir(recipe)):
            path = preset_format.weights_file_in(directory)
            if path is not None:
                return path
    spec = recipe.get("weights") or {}
    target = os.path.join(cache_dir(recipe), preset_format.WEIGHTS_FILE)
    if spec.get("url") and not is_offline(offline):
        try:
            return download(spec["url"], spec.get("sha256"), target, force_download)
        except ValueError as e:
            raise ValueError(f"Weights for recipe {name!r}: {e}") from e
    reason = "offline mode is on" if spec.get("url") else "the recipe has no download URL yet"
    raise FileNotFoundError(
        f"No pretrained weights for recipe {name!r}: none shipped with kerasgen, none in the cache "
        f"at {target}, and {reason}. Train them with\n"
        f"    {registry.train_command(name, cache_dir(recipe))}\n"
        f"(which writes a preset there), or pass weights=None for an untrained model or "
        f"weights=PATH for a weights file.")
