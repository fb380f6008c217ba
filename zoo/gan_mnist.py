"""Goodfellow et al. (2014) MLP GAN on MNIST (28x28), via tfds."""

RECIPE = {
    "description": "MLP GAN (Goodfellow 2014) on MNIST 28x28 (tfds 'mnist')",
    "family": "GAN",
    "model": {"latent_dim": 100, "sample_shape": [28, 28, 1], "hidden_units": [1200, 1200],
              "output_activation": "tanh", "d_steps": 1},
    # The paper trained with momentum SGD; Adam(2e-4, 0.5) is the common modern default.
    "compile": {
        "d_optimizer": {"class_name": "SGD", "config": {"learning_rate": 0.1, "momentum": 0.5}},
        "g_optimizer": {"class_name": "SGD", "config": {"learning_rate": 0.1, "momentum": 0.5}},
    },
    "data": {"builder": "from_tfds", "name": "mnist", "split": "train", "image_size": 28,
             "channels": 1, "path_arg": "data_dir"},
    "dataset": "MNIST (tfds 'mnist', train)",
    "resolution": 28,
    "batch_size": 100,
    "steps": 100_000,
    "weights": {"url": None, "sha256": None},
}
