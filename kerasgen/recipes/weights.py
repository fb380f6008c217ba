"""Where a recipe's pretrained weights come from: the package, the cache, or a URL.

A recipe's weights resolve in this order: the preset shipped inside the package
(`kerasgen/zoo/weights/NAME/`), the cache (`$KERASGEN_HOME/NAME/`, default `~/.keras/kerasgen`),
then a download: the recipe's `weights` URL (a kerasgen `.weights.h5`), or the papers' own files
listed under `checkpoints` (PyTorch or Torch7), which `kerasgen.recipes.presets.load` converts
into a preset in the cache. Every download streams into a temporary file beside its target, with
a progress bar, a size bound and its published sha256 checked, and is renamed into place only
then: a wrong hash, a truncated or interrupted download, an HTTP error or a file far larger than
expected leaves nothing in the cache. `KERASGEN_OFFLINE=1` (or `offline=True`) never touches the
network. When nothing is available the error names the recipe, the URLs, the cache path and every
route there is (download, `weights=PATH`, convert, train); random weights are never returned for
`weights="pretrained"`.

The functions take recipe dicts (their name was checked by `registry.get_recipe`) and paths.
"""

import contextlib
import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request

import keras

from kerasgen import preset_format
from kerasgen.recipes import registry
from kerasgen.utils import sha256_of

#: seconds a download may wait for the server before it fails
TIMEOUT = 30
#: the largest file a download accepts when the recipe states no size
MAX_BYTES = 2 << 30


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


def download(url, target, sha256=None, size=None, force_download=False, verbose=True):
    """Downloads `url` to the file `target` and returns it: streamed into a temporary file beside
    `target` with a progress bar, refused when it grows past `size` (or `MAX_BYTES`), and
    renamed onto `target` only once complete and, when `sha256` is given, matching it.

    Raises:
        ValueError naming the URL and what went wrong (HTTP error, unreachable host, truncated
        or oversized file, wrong sha256); nothing is left at `target` or beside it.
    """
    if os.path.isfile(target) and not force_download:
        if sha256 is None or sha256_of(target) == sha256:
            return target
    directory = os.path.dirname(os.path.abspath(target))
    os.makedirs(directory, exist_ok=True)
    limit = int(size) if size else MAX_BYTES
    fd, tmp = tempfile.mkstemp(prefix=".download-", dir=directory)
    digest, received = hashlib.sha256(), 0
    try:
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response, \
                    os.fdopen(fd, "wb") as out:
                total = response.headers.get("Content-Length")
                total = int(total) if total and total.isdigit() else size
                if total and total > limit:
                    raise ValueError(f"the server announces {total:,} bytes, larger than the "
                                     f"{limit:,} bytes expected (another file?)")
                bar = keras.utils.Progbar(total, unit_name="byte") if verbose and total else None
                if verbose:
                    print(f"Downloading {url}", file=sys.stderr)
                while True:
                    block = response.read(1 << 16)
                    if not block:
                        break
                    received += len(block)
                    if received > limit:
                        raise ValueError(f"it is larger than the {limit:,} bytes expected "
                                         "(another file?)")
                    digest.update(block)
                    out.write(block)
                    if bar is not None:
                        bar.update(min(received, total))
            if size and received < size:
                raise ValueError(f"it is {received:,} bytes, expected {size:,} (truncated or "
                                 "interrupted?)")
            actual = digest.hexdigest()
            if sha256 and actual != sha256:
                raise ValueError(f"its sha256 is {actual}, expected {sha256}")
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = (f"HTTP {e.code} {e.reason}" if isinstance(e, urllib.error.HTTPError)
                      else getattr(e, "reason", None) or e)
            raise ValueError(f"Download of {url} failed: {reason}. Nothing was written to "
                             f"{directory}.") from e
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target


def download_url(url, force_download=False):
    """A file named by an http(s) URL (`weights=URL`), downloaded once into
    `$KERASGEN_HOME/downloads/` (no hash is published for an arbitrary URL)."""
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    name = os.path.basename(url.split("?")[0]) or "download"
    return download(url, os.path.join(home(), "downloads", key, name),
                    force_download=force_download)


def published_files(recipe):
    """`{network: spec}` of the files a recipe downloads: its kerasgen weights (`weights.url`,
    under the key "weights"), else the papers' files under `checkpoints` that have a URL."""
    spec = recipe.get("weights") or {}
    if spec.get("url"):
        return {"weights": spec}
    return {network: c for network, c in (recipe.get("checkpoints") or {}).items()
            if c.get("url")}


def fetch(recipe, offline=None, force_download=False):
    """Downloads what a recipe publishes; returns `("weights", path)` for a kerasgen weights file
    in the cache, or `("checkpoints", {network: path})` for the papers' files, to convert.

    Raises FileNotFoundError (offline, or nothing published) naming every route."""
    files = published_files(recipe)
    if not files or is_offline(offline):
        raise missing_error(recipe, "offline mode is on (KERASGEN_OFFLINE)" if files else
                            "the recipe publishes no download")
    if "weights" in files:
        spec = files["weights"]
        if not spec.get("sha256"):
            raise ValueError(f"Recipe {recipe['name']!r} has a weights URL but no sha256; "
                             "refusing to download unverified weights.")
        target = os.path.join(cache_dir(recipe), preset_format.WEIGHTS_FILE)
        try:
            return "weights", download(spec["url"], target, spec["sha256"], spec.get("size"),
                                       force_download)
        except ValueError as e:
            raise ValueError(f"Weights for recipe {recipe['name']!r}: {e}") from e
    paths = {}
    for network, spec in files.items():
        target = os.path.join(home(), "checkpoints", recipe["name"],
                              os.path.basename(spec["url"]))
        try:
            paths[network] = download(spec["url"], target, spec.get("sha256"), spec.get("size"),
                                      force_download)
        except ValueError as e:
            raise ValueError(f"The published {network} of recipe {recipe['name']!r}: {e} "
                             f"With the file at hand: kerasgen.load({recipe['name']!r}, "
                             "weights=PATH).") from e
    return "checkpoints", paths


@contextlib.contextmanager
def lock(recipe):
    """Holds an exclusive lock on a recipe's cache entry (POSIX `flock`), so that two processes
    loading the same name download and convert it once and end with one valid entry."""
    os.makedirs(home(), exist_ok=True)
    path = os.path.join(home(), f".{recipe['name']}.lock")
    with open(path, "a") as f:
        try:
            import fcntl
        except ImportError:  # not POSIX: the atomic renames still leave one valid entry
            yield
            return
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def expected_sha256(weights_path, recipe=None):
    """The sha256 a weights file must have: its preset's metadata, else the recipe's."""
    return (preset_format.metadata_sha256(weights_path)
            or ((recipe or {}).get("weights") or {}).get("sha256"))


def find(recipe):
    """The weights file of a recipe's shipped or cached preset, or None."""
    for directory in (shipped_dir(recipe), cache_dir(recipe)):
        path = preset_format.weights_file_in(directory)
        if path is not None:
            return path
    return None


def missing_error(recipe, reason):
    """The FileNotFoundError for a recipe without weights: what was looked for, and every route
    that exists for it (download when online, a local file, convert, train)."""
    name = recipe["name"]
    target = os.path.join(cache_dir(recipe), preset_format.WEIGHTS_FILE)
    urls = [spec["url"] for spec in published_files(recipe).values()]
    lines = [f"No pretrained weights for recipe {name!r}: none shipped with kerasgen, none in "
             f"the cache at {target}, and {reason}.", "Routes:"]
    if urls:
        lines.append(f"  - download (needs the network; unset KERASGEN_OFFLINE): "
                     f"{', '.join(urls)} into the cache {cache_dir(recipe)}")
        lines.append("  - a file you have: kerasgen.load(" + repr(name) + ", weights=PATH) with "
                     "the downloaded file")
    else:
        lines.append("  - a weights file you have: kerasgen.load(" + repr(name) +
                     ", weights=PATH)")
    layout = (recipe.get("model") or {}).get("layout")
    if recipe.get("checkpoints") or layout in ("pytorch", "theano", "torch7"):
        lines.append(f"  - convert the reference implementation's weights into a preset: "
                     f"python -m kerasgen.cli.convert --recipe={name} "
                     f"{'--download' if urls else '--checkpoint=FILE'} --out={cache_dir(recipe)}")
    lines.append(f"  - train (writes a preset into the cache): "
                 f"{registry.train_command(name, cache_dir(recipe))}")
    lines.append("  - weights=None for the untrained architecture.")
    return FileNotFoundError("\n".join(lines))
