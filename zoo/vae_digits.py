"""VAE on the bundled digits (Tomczak's split, 17 levels): an MLP encoder and an autoregressive
(causal-convolution) decoder conditioned on z, early-stopped on the validation split."""

RECIPE = {
    "description": "VAE with an autoregressive causal-conv decoder (PixelVAE-style), 17-level "
                   "categorical likelihood, on the 8x8 digits; shipped weights",
    "family": "VAE",
    "model": {"input_shape": [8, 8, 1], "latent_dim": 16, "likelihood": "categorical",
              "num_levels": 17, "hidden_units": [256, 256], "autoregressive": True,
              "ar_filters": 128, "ar_kernel_size": 7, "ar_layers": 3},
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}},
                "steps_per_execution": 8},
    "data": {"builder": "digits", "split": "train", "raw": True},
    "dataset": "sklearn digits (train 1000 / val 350 / test 447), raw levels 0..16",
    "resolution": 8,
    "batch_size": 64,
    "steps": 20000,
    # the -ELBO on the validation split every 16 steps (about one epoch); the best weights kept
    "validation": {"data": {"builder": "digits", "split": "val", "raw": True},
                   "batch_size": 350, "every_steps": 16, "patience": 20},
    "evaluation": {"kind": "log_likelihood", "split": "test", "num_samples": 1000},
}
