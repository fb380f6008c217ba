"""Gulrajani et al. (2017) WGAN-GP on CIFAR-10 (DCGAN-style critic without batch norm)."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 1e-4, "beta_1": 0.0, "beta_2": 0.9}}

RECIPE = {
    "description": "WGAN-GP (Gulrajani 2017) on CIFAR-10 32x32 (tfds 'cifar10')",
    "family": "WGANGP",
    "model": {"architecture": "dcgan", "image_size": 32, "channels": 3, "latent_dim": 128,
              "base_filters": 128, "n_critic": 5, "gp_weight": 10.0},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "from_tfds", "name": "cifar10", "split": "train", "image_size": 32,
             "channels": 3, "crop": False, "path_arg": "data_dir"},
    "dataset": "CIFAR-10 train (50,000 images)",
    "resolution": 32,
    "batch_size": 64,
    "steps": 500_000,
    "weights": {"url": None, "sha256": None},
}
