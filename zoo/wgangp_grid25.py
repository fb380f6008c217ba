"""WGAN-GP on the 25-Gaussian grid (PacGAN protocol), with a generator EMA."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 1e-3, "beta_1": 0.0, "beta_2": 0.9}}

RECIPE = {
    "description": "MLP WGAN-GP on the grid25 toy mixture (mode-coverage benchmark); shipped weights",
    "family": "WGANGP",
    "model": {"latent_dim": 2, "sample_shape": [2], "hidden_units": [256, 256, 256],
              "ema": 0.999},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "toy", "mixture": "grid25"},
    "dataset": "grid25: 25 Gaussians at {-4,-2,0,2,4}^2, std 0.05",
    "resolution": None,
    "batch_size": 256,
    "steps": 5000,
    "evaluation": {"kind": "mode_coverage", "mixture": "grid25", "num_samples": 2500},
}
