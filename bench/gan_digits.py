"""DCGAN and WGAN-GP on the digits at 16 px, built from their recipes: digits metrics beside the
floor, with and without the stabilizers the recipes use.

    python bench/gan_digits.py [--recipes dcgan_digits,wgangp_digits] [--seeds 1]
                               [--variants recipe,plain] [--set 'model.r1_weight=1.0' ...]

Each run trains the recipe through `kerasgen.training.train_and_evaluate` (the code path of
`python -m kerasgen.cli.train`) and evaluates it with the recipe's spec: FD, KID,
precision/recall (k=3), density/coverage (k=5) of 447 generated images against the 447 test digits
in the shipped digits classifier's features; the floor is the same metric between the test and
train splits. Variants: `recipe` (as shipped), `plain` (the recipe without its stabilizers: no R1
penalty, no EMA, no learning-rate decay). `--set` overrides recipe fields for exploration
(`model.X=V`, `compile.X=V`, `steps=N`; V is JSON).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, mean_se, train_recipe, write_result  # noqa: E402

GOAL = "goal: FD <= 2x floor (26.8), precision >= 0.7, recall >= 0.6, <= 600 s of training"


def plain_overrides(recipe):
    """The recipe without the stabilizers: no R1/R2 penalty, no EMA, constant learning rates."""
    compile_ = {}
    for name, value in (recipe.get("compile") or {}).items():
        if isinstance(value, dict) and isinstance(value.get("config", {}).get("learning_rate"),
                                                  dict):
            schedule = value["config"]["learning_rate"]["config"]
            value = json.loads(json.dumps(value))
            value["config"]["learning_rate"] = schedule["initial_learning_rate"]
            compile_[name] = value
    return {"model": {"r1_weight": 0.0, "r2_weight": 0.0, "ema": None}, "compile": compile_}


def parse_sets(items):
    out = {"model": {}, "compile": {}}
    for item in items or []:
        key, _, value = item.partition("=")
        value = json.loads(value)
        if key.startswith(("model.", "compile.")):
            section, field = key.split(".", 1)
            out[section][field] = value
        else:
            out[key] = value
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipes", default="dcgan_digits,wgangp_digits")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--variants", default="recipe,plain")
    parser.add_argument("--set", action="append", help="recipe override for exploration")
    parser.add_argument("--figures", default="docs", help="sample grids of seed 0 ('' = none)")
    args = parser.parse_args()
    import numpy as np

    import kerasgen
    from kerasgen import recipes

    sets = parse_sets(args.set)
    rows, result, floor = [], {}, None
    for name in args.recipes.split(","):
        recipe = recipes.get_recipe(name)
        for variant in args.variants.split(","):
            overrides = plain_overrides(recipe) if variant == "plain" else {"model": {},
                                                                             "compile": {}}
            overrides["model"].update(sets["model"])
            overrides["compile"].update(sets["compile"])
            overrides.update({k: v for k, v in sets.items() if k not in ("model", "compile")})
            runs = []
            for seed in range(args.seeds):
                model, info = train_recipe(name, seed=seed, **overrides)
                m = info["metric"]
                floor = {k[6:]: v for k, v in m.items() if k.startswith("floor_")}
                runs.append(dict(m, fit_s=info["fit_s"], steps=info["steps"]))
                print(f"{name} [{variant}] seed {seed}: FD {m['fd']:.1f}, P {m['precision']:.2f}"
                      f", R {m['recall']:.2f}, {info['fit_s']:.0f} s", flush=True)
                if seed == 0 and variant == "recipe" and args.figures:
                    kerasgen.figures.save_image_grid(
                        model.generate(64, seed=0), os.path.join(args.figures, f"{name}.png"),
                        ncols=8, title=f"{name}: 64 samples (FD {m['fd']:.1f}, floor "
                                       f"{floor['fd']:.1f})")
            g_iters = (model.generator_iterations(runs[0]["steps"])
                       if hasattr(model, "generator_iterations") else runs[0]["steps"])
            result[f"{name}/{variant}"] = {"runs": runs, "overrides": overrides}
            rows.append([name, variant, f"{runs[0]['steps']} ({g_iters} G)",
                         mean_se([r["fd"] for r in runs], 1),
                         mean_se([r["precision"] for r in runs]),
                         mean_se([r["recall"] for r in runs]),
                         mean_se([r["density"] for r in runs]),
                         mean_se([r["coverage"] for r in runs]),
                         f"{np.mean([r['fit_s'] for r in runs]):.0f}"])
    if floor:
        rows.append(["floor: test vs train digits", "-", "-", f"{floor['fd']:.1f}",
                     f"{floor['precision']:.2f}", f"{floor['recall']:.2f}",
                     f"{floor['density']:.2f}", f"{floor['coverage']:.2f}", "-"])
    print(f"\n{args.seeds} seed(s), mean ± standard error; fit steps (generator iterations)")
    print(markdown_table(["recipe", "variant", "steps", "FD", "precision", "recall", "density",
                          "coverage", "fit s"], rows))
    print(GOAL)
    write_result("gan_digits", result)


if __name__ == "__main__":
    main()
