"""SRResNet as in Ledig et al. (2017): 16 residual blocks of 64 filters, x4, 96 px HR crops,
batch 16, Adam(1e-4), 10^6 updates (the paper trains on 350k ImageNet images; DIV2K, 800 images
with bicubic x4 LR versions, through tfds here). Needs the data prepared with
`tfds build div2k/bicubic_x4 --data_dir=DIR` and `--data=DIR`; no weights are shipped."""

RECIPE = {
    "description": "SRResNet (Ledig 2017) x4, the paper's configuration, on DIV2K via tfds "
                   "(needs --data; no shipped weights)",
    "family": "SRResNet",
    "model": {"scale": 4, "channels": 3, "filters": 64, "num_residual_blocks": 16},
    "compile": {"g_optimizer": {"class_name": "Adam",
                                "config": {"learning_rate": 1e-4, "beta_1": 0.9}}},
    "data": {"builder": "super_resolution_tfds", "name": "div2k/bicubic_x4", "scale": 4,
             "patch_size": 96, "path_arg": "data_dir"},
    "dataset": "DIV2K (Agustsson & Timofte 2017), 800 training images, bicubic x4 (tfds)",
    "resolution": 96,
    "batch_size": 16,
    "steps": 1_000_000,
    "evaluation": {"kind": "super_resolution", "split": "test"},
    "weights": {"url": None, "sha256": None},
}
