"""Next-frame prediction on held-out moving digits: MSE vs adversarial (+GDL) training.

    python bench/frames.py [--seeds 0,1,2] [--steps N] [--rollout 5] [--figure PATH]
    python bench/frames.py --shipped     # evaluates the shipped presets instead of training
    python bench/frames.py --shipped --data_seeds 0,1,2,3,4,5 --figure ""   # per sequence seed

Both models are built and trained from their recipes (`framepredictor_digits`: MSE only;
`framegan_digits`: the same predictor with lambda_adv 0.05, lambda_l2 1, lambda_gdl 1 as in
Mathieu et al. 2016) with `kerasgen.training.train_and_evaluate`. Since issue #35
`framegan_digits` starts from the shipped `framepredictor_digits` (its recipe's `init_from`),
whatever the seed of the MSE model trained beside it. Evaluation: 256 held-out
sequences (test-split digit images, fixed data seed), 4 context frames, predictions fed back for
`--rollout` steps; PSNR and SSIM (`tf.image`), sharpness = mean gradient magnitude relative to the
true frame's (1 = as sharp as the truth) and Mathieu et al.'s sharpness difference (dB, higher =
gradients closer to the truth's), at 1 and `--rollout` steps ahead. Baseline: the last context
frame repeated. Mean +- standard error over seeds; wall and CPU time of each training (inflated
when the machine is shared).
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, write_result  # noqa: E402
from srgan import fmt  # noqa: E402

FIGURES = ("psnr", "ssim", "relative_sharpness", "sharpness_difference")
MODELS = {"MSE": "framepredictor_digits", "adversarial + GDL": "framegan_digits"}


def rollout_figure(models, path, steps, num_sequences=2):
    from kerasgen import data as data_lib
    from kerasgen import figures

    seq = data_lib.moving_digits_array("test", 64, 4 + steps, seed=0)[[3, 11][:num_sequences]]
    rows = {}
    for n, s in enumerate(seq):
        tag = f" #{n + 1}"
        rows["context" + tag] = s[:4]
        rows["ground truth" + tag] = s[4:]
        for key, model in models.items():
            rows[key + tag] = model.predict_frames(s[None, :4], steps)[0]
    return figures.image_rows(rows, path, title="Next-frame prediction on held-out digits\n"
                              f"(context: frames t-3 .. t; other rows: t+1 .. t+{steps})",
                              inches_per_image=0.9)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--steps", type=int, default=None, help="default: the recipes'")
    parser.add_argument("--rollout", type=int, default=5)
    parser.add_argument("--figure", default="docs/frames_digits.png")
    parser.add_argument("--work_dir", default=None)
    parser.add_argument("--result", default="frames",
                        help="name of the bench/results JSON (for seeds split over processes)")
    parser.add_argument("--data_seeds", default="0",
                        help="with --shipped: the held-out sequence seeds (data_seed) to compare "
                             "the two presets on, one row each (issue #35)")
    parser.add_argument("--shipped", action="store_true",
                        help="evaluate the shipped presets (one run each) instead of training")
    args = parser.parse_args()

    from kerasgen import evaluation, recipes, training

    if args.shipped:
        return shipped(args, evaluation, recipes)

    seeds = [int(s) for s in args.seeds.split(",")]
    work = args.work_dir or tempfile.mkdtemp(prefix="bench_frames_")
    horizons = sorted({1, args.rollout})
    per = {key: {f"{f}_{t}": [] for f in FIGURES for t in horizons}
           for key in ("last frame", *MODELS)}
    times = {k: [] for k in MODELS}
    cpu = {k: [] for k in MODELS}
    steps, last = {}, {}
    for seed in seeds:
        for key, name in MODELS.items():
            recipe = recipes.recipe_with(name, evaluation=dict(
                recipes.get_recipe(name)["evaluation"], steps=args.rollout))
            start = time.process_time()
            model, info = training.train_and_evaluate(
                name, os.path.join(work, f"{name}_{seed}"), steps=args.steps, seed=seed,
                recipe=recipe, verbose=0)
            cpu[key].append(time.process_time() - start)
            times[key].append(info["wall_time_s"])
            steps[key] = info["steps"]
            for metric in per[key]:
                per[key][metric].append(info["metric"][metric])
                if key == "adversarial + GDL":
                    per["last frame"][metric].append(info["metric"][f"floor_{metric}"])
            last[key] = model
            print(f"seed {seed} {key}: PSNR_1 {info['metric']['psnr_1']:.2f} sharpness_1 "
                  f"{info['metric']['relative_sharpness_1']:.3f}", file=sys.stderr, flush=True)
    rows = []
    for key in per:
        cells = [key if key == "last frame" else f"{key} ({steps[key]} steps)"]
        for t in horizons:
            cells += [fmt(per[key][f"psnr_{t}"]), fmt(per[key][f"ssim_{t}"], 3),
                      fmt(per[key][f"relative_sharpness_{t}"], 3),
                      fmt(per[key][f"sharpness_difference_{t}"])]
        cells += ["-", "-"] if key == "last frame" else [fmt(times[key], 0), fmt(cpu[key], 0)]
        rows.append(cells)
    headers = ["model"]
    for t in horizons:
        headers += [f"PSNR t+{t}", f"SSIM t+{t}", f"sharpness t+{t}", f"sharp. diff t+{t}"]
    headers += ["train wall s", "train CPU s"]
    print(f"256 held-out sequences (test-split digits), 4 context frames, 32x32; seeds {seeds}, "
          "mean ± s.e.")
    print(markdown_table(headers, rows))
    adv, mse = per["adversarial + GDL"], per["MSE"]
    sharper = sum(a > m for a, m in zip(adv["sharpness_difference_1"],
                                        mse["sharpness_difference_1"]))
    psnr_ok = sum(a >= m for a, m in zip(adv["psnr_1"], mse["psnr_1"]))
    print(f"\nAdversarial + GDL sharper (sharpness difference, t+1) than MSE in {sharper} of "
          f"{len(seeds)} seeds, with PSNR t+1 >= MSE's in {psnr_ok} of {len(seeds)} (goal: all). "
          "Mathieu et al. 2016 report both gains for adversarial + GDL over l2.")
    result = {"seeds": seeds, "steps": steps, "rollout": args.rollout, "per_seed": per,
              "wall_s": times, "cpu_s": cpu, "sharper_seeds": sharper, "psnr_ok_seeds": psnr_ok}
    if args.figure and last:
        path = rollout_figure(last, args.figure, args.rollout)
        print(f"\nFigure (seed {seeds[-1]}): {path}")
        result["figure"] = path
    write_result(args.result, result)


def per_sequence_seed(args, evaluation, recipes):
    """The shipped presets on each of --data_seeds' held-out sequences: is the adversarial model
    sharper at a PSNR at least the MSE model's on every one (t+1)?"""
    import kerasgen

    models = {key: kerasgen.load(name) for key, name in MODELS.items()}
    rows, result = [], {}
    for data_seed in [int(s) for s in args.data_seeds.split(",")]:
        figures = {}
        for key, name in MODELS.items():
            spec = dict(recipes.get_recipe(name)["evaluation"], steps=args.rollout,
                        data_seed=data_seed)
            figures[key] = evaluation.evaluate(models[key], spec)
        mse, adv = figures["MSE"], figures["adversarial + GDL"]
        holds = (adv["psnr_1"] >= mse["psnr_1"]
                 and adv["relative_sharpness_1"] > mse["relative_sharpness_1"])
        result[str(data_seed)] = {MODELS[k]: v for k, v in figures.items()}
        rows.append([str(data_seed)] + [f"{f[k]:.3f}" for f in (mse, adv)
                                        for k in ("psnr_1", "relative_sharpness_1", "psnr_5")]
                    + ["yes" if holds else "no"])
    print("Shipped presets per held-out sequence seed (256 sequences each), t+1 and t+5")
    print(markdown_table(["data seed", "MSE PSNR t+1", "MSE sharpness t+1", "MSE PSNR t+5",
                          "adv. PSNR t+1", "adv. sharpness t+1", "adv. PSNR t+5",
                          "adv. sharper at >= PSNR"], rows))
    write_result("frames_shipped_seeds", result)


def shipped(args, evaluation, recipes):
    """The shipped presets, evaluated as the recipes say (with --rollout steps), and the figure."""
    import kerasgen

    if args.data_seeds != "0":
        return per_sequence_seed(args, evaluation, recipes)

    rows, result, models = [], {}, {}
    horizons = sorted({1, args.rollout})
    for key, name in MODELS.items():
        model = kerasgen.load(name)
        spec = dict(recipes.get_recipe(name)["evaluation"], steps=args.rollout)
        figures = evaluation.evaluate(model, spec)
        meta = recipes.read_metadata(name)
        training_info = meta.get("training") or {}
        result[name] = {"figures": figures, "command": meta.get("command"),
                        "steps": training_info.get("steps"),
                        "wall_s": training_info.get("wall_time_s")}
        models[key] = model
        if not rows:
            rows.append(["last frame"] + [f"{figures[f'floor_{f}_{t}']:.3f}" for t in horizons
                                          for f in FIGURES] + ["-"])
        rows.append([f"{key}: `{name}` ({training_info.get('steps')} steps)"]
                    + [f"{figures[f'{f}_{t}']:.3f}" for t in horizons for f in FIGURES]
                    + [f"{training_info.get('wall_time_s', float('nan')):.0f}"])
    headers = ["model"] + [f"{n} t+{t}" for t in horizons
                           for n in ("PSNR", "SSIM", "sharpness", "sharp. diff")]
    print("Shipped presets, 256 held-out sequences (test-split digits), 4 context frames, 32x32")
    print(markdown_table(headers + ["train wall s"], rows))
    if args.figure:
        result["figure"] = rollout_figure(models, args.figure, args.rollout)
        print(f"\nFigure: {result['figure']}")
    write_result("frames_shipped", result)


if __name__ == "__main__":
    main()
