"""Radford et al. (2016) DCGAN on LSUN bedrooms at 64 px, via tfds 'lsun/bedroom'."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "DCGAN (Radford 2016) on LSUN bedrooms 64x64 (tfds 'lsun/bedroom')",
    "family": "DCGAN",
    "model": {"image_size": 64, "channels": 3, "latent_dim": 100, "base_filters": 64},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "from_tfds", "name": "lsun/bedroom", "split": "train",
             "image_size": 64, "channels": 3, "path_arg": "data_dir"},
    "dataset": "LSUN bedrooms (3M images), centre-cropped, 64 px",
    "resolution": 64,
    "batch_size": 128,
    "steps": 150_000,
    "weights": {"url": None, "sha256": None},
}
