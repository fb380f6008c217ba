"""CycleGAN between the digits and their colour inversion, trained on disjoint halves.

No normalization in the small networks: on 16 px digits instance normalization removes each
image's mean and contrast, which a pointwise intensity map has to restore from nothing. In
`python bench/cyclegan_digits.py` (seed 0, 3,000 steps, held-out L1 to the truth) instance norm
gave invert 0.124 but gamma 0.505 (worse than returning the input, 0.237), hflip 0.456, rot90
0.367; without normalization invert 0.153 and gamma 0.164.
"""

RECIPE = {
    "description": "CycleGAN: digits <-> inverted digits (16 px), unpaired halves; shipped weights",
    "family": "CycleGAN",
    "model": {"image_size": 16, "channels": 1, "base_filters": 16, "num_residual_blocks": 2,
              "d_layers": 2, "identity_weight": 0.0, "pool_size": 50, "norm": "none"},
    "compile": {name: {"class_name": "Adam", "config": {
        "learning_rate": {"module": "kerasgen.optimizers", "class_name": "linear_decay",
                          "config": {"initial_learning_rate": 2e-4, "constant_steps": 1500,
                                     "decay_steps": 1500},
                          "registered_name": "kerasgen>linear_decay"},
        "beta_1": 0.5}} for name in ("g_optimizer", "f_optimizer", "dx_optimizer",
                                     "dy_optimizer")},
    "data": {"builder": "digits_translation", "mapping": "invert", "image_size": 16},
    "dataset": "sklearn digits at 16 px: X = first 500, Y = inverted last 500 (train split)",
    "resolution": 16,
    "batch_size": 32,
    "steps": 3000,
    "evaluation": {"kind": "translation", "mapping": "invert", "split": "test"},
}
