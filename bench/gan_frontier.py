"""A digits GAN recipe variation trained once, then measured at several sampling settings.

    python bench/gan_frontier.py --recipe dcgan_digits --name dcgan_frontier35 --label "48k" \
        --variation '{"steps": 48000, "compile": {...}}' \
        --settings "2.0:2.0,1.5:2.5,1.25:2.5,1.25:3.0" --sample_seeds 0,1,2 [--keep DIR]
    python bench/gan_frontier.py ... --preset DIR/preset --settings "0.8:4.0"   # no training

Issue #35's goal rows for `dcgan_digits` / `wgangp_digits` hold FD, precision and recall
together; the sampling levers (truncation of z, the discriminator filter) trade one for the
other on a trained generator, so each trained variation is measured along them. The variation
is `kerasgen.recipes.recipe_with(recipe, **variation)` trained by
`kerasgen.training.train_and_evaluate` (the code path of `python -m kerasgen.cli.train`); each
setting `truncation:filter` is then set on the trained model (`filter` 1 = off) and measured by
`kerasgen.evaluation.evaluate_image_metrics` on the test digits, averaged over sampling seeds.
Appends one row per setting to bench/results/NAME.json and prints it.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import RESULTS_DIR, write_result  # noqa: E402

GOAL = {"fd": 26.8, "precision": 0.70, "recall": 0.60}


def holds(figures):
    return (figures["fd"] <= GOAL["fd"] and figures["precision"] >= GOAL["precision"]
            and figures["recall"] >= GOAL["recall"])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipe", required=True)
    parser.add_argument("--name", required=True, help="result file bench/results/NAME.json")
    parser.add_argument("--label", required=True)
    parser.add_argument("--variation", default="{}", help="JSON recipe_with kwargs")
    parser.add_argument("--settings", default="2.0:2.0,1.5:2.5,1.25:2.5,1.25:3.0",
                        help="comma-separated truncation:filter pairs (truncation none = off, "
                             "filter 1 = off)")
    parser.add_argument("--sample_seeds", default="0,1,2")
    parser.add_argument("--seed", type=int, default=0, help="training seed")
    parser.add_argument("--keep", default=None,
                        help="model directory to keep (checkpoints and preset) for more settings")
    parser.add_argument("--preset", default=None,
                        help="measure this trained preset (e.g. KEEP/preset) instead of training")
    args = parser.parse_args()
    from kerasgen import evaluation, recipes, training

    path = os.path.join(RESULTS_DIR, f"{args.name}.json")
    rows = json.load(open(path))["rows"] if os.path.exists(path) else []
    variation = json.loads(args.variation)
    recipe = recipes.recipe_with(args.recipe, **variation)
    if args.preset:
        import kerasgen

        model = kerasgen.load(args.preset)
        info = json.load(open(os.path.join(args.preset, "metadata.json")))["training"]
        info["steps"] = info["steps_this_run"]
    else:
        model_dir = args.keep or tempfile.mkdtemp(prefix=f"frontier-{args.recipe}-")
        try:
            model, info = training.train_and_evaluate(args.recipe, model_dir, recipe=recipe,
                                                      seed=args.seed, verbose=0, evaluate=False,
                                                      sample_every=10 ** 9)
        finally:
            if not args.keep:
                shutil.rmtree(model_dir, ignore_errors=True)
    seeds = [int(s) for s in args.sample_seeds.split(",")]
    for setting in args.settings.split(","):
        truncation, keep = setting.split(":")
        truncation = None if truncation == "none" else float(truncation)
        keep = float(keep)
        model.truncation = truncation
        model.discriminator_filter = None if keep <= 1.0 else keep
        runs = [evaluation.evaluate_image_metrics(model, split="test", seed=s) for s in seeds]
        figures = {k: float(np.mean([r[k] for r in runs]))
                   for k in ("fd", "precision", "recall", "density", "coverage")}
        row = {"label": args.label, "recipe": args.recipe, "variation": variation,
               "seed": args.seed, "truncation": truncation, "filter": keep,
               "sample_seeds": seeds, **figures, "holds": holds(figures),
               "cpu_s": info["cpu_time_s"], "steps": info["steps"]}
        rows.append(row)
        print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v)
                          for k, v in row.items() if k != "variation"}), flush=True)
        write_result(args.name, {"rows": rows})


if __name__ == "__main__":
    main()
