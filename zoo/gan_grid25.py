"""MLP GAN on the 25-Gaussian grid (PacGAN protocol), with a generator EMA."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 1e-3, "beta_1": 0.5}}

RECIPE = {
    "description": "MLP GAN on the grid25 toy mixture (mode-coverage benchmark); shipped weights",
    "family": "GAN",
    "model": {"latent_dim": 2, "sample_shape": [2], "hidden_units": [256, 256, 256],
              "ema": 0.999},
    # 10 steps per graph call: the same updates, faster for this small MLP (bench/RESULTS.md)
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM, "steps_per_execution": 10},
    "data": {"builder": "toy", "mixture": "grid25"},
    "dataset": "grid25: 25 Gaussians at {-4,-2,0,2,4}^2, std 0.05",
    "resolution": None,
    "batch_size": 256,
    "steps": 3000,
    "evaluation": {"kind": "mode_coverage", "mixture": "grid25", "num_samples": 2500},
}
