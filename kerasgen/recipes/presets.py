"""`kerasgen.load` and `kerasgen.list_models`: the family-agnostic way into the zoo.

`load(name)` follows a name once through each room: the registry checks it and returns the
recipe, `weights.resolve` finds the weights file (shipped, cached or downloaded), and
`kerasgen.preset_format` builds the model from the preset's config (or the registry from the
recipe) and loads the verified weights. A path skips the registry and goes to the preset format.
"""

import os
import re
import warnings

from kerasgen import convert, preset_format
from kerasgen.recipes import registry
from kerasgen.recipes import weights as weights_lib


def list_models():
    """One dict per recipe: name, description, family, resolution, dataset, weights_offline.

    Example:
        >>> rows = {row["name"]: row for row in list_models()}
        >>> rows["dcgan_digits"]["family"], rows["dcgan_digits"]["weights_offline"]
        ('DCGAN', True)
    """
    rows = []
    for name, recipe in sorted(registry.recipes().items()):
        rows.append({
            "name": name,
            "description": recipe.get("description", ""),
            "family": recipe["family"],
            "resolution": recipe.get("resolution"),
            "dataset": recipe.get("dataset"),
            "weights_offline": any(
                preset_format.weights_file_in(directory) is not None
                for directory in (weights_lib.shipped_dir(recipe),
                                  weights_lib.cache_dir(recipe))),
        })
    return rows


def read_metadata(name):
    """The metadata of a recipe's resolved preset or of a preset directory ({} when none)."""
    if registry.is_recipe_name(name):
        recipe = registry.get_recipe(name)
        for directory in (weights_lib.shipped_dir(recipe), weights_lib.cache_dir(recipe)):
            meta = preset_format.read_metadata(directory)
            if meta:
                return meta
        return {}
    return preset_format.read_metadata(name)


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
    torch_weights = weights not in ("pretrained", None) and (
        isinstance(weights, dict) or convert.is_torch_checkpoint(weights))
    name = os.fspath(name) if isinstance(name, os.PathLike) else name
    if not isinstance(name, str):
        raise ValueError(f"`name` must be a recipe name or a path, got {name!r}.")
    if ".." in re.split(r"[\\/]", name):
        raise ValueError(f"Refusing preset path {name!r}: it contains '..'. Pass the preset "
                         "directory's absolute path, or a recipe name.")
    if name.endswith(".keras"):
        return preset_format.load_keras_file(name, safe_mode=safe_mode, training=training)
    recipe = None
    if _is_path(name):
        if not os.path.isdir(name):
            raise FileNotFoundError(f"Preset directory not found: {name!r}.")
        name = preset_format.preset_dir_in(name)
        model, _ = preset_format.read_preset_dir(name, safe_mode=safe_mode)
        weights_path = (os.path.join(name, preset_format.WEIGHTS_FILE)
                        if weights == "pretrained" else weights)
    else:
        recipe = registry.get_recipe(name)
        weights_path = weights
        model = None
        if weights == "pretrained":
            weights_path = weights_lib.resolve(recipe, offline, force_download)
            preset = os.path.dirname(weights_path)
            if os.path.isfile(os.path.join(preset, preset_format.CONFIG_FILE)):
                model, _ = preset_format.read_preset_dir(preset, safe_mode=safe_mode)
        if model is None:
            model = registry.build_from_recipe(recipe)
    if torch_weights:
        weights_path = None
    if training:
        if recipe is not None:
            registry.compile_model(model, recipe)
        else:
            model.compile()
    if weights_path is not None:
        sha = (weights_lib.expected_sha256(weights_path, recipe) if weights == "pretrained"
               else None)
        preset_format.load_into(model, weights_path, sha256=sha)
    if torch_weights:
        for record in convert.load_checkpoints(model, weights):
            warnings.warn(f"Converted PyTorch checkpoint {record['file']} into "
                          f"{record['network']} (sha256 {record['sha256']}; no published hash "
                          "was checked).", stacklevel=2)
    return model
