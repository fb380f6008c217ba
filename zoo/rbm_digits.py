"""RBM with softmax visible units on the bundled digits (Tomczak's split, 17 levels), PCD."""

RECIPE = {
    "description": "RBM, 64 softmax visible units over 17 levels, 100 binary hidden units, "
                   "persistent CD; log Z by AIS; on the 8x8 digits; shipped weights",
    "family": "RBM",
    "model": {"sample_shape": [8, 8, 1], "visible": "softmax", "num_levels": 17,
              "hidden_units": 100, "cd_steps": 1, "persistent": True, "num_chains": 100,
              "sampling_steps": 1000, "ais_chains": 100, "ais_betas": 14500},
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}},
                "steps_per_execution": 10},
    "data": {"builder": "digits", "split": "train", "raw": True},
    "dataset": "sklearn digits (train 1000 / val 350 / test 447), raw levels 0..16",
    "resolution": 8,
    "batch_size": 100,
    "steps": 3000,
    # log Z by AIS from the training split's base rates (Salakhutdinov & Murray's schedule)
    "evaluation": {"kind": "log_likelihood", "split": "test"},
}
