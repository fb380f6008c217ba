"""CycleGAN between the digits and their colour inversion, trained on disjoint halves."""

RECIPE = {
    "description": "CycleGAN: digits <-> inverted digits (16 px), unpaired halves; shipped weights",
    "family": "CycleGAN",
    "model": {"image_size": 16, "channels": 1, "base_filters": 16, "num_residual_blocks": 2,
              "d_layers": 2, "identity_weight": 0.0, "pool_size": 50},
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
