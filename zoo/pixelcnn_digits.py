"""PixelCNN (van den Oord et al. 2016) on the bundled digits (Tomczak's split, 17 levels):
categorical conditionals, an ensemble over the 8 orderings given by the square's symmetries
(shared weights), dropout, early-stopped on the validation split. The variants tried are in
bench/RESULTS.md (#34)."""

RECIPE = {
    "description": "PixelCNN, masked convolutions, 17-level categorical conditionals, on the 8x8 "
                   "digits; exact log-likelihood; shipped weights",
    "family": "PixelCNN",
    "model": {"sample_shape": [8, 8, 1], "num_levels": 17, "filters": 64, "num_blocks": 4,
              "kernel_size": 3, "first_kernel_size": 7, "dropout": 0.2, "num_orderings": 8},
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}},
                "steps_per_execution": 10},
    "data": {"builder": "digits", "split": "train", "raw": True},
    "dataset": "sklearn digits (train 1000 / val 350 / test 447), raw levels 0..16",
    "resolution": 8,
    "batch_size": 100,
    "steps": 1000,
    # the validation NLL (the 8-member mixture) every 50 steps; the best weights kept
    "validation": {"data": {"builder": "digits", "split": "val", "raw": True},
                   "batch_size": 350, "every_steps": 50, "patience": 6},
    "evaluation": {"kind": "log_likelihood", "split": "test"},
}
