"""DCGAN on CelebA faces at 64 px, via tfds 'celeb_a'."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "DCGAN on CelebA faces 64x64 (tfds 'celeb_a')",
    "family": "DCGAN",
    "model": {"image_size": 64, "channels": 3, "latent_dim": 100, "base_filters": 64},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "from_tfds", "name": "celeb_a", "split": "train", "image_size": 64,
             "channels": 3, "path_arg": "data_dir"},
    "dataset": "CelebA (202,599 faces), centre-cropped, 64 px",
    "resolution": 64,
    "batch_size": 128,
    "steps": 50_000,
    "weights": {"url": None, "sha256": None},
}
