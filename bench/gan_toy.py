"""Mode coverage of GAN, WGAN and WGAN-GP on the 2-D mixtures (PacGAN protocol).

    python bench/gan_toy.py [--seeds 5] [--steps N] [--families GAN,WGAN,WGANGP]
                            [--mixtures ring8,grid25] [--save_dir DIR]

For each family and mixture: train from the configuration below, draw 2,500 samples, and measure
modes covered, high-quality fraction and reverse KL (`kerasgen.metrics.mode_coverage`); report
mean ± standard error over seeds and the wall time of one run. Anchors from the literature (same
protocol) are printed beside. `--save_dir DIR` writes the seed-0 models as presets DIR/NAME
(gan_grid25, wgangp_grid25, ...).
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, write_result  # noqa: E402

CONFIGS = {  # MLPs with 3 hidden layers of 256 units, batch 256, z in R^2, generator EMA 0.999
    "GAN": {"model": {"latent_dim": 2, "sample_shape": [2], "hidden_units": [256, 256, 256],
                      "ema": 0.999},
            "optimizer": ("Adam", {"learning_rate": 1e-3, "beta_1": 0.5}),
            "batch_size": 256, "steps": 3000},
    "WGAN": {"model": {"latent_dim": 2, "sample_shape": [2], "hidden_units": [256, 256, 256],
                       "ema": 0.999, "warmup_schedule": False},
             "optimizer": ("RMSprop", {"learning_rate": 5e-4}),
             "batch_size": 256, "steps": 5000},
    "WGANGP": {"model": {"latent_dim": 2, "sample_shape": [2], "hidden_units": [256, 256, 256],
                         "ema": 0.999},
               "optimizer": ("Adam", {"learning_rate": 1e-3, "beta_1": 0.0, "beta_2": 0.9}),
               "batch_size": 256, "steps": 5000},
}
ANCHORS = [
    ["grid25", "GAN (PacGAN Table 1)", "17.3", "94.8", "0.70"],
    ["grid25", "ALI", "24.1", "95.7", "0.14"],
    ["grid25", "PacGAN4", "24.8", "93.6", "0.04"],
    ["grid25", "VEEGAN", "24.6", "40", "-"],
    ["ring8", "PacGAN2", "7.9", "95.6", "0.07"],
]


def train_one(family, mixture, seed, steps=None):
    import keras

    import kerasgen

    config = CONFIGS[family]
    keras.utils.set_random_seed(seed)
    model = getattr(kerasgen.models, family)(seed=seed, **config["model"])
    name, kwargs = config["optimizer"]
    model.compile(d_optimizer=getattr(keras.optimizers, name)(**kwargs),
                  g_optimizer=getattr(keras.optimizers, name)(**kwargs))
    start = time.time()
    model.fit(kerasgen.data.toy(mixture, config["batch_size"], seed=seed),
              steps_per_epoch=steps or config["steps"], epochs=1, verbose=0)
    wall = time.time() - start
    result = kerasgen.metrics.mode_coverage(model.generate(2500, seed=1000 + seed), mixture)
    return model, result, wall


def mean_se(values):
    values = np.asarray(values, dtype=np.float64)
    se = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
    return f"{values.mean():.2f} ± {se:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--families", default="GAN,WGAN,WGANGP")
    parser.add_argument("--mixtures", default="ring8,grid25")
    parser.add_argument("--save_dir", default=None)
    args = parser.parse_args()
    import kerasgen

    rows, raw = [], {}
    for mixture in args.mixtures.split(","):
        for family in args.families.split(","):
            modes, hq, rkl, walls = [], [], [], []
            for seed in range(args.seeds):
                model, r, wall = train_one(family, mixture, seed, args.steps)
                modes.append(r.modes)
                hq.append(100 * r.high_quality)
                rkl.append(r.reverse_kl)
                walls.append(wall)
                print(f"{family} {mixture} seed {seed}: {r.modes} modes, "
                      f"{100 * r.high_quality:.1f}% HQ, rev-KL {r.reverse_kl:.3f}, {wall:.0f} s",
                      flush=True)
                if seed == 0 and args.save_dir:
                    name = f"{family.lower()}_{mixture}"
                    kerasgen.save_preset(model, os.path.join(args.save_dir, name),
                                         include_optimizer=False, metadata={
                        "recipe": name, "dataset": f"toy mixture {mixture}",
                        "metric": {"modes": r.modes, "high_quality": r.high_quality,
                                   "reverse_kl": r.reverse_kl, "samples": 2500},
                        "command": f"python bench/gan_toy.py --families {family} "
                                   f"--mixtures {mixture} --save_dir {args.save_dir}"})
            raw[f"{family}_{mixture}"] = {"modes": modes, "hq": hq, "reverse_kl": rkl,
                                          "wall": walls}
            rows.append([mixture, f"kerasgen {family}", mean_se(modes), mean_se(hq),
                         mean_se(rkl), f"{np.mean(walls):.0f}"])
    print(f"\n2,500 samples, {args.seeds} seed(s), mean ± standard error; wall time of one run")
    print(markdown_table(["mixture", "model", "modes", "HQ %", "reverse KL", "wall s/run"],
                         rows + [a + ["(published)"] for a in ANCHORS]))
    print("goal: grid25 >= 24.9 modes, >= 96% HQ, rev-KL <= 0.03; ring8 8/8, >= 97%, <= 0.02")
    write_result("gan_toy", {"seeds": args.seeds, "results": raw, "configs": CONFIGS})


if __name__ == "__main__":
    main()
