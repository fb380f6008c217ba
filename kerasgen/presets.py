"""Preset directories and `kerasgen.load`, the family-agnostic way in.

A *preset directory* (as in keras-hub) holds

* `config.json`: `keras.saving.serialize_keras_object(model)`, whose `config` is the family's flat
  constructor hyper-parameters (the networks are rebuilt from them; only user-supplied custom
  networks are serialized in full), so editing a hyper-parameter there takes effect;
* `model.weights.h5`: the weights (optionally the optimizers' state too);
* `metadata.json`: kerasgen and Keras versions, the recipe, the command that produced the preset,
  the metric it reached, and the weights' sha256.

`model.save_to_preset(dir)` / `save_preset(model, dir)` write one atomically;
`Family.from_preset(name_or_dir)` and `load(name_or_dir)` read one, or a zoo recipe by name
(weights resolved by `kerasgen.weights`).
"""

import datetime
import json
import os
import re

import keras

from kerasgen import recipes
from kerasgen import weights as weights_lib
from kerasgen.utils import write_atomically

CONFIG_FILE = "config.json"
WEIGHTS_FILE = weights_lib.WEIGHTS_FILE
METADATA_FILE = weights_lib.METADATA_FILE


def list_models():
    """One dict per recipe: name, description, family, resolution, dataset, weights_offline.

    Example:
        >>> rows = {row["name"]: row for row in list_models()}
        >>> rows["dcgan_digits"]["family"], rows["dcgan_digits"]["weights_offline"]
        ('DCGAN', True)
    """
    rows = []
    for name, recipe in sorted(recipes.recipes().items()):
        rows.append({
            "name": name,
            "description": recipe.get("description", ""),
            "family": recipe["family"],
            "resolution": recipe.get("resolution"),
            "dataset": recipe.get("dataset"),
            "weights_offline": weights_lib.weights_file_in(weights_lib.shipped_preset_dir(name))
            is not None or weights_lib.weights_file_in(weights_lib.cache_dir(name)) is not None,
        })
    return rows


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
        meta["weights_sha256"] = weights_lib.sha256_of(os.path.join(tmp, WEIGHTS_FILE))
        with open(os.path.join(tmp, METADATA_FILE), "w") as f:
            json.dump(meta, f, indent=1)

    return write_atomically(directory, writer)


def read_json(path):
    """Reads a preset's JSON file; errors name the file."""
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f"Preset file missing: {path!r}.") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"Preset file {path!r} is not valid JSON: {e}") from None


def model_from_config(config, path, safe_mode=True):
    """Rebuilds a model from a preset's config.json, refusing classes outside kerasgen."""
    module = str(config.get("module", "")) if isinstance(config, dict) else ""
    if safe_mode and not (module == "kerasgen" or module.startswith("kerasgen.")):
        raise ValueError(
            f"Preset config {path!r} names class {config.get('class_name')!r} from module "
            f"{module!r}, outside kerasgen; refused in safe mode. Pass safe_mode=False only if "
            "you trust this file.")
    try:
        return keras.saving.deserialize_keras_object(config, safe_mode=safe_mode)
    except Exception as e:
        raise ValueError(f"Cannot build the model of preset config {path!r}: "
                         f"{type(e).__name__}: {e}") from e


def read_preset_dir(directory, safe_mode=True):
    """Returns `(model, metadata)` built from a preset directory (weights not loaded)."""
    config_path = os.path.join(directory, CONFIG_FILE)
    model = model_from_config(read_json(config_path), config_path, safe_mode=safe_mode)
    meta_path = os.path.join(directory, METADATA_FILE)
    metadata = read_json(meta_path) if os.path.exists(meta_path) else {}
    return model, metadata


def read_metadata(name):
    """The metadata of a recipe's resolved preset or of a preset directory ({} when none)."""
    if recipes.is_recipe_name(name):
        for directory in (weights_lib.shipped_preset_dir(name), weights_lib.cache_dir(name)):
            path = os.path.join(weights_lib.preset_dir_in(directory), METADATA_FILE)
            if os.path.isfile(path):
                return read_json(path)
        return {}
    path = os.path.join(weights_lib.preset_dir_in(os.fspath(name)), METADATA_FILE)
    return read_json(path) if os.path.isfile(path) else {}


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


def _is_path(name):
    return os.sep in name or name.startswith(".") or os.path.isdir(name)


def load(name, weights="pretrained", training=False, offline=None, force_download=False,
         safe_mode=True):
    """Loads a zoo model by recipe name, or a preset directory by path.

    Args:
        name: a recipe name (see `list_models()`), a preset directory path (or a training
            `model_dir`, whose `preset/` is used), or a `.keras` file saved by `model.save`.
        weights: "pretrained" (default; an error if none can be found, never random weights),
            None for the untrained architecture, a path to a `.weights.h5` file, or a PyTorch
            checkpoint of the reference implementation (`.pth`, `.pt`; or a dict
            `{network: path}`) for a recipe built with `layout="pytorch"`, converted on the fly
            by `kerasgen.convert` (needs PyTorch).
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
        >>> model.generate(64, seed=0).shape
        (64, 8, 8, 1)
    """
    if weights not in ("pretrained", None) and not isinstance(weights, (str, os.PathLike, dict)):
        raise ValueError(f"`weights` must be 'pretrained', None or a path, got {weights!r}.")
    from kerasgen.convert.torch_checkpoints import is_torch_checkpoint

    torch_weights = isinstance(weights, dict) or is_torch_checkpoint(weights)
    name = os.fspath(name) if isinstance(name, os.PathLike) else name
    if not isinstance(name, str):
        raise ValueError(f"`name` must be a recipe name or a path, got {name!r}.")
    if ".." in re.split(r"[\\/]", name):
        raise ValueError(f"Refusing preset path {name!r}: it contains '..'. Pass the preset "
                         "directory's absolute path, or a recipe name.")
    if name.endswith(".keras"):
        return load_keras_file(name, safe_mode=safe_mode, training=training)
    recipe = None
    if _is_path(name):
        if not os.path.isdir(name):
            raise FileNotFoundError(f"Preset directory not found: {name!r}.")
        name = weights_lib.preset_dir_in(name)
        model, _ = read_preset_dir(name, safe_mode=safe_mode)
        weights_path = os.path.join(name, WEIGHTS_FILE) if weights == "pretrained" else weights
    else:
        recipe = recipes.get_recipe(name)
        weights_path = weights
        model = None
        if weights == "pretrained":
            weights_path = weights_lib.resolve(name, recipe, offline, force_download)
            preset = os.path.dirname(weights_path)
            if os.path.isfile(os.path.join(preset, CONFIG_FILE)):
                model, _ = read_preset_dir(preset, safe_mode=safe_mode)
        if model is None:
            model = recipes.build_from_recipe(recipe)
    if torch_weights:
        weights_path = None
    if training:
        if recipe is not None:
            recipes.compile_model(model, recipe)
        else:
            model.compile()
    if weights_path is not None:
        sha = (weights_lib.expected_sha256(weights_path, recipe) if weights == "pretrained"
               else None)
        weights_lib.load_into(model, weights_path, sha256=sha)
    if torch_weights:
        _load_torch_weights(model, weights)
    return model


def _load_torch_weights(model, weights):
    import warnings

    from kerasgen import convert

    for record in convert.load_checkpoints(model, weights):
        warnings.warn(f"Converted PyTorch checkpoint {record['file']} into {record['network']} "
                      f"(sha256 {record['sha256']}; no published hash was checked).",
                      stacklevel=3)
