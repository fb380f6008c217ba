"""Mode coverage of the GAN families on Gaussian mixtures (PacGAN protocol), built from recipes.

    python bench/gan_toy.py [--recipes gan_grid25,gan_ring8,wgangp_grid25] [--seeds 5]
                            [--variants recipe,plain] [--other_mixtures 6]
                            [--set 'model.r1_weight=0.1' ...]

Each run trains a recipe through `kerasgen.training.train_and_evaluate` (the code path of
`python -m kerasgen.cli.train`), draws 2,500 samples and measures modes covered, high-quality
fraction (within 3 std of the nearest mode) and reverse KL (`kerasgen.metrics.mode_coverage`);
mean ± standard error over seeds, fit wall time per run, and the budget in generator iterations.
Variants: `recipe` (as shipped) and `plain` (the recipe without its stabilizers: no R1/R2
penalty, no packing, no EMA, constant learning rates). `--other_mixtures N` trains each GAN
recipe's configuration on N other mixtures (random counts, spacings and widths, seeded) to check
that the defaults hold beyond the two named ones. Anchors from the literature (same protocol)
are printed beside.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, mean_se, train_recipe, write_result  # noqa: E402
from gan_digits import parse_sets, plain_overrides  # noqa: E402

ANCHORS = [
    ["grid25", "GAN (PacGAN Table 1)", "17.3", "94.8", "0.70"],
    ["grid25", "ALI (PacGAN Table 1)", "24.1", "95.7", "0.14"],
    ["grid25", "PacGAN4 (PacGAN Table 1)", "24.8", "93.6", "0.04"],
    ["grid25", "WGAN-GP (GDPP Table 1)", "24.2", "28.7", "-"],
    ["grid25", "VEEGAN (GDPP Table 1)", "24.6", "40", "-"],
    ["ring8", "PacGAN2 (PacGAN Table 1)", "7.9", "95.6", "0.07"],
]
GOALS = ("goal: grid25 >= 24.9 modes, >= 96% HQ, rev-KL <= 0.03; ring8 8.0, >= 97%, <= 0.02; "
         "<= 300 s per seed; WGAN-GP grid25 >= 24.5 modes")


def other_mixture(index):
    """A seeded random mixture: 5..40 modes, spacing 0.5..4, std 1%..4% of the spacing, placed
    with at least one spacing between modes, random (non-uniform) weights on odd indices."""
    rng = np.random.default_rng(1000 + index)
    count = int(rng.integers(5, 41))
    spacing = float(np.exp(rng.uniform(np.log(0.5), np.log(4.0))))
    std = float(spacing * rng.uniform(0.01, 0.04))
    side = spacing * np.sqrt(count) * 1.2
    means = []
    while len(means) < count:
        c = rng.uniform(-side / 2, side / 2, size=2)
        if all(np.linalg.norm(c - m) >= spacing for m in means):
            means.append(c)
    weights = rng.uniform(0.5, 1.5, count) if index % 2 else np.ones(count)
    return {"means": np.round(means, 4).tolist(), "std": round(std, 5),
            "weights": np.round(weights / weights.sum(), 5).tolist()}


def mixture_overrides(mixture):
    return {"data": {"builder": "toy", "mixture": mixture},
            "evaluation": {"kind": "mode_coverage", "mixture": mixture, "num_samples": 2500}}


def summarize(runs, key, scale=1.0, digits=2):
    values = [scale * r[key] for r in runs]
    if not np.all(np.isfinite(values)):
        return f"inf on {int(np.sum(~np.isfinite(values)))} of {len(values)}"
    return mean_se(values, digits)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipes", default="gan_grid25,gan_ring8,wgangp_grid25")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--variants", default="recipe,plain")
    parser.add_argument("--other_mixtures", type=int, default=6)
    parser.add_argument("--set", action="append", help="recipe override for exploration")
    parser.add_argument("--figures", default="docs", help="scatter plots of seed 0 ('' = none)")
    parser.add_argument("--result", default="gan_toy",
                        help="name of the result file, bench/results/NAME.json (to split a run)")
    args = parser.parse_args()
    import kerasgen
    from kerasgen import recipes

    sets = parse_sets(args.set)
    rows, raw = [], {}

    def run(name, variant, seeds, extra=None):
        recipe = recipes.get_recipe(name)
        overrides = plain_overrides(recipe) if variant == "plain" else {"model": {},
                                                                         "compile": {}}
        if variant == "plain":
            overrides["model"]["pack"] = 1
        overrides["model"].update(sets["model"])
        overrides["compile"].update(sets["compile"])
        overrides.update({k: v for k, v in sets.items() if k not in ("model", "compile")})
        overrides.update(extra or {})
        runs = []
        for seed in seeds:
            model, info = train_recipe(name, seed=seed, **overrides)
            m = info["metric"]
            runs.append(dict(modes=m["modes"], hq=m["high_quality"], rkl=m["reverse_kl"],
                             num_modes=m["num_modes"], fit_s=info["fit_s"],
                             steps=info["steps"],
                             g_iterations=model.generator_iterations(info["steps"])))
            print(f"{name} [{variant}] seed {seed}: {m['modes']}/{m['num_modes']} modes, "
                  f"{100 * m['high_quality']:.1f}% HQ, rev-KL {m['reverse_kl']:.3f}, "
                  f"{info['fit_s']:.0f} s", flush=True)
            if seed == 0 and variant == "recipe" and extra is None and args.figures:
                mixture = recipe["evaluation"]["mixture"]
                kerasgen.figures.scatter_plot(
                    model.generate(2500, seed=0), os.path.join(args.figures, f"{name}.png"),
                    reference=kerasgen.data.toy_mixture(mixture).means,
                    title=f"{name}: 2,500 samples, {m['modes']}/{m['num_modes']} modes, "
                          f"{100 * m['high_quality']:.1f}% HQ")
        return runs, overrides

    for name in args.recipes.split(",") if args.seeds else []:  # --seeds 0: other mixtures only
        mixture = recipes.get_recipe(name)["evaluation"]["mixture"]
        for variant in args.variants.split(","):
            runs, overrides = run(name, variant, range(args.seeds))
            raw[f"{name}/{variant}"] = {"runs": runs, "overrides": overrides}
            rows.append([mixture, f"{name} [{variant}]", summarize(runs, "modes"),
                         summarize(runs, "hq", 100.0, 1), summarize(runs, "rkl", 1.0, 3),
                         f"{runs[0]['steps']} ({runs[0]['g_iterations']} G)",
                         f"{np.mean([r['fit_s'] for r in runs]):.0f}"])
    if rows:
        print(f"\n2,500 samples, {args.seeds} seed(s), mean ± standard error; fit steps "
              "(generator iterations); fit wall time per run")
        print(markdown_table(["mixture", "model", "modes", "HQ %", "reverse KL", "steps",
                              "fit s/run"], rows + [a + ["(published)", "-"] for a in ANCHORS]))
        print(GOALS)

    if args.other_mixtures:
        other_rows = []
        gan_recipes = [n for n in args.recipes.split(",") if n.startswith("gan_")][:1]
        for name in gan_recipes:
            for i in range(args.other_mixtures):
                mixture = other_mixture(i)
                runs, _ = run(name, "recipe", [0], extra=mixture_overrides(mixture))
                r = runs[0]
                raw[f"{name}/other_{i}"] = {"mixture": mixture, "runs": runs}
                spacing = min(np.linalg.norm(np.array(a) - np.array(b))
                              for j, a in enumerate(mixture["means"])
                              for b in mixture["means"][j + 1:])
                other_rows.append([f"#{i}: {r['num_modes']} modes, spacing {spacing:.2f}, "
                                   f"std {mixture['std']:.3f}"
                                   + (", unequal weights" if i % 2 else ""),
                                   f"{r['modes']}/{r['num_modes']}", f"{100 * r['hq']:.1f}",
                                   f"{r['rkl']:.3f}", f"{r['fit_s']:.0f}"])
            print(f"\nThe {name} configuration on other mixtures (seed 0 each; "
                  "bench.gan_toy.other_mixture(i)):")
            print(markdown_table(["mixture", "modes", "HQ %", "reverse KL", "fit s"],
                                 other_rows))
    write_result(args.result, {"seeds": args.seeds, "results": raw})


if __name__ == "__main__":
    main()
