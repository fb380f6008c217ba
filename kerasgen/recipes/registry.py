"""The recipe registry: one file per recipe in `zoo/` (installed as `kerasgen.zoo`); the one place
a recipe name is checked.

A recipe file defines `RECIPE`, a plain dict, the single source of truth for a zoo model:

    RECIPE = {
        "description": "one line",
        "family": "DCGAN",                  # a class of kerasgen.models
        "model": {...},                     # the family's flat constructor hyper-parameters
        "compile": {...},                   # optimizer name -> Keras optimizer config, and
                                            # any keras.Model.compile option
        "data": {"builder": "digits", ...}, # a kerasgen.data builder and its kwargs
        "dataset": "...", "resolution": 16, "batch_size": 64, "steps": 3000,
        "evaluation": {"kind": ..., ...},   # how kerasgen.evaluation measures it
        "weights": {"url": ..., "sha256": ...},  # optional; shipped ones live in zoo/weights/NAME
    }

`python -m kerasgen.cli.train --recipe=NAME` trains it (its data builder is one of
`kerasgen.data.BUILDERS`); the benches in `bench/` build their models
from it (`recipe_with` states a variation as a difference from the recipe, never a copy). Recipes
are found by listing the `kerasgen.zoo` package: adding a file adds a model, and a lookup is one
dictionary access.
"""

import copy
import importlib
import importlib.util
import os
import pkgutil
import re
import sys

import keras

from kerasgen import optimizers as optimizers_lib
from kerasgen.models import FAMILIES, GenerativeModel

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_RECIPES = None


def zoo_package():
    """Imports `kerasgen.zoo`; in a source checkout (not installed) it is the sibling `zoo/`."""
    try:
        return importlib.import_module("kerasgen.zoo")
    except ModuleNotFoundError:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        init = os.path.join(root, "zoo", "__init__.py")
        if not os.path.isfile(init):
            raise
        spec = importlib.util.spec_from_file_location(
            "kerasgen.zoo", init, submodule_search_locations=[os.path.dirname(init)])
        module = importlib.util.module_from_spec(spec)
        sys.modules["kerasgen.zoo"] = module
        spec.loader.exec_module(module)
        return module


def recipes():
    """Dict `{name: recipe dict}` of every recipe in the zoo (loaded once)."""
    global _RECIPES
    if _RECIPES is None:
        package = zoo_package()
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


def check_name(name):
    """Rejects names that could escape the zoo or cache directories."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(
            f"Invalid recipe name {name!r}: use lowercase letters, digits and underscores "
            "(no path separators or '..'); to load a preset directory pass its path.")
    return name


def get_recipe(name):
    """Returns a deep copy of a recipe, or raises ValueError listing the known names.

    Example:
        >>> get_recipe("dcgan_digits")["family"]
        'DCGAN'
    """
    check_name(name)
    table = recipes()
    if name not in table:
        raise ValueError(f"Unknown recipe {name!r}. Known recipes: {', '.join(sorted(table))}.")
    return copy.deepcopy(table[name])


def is_recipe_name(name):
    """True when `name` is a known recipe (not a path)."""
    return isinstance(name, str) and bool(_NAME_RE.match(name)) and name in recipes()


def recipe_with(name_or_recipe, model=None, compile=None, **fields):
    """A recipe with some fields changed: the way benches state a variation of a recipe.

    Args:
        name_or_recipe: a recipe name or dict.
        model: constructor hyper-parameters to override (merged into the recipe's).
        compile: compile entries to override (merged).
        **fields: top-level fields to replace (`steps`, `batch_size`, `data`, ...).

    Example:
        >>> r = recipe_with("gan_grid25", model={"pack": 1}, steps=100)
        >>> r["model"]["pack"], r["steps"]
        (1, 100)
    """
    recipe = (get_recipe(name_or_recipe) if isinstance(name_or_recipe, str)
              else copy.deepcopy(name_or_recipe))
    recipe["model"] = dict(recipe.get("model") or {}, **(model or {}))
    recipe["compile"] = dict(recipe.get("compile") or {}, **(compile or {}))
    recipe.update(copy.deepcopy(fields))
    return recipe


def model_class(family):
    """The family class a recipe names: one lookup among Keras's registered objects."""
    cls = keras.saving.get_registered_object(f"kerasgen>{family}")
    if not (isinstance(cls, type) and issubclass(cls, GenerativeModel) and family in FAMILIES):
        raise ValueError(f"Unknown model family {family!r} in recipe; expected one of "
                         f"{', '.join(FAMILIES)}.")
    return cls


def build_from_recipe(recipe, compile=False, seed=None):
    """Builds (and optionally compiles, with the recipe's optimizers) a recipe's model.

    Args:
        recipe: a recipe name or dict.
        compile: also compile with the recipe's `compile` entries.
        seed: seeds the model's random draws (every family takes `seed`); None keeps the
            recipe's.
    """
    if isinstance(recipe, str):
        recipe = get_recipe(recipe)
    kwargs = copy.deepcopy(recipe.get("model", {}))
    if seed is not None:
        kwargs["seed"] = seed
    model = model_class(recipe["family"])(**kwargs)
    if compile:
        compile_model(model, recipe)
    return model


def compile_model(model, recipe):
    """Compiles a model with a recipe's `compile` entries (optimizer configs are deserialized)."""
    kwargs = {}
    for key, value in (recipe.get("compile") or {}).items():
        # a deep copy: Keras deserializes a learning-rate schedule in place, which would leave an
        # object in the recipe (and break writing it to JSON metadata)
        kwargs[key] = (optimizers_lib.deserialize(copy.deepcopy(value))
                       if isinstance(value, dict) else value)
    model.compile(**kwargs)
    return model


def train_command(name, model_dir):
    """The command that trains a recipe into `model_dir`."""
    return f"python -m kerasgen.cli.train --recipe={name} --model_dir={model_dir}"
