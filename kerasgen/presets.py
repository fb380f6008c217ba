"""The zoo: recipes, preset directories and `kerasgen.load`.

A *recipe* is one file in `zoo/` (installed as `kerasgen.zoo`) that defines `RECIPE`, a plain dict:

    RECIPE = {
        "description": "one line",
        "family": "DCGAN",                 # a class of kerasgen.models
        "model": {...},                    # the family's constructor kwargs (flat hyper-parameters)
        "compile": {...},                  # optimizer name -> keras optimizer config
        "data": {"builder": "digits", ...}, # a kerasgen.data builder and its kwargs
        "dataset": "...", "resolution": 16, "batch_size": 64, "steps": 3000,
        "metric": {...},                   # what the recipe reached and the command that measured it
        "weights": {"url": ..., "sha256": ...},   # optional; shipped weights live in zoo/weights/NAME
    }

Recipes are found by listing the `kerasgen.zoo` package: adding a file adds a model, and `load`
is one dictionary lookup (no chain of conditions over families).

A *preset directory* (as in keras-hub) holds `config.json` (the model's module, class and config),
`model.weights.h5` and `metadata.json` (kerasgen and Keras versions, dataset, metric, command).
`save_preset(model, dir)` writes one atomically; `load(dir)` reads it.

Pretrained weights resolve in this order: the preset shipped inside the package
(`kerasgen/zoo/weights/NAME/`), the cache (`$KERASGEN_HOME/NAME/`, default `~/.keras/kerasgen`),
then the recipe's URL through `keras.utils.get_file` with its sha256 (downloaded into a temporary
directory and moved into the cache only once the hash matched). When none is available, `load`
raises an error naming the recipe, the cache path and the command that trains the weights; it never
returns random weights for `weights="pretrained"`.
"""

import copy
import datetime
import hashlib
import importlib
import importlib.util
import json
import os
import pkgutil
import re
import shutil
import sys
import tempfile

import keras

from kerasgen.models.base import write_atomically

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")


# ------------------------------------------------------------------------------ recipes
def _zoo_package():
    """Imports `kerasgen.zoo`; in a source checkout (not installed) it is the sibling `zoo/`."""
    try:
        return importlib.import_module("kerasgen.zoo")
    except ModuleNotFoundError:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        init = os.path.join(root, "zoo", "__init__.py")
        if not os.path.isfile(init):
            raise
        spec = importlib.util.spec_from_file_location(
            "kerasgen.zoo", init, submodule_search_locations=[os.path.dirname(init)])
        module = importlib.util.module_from_spec(spec)
        sys.modules["kerasgen.zoo"] = module
        spec.loader.exec_module(module)
        return module


_RECIPES = None


def recipes():
    """Dict `{name: recipe dict}` of every recipe in the zoo (loaded once)."""
    global _RECIPES
    if _RECIPES is None:
        package = _zoo_package()
        found = {}
        for info in pkgutil.iter_modules(package.__path__):
            if info.ispkg or info.name.startswith("_"):
                continue
            module = importlib.import_module(f"kerasgen.zoo.{info.name}")
            recipe = getattr(module, "RECIPE", None)
            if recipe is not None:
                found[info.name] = dict(recipe, name=info.name)
        _RECIPES = found
    return _RECIPES


def get_recipe(name):
    """Returns a deep copy of a recipe, or raises ValueError listing the known names."""
    check_name(name)
    table = recipes()
    if name not in table:
        raise ValueError(f"Unknown recipe {name!r}. Known recipes: {', '.join(sorted(table))}.")
    return copy.deepcopy(table[name])


def is_recipe_name(name):
    """True when `name` is a known recipe (not a path)."""
    return isinstance(name, str) and bool(_NAME_RE.match(name)) and name in recipes()


def check_name(name):
    """Rejects names that could escape the zoo or cache directories."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(
            f"Invalid recipe name {name!r}: use lowercase letters, digits and underscores "
            "(no path separators or '..'); to load a preset directory pass its path."
        )
    return name


def shipped_preset_dir(name):
    """The directory of the weights shipped in the package for a recipe (may not exist)."""
    return os.path.join(os.path.dirname(_zoo_package().__file__), "weights", check_name(name))


def cache_dir(name=None):
    """`$KERASGEN_HOME` (default `~/.keras/kerasgen`), or a recipe's directory inside it."""
    home = os.environ.get("KERASGEN_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras", "kerasgen")
    return home if name is None else os.path.join(home, check_name(name))


def train_command(name):
    return (f"python -m kerasgen.train --recipe={name} --model_dir={cache_dir(name)}")


def list_models():
    """One dict per recipe: name, description, family, resolution, dataset, weights_offline."""
    rows = []
    for name, recipe in sorted(recipes().items()):
        rows.append({
            "name": name,
            "description": recipe.get("description", ""),
            "family": recipe["family"],
            "resolution": recipe.get("resolution"),
            "dataset": recipe.get("dataset"),
            "weights_offline": _weights_file_in(shipped_preset_dir(name)) is not None
            or _weights_file_in(cache_dir(name)) is not None,
        })
    return rows


# ------------------------------------------------------------------------------ building
def model_class(family):
    from kerasgen import models

    cls = getattr(models, family, None)
    if not (isinstance(cls, type) and issubclass(cls, models.GenerativeModel)):
        raise ValueError(f"Unknown model family {family!r} in recipe.")
    return cls


def build_from_recipe(recipe, compile=False):
    """Builds (and optionally compiles, with the recipe's optimizers) a recipe's model."""
    model = model_class(recipe["family"])(**copy.deepcopy(recipe.get("model", {})))
    if compile:
        compile_model(model, recipe)
    return model


def compile_model(model, recipe):
    kwargs = {}
    for key, value in (recipe.get("compile") or {}).items():
        kwargs[key] = keras.optimizers.deserialize(value) if isinstance(value, dict) else value
    model.compile(**kwargs)
    return model


# ------------------------------------------------------------------------------ weights
def preset_dir_in(directory):
    """`directory` if it holds a preset, else its `preset/` subdirectory (a training model_dir)."""
    for candidate in (directory, os.path.join(directory, "preset")):
        if os.path.isfile(os.path.join(candidate, WEIGHTS_FILE)) or os.path.isfile(
                os.path.join(candidate, CONFIG_FILE)):
            return candidate
    return directory


def _weights_file_in(directory):
    path = os.path.join(preset_dir_in(directory), WEIGHTS_FILE)
    return path if os.path.isfile(path) else None


def sha256_of(path, chunk=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def download_weights(name, url, sha256, force_download=False):
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
        sha = _read_json(meta_path).get("weights_sha256")
        if sha:
            return sha
    return ((recipe or {}).get("weights") or {}).get("sha256")


def resolve_weights(name, recipe, offline=None, force_download=False):
    """Returns the path of a recipe's pretrained weights (see the module docstring for the order)."""
    if offline is None:
        offline = os.environ.get("KERASGEN_OFFLINE", "") not in ("", "0", "false", "False")
    if not force_download:
        for directory in (shipped_preset_dir(name), cache_dir(name)):
            path = _weights_file_in(directory)
            if path is not None:
                verify_weights_file(path, expected_sha256(path, recipe))
                return path
    spec = recipe.get("weights") or {}
    if spec.get("url") and not offline:
        return download_weights(name, spec["url"], spec.get("sha256"), force_download)
    reason = "offline mode is on" if spec.get("url") else "the recipe has no download URL yet"
    raise FileNotFoundError(
        f"No pretrained weights for recipe {name!r}: none shipped with kerasgen, none in the cache "
        f"at {os.path.join(cache_dir(name), WEIGHTS_FILE)}, and {reason}. Train them with\n"
        f"    {train_command(name)}\n"
        f"(which writes a preset there), or pass weights=None for an untrained model or "
        f"weights=PATH for a weights file."
    )


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def verify_weights_file(path, sha256=None):
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


def load_weights_into(model, path, sha256=None):
    """Loads a `.weights.h5` file after `verify_weights_file`, naming the file in any error."""
    import warnings

    path = verify_weights_file(path, sha256)
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


# ------------------------------------------------------------------------------ presets
def save_preset(model, directory, metadata=None, include_optimizer=True):
    """Writes a preset directory (config.json, model.weights.h5, metadata.json) atomically.

    Args:
        include_optimizer: keep the optimizers' state in the weights file (for resuming and
            fine-tuning with `load(..., training=True)`); False writes the networks alone, which
            is all sampling needs and about a third of the size with Adam.
    """
    config = keras.saving.serialize_keras_object(model)
    if not include_optimizer and model.compiled:
        clean = type(model).from_config(model.get_config())
        clean.set_weights(model.get_weights())
        model = clean
    meta = {
        "kerasgen_version": __import__("kerasgen").__version__,
        "keras_version": keras.__version__,
        "family": type(model).__name__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    meta.update(metadata or {})

    def writer(tmp):
        os.makedirs(tmp)
        with open(os.path.join(tmp, CONFIG_FILE), "w") as f:
            json.dump(config, f, indent=1)
        model.save_weights(os.path.join(tmp, WEIGHTS_FILE))
        meta["weights_sha256"] = sha256_of(os.path.join(tmp, WEIGHTS_FILE))
        with open(os.path.join(tmp, METADATA_FILE), "w") as f:
            json.dump(meta, f, indent=1)

    return write_atomically(directory, writer)


def _read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f"Preset file missing: {path!r}.") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"Preset file {path!r} is not valid JSON: {e}") from None


def model_from_preset_config(config, path, safe_mode=True):
    """Rebuilds a model from a preset's config.json, refusing classes outside kerasgen."""
    module = str(config.get("module", "")) if isinstance(config, dict) else ""
    if safe_mode and not (module == "kerasgen" or module.startswith("kerasgen.")):
        raise ValueError(
            f"Preset config {path!r} names class {config.get('class_name')!r} from module "
            f"{module!r}, outside kerasgen; refused in safe mode. Pass safe_mode=False only if "
            "you trust this file."
        )
    try:
        return keras.saving.deserialize_keras_object(config, safe_mode=safe_mode)
    except Exception as e:
        raise ValueError(f"Cannot build the model of preset config {path!r}: "
                         f"{type(e).__name__}: {e}") from e


def read_preset_dir(directory, safe_mode=True):
    """Returns `(model, metadata)` built from a preset directory (weights not loaded)."""
    config_path = os.path.join(directory, CONFIG_FILE)
    config = _read_json(config_path)
    model = model_from_preset_config(config, config_path, safe_mode=safe_mode)
    meta_path = os.path.join(directory, METADATA_FILE)
    metadata = _read_json(meta_path) if os.path.exists(meta_path) else {}
    return model, metadata


def load_keras_file(path, safe_mode=True, training=False):
    """Loads a `.keras` archive saved by `model.save`, in Keras safe mode by default.

    Safe mode refuses archives that would run arbitrary code when loaded (Lambda layers holding
    Python bytecode); pass `safe_mode=False` only for files you trust.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"Model file not found: {path!r}.")
    try:
        return keras.models.load_model(path, safe_mode=safe_mode, compile=training)
    except ValueError as e:
        if "safe_mode" in str(e) or "Lambda" in str(e) or "lambda" in str(e):
            raise ValueError(f"Refused to load {path!r} in safe mode: it contains a Lambda "
                             "layer (arbitrary Python code). Pass safe_mode=False only if you "
                             "trust this file.") from e
        raise ValueError(f"Cannot load model file {path!r}: {e}") from e


def load(name, weights="pretrained", training=False, offline=None, force_download=False,
         safe_mode=True):
    """Loads a zoo model by recipe name, or a preset directory by path.

    Args:
        name: a recipe name (see `list_models()`), a preset directory path (or a training
            `model_dir`, whose `preset/` is used), or a `.keras` file saved by `model.save`.
        weights: "pretrained" (default; an error if none can be found, never random weights),
            None for the untrained architecture, or a path to a `.weights.h5` file.
        training: False (default) loads the networks for sampling, without optimizer state.
            True also compiles the model with the recipe's optimizers and restores their state
            when the weights file holds it, for fine-tuning or resuming.
        offline: never touch the network (default: the `KERASGEN_OFFLINE` environment variable).
        force_download: fetch the recipe's weights again even if cached.
        safe_mode: refuse preset configs that name classes outside kerasgen, and `.keras`
            files with Lambda layers (Keras safe mode). Opt out only for files you trust.

    Returns:
        The model, a `kerasgen.models.GenerativeModel`.

    Example:
        >>> model = kerasgen.load("dcgan_digits")
        >>> images = model.generate(64, seed=0)
    """
    if weights not in ("pretrained", None) and not isinstance(weights, (str, os.PathLike)):
        raise ValueError(f"`weights` must be 'pretrained', None or a path, got {weights!r}.")
    name = os.fspath(name) if isinstance(name, os.PathLike) else name
    if isinstance(name, str) and ".." in re.split(r"[\\/]", name):
        raise ValueError(f"Refusing preset path {name!r}: it contains '..'. Pass the preset "
                         "directory's absolute path, or a recipe name.")
    if isinstance(name, str) and name.endswith(".keras"):
        return load_keras_file(name, safe_mode=safe_mode, training=training)
    if isinstance(name, str) and (os.sep in name or name.startswith(".") or os.path.isdir(name)):
        if not os.path.isdir(name):
            raise FileNotFoundError(f"Preset directory not found: {name!r}.")
        name = preset_dir_in(name)
        model, _ = read_preset_dir(name, safe_mode=safe_mode)
        recipe = None
        weights_path = os.path.join(name, WEIGHTS_FILE) if weights == "pretrained" else weights
    else:
        recipe = get_recipe(name)
        weights_path = None
        if weights == "pretrained":
            weights_path = resolve_weights(name, recipe, offline, force_download)
            shipped = os.path.dirname(weights_path)
            if os.path.isfile(os.path.join(shipped, CONFIG_FILE)):
                model, _ = read_preset_dir(shipped, safe_mode=safe_mode)
            else:
                model = build_from_recipe(recipe)
        else:
            model = build_from_recipe(recipe)
            weights_path = weights
    if training:
        if recipe is not None:
            compile_model(model, recipe)
        else:
            model.compile()
    if weights_path is not None:
        sha = expected_sha256(weights_path, recipe) if weights == "pretrained" else None
        load_weights_into(model, weights_path, sha256=sha)
    return model
