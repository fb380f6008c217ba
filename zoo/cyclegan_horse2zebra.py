"""Zhu et al. (2017) CycleGAN horse <-> zebra at 256 px, via tfds 'cycle_gan/horse2zebra'."""

_ADAM = {"class_name": "Adam", "config": {
    "learning_rate": {"module": "kerasgen.optimizers", "class_name": "linear_decay",
                      "config": {"initial_learning_rate": 2e-4, "constant_steps": 106_700,
                                 "decay_steps": 106_700},
                      "registered_name": "kerasgen>linear_decay"},
    "beta_1": 0.5}}

RECIPE = {
    "description": "CycleGAN (Zhu 2017) horse <-> zebra 256x256 (tfds 'cycle_gan/horse2zebra')",
    "family": "CycleGAN",
    "model": {"image_size": 256, "channels": 3, "base_filters": 64, "num_residual_blocks": 9},
    "compile": {n: _ADAM for n in ("g_optimizer", "f_optimizer", "dx_optimizer",
                                   "dy_optimizer")},
    "data": {"builder": "unpaired_tfds", "name": "cycle_gan/horse2zebra", "image_size": 256,
             "path_arg": "data_dir"},
    "dataset": "horse2zebra (1,067 horses, 1,334 zebras), 200 epochs of batch 1",
    "resolution": 256,
    "batch_size": 1,
    "steps": 213_400,
    "weights": {"url": None, "sha256": None},
}
