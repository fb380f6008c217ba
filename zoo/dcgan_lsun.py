"""DCGAN (Radford et al. 2016, arXiv:1511.06434) on LSUN bedrooms at 64 px: the generator the
authors published with their Torch code (soumith/dcgan.torch, `bedrooms_4_net_G.t7`), which
`kerasgen.load("dcgan_lsun")` downloads, verifies by its published sha256, converts and caches;
`layout="torch7"` is dcgan.torch's `main.lua` network exactly, sampled as its `generate.lua` does
(batch statistics, N(0, I) noise). Trainable on tfds 'lsun/bedroom'."""

from kerasgen.zoo import _dcgan_torch

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "DCGAN (Radford 2016) on LSUN bedrooms 64x64 (tfds 'lsun/bedroom')",
    "family": "DCGAN",
    "model": {"image_size": 64, "channels": 3, "latent_dim": 100, "base_filters": 64,
              "layout": "torch7", "batch_statistics": True, "noise": "normal"},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "from_tfds", "name": "lsun/bedroom", "split": "train",
             "image_size": 64, "channels": 3, "path_arg": "data_dir"},
    "dataset": "LSUN bedrooms (3M images), centre-cropped, 64 px",
    "resolution": 64,
    "batch_size": 128,
    "steps": 150_000,
    "weights": {"url": None, "sha256": None},
    "source": {
        "repository": "https://github.com/soumith/dcgan.torch (main.lua, generate.lua)",
        "licence": "BSD License, Copyright (c) 2015, Facebook, Inc.",
    },
    # the authors' trained generator (zoo/_dcgan_torch.py)
    "checkpoints": _dcgan_torch.generator(
        "bedrooms_4_net_G.t7", "b1950fd39a6a9f311e25072a742e8e04a3fe3ad478e510d749afdcc23db23419"),
}
