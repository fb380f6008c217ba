"""The zoo: recipes, where their weights come from, presets and the converters' entry.

* `registry`: the recipes of `zoo/` (installed as `kerasgen.zoo`), looked up by name; the one
  place a name is checked; builds and compiles a recipe's model.
* `weights`: shipped, cached or downloaded weights files (URL + sha256, atomic).
* `presets`: `load` and `list_models`, the family-agnostic way in.
* `convert`: a recipe's published reference weights into a preset (`kerasgen.convert` below).

This package sits above the families and knows them through Keras's registered objects; the
families never import it. `Family.from_preset(name)` reaches `load` through
`kerasgen.preset_format.load_preset`, which this package registers on import.
"""

from kerasgen import preset_format
from kerasgen.recipes.convert import convert_recipe, download_checkpoints  # noqa: F401
from kerasgen.recipes.presets import list_models, load, read_metadata  # noqa: F401
from kerasgen.recipes.registry import (build_from_recipe, check_name, compile_model,  # noqa: F401
                                       get_recipe, is_recipe_name, model_class, recipe_with,
                                       recipes, train_command)

preset_format.register_loader(load)
