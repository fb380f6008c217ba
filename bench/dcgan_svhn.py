"""The DCGAN paper's own SVHN generator (the shipped `dcgan_svhn` preset): figures and how close
inference mode stays to the original batch-statistics sampling.

    python bench/dcgan_svhn.py [--grid docs/dcgan_svhn.png]
                               [--interpolation docs/dcgan_svhn_interpolation.png]

The original code (Newmu/dcgan_code) normalized every batch-norm layer with the statistics of the
batch being sampled; the preset's moving statistics were estimated from 20,000 latent draws
(`kerasgen.convert.dcgan_theano.estimate_statistics`). For batches of 64 and 256 latent draws
(5 seeds each) this prints the mean and max |inference mode - batch statistics|, and as their
scale the same between the batch-statistics outputs of one half-batch of z sampled with two
different other halves (the original's own dependence on the rest of the batch). The paper's
SVHN discriminator-feature experiment needs the SVHN data, which is not available offline: not
run here.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Timer, markdown_table, write_result  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grid", default="docs/dcgan_svhn.png")
    parser.add_argument("--interpolation", default="docs/dcgan_svhn_interpolation.png")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    import kerasgen
    from kerasgen.convert import dcgan_theano

    with Timer() as load_time:
        model = kerasgen.load("dcgan_svhn", offline=True)
    samples = model.generate(64, seed=0)
    kerasgen.figures.save_image_grid(
        samples, args.grid, ncols=8,
        title="dcgan_svhn: the paper's SVHN generator, 64 samples (seed 0)")
    rng = np.random.default_rng(0)
    rows = {}
    for r in range(6):
        z0, z1 = rng.standard_normal((2, model.latent_dim)).astype(np.float32)
        rows[f"pair {r + 1}"] = model.interpolate_latents(z0, z1, steps=10, spherical=True)
    kerasgen.figures.image_rows(
        rows, args.interpolation,
        title="dcgan_svhn: spherical interpolation between two latent draws (left to right)")
    table, result = [], {"load_seconds": load_time.seconds, "gaps": {}}
    for batch in (64, 256):
        gaps = [dcgan_theano.batch_statistics_gap(model, num_samples=batch, seed=s)
                for s in range(args.seeds)]
        summary = {key: float(np.mean([g[key] for g in gaps]))
                   for key in ("mean_abs", "max_abs", "between_batches_mean_abs",
                               "between_batches_max_abs")}
        result["gaps"][batch] = summary
        table.append([batch, f"{summary['mean_abs']:.4f}", f"{summary['max_abs']:.3f}",
                      f"{summary['between_batches_mean_abs']:.4f}",
                      f"{summary['between_batches_max_abs']:.3f}"])
    print(markdown_table(
        ["batch", "inference vs batch stats: mean abs diff", "max abs diff",
         "batch stats, two batches: mean abs diff", "max abs diff"], table))
    print(f"\n(means over {args.seeds} seeds; images in [-1, 1]; figures: {args.grid}, "
          f"{args.interpolation}; samples in [{samples.min():.3f}, {samples.max():.3f}])")
    write_result("dcgan_svhn", result)


if __name__ == "__main__":
    main()
