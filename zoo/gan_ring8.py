"""GAN on the 8-Gaussian ring of the PacGAN protocol (Lin et al. 2018), with the configuration
of `gan_grid25` (the recommended one for mixtures of Gaussians)."""

from kerasgen.zoo.gan_grid25 import RECIPE as _GRID25

RECIPE = dict(
    _GRID25,
    description="GAN + R1 on the ring8 mixture (PacGAN protocol); shipped weights",
    data={"builder": "toy", "mixture": "ring8"},
    dataset="ring8: 8 Gaussians on the unit circle, std 0.01",
    evaluation={"kind": "mode_coverage", "mixture": "ring8", "num_samples": 2500},
)
