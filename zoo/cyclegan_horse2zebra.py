"""Zhu et al. (2017) CycleGAN horse <-> zebra at 256 px, via tfds 'cycle_gan/horse2zebra'.

The architecture is the authors' reference implementation's exactly (`layout="pytorch"`: the
`resnet_9blocks` generator and the `basic` 70x70 PatchGAN with instance norm), so their published
generator converts: `python -m kerasgen.cli.convert --recipe=cyclegan_horse2zebra --download
--out=DIR` (or `--checkpoint=horse2zebra.pth`), or `kerasgen.load("cyclegan_horse2zebra",
weights="horse2zebra.pth")`. The published file is the horse -> zebra generator (G_A, kerasgen's
`generator_g`); the authors publish no hash, so the preset is marked unverified.
"""

_ADAM = {"class_name": "Adam", "config": {
    "learning_rate": {"module": "kerasgen.optimizers", "class_name": "linear_decay",
                      "config": {"initial_learning_rate": 2e-4, "constant_steps": 106_700,
                                 "decay_steps": 106_700},
                      "registered_name": "kerasgen>linear_decay"},
    "beta_1": 0.5}}

RECIPE = {
    "description": "CycleGAN (Zhu 2017) horse <-> zebra 256x256 (tfds 'cycle_gan/horse2zebra')",
    "family": "CycleGAN",
    "model": {"image_size": 256, "channels": 3, "base_filters": 64, "num_residual_blocks": 9,
              "layout": "pytorch"},
    "compile": {n: _ADAM for n in ("g_optimizer", "f_optimizer", "dx_optimizer",
                                   "dy_optimizer")},
    "data": {"builder": "unpaired_tfds", "name": "cycle_gan/horse2zebra", "image_size": 256,
             "path_arg": "data_dir"},
    "dataset": "horse2zebra (1,067 horses, 1,334 zebras), 200 epochs of batch 1",
    "resolution": 256,
    "batch_size": 1,
    "steps": 213_400,
    "weights": {"url": None, "sha256": None},
    # where the authors publish their trained networks (PyTorch state dicts, no hash published)
    "checkpoints": {
        "generator_g": {"url": "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/"
                               "horse2zebra.pth", "sha256": None},
    },
    "source": {
        "repository": "https://github.com/junyanz/pytorch-CycleGAN-and-pix2pix",
        "download_script": "scripts/download_cyclegan_model.sh horse2zebra",
        "licence": "BSD licence, Copyright (c) 2017, Jun-Yan Zhu and Taesung Park (see the "
                   "repository's LICENSE)",
    },
}
