"""DCGAN on the bundled digits at 16 px: trained here, weights shipped in the package."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "DCGAN (Radford 2016) on the 8x8 digits upsampled to 16 px; shipped weights",
    "family": "DCGAN",
    "model": {"image_size": 16, "channels": 1, "latent_dim": 32, "base_filters": 32,
              "ema": 0.999},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "digits", "split": "train", "image_size": 16, "drop_remainder": True},
    "dataset": "sklearn digits (train split, 1000 images) at 16 px",
    "resolution": 16,
    "batch_size": 64,
    "steps": 4000,
    "evaluation": {"kind": "image_metrics", "split": "test"},
}
