"""CycleGAN (Zhu et al. 2017, arXiv:1703.10593) between the digits and their colour inversion,
trained on disjoint halves, with matched pixel-mixing generators: `generator="pixel_mixing"`,
`position_init="match"` (`kerasgen.models.matching`: the position map is set from the unpaired
data, G and F warm-started on the matched pseudo-pairs, then refined adversarially), all four
networks at Adam 5e-5. Figure: 18 of 18 runs <= 0.05 held-out L1 over six mappings x 3 seeds
(`python bench/cyclegan_digits.py`); the generators and learning rates tried are tabled in
bench/RESULTS.md ("Explorations behind the recipes")."""

RECIPE = {
    "description": "CycleGAN: digits <-> inverted digits (16 px), unpaired halves, matched "
                   "pixel-mixing generators; shipped weights",
    "family": "CycleGAN",
    "model": {"image_size": 16, "channels": 1, "base_filters": 32, "d_layers": 2,
              "identity_weight": 0.0, "pool_size": 50, "generator": "pixel_mixing",
              "position_init": "match", "position_trainable": False},
    "compile": {name: {"class_name": "Adam", "config": {
        "learning_rate": {"module": "kerasgen.optimizers", "class_name": "linear_decay",
                          "config": {"initial_learning_rate": 5e-5, "constant_steps": 1500,
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
