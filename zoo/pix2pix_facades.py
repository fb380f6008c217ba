"""Isola et al. (2017) pix2pix on CMP Facades (labels -> photo) at 256 px.

Data: a folder with `input/` (label maps) and `target/` (photos) holding files of the same names,
passed with `--data=DIR` (tfds has no facades dataset).

The architecture is the authors' reference implementation's exactly (`layout="pytorch"`: `unet_256`
with batch norm and dropout, the `basic` PatchGAN with batch norm), so their published generator
(facades_label2photo.pth) converts with `python -m kerasgen.cli.convert --recipe=pix2pix_facades
--download --out=DIR` or `kerasgen.load("pix2pix_facades", weights=PATH)`. The paper samples with
dropout on and test-batch statistics: `model.generator(x, training=True)`; `translate` is inference
mode.
"""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "pix2pix (Isola 2017) facades labels -> photos 256x256 (paired folders)",
    "family": "Pix2Pix",
    "model": {"image_size": 256, "in_channels": 3, "out_channels": 3, "base_filters": 64,
              "layout": "pytorch"},
    "compile": {"g_optimizer": _ADAM, "d_optimizer": _ADAM},
    "data": {"builder": "paired_dataset", "path": "facades", "image_size": 256,
             "path_arg": "path"},
    "dataset": "CMP Facades (400 training pairs), 200 epochs of batch 1",
    "resolution": 256,
    "batch_size": 1,
    "steps": 80_000,
    "weights": {"url": None, "sha256": None},
    # where the authors publish their trained generator (a PyTorch state dict, no hash published)
    "checkpoints": {
        "generator": {"url": "http://efrosgans.eecs.berkeley.edu/pix2pix/models-pytorch/"
                             "facades_label2photo.pth", "sha256": None},
    },
    "source": {
        "repository": "https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix",
        "download_script": "scripts/download_pix2pix_model.sh facades_label2photo",
        "licence": "BSD licence, Copyright (c) 2017, Jun-Yan Zhu and Taesung Park (see the "
                   "repository's LICENSE)",
    },
}
