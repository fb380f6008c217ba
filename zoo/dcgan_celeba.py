"""DCGAN (Radford et al. 2016, arXiv:1511.06434) on CelebA faces at 64 px: the generator the
authors published with their Torch code (soumith/dcgan.torch, `celebA_25_net_G.t7`), which
`kerasgen.load("dcgan_celeba")` downloads, verifies by its published sha256, converts and caches;
`layout="torch7"` is dcgan.torch's `main.lua` network exactly, sampled as its `generate.lua` does
(batch statistics, N(0, I) noise). Trainable on tfds 'celeb_a'."""

from kerasgen.zoo import _dcgan_torch

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "DCGAN on CelebA faces 64x64 (tfds 'celeb_a')",
    "family": "DCGAN",
    "model": {"image_size": 64, "channels": 3, "latent_dim": 100, "base_filters": 64,
              "layout": "torch7", "batch_statistics": True, "noise": "normal"},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "from_tfds", "name": "celeb_a", "split": "train", "image_size": 64,
             "channels": 3, "path_arg": "data_dir"},
    "dataset": "CelebA (202,599 faces), centre-cropped, 64 px",
    "resolution": 64,
    "batch_size": 128,
    "steps": 50_000,
    "weights": {"url": None, "sha256": None},
    # the authors' trained generator (zoo/_dcgan_torch.py)
    "checkpoints": _dcgan_torch.generator(
        "celebA_25_net_G.t7", "1f7c9f7bc0845cfc0cef37eb687b2b819e55543f86c4253c2335ae68a8789a40"),
}
