"""The preset directory format, below the families (keras-hub's preset layout).

A *preset directory* holds

* `config.json`: `keras.saving.serialize_keras_object(model)`, whose `config` is the family's flat
  constructor hyper-parameters (the networks are rebuilt from them; only user-supplied custom
  networks are serialized in full), so editing a hyper-parameter there takes effect;
* `model.weights.h5`: the weights (optionally the optimizers' state too);
* `metadata.json`: kerasgen and Keras versions, the recipe, the command that produced the preset,
  the metric it reached, and the weights' sha256.

This module writes and reads such directories and checks a weights file before Keras opens it
(it exists, starts with the HDF5 signature and, when its metadata gives one, has the expected
sha256). It knows nothing of recipes or downloads: `Family.from_preset(name)` calls
`load_preset`, which hands a name to the loader the zoo (`kerasgen.recipes`) registers when
kerasgen is imported, so the families never import the zoo.
"""

import datetime
import json
import os
import warnings

import keras

from kerasgen.utils import sha256_of, write_atomically
from kerasgen.version import __version__

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"

_loader = None


def register_loader(loader):
    """Sets the function `load_preset` calls: `kerasgen.recipes.load`, registered on import."""
    global _loader
    _loader = loader


def load_preset(preset, **kwargs):
    """Loads a recipe name, preset directory or `.keras` file through the registered loader."""
    if _loader is None:
        raise RuntimeError("No preset loader is registered: `import kerasgen` registers "
                           "kerasgen.recipes.load.")
    return _loader(preset, **kwargs)


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
        "kerasgen_version": __version__,
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


def preset_dir_in(directory):
    """`directory` if it holds a preset, else its `preset/` subdirectory (a training model_dir)."""
    for candidate in (directory, os.path.join(directory, "preset")):
        if os.path.isfile(os.path.join(candidate, WEIGHTS_FILE)) or os.path.isfile(
                os.path.join(candidate, CONFIG_FILE)):
            return candidate
    return directory


def weights_file_in(directory):
    """The weights file of the preset in `directory`, or None."""
    path = os.path.join(preset_dir_in(directory), WEIGHTS_FILE)
    return path if os.path.isfile(path) else None


def read_metadata(directory):
    """The metadata of the preset in `directory` ({} when it has none)."""
    path = os.path.join(preset_dir_in(os.fspath(directory)), METADATA_FILE)
    return read_json(path) if os.path.isfile(path) else {}


def read_preset_dir(directory, safe_mode=True):
    """Returns `(model, metadata)` built from a preset directory (weights not loaded)."""
    config_path = os.path.join(directory, CONFIG_FILE)
    model = model_from_config(read_json(config_path), config_path, safe_mode=safe_mode)
    return model, read_metadata(directory)


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


def metadata_sha256(weights_path):
    """The weights sha256 recorded in the metadata beside a weights file, or None."""
    meta_path = os.path.join(os.path.dirname(weights_path), METADATA_FILE)
    if not os.path.isfile(meta_path):
        return None
    try:
        with open(meta_path) as f:
            return json.load(f).get("weights_sha256")
    except (OSError, ValueError) as e:
        raise ValueError(f"Preset metadata {meta_path!r} is not valid JSON: {e}") from None


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
