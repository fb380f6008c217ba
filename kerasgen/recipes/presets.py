"""`kerasgen.load` and `kerasgen.list_models`: the family-agnostic way into the zoo.

`load(name)` follows a name once through each room: the registry checks it and returns the
recipe, `weights` finds the weights file (shipped or cached) or downloads what the recipe
publishes, a published paper's file goes through its converter (`recipes.convert`) into a preset
in the cache, and `kerasgen.preset_format` builds the model from the preset's config (or the
registry from the recipe) and loads the verified weights. A path skips the registry and goes to
the preset format. The first `load` of a paper's model downloads, verifies, converts and caches;
the next reads the cache.
"""

import os
import re
import warnings

from kerasgen import convert, preset_format
from kerasgen.convert import dcgan_torch7
from kerasgen.recipes import convert as convert_lib
from kerasgen.recipes import registry
from kerasgen.recipes import weights as weights_lib

#: latent draws for the inference-mode batch-norm statistics of a Torch7 generator converted by
#: `load` (`python -m kerasgen.cli.convert` uses 20,000)
LOAD_STATISTICS_SAMPLES = 4096


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
        weights: "pretrained" (default: shipped, cached, or downloaded on first use -- the
            papers' own files are verified, converted and cached as a preset; an error naming
            every route if none can be had, never random weights), None for the untrained
            architecture, a path or http(s) URL of a `.weights.h5` file, of a PyTorch
            checkpoint of the reference implementation (`.pth`, `.pt`; or a dict
            `{network: path}`) for a recipe built with `layout="pytorch"` (needs PyTorch), or
            of a dcgan.torch generator (`.t7`) for `layout="torch7"`, converted on the fly.
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
    if isinstance(weights, str) and weights.startswith(("http://", "https://")):
        weights = weights_lib.download_url(weights, force_download)
    torch7_weights = isinstance(weights, (str, os.PathLike)) and os.fspath(weights).endswith(
        ".t7")
    torch_weights = weights not in ("pretrained", None) and not torch7_weights and (
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
            weights_path = _pretrained(recipe, offline, force_download)
            preset = os.path.dirname(weights_path)
            if os.path.isfile(os.path.join(preset, preset_format.CONFIG_FILE)):
                model, _ = preset_format.read_preset_dir(preset, safe_mode=safe_mode)
        if model is None:
            model = registry.build_from_recipe(recipe)
    if torch_weights or torch7_weights:
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
    if torch7_weights:
        record = dcgan_torch7.load_torch7_generator(model, weights)
        warnings.warn(f"Converted Torch7 file {record['file']} (sha256 {record['sha256']}; no "
                      "published hash was checked).", stacklevel=2)
    if torch_weights:
        for record in convert.load_checkpoints(model, weights):
            warnings.warn(f"Converted PyTorch checkpoint {record['file']} into "
                          f"{record['network']} (sha256 {record['sha256']}; no published hash "
                          "was checked).", stacklevel=2)
    return model


def _pretrained(recipe, offline, force_download):
    """The weights file of a recipe's preset: shipped or cached, else downloaded (and, for the
    papers' own files, converted into a preset in the cache), under the recipe's cache lock."""
    path = None if force_download else weights_lib.find(recipe)
    if path is not None:
        return path
    files = weights_lib.published_files(recipe)
    if not files or weights_lib.is_offline(offline):
        raise weights_lib.missing_error(
            recipe, "offline mode is on (KERASGEN_OFFLINE)" if files
            else "the recipe publishes no download")
    with weights_lib.lock(recipe):
        path = None if force_download else weights_lib.find(recipe)  # another process's
        if path is None:
            kind, got = weights_lib.fetch(recipe, offline, force_download)
            if kind == "weights":
                return got
            out = weights_lib.cache_dir(recipe)
            convert_lib.convert_recipe(
                recipe, checkpoints=got, out=out,
                command=f"kerasgen.load({recipe['name']!r})",
                statistics_samples=LOAD_STATISTICS_SAMPLES)
            path = preset_format.weights_file_in(out)
    return path
