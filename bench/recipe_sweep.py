"""Variations of one zoo recipe trained and measured the same way (issue #34's explorations).

    python bench/recipe_sweep.py --recipe pixelcnn_digits --name pixelcnn_sweep \
        --variations '{"dropout 0.2": {"model": {"dropout": 0.2}}, "no dropout": {...}}'

Each variation is `kerasgen.recipes.recipe_with(recipe, **variation)`, trained by
`kerasgen.training.train_and_evaluate` (early stopping where the recipe asks for it) and
measured by the recipe's evaluation spec on the test split, and on the validation split for
log-likelihood recipes. Appends one row per variation to bench/results/NAME.json and prints the
table.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import RESULTS_DIR, markdown_table, write_result  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipe", required=True)
    parser.add_argument("--name", required=True, help="result file bench/results/NAME.json")
    parser.add_argument("--variations", required=True, help="JSON {label: recipe_with kwargs}")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from kerasgen import evaluation, recipes, training

    path = os.path.join(RESULTS_DIR, f"{args.name}.json")
    rows = json.load(open(path))["rows"] if os.path.exists(path) else []
    for label, variation in json.loads(args.variations).items():
        recipe = recipes.recipe_with(args.recipe, **variation)
        model_dir = tempfile.mkdtemp(prefix=f"sweep-{args.recipe}-")
        try:
            model, info = training.train_and_evaluate(args.recipe, model_dir, recipe=recipe,
                                                      seed=args.seed, verbose=0)
        finally:
            shutil.rmtree(model_dir, ignore_errors=True)
        row = {"label": label, "recipe": args.recipe, "variation": variation, "seed": args.seed,
               "test": {k: v for k, v in info["metric"].items() if not isinstance(v, list)},
               "cpu_s": info["cpu_time_s"], "wall_s": info["wall_time_s"],
               "steps": info["steps"], "best_step": info.get("best_step"),
               "parameters": sum(int(w.numpy().size) for net in model.networks().values()
                                 for w in net.trainable_weights)}
        if recipe["evaluation"]["kind"] == "log_likelihood":
            row["val_nll"] = evaluation.evaluate(model, dict(recipe["evaluation"], split="val",
                                                              seed=args.seed))["nll_nats"]
        rows.append(row)
        print(json.dumps(row), flush=True)
        write_result(args.name, {"rows": rows})
    def headline(t):
        if "nll_nats" in t:
            return f"{t['nll_nats']:.2f}"
        if "fd" in t:
            return f"FD {t['fd']:.1f} P {t['precision']:.2f} R {t['recall']:.2f}"
        if "psnr" in t:
            return (f"PSNR {t['psnr']:.2f} sharpness {t['relative_sharpness']:.3f} grey chroma "
                    f"{t.get('grey_chroma', float('nan')):.2f}")
        return json.dumps(t)[:80]

    print(markdown_table(["variation", "test", "val NLL", "CPU s", "steps (best)", "params"],
                         [[r["label"], headline(r["test"]),
                           f"{r['val_nll']:.2f}" if r.get("val_nll") else "-",
                           f"{r['cpu_s']:.0f}", f"{r['steps']} ({r.get('best_step')})",
                           f"{r['parameters']:,}"] for r in rows]))


if __name__ == "__main__":
    main()
