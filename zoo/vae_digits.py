"""VAE with a 17-level categorical likelihood on the bundled digits (Tomczak's split)."""

RECIPE = {
    "description": "MLP VAE, 17-level categorical likelihood, on the 8x8 digits; shipped weights",
    "family": "VAE",
    "model": {"input_shape": [8, 8, 1], "latent_dim": 16, "likelihood": "categorical",
              "num_levels": 17, "hidden_units": [256, 256], "kl_warmup_steps": 500},
    # 10 steps per graph call: the same updates, faster for this small MLP
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}},
                "steps_per_execution": 10},
    "data": {"builder": "digits", "split": "train", "raw": True},
    "dataset": "sklearn digits (train 1000 / val 350 / test 447), raw levels 0..16",
    "resolution": 8,
    "batch_size": 100,
    "steps": 3000,
    "evaluation": {"kind": "log_likelihood", "split": "test", "num_samples": 1000},
}
