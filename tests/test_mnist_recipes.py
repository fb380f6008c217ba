"""The 28 px MNIST recipes (offline data): they train a step through the training function,
the binarized-MNIST log-likelihood evaluation, and the learned-manifold script."""

import os
import subprocess
import sys

import numpy as np
import pytest

import kerasgen
from kerasgen import evaluation, recipes, training


def _tiny_vae():
    model = kerasgen.VAE(input_shape=(28, 28, 1), latent_dim=2, likelihood="bernoulli",
                         hidden_units=(16,), seed=0)
    model.compile()
    return model


def test_mnist_log_likelihood_beside_independent_bernoulli():
    out = evaluation.evaluate(_tiny_vae(), {"kind": "mnist_log_likelihood", "split": "test",
                                            "num_samples": 2})
    assert out["num_train"] == 4000 and out["num_examples"] == 500
    assert 150 < out["floor_nll_nats"] < 260 and np.isfinite(out["nll_nats"])
    assert "independent Bernoulli" in evaluation.summary(out, {"kind": "mnist_log_likelihood"})


@pytest.mark.parametrize("name", [
    "dcgan_mnist", "vae_mnist_manifold",
    # the PixelVAE decodes 784 pixels one by one on the CPU (~150 s); its decoder is checked at
    # 6x6 in test_vae.py
    pytest.param("vae_mnist_binarized", marks=pytest.mark.slow)])
def test_mnist_recipes_train_a_few_steps(name, tmp_path):
    recipe = recipes.get_recipe(name)
    assert recipe["data"]["builder"] == "mnist" and recipe["resolution"] == 28
    model, info = training.train_and_evaluate(name, str(tmp_path), steps=8, batch_size=16,
                                              checkpoint_every=8, verbose=0, evaluate=False)
    assert info["steps"] == 8
    assert model.generate(2, seed=0).shape == (2, 28, 28, 1)


def test_manifold_script(tmp_path):
    model = _tiny_vae()
    model.save_to_preset(str(tmp_path / "vae"))
    out = tmp_path / "m.png"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run([sys.executable, "-m", "kerasgen.cli.manifold",
                          f"--model={tmp_path / 'vae'}", "--num_per_side=3", f"--out={out}"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert out.exists() and "3x3 manifold" in run.stdout
    assert _tiny_vae().latent_manifold(3).shape == (9, 28, 28, 1)
