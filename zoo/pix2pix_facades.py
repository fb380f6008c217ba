"""Isola et al. (2017) pix2pix on CMP Facades (labels -> photo) at 256 px.

Data: a folder with `input/` (label maps) and `target/` (photos) holding files of the same names,
passed with `--data=DIR` (tfds has no facades dataset).
"""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "pix2pix (Isola 2017) facades labels -> photos 256x256 (paired folders)",
    "family": "Pix2Pix",
    "model": {"image_size": 256, "in_channels": 3, "out_channels": 3, "base_filters": 64},
    "compile": {"g_optimizer": _ADAM, "d_optimizer": _ADAM},
    "data": {"builder": "paired_dataset", "path": "facades", "image_size": 256,
             "path_arg": "path"},
    "dataset": "CMP Facades (400 training pairs), 200 epochs of batch 1",
    "resolution": 256,
    "batch_size": 1,
    "steps": 80_000,
    "weights": {"url": None, "sha256": None},
}
