"""A normalizing flow (MAF layers, Papamakarios et al. 2017, on TFP bijectors) on the bundled
digits (Tomczak's split, 17 levels), with variational dequantization (Ho et al. 2019) and dropout
in the conditioners; its NLL is the importance-weighted dequantization bound (an upper bound on
the discrete NLL). Early-stopped on the validation split. The variants tried are in
bench/RESULTS.md (#34), among them the ensemble over orderings (`num_orderings=8`: 94.7, no
gain). Figure: 93.8 nats on the test digits."""

RECIPE = {
    "description": "Normalizing flow (masked autoregressive layers on TFP bijectors), "
                   "dequantized 17-level digits; NLL is a bound on the discrete likelihood; "
                   "shipped weights",
    "family": "Flow",
    "model": {"sample_shape": [8, 8, 1], "num_levels": 17, "coupling": "maf", "num_steps": 5,
              "hidden_units": [512, 512], "dropout": 0.3, "dequantization": "variational",
              "dequantizer_units": [256], "eval_samples": 64},
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}},
                "steps_per_execution": 10},
    "data": {"builder": "digits", "split": "train", "raw": True},
    "dataset": "sklearn digits (train 1000 / val 350 / test 447), raw levels 0..16",
    "resolution": 8,
    "batch_size": 100,
    "steps": 1000,
    # the validation bound (one draw) every 20 steps; the best weights kept
    "validation": {"data": {"builder": "digits", "split": "val", "raw": True},
                   "batch_size": 350, "every_steps": 20, "patience": 8},
    "evaluation": {"kind": "log_likelihood", "split": "test"},
}
