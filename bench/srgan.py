"""Super-resolution x4 on the held-out bundled natural images: bicubic, SRResNet, SRGAN.

    python bench/srgan.py [--seeds 0,1,2] [--srresnet_steps N] [--srgan_steps N] [--figure PATH]
    python bench/srgan.py --shipped      # evaluates the shipped presets instead of training

Both models are built and trained from their recipes (`srresnet_natural`, then `srgan_natural`
initialized from that seed's SRResNet, as in the paper) with `kerasgen.training.
train_and_evaluate`. Evaluation: the four held-out images (astronaut, camera, chelsea, coffee),
whole, downscaled x4 (bicubic with antialiasing, 8-bit), upscaled by each method; PSNR and SSIM
on the luma channel with a 4-pixel border crop (`tf.image.psnr`/`ssim`), sharpness = mean
gradient magnitude relative to the HR image's (1 = as sharp as the truth) and Mathieu et al.'s
sharpness difference (dB, higher = gradients closer to the truth's). Mean +- standard error over
seeds; wall and CPU time of each training (CPU time is the process's, summed over threads; both
are inflated when the machine is shared).
"""

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, write_result  # noqa: E402

FIGURES = ("psnr", "ssim", "relative_sharpness", "sharpness_difference")
# Ledig et al. (2017) Table 2, Set5 x4 (PSNR on MATLAB's YCbCr luma, +1.32 dB vs ours)
ANCHORS = {"bicubic": (28.43, 0.8211), "SRResNet": (32.05, 0.9019), "SRGAN": (29.40, 0.8472)}


def mean_se(values):
    values = np.asarray(values, dtype=np.float64)
    se = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else float("nan")
    return float(values.mean()), float(se)


def fmt(values, digits=2):
    m, se = mean_se(values)
    return f"{m:.{digits}f}" if np.isnan(se) else f"{m:.{digits}f} ± {se:.{digits}f}"


def train(name, recipe, model_dir, seed, steps):
    from kerasgen import training

    cpu = time.process_time()
    model, info = training.train_and_evaluate(name, model_dir, steps=steps, seed=seed,
                                              recipe=recipe, verbose=0)
    info["cpu_s"] = time.process_time() - cpu
    return model, info


def crops_figure(models, path, size=64):
    """Rows LR / bicubic / SRResNet / SRGAN / HR of `size` px HR crops of the test images."""
    from kerasgen import data as data_lib
    from kerasgen import evaluation, figures

    hr_images, lr_images = evaluation.super_resolution_images("test", 4)
    spots = [(0, 96, 176), (1, 120, 300), (2, 160, 120), (3, 60, 170)]  # (image, y, x) of HR
    rows = {"LR (x4 nearest)": [], "bicubic": [], **{k: [] for k in models}, "HR": []}
    for i, y, x in spots:
        hr, lr = hr_images[i], lr_images[i]
        ly, lx, ls = y // 4, x // 4, size // 4
        cut = (slice(None), slice(y, y + size), slice(x, x + size))
        rows["LR (x4 nearest)"].append(np.repeat(np.repeat(
            lr[0, ly:ly + ls, lx:lx + ls], 4, 0), 4, 1))
        rows["bicubic"].append(data_lib.bicubic_upscale(lr, 4).numpy()[cut][0])
        for key, model in models.items():
            rows[key].append(model.upscale(lr)[cut][0])
        rows["HR"].append(hr[cut][0])
    return figures.image_rows({k: np.stack(v) for k, v in rows.items()}, path,
                              title="x4 super-resolution, held-out images",
                              column_titles=["astronaut", "camera", "chelsea", "coffee"],
                              inches_per_image=1.6)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--srresnet_steps", type=int, default=None,
                        help="default: the srresnet_natural recipe's")
    parser.add_argument("--srgan_steps", type=int, default=None,
                        help="default: the srgan_natural recipe's")
    parser.add_argument("--figure", default="docs/srgan_natural.png")
    parser.add_argument("--work_dir", default=None)
    parser.add_argument("--shipped", action="store_true",
                        help="evaluate the shipped presets (one run each) instead of training")
    args = parser.parse_args()
    import keras  # noqa: F401

    from kerasgen import recipes

    if args.shipped:
        return shipped(args)

    seeds = [int(s) for s in args.seeds.split(",")]
    work = args.work_dir or tempfile.mkdtemp(prefix="bench_srgan_")
    per = {"bicubic": {k: [] for k in FIGURES}, "SRResNet": {k: [] for k in FIGURES},
           "SRGAN": {k: [] for k in FIGURES}}
    times = {"SRResNet": [], "SRGAN": []}
    cpu = {"SRResNet": [], "SRGAN": []}
    steps = {}
    last = {}
    for seed in seeds:
        sr_dir = os.path.join(work, f"srresnet_{seed}")
        srresnet, info = train("srresnet_natural", recipes.get_recipe("srresnet_natural"),
                               sr_dir, seed, args.srresnet_steps)
        steps["SRResNet"] = info["steps"]
        gan_recipe = recipes.recipe_with("srgan_natural",
                                         init_from=os.path.join(sr_dir, "preset"))
        srgan, gan_info = train("srgan_natural", gan_recipe, os.path.join(work, f"srgan_{seed}"),
                                seed, args.srgan_steps)
        steps["SRGAN"] = gan_info["steps"]
        for key, inf in (("SRResNet", info), ("SRGAN", gan_info)):
            for f in FIGURES:
                per[key][f].append(inf["metric"][f])
            times[key].append(inf["wall_time_s"])
            cpu[key].append(inf["cpu_s"])
        for f in FIGURES:
            per["bicubic"][f].append(info["metric"][f"floor_{f}"])
        last = {"SRResNet": srresnet, "SRGAN": srgan}
        print(f"seed {seed}: SRResNet PSNR {info['metric']['psnr']:.2f}, SRGAN "
              f"{gan_info['metric']['psnr']:.2f}, bicubic {info['metric']['floor_psnr']:.2f}",
              file=sys.stderr, flush=True)
    rows = []
    for key in ("bicubic", "SRResNet", "SRGAN"):
        anchor = ANCHORS[key]
        rows.append([key if key == "bicubic" else f"{key} ({steps[key]} steps)",
                     fmt(per[key]["psnr"]), fmt(per[key]["ssim"], 3),
                     fmt(per[key]["relative_sharpness"], 3),
                     fmt(per[key]["sharpness_difference"]),
                     "-" if key == "bicubic" else fmt(times[key], 0),
                     "-" if key == "bicubic" else fmt(cpu[key], 0),
                     f"{anchor[0]:.2f} / {anchor[1]:.4f}"])
    gain = np.asarray(per["SRResNet"]["psnr"]) - np.asarray(per["bicubic"]["psnr"])
    closer = [abs(g - 1) < abs(r - 1) for g, r in zip(per["SRGAN"]["relative_sharpness"],
                                                      per["SRResNet"]["relative_sharpness"])]
    print(f"x4 on the 4 held-out bundled images (astronaut, camera, chelsea, coffee), luma, "
          f"border 4; seeds {seeds}, mean ± s.e.")
    print(markdown_table(["method", "PSNR dB", "SSIM", "sharpness / HR", "sharpness diff dB",
                          "train wall s", "train CPU s", "paper Set5 PSNR / SSIM"], rows))
    print(f"\nSRResNet - bicubic: {fmt(gain)} dB (goal >= +2.0); SRGAN sharpness closer to the "
          f"HR images' than SRResNet's in {sum(closer)} of {len(closer)} seeds (goal: all).")
    print("Paper PSNR is on MATLAB's YCbCr luma, 1.32 dB above tf.image.rgb_to_yuv's for the "
          "same images; compare gains, not levels.")
    result = {"seeds": seeds, "steps": steps, "per_seed": per, "wall_s": times, "cpu_s": cpu,
              "psnr_gain_over_bicubic": gain.tolist(), "srgan_sharpness_closer": closer}
    if args.figure and last:
        path = crops_figure(last, args.figure)
        print(f"\nFigure (seed {seeds[-1]}): {path}")
        result["figure"] = path
    write_result("srgan", result)


def shipped(args):
    """The shipped srresnet_natural and srgan_natural presets, evaluated, and the figure."""
    import kerasgen
    from kerasgen import evaluation, recipes

    models, result, rows = {}, {}, []
    for key, name in (("SRResNet", "srresnet_natural"), ("SRGAN", "srgan_natural")):
        model = kerasgen.load(name)
        figures = evaluation.evaluate_super_resolution(model)
        meta = recipes.read_metadata(name)
        info = meta.get("training") or {}
        result[name] = {"figures": figures, "command": meta.get("command"),
                        "steps": info.get("steps"), "wall_s": info.get("wall_time_s")}
        if not rows:
            rows.append(["bicubic"] + [f"{figures[f'floor_{f}']:.3f}" for f in FIGURES]
                        + ["-", f"{ANCHORS['bicubic'][0]:.2f} / {ANCHORS['bicubic'][1]:.4f}"])
        rows.append([f"{key}: `{name}` ({info.get('steps')} steps)"]
                    + [f"{figures[f]:.3f}" for f in FIGURES]
                    + [f"{info.get('wall_time_s', float('nan')):.0f}",
                       f"{ANCHORS[key][0]:.2f} / {ANCHORS[key][1]:.4f}"])
        models[key] = model
    print("Shipped presets, x4 on the 4 held-out bundled images, luma, border 4")
    print(markdown_table(["method", "PSNR dB", "SSIM", "sharpness / HR", "sharpness diff dB",
                          "train wall s", "paper Set5 PSNR / SSIM"], rows))
    if args.figure:
        result["figure"] = crops_figure(models, args.figure)
        print(f"\nFigure: {result['figure']}")
    write_result("srgan_shipped", result)


if __name__ == "__main__":
    main()
