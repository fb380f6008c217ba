"""A generative stochastic network (Bengio et al. 2013, 2014) on the bundled digits: a denoising
autoencoder (Gaussian corruption, 17-level categorical reconstruction) trained with walkback;
samples by running its chain. Measured like the GANs (FD, precision, recall in the digits
classifier's features against the test split). The variants tried are in bench/RESULTS.md
(#34)."""

RECIPE = {
    "description": "GSN: denoising autoencoder whose corruption/reconstruction Markov chain "
                   "samples the 8x8 digits (walkback training); implicit density; shipped "
                   "weights",
    "family": "GSN",
    "model": {"sample_shape": [8, 8, 1], "num_levels": 17, "hidden_units": [512, 512],
              "noise_std": 0.5, "num_walkback": 3, "burn_in": 100, "output": "sample"},
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}},
                "steps_per_execution": 10},
    "data": {"builder": "digits", "split": "train", "raw": True},
    "dataset": "sklearn digits (train 1000 / val 350 / test 447), raw levels 0..16",
    "resolution": 8,
    "batch_size": 100,
    "steps": 3000,
    "evaluation": {"kind": "image_metrics", "split": "test"},
}
