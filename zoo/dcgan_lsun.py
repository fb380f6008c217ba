"""Radford et al. (2016) DCGAN on LSUN bedrooms at 64 px, via tfds 'lsun/bedroom'.

The layers are those of the DCGAN of pytorch/examples (`layout="pytorch"`: no biases, PyTorch's
batch-norm epsilon; its README trains on LSUN bedrooms), so the `netG_epoch_N.pth` /
`netD_epoch_N.pth` files it writes convert: `kerasgen.load("dcgan_lsun", weights={"generator":
"netG_epoch_24.pth"})` or `python -m kerasgen.cli.convert --recipe=dcgan_lsun
--checkpoint=netG=netG_epoch_24.pth --checkpoint=netD=netD_epoch_24.pth --out=DIR`. The example
publishes no trained weights.
"""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "DCGAN (Radford 2016) on LSUN bedrooms 64x64 (tfds 'lsun/bedroom')",
    "family": "DCGAN",
    "model": {"image_size": 64, "channels": 3, "latent_dim": 100, "base_filters": 64,
              "layout": "pytorch"},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "from_tfds", "name": "lsun/bedroom", "split": "train",
             "image_size": 64, "channels": 3, "path_arg": "data_dir"},
    "dataset": "LSUN bedrooms (3M images), centre-cropped, 64 px",
    "resolution": 64,
    "batch_size": 128,
    "steps": 150_000,
    "weights": {"url": None, "sha256": None},
    "source": {
        "repository": "https://github.com/pytorch/examples (dcgan/main.py)",
        "licence": "BSD 3-Clause License, Copyright (c) 2017, Pytorch contributors",
    },
}
