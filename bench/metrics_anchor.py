"""Metric sanity anchors: Naeem et al.'s N(0, I) check and the digits floor.

    python bench/metrics_anchor.py [--draws 5]

1. Two sets of 10,000 samples of N(0, I) in 1000-D, k=5 (precision, recall) and k=5 (density,
   coverage): published example 0.477 / 0.471 / 1.056 / 0.974 "(may fluctuate)". We report the
   mean and standard deviation over independent draws.
2. The digits floor: FD / KID / PR / DC between the digits test and train splits with the shipped
   digits classifier features — what a perfect digits model would score.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Timer, markdown_table, write_result  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=5)
    args = parser.parse_args()
    from kerasgen import data, feature_metrics as fm

    values = {"precision": [], "recall": [], "density": [], "coverage": []}
    with Timer() as t:
        for seed in range(args.draws):
            rng = np.random.default_rng(seed)
            real, fake = rng.normal(size=(10000, 1000)), rng.normal(size=(10000, 1000))
            pr = fm.precision_recall(real, fake, k=5)
            dc = fm.density_coverage(real, fake, k=5)
            for key, value in (("precision", pr.precision), ("recall", pr.recall),
                               ("density", dc.density), ("coverage", dc.coverage)):
                values[key].append(value)
    anchor = {"precision": 0.4772, "recall": 0.4705, "density": 1.0555, "coverage": 0.9735}
    rows = [[k, f"{np.mean(v):.4f} ± {np.std(v, ddof=1) if len(v) > 1 else 0:.4f}",
             f"{min(v):.4f} .. {max(v):.4f}", anchor[k]] for k, v in values.items()]
    print(f"N(0, I) in 1000-D, 10,000 vs 10,000, k=5, {args.draws} draws ({t.seconds:.0f} s)")
    print(markdown_table(["metric", "kerasgen mean ± sd", "range", "published example"], rows))
    x_tr, _ = data.load_digits_array("train", raw=False)
    x_te, _ = data.load_digits_array("test", raw=False)
    floor = fm.image_metrics(x_te, x_tr, kid_subset_size=447)
    print("\nDigits floor (test split vs train split, digits-classifier features):")
    print(markdown_table(list(floor), [[f"{v:.4f}" for v in floor.values()]]))
    write_result("metrics_anchor", {"draws": args.draws, "values": values, "anchor": anchor,
                                    "digits_floor": floor})


if __name__ == "__main__":
    main()
