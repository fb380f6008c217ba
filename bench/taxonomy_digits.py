"""The taxonomy of generative models (Goodfellow, "NIPS 2016 Tutorial: Generative Adversarial
Networks", arXiv:1701.00160, figure 9) filled with kerasgen's shipped digits models.

    python bench/taxonomy_digits.py [--figure docs/taxonomy_samples.png]

Each row is a branch of the tutorial's tree with the family that implements it, its recipe, the
figure its shipped preset reached on the held-out digits (test NLL in nats per image for the
explicit densities, 17 levels; FD in the digits classifier's features beside the test-vs-train
floor for the implicit models) and its training cost, all read from the preset's metadata.json,
which `python -m kerasgen.cli.train --recipe=NAME ...` wrote (the command is in the metadata).
Nothing is retrained here. The figure shows samples of every family side by side, as images in
[-1, 1] (levels 0..16 mapped by x / 8 - 1).
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, write_result  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: (branch of the tree, family, recipe)
ROWS = [
    ("explicit, tractable: fully visible belief net", "NADE", "nade_digits"),
    ("explicit, tractable: fully visible belief net", "PixelCNN", "pixelcnn_digits"),
    ("explicit, tractable: change of variables", "Flow (MAF/RealNVP)", "flow_digits"),
    ("explicit, tractable: (mixture model)", "MixtureModel", "mixture_digits"),
    ("explicit, approximate: variational", "VAE", "vae_digits"),
    ("explicit, approximate: Markov chain", "RBM (Boltzmann machine)", "rbm_digits"),
    ("implicit: Markov chain", "GSN", "gsn_digits"),
    ("implicit: direct", "DCGAN (GAN)", "dcgan_digits"),
]


def figure_of(meta):
    metric = meta.get("metric") or {}
    if "nll_nats" in metric:
        return (f"NLL {metric['nll_nats']:.1f} ± {metric['nll_standard_error']:.1f} "
                f"({metric['method']})")
    if "fd" in metric:
        return (f"FD {metric['fd']:.1f} (floor {metric['floor_fd']:.1f}), precision "
                f"{metric['precision']:.2f}, recall {metric['recall']:.2f}")
    return "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--figure", default=os.path.join(ROOT, "docs", "taxonomy_samples.png"))
    parser.add_argument("--num_samples", type=int, default=10)
    args = parser.parse_args()
    import kerasgen
    from kerasgen import figures, recipes
    from kerasgen.recipes import weights

    table, rows, samples = [], [], {}
    train, _ = kerasgen.data.load_digits_array("train", raw=True)
    samples["training digits"] = train[:args.num_samples, ..., None] / 8.0 - 1.0
    for branch, family, recipe in ROWS:
        folder = weights.shipped_dir(recipes.get_recipe(recipe))
        meta_path = os.path.join(folder, "metadata.json")
        if not os.path.exists(meta_path):
            table.append([branch, family, f"`{recipe}`", "not shipped", "-"])
            continue
        meta = json.load(open(meta_path))
        training = meta.get("training") or {}
        cost = (f"{training['cpu_time_s']:.0f} CPU-s ({training['steps']} steps)"
                if training.get("cpu_time_s") is not None else "-")
        table.append([branch, family, f"`{recipe}`", figure_of(meta), cost])
        rows.append({"branch": branch, "family": family, "recipe": recipe,
                     "metric": meta.get("metric"), "command": meta.get("command"),
                     "cpu_time_s": training.get("cpu_time_s"), "steps": training.get("steps")})
        model = kerasgen.load(recipe)
        if hasattr(model, "sample") and getattr(model, "support", None) == "categorical":
            images = model.sample(args.num_samples, seed=0) / 8.0 - 1.0
        else:
            images = model.generate(args.num_samples, seed=0)
        samples[family.split(" (")[0]] = np.asarray(images, np.float32)
    print(markdown_table(["branch (Goodfellow 2016, fig. 9)", "kerasgen family", "recipe",
                          "held-out figure (digits)", "training cost"], table))
    if args.figure:
        other = [f"{k} at {v.shape[1]}x{v.shape[2]}" for k, v in samples.items()
                 if v.shape[1:3] != (8, 8)]
        title = "Samples of every family (8x8 digits" + "".join(f"; {o}" for o in other) + ")"
        path = figures.image_rows(samples, args.figure, value_range=(-1, 1),
                                  inches_per_image=0.6, title=title)
        print(f"\n![taxonomy samples]({os.path.relpath(path, os.getcwd())})")
    write_result("taxonomy_digits", {"rows": rows, "table": table})


if __name__ == "__main__":
    main()
