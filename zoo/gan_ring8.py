"""GAN on the 8-Gaussian ring of the PacGAN protocol (Lin et al. 2018), with the configuration
of `gan_grid25` (the recommended one for mixtures of Gaussians) with the discriminator its
shipped weights were trained with, 3 x 256 like the generator, and 10 steps per graph call
(`gan_grid25` narrowed its discriminator to 3 x 128 for speed in issue #35)."""

from kerasgen.zoo.gan_grid25 import RECIPE as _GRID25

RECIPE = dict(
    _GRID25,
    description="GAN + R1 on the ring8 mixture (PacGAN protocol); shipped weights",
    model={k: v for k, v in _GRID25["model"].items() if k != "discriminator_units"},
    compile=dict(_GRID25["compile"], steps_per_execution=10),
    data={"builder": "toy", "mixture": "ring8"},
    dataset="ring8: 8 Gaussians on the unit circle, std 0.01",
    evaluation={"kind": "mode_coverage", "mixture": "ring8", "num_samples": 2500},
)
