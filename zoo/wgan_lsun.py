"""Arjovsky et al. (2017) WGAN (weight clipping) with a DCGAN generator on LSUN bedrooms."""

_RMSPROP = {"class_name": "RMSprop", "config": {"learning_rate": 5e-5}}

RECIPE = {
    "description": "WGAN (Arjovsky 2017), DCGAN architecture, LSUN bedrooms 64x64",
    "family": "WGAN",
    "model": {"architecture": "dcgan", "image_size": 64, "channels": 3, "latent_dim": 100,
              "base_filters": 64, "n_critic": 5, "clip_value": 0.01, "warmup_schedule": True},
    "compile": {"d_optimizer": _RMSPROP, "g_optimizer": _RMSPROP},
    "data": {"builder": "from_tfds", "name": "lsun/bedroom", "split": "train",
             "image_size": 64, "channels": 3, "path_arg": "data_dir"},
    "dataset": "LSUN bedrooms, centre-cropped, 64 px",
    "resolution": 64,
    "batch_size": 64,
    "steps": 1_000_000,
    "weights": {"url": None, "sha256": None},
}
