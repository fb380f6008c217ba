"""Kingma & Welling (2014) VAE on binarized MNIST, via tfds."""

RECIPE = {
    "description": "MLP VAE, Gaussian likelihood with learned scale, on MNIST 28x28 (tfds 'mnist')",
    "family": "VAE",
    "model": {"input_shape": [28, 28, 1], "latent_dim": 20, "likelihood": "normal",
              "normal_scale": "learned", "hidden_units": [500]},
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}}},
    "data": {"builder": "from_tfds", "name": "mnist", "split": "train", "image_size": 28,
             "channels": 1, "path_arg": "data_dir"},
    "dataset": "MNIST (tfds 'mnist', train)",
    "resolution": 28,
    "batch_size": 100,
    "steps": 100_000,
    "weights": {"url": None, "sha256": None},
}
