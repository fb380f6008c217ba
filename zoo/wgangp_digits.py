"""WGAN-GP (DCGAN-style critic without batch norm) on the bundled digits at 16 px."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 1e-4, "beta_1": 0.0, "beta_2": 0.9}}

RECIPE = {
    "description": "WGAN-GP (Gulrajani 2017) on the digits at 16 px; shipped weights",
    "family": "WGANGP",
    "model": {"architecture": "dcgan", "image_size": 16, "channels": 1, "latent_dim": 32,
              "base_filters": 32, "ema": 0.999},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "digits", "split": "train", "image_size": 16, "drop_remainder": True},
    "dataset": "sklearn digits (train split, 1000 images) at 16 px",
    "resolution": 16,
    "batch_size": 64,
    "steps": 10000,
    "evaluation": {"kind": "image_metrics", "split": "test"},
}
