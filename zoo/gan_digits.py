"""MLP GAN on scikit-learn's 8x8 digits: the quick offline demo (trains in seconds on a CPU)."""

RECIPE = {
    "description": "MLP GAN (Goodfellow 2014) on the bundled 8x8 digits; seconds on a CPU",
    "family": "GAN",
    "model": {"latent_dim": 16, "sample_shape": [8, 8, 1], "hidden_units": [256, 256],
              "output_activation": "tanh"},
    "compile": {
        "d_optimizer": {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}},
        "g_optimizer": {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}},
        # 10 steps per graph call: the same updates, faster for this small MLP
        "steps_per_execution": 10,
    },
    "data": {"builder": "digits", "split": "train", "image_size": 8},
    "dataset": "sklearn digits (train split, 1000 images)",
    "resolution": 8,
    "batch_size": 64,
    "steps": 1500,
    "evaluation": {"kind": "image_metrics", "split": "test"},
}
