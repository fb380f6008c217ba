"""Measure a model with its family's metrics: `python -m kerasgen.evaluate --model=NAME|DIR`.

The recipe's `evaluation` spec chooses the metrics (see `kerasgen.evaluation`); the figures are
printed as JSON.
"""

import json
import os
import sys

from absl import app, flags

FLAGS = flags.FLAGS
flags.DEFINE_string("model", None, "Recipe name or preset directory.")
flags.DEFINE_integer("seed", 0, "Sampling seed.")
flags.mark_flag_as_required("model")


def main(argv):
    del argv
    import kerasgen
    from kerasgen import evaluation, presets

    try:
        model = kerasgen.load(FLAGS.model)
        recipe_name = FLAGS.model
        if not presets.is_recipe_name(FLAGS.model):
            meta_path = os.path.join(presets.preset_dir_in(FLAGS.model), presets.METADATA_FILE)
            recipe_name = json.load(open(meta_path)).get("recipe") if os.path.exists(
                meta_path) else None
        if not recipe_name:
            raise ValueError(f"{FLAGS.model!r} names no recipe, so its metrics are unknown.")
        spec = dict(presets.get_recipe(recipe_name).get("evaluation") or {})
        spec.setdefault("seed", FLAGS.seed)
        figures = evaluation.evaluate(model, spec)
    except (ValueError, FileNotFoundError) as e:
        print(f"kerasgen.evaluate: error: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"model": FLAGS.model, **figures}, indent=1))
    return 0


if __name__ == "__main__":
    app.run(main)
