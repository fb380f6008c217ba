"""Mixture of categoricals on the bundled digits, fitted by EM (Tomczak's split, 17 levels)."""

RECIPE = {
    "description": "Mixture of 20 independent 17-level categoricals (EM, prior on the pooled "
                   "marginal) on the 8x8 digits; shipped weights",
    "family": "MixtureModel",
    "model": {"sample_shape": [8, 8, 1], "num_components": 20, "distribution": "categorical",
              "num_levels": 17, "fit_method": "em", "prior_strength": 0.02},
    # EM needs no optimizer; its counter counts the EM steps
    "compile": {},
    "data": {"builder": "digits", "split": "train", "raw": True},
    "dataset": "sklearn digits (train 1000 / val 350 / test 447), raw levels 0..16",
    "resolution": 8,
    # the whole training set per step: one step is one classical EM iteration
    "batch_size": 1000,
    "steps": 200,
    "validation": {"data": {"builder": "digits", "split": "val", "raw": True},
                   "batch_size": 350, "every_steps": 5, "patience": 6},
    "evaluation": {"kind": "log_likelihood", "split": "test"},
}
