"""pix2pix on aligned pairs (digit, T(digit)) of a known mapping at 16 px: the paired upper bound
that `bench/cyclegan_digits.py` puts beside CycleGAN (which never sees a pair)."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "pix2pix: digits -> inverted digits (16 px), aligned pairs",
    "family": "Pix2Pix",
    "model": {"image_size": 16, "in_channels": 1, "out_channels": 1, "base_filters": 16,
              "d_layers": 2},
    "compile": {"g_optimizer": _ADAM, "d_optimizer": _ADAM},
    "data": {"builder": "digits_translation", "mapping": "invert", "image_size": 16,
             "paired": True},
    "dataset": "sklearn digits at 16 px: (x, T(x)) pairs of the train split",
    "resolution": 16,
    "batch_size": 32,
    "steps": 1500,
    "evaluation": {"kind": "translation", "mapping": "invert", "split": "test"},
}
