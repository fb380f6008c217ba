"""train_and_evaluate (kerasgen.training): resume with every optimizer's state, a stop at the first
non-finite loss, steps_per_execution, and the strategy wiring."""

import os
import re

import numpy as np
import pytest
import tensorflow as tf

import kerasgen
from kerasgen import callbacks, preset_format, recipes, training
from kerasgen.recipes import registry


# ------------------------------------------------------------------------------ training
def test_train_resume_restores_every_optimizer(tmp_path):
    model_dir = str(tmp_path / "run")
    model, info = training.train_and_evaluate("gan_digits", model_dir, steps=6,
                                              checkpoint_every=3, batch_size=16, verbose=0)
    assert int(model.d_optimizer.iterations.numpy()) == 6
    assert [s for s, _ in callbacks.list_checkpoints(model_dir)] == [3, 6]
    resumed, info = training.train_and_evaluate("gan_digits", model_dir, steps=9,
                                                checkpoint_every=3, batch_size=16, verbose=0)
    # resumed from step 6: both optimizers carry on from their saved counters
    assert int(resumed.d_optimizer.iterations.numpy()) == 9
    assert int(resumed.g_optimizer.iterations.numpy()) == 9
    loaded = kerasgen.load(model_dir)
    np.testing.assert_array_equal(loaded.generate(3, seed=0), resumed.generate(3, seed=0))
    # checkpoints of another configuration are not resumed: the error names the dir and field
    other = recipes.recipe_with("gan_digits", model={"latent_dim": 5})
    before = callbacks.list_checkpoints(model_dir)
    with pytest.raises(ValueError, match=r"(?s)run'.*another model"):
        training.train_and_evaluate("gan_digits", model_dir, steps=12, checkpoint_every=3,
                                    batch_size=16, verbose=0, recipe=other)
    assert callbacks.list_checkpoints(model_dir) == before  # untouched
    # another recipe in the same directory: the message names the recipe the directory holds
    with pytest.raises(ValueError, match=r"--model_dir '.*run' holds checkpoints of recipe "
                                         r"'gan_digits', not 'gan_grid25'; .* --recipe=gan_digits"):
        training.train_and_evaluate("gan_grid25", model_dir, steps=12, verbose=0)
    assert callbacks.list_checkpoints(model_dir) == before


def test_non_finite_loss_stops_with_step_and_keeps_last_checkpoint(tmp_path, monkeypatch):
    # A real divergence: plain SGD with learning rate 100 blows up within a few steps.
    table = dict(recipes.recipes())
    sgd = {"class_name": "SGD", "config": {"learning_rate": 100.0}}
    table["diverging_gan"] = {
        "name": "diverging_gan", "description": "diverges", "family": "GAN",
        "model": {"latent_dim": 3, "sample_shape": [2], "hidden_units": [8]},
        "compile": {"d_optimizer": sgd, "g_optimizer": sgd},
        "data": {"builder": "toy", "mixture": "ring8"},
    }
    monkeypatch.setattr(registry, "_RECIPES", table)
    model_dir = str(tmp_path / "run")
    with pytest.raises(callbacks.NonFiniteLossError) as info:
        training.train_and_evaluate("diverging_gan", model_dir, steps=50, checkpoint_every=1,
                                    batch_size=8, verbose=0)
    match = re.search(r"Loss '(d_loss|g_loss)' became (nan|inf|-inf) at step (\d+)",
                      str(info.value))
    assert match, str(info.value)
    bad_step = int(match.group(3))
    assert bad_step >= 2, "the test needs at least one good step before the divergence"
    checkpoints = callbacks.list_checkpoints(model_dir)
    assert checkpoints and checkpoints[-1][0] == bad_step - 1  # nothing written after it
    model = kerasgen.load("diverging_gan", weights=None)
    preset_format.load_into(model, os.path.join(checkpoints[-1][1], "model.weights.h5"))
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())
    assert not os.path.exists(os.path.join(model_dir, "preset"))


def test_steps_per_execution_runs_exactly_the_requested_steps(tmp_path):
    # 12 steps, a checkpoint every 6, 4 steps per execution: Keras runs whole executions, so the
    # option is reduced to gcd(6, 4) = 2 rather than overrunning each epoch (3 x 4 = 12 > 6).
    model, info = training.train_and_evaluate("gan_grid25", str(tmp_path / "run"), steps=12,
                                              checkpoint_every=6, batch_size=16, verbose=0,
                                              steps_per_execution=4)
    assert model.steps_per_execution == 2
    assert info["steps"] == info["steps_this_run"] == 12  # a GAN logs no "loss"
    assert int(model.d_optimizer.iterations.numpy()) == 12
    assert int(model.g_optimizer.iterations.numpy()) == 12
    assert [step for step, _ in callbacks.list_checkpoints(str(tmp_path / "run"))] == [6, 12]
    with pytest.raises(ValueError, match="steps_per_execution"):
        training.train_and_evaluate("gan_grid25", str(tmp_path / "bad"), steps=4,
                                    steps_per_execution=0, verbose=0)
    assert not os.path.exists(tmp_path / "bad")


# ------------------------------------------------------------------------------ strategies
def test_tpu_strategy_wiring(monkeypatch):
    from kerasgen import distribute

    calls = []

    class FakeResolver:
        def __init__(self, tpu=None):
            calls.append(("resolver", tpu))

    monkeypatch.setattr(tf.config, "experimental_connect_to_cluster",
                        lambda r: calls.append(("connect", type(r).__name__)))
    monkeypatch.setattr(tf.tpu.experimental, "initialize_tpu_system",
                        lambda r: calls.append(("init", type(r).__name__)))
    monkeypatch.setattr(tf.distribute, "TPUStrategy",
                        lambda r: calls.append(("strategy", type(r).__name__)) or "tpu-strategy")
    assert distribute.get_strategy("tpu", tpu="grpc://10.0.0.2:8470",
                                   resolver_cls=FakeResolver) == "tpu-strategy"
    assert calls == [("resolver", "grpc://10.0.0.2:8470"), ("connect", "FakeResolver"),
                     ("init", "FakeResolver"), ("strategy", "FakeResolver")]
    with pytest.raises(ValueError, match="Unknown strategy 'gpu'"):
        distribute.get_strategy("gpu")
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="TF_CONFIG"):
        distribute.get_strategy("multi_worker")
