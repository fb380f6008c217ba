"""Reliability: each fault provoked for real — damaged weights, a SIGKILL mid-training, a crash
during a checkpoint write, an empty dataset, unsafe model files."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf
import keras

import kerasgen
from kerasgen import callbacks, preset_format, training
from kerasgen.recipes import registry



def tiny_gan(hidden=(8,)):
    return kerasgen.GAN(latent_dim=3, sample_shape=(2,), hidden_units=hidden, seed=0)


@pytest.fixture
def preset(tmp_path):
    model = tiny_gan()
    return preset_format.save_preset(model, tmp_path / "preset"), model


# ------------------------------------------------------------------------------ weights
def test_truncated_weights_are_refused_with_file_and_reason(preset):
    path, _ = preset
    weights = os.path.join(path, "model.weights.h5")
    data = open(weights, "rb").read()
    open(weights, "wb").write(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"model\.weights\.h5.*(sha256|truncated)"):
        kerasgen.load(path)
    model = tiny_gan()
    with pytest.raises(ValueError, match=r"model\.weights\.h5.*truncated"):
        preset_format.load_into(model, weights)  # no hash given: h5py's own check


def test_wrong_sha256_is_refused(preset):
    path, _ = preset
    meta_path = os.path.join(path, "metadata.json")
    meta = json.load(open(meta_path))
    meta["weights_sha256"] = "f" * 64
    json.dump(meta, open(meta_path, "w"))
    with pytest.raises(ValueError, match=r"model\.weights\.h5.*sha256.*expected f{64}"):
        kerasgen.load(path)


def test_non_hdf5_weights_are_refused(tmp_path):
    bogus = tmp_path / "model.weights.h5"
    bogus.write_text("<html>404 not found</html>")
    with pytest.raises(ValueError, match=r"model\.weights\.h5.*not an HDF5"):
        preset_format.load_into(tiny_gan(), bogus)


def test_weights_of_another_architecture_are_refused(tmp_path):
    path = str(tmp_path / "small.weights.h5")
    tiny_gan(hidden=(8,)).save_weights(path)
    with pytest.raises(ValueError, match=r"small\.weights\.h5.*does not match the architecture"):
        preset_format.load_into(tiny_gan(hidden=(16, 16)), path)
    with pytest.raises(ValueError, match=r"small\.weights\.h5.*does not match"):
        kerasgen.load("gan_digits", weights=path)


# ------------------------------------------------------------------------------ resume
def _train_cmd(model_dir, steps):
    return [sys.executable, "-m", "kerasgen.cli.train", "--recipe=gan_digits",
            f"--model_dir={model_dir}", f"--steps={steps}", "--checkpoint_every=25",
            "--batch_size=16", "--verbose=0"]


def _kill_after_checkpoint(cmd, model_dir, min_step, timeout):
    """Starts `cmd`, waits until a checkpoint of at least `min_step` exists, then SIGKILLs it."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = callbacks.list_checkpoints(model_dir)
            if found and found[-1][0] >= min_step:
                break
            time.sleep(0.2)
        else:
            pytest.fail("no checkpoint appeared")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    return env


def test_sigkill_mid_training_then_resume_continues_from_last_checkpoint(tmp_path):
    model_dir = str(tmp_path / "run")
    env = _kill_after_checkpoint(_train_cmd(model_dir, 100_000), model_dir, 75, 180)
    last_step, last_path = callbacks.list_checkpoints(model_dir)[-1]
    saved_state = json.load(open(os.path.join(last_path, "state.json")))
    assert saved_state["step"] == last_step
    # the state every optimizer had at that checkpoint
    reference = kerasgen.load("gan_digits", weights=None, training=True)
    preset_format.load_into(reference, os.path.join(last_path, "model.weights.h5"))
    assert int(reference.d_optimizer.iterations.numpy()) == last_step
    assert int(reference.g_optimizer.iterations.numpy()) == last_step
    total = last_step + 50
    result = subprocess.run(_train_cmd(model_dir, total), env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"(step {last_step})" in result.stdout  # "Resuming gan_digits from ... (step N)"
    final = kerasgen.load(model_dir, training=True)
    # exactly `total` steps: none lost, none repeated
    assert int(final.d_optimizer.iterations.numpy()) == total
    assert int(final.g_optimizer.iterations.numpy()) == total


@pytest.mark.slow  # the GAN test's two-optimizer resume on another family: extended tier
def test_sigkill_mid_training_then_resume_frame_gan(tmp_path):
    """The same guarantee for a family trained on a generated stream (moving digits) with two
    optimizers: FrameGAN, from its recipe at a small batch."""
    model_dir = str(tmp_path / "run")
    cmd = [sys.executable, "-m", "kerasgen.cli.train", "--recipe=framegan_digits",
           f"--model_dir={model_dir}", "--checkpoint_every=10", "--batch_size=4", "--verbose=0"]
    env = _kill_after_checkpoint(cmd + ["--steps=100000"], model_dir, 20, 300)
    last_step = callbacks.list_checkpoints(model_dir)[-1][0]
    total = last_step + 10
    result = subprocess.run(cmd + [f"--steps={total}", "--noevaluate"], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"(step {last_step})" in result.stdout
    final = kerasgen.load(model_dir, training=True)
    assert int(final.g_optimizer.iterations.numpy()) == total
    assert int(final.d_optimizer.iterations.numpy()) == total


def test_crash_during_checkpoint_write_keeps_previous_checkpoint(tmp_path, monkeypatch):
    model_dir = str(tmp_path / "run")
    training.train_and_evaluate("gan_digits", model_dir, steps=4, checkpoint_every=2,
                                batch_size=8, verbose=0)
    before = callbacks.list_checkpoints(model_dir)
    assert [s for s, _ in before] == [2, 4]
    original = keras.Model.save_weights

    def crashing_save(self, filepath, *args, **kwargs):
        original(self, filepath, *args, **kwargs)
        with open(filepath, "r+b") as f:  # half-written file, then the "crash"
            f.truncate(100)
        raise KeyboardInterrupt("simulated kill during the checkpoint write")

    monkeypatch.setattr(keras.Model, "save_weights", crashing_save)
    with pytest.raises(KeyboardInterrupt):
        training.train_and_evaluate("gan_digits", model_dir, steps=6, checkpoint_every=2,
                                    batch_size=8, verbose=0)
    monkeypatch.setattr(keras.Model, "save_weights", original)
    assert callbacks.list_checkpoints(model_dir) == before
    # a real kill leaves the temporary directory behind: it is never taken for a checkpoint
    leftover = os.path.join(model_dir, "checkpoints", ".tmp-ckpt-00000006-x", "ckpt-00000006")
    os.makedirs(leftover)
    open(os.path.join(leftover, "model.weights.h5"), "w").write("partial")
    os.makedirs(os.path.join(model_dir, "checkpoints", "ckpt-00000008"))  # no state.json
    assert callbacks.list_checkpoints(model_dir) == before
    model, _ = training.train_and_evaluate("gan_digits", model_dir, steps=6, checkpoint_every=2,
                                           batch_size=8, verbose=0)
    assert int(model.d_optimizer.iterations.numpy()) == 6


# ------------------------------------------------------------------------------ bad input
def test_empty_dataset_is_refused_and_nothing_written(tmp_path):
    model_dir = tmp_path / "run"
    empty = tf.data.Dataset.from_tensor_slices(np.zeros((0, 8, 8, 1), np.float32)).batch(4)
    with pytest.raises(ValueError, match="empty"):
        training.train_and_evaluate("gan_digits", str(model_dir), steps=2, verbose=0,
                                    dataset=empty)
    assert not model_dir.exists()


def test_wrong_image_shape_to_fit_and_serving(tmp_path):
    model = kerasgen.GAN(latent_dim=4, sample_shape=(8, 8, 1), hidden_units=(8,))
    model.compile()
    rgb = tf.data.Dataset.from_tensor_slices(np.zeros((8, 8, 8, 3), np.float32)).batch(4)
    with pytest.raises(ValueError, match=r"\(8, 8, 1\), got \(None, 8, 8, 3\)"):
        model.fit(rgb, verbose=0)
    export_dir = str(tmp_path / "export")
    model.export(export_dir)
    serve = tf.saved_model.load(export_dir).signatures["serving_default"]
    with pytest.raises((ValueError, TypeError, tf.errors.InvalidArgumentError)):
        serve(z=tf.zeros((2, 5)))


# ------------------------------------------------------------------------------ safe loading
def test_keras_file_with_lambda_is_refused_by_default(tmp_path):
    z = keras.Input((3,))
    x = keras.layers.Lambda(lambda t: t * 2.0)(keras.layers.Dense(2)(z))
    model = kerasgen.GAN(generator=keras.Model(z, x), hidden_units=(8,))
    path = str(tmp_path / "lambda.keras")
    model.save(path)
    with pytest.raises(ValueError, match=r"lambda\.keras.*Lambda.*safe_mode=False"):
        kerasgen.load(path)
    trusted = kerasgen.load(path, safe_mode=False)  # the documented opt-in
    np.testing.assert_allclose(trusted.generate(2, seed=0), model.generate(2, seed=0))


def _optimizers(model):
    return {name: getattr(model, name) for name in ("optimizer", "g_optimizer", "d_optimizer")
            if getattr(model, name, None) is not None}


@pytest.mark.parametrize("recipe,batch_size,every", [
    # a density model (exact likelihood), one optimizer; and super-resolution, generator and
    # discriminator optimizers: the same resume as the GAN test above, so both in the extended
    # tier (`pytest -m slow`)
    pytest.param("nade_digits", 16, 10, marks=pytest.mark.slow),
    pytest.param("srgan_natural", 2, 5, marks=pytest.mark.slow),
])
def test_sigkill_mid_training_then_resume_new_families(tmp_path, recipe, batch_size, every):
    """The kill-and-resume guarantee for the density, super-resolution families (FrameGAN has
    its own test above): SIGKILL after a checkpoint, restart on the same model directory, exactly
    the requested steps on every optimizer."""
    model_dir = str(tmp_path / "run")
    cmd = [sys.executable, "-m", "kerasgen.cli.train", f"--recipe={recipe}",
           f"--model_dir={model_dir}", f"--checkpoint_every={every}",
           f"--batch_size={batch_size}", "--verbose=0"]
    env = _kill_after_checkpoint(cmd + ["--steps=100000"], model_dir, 2 * every, 300)
    last_step, last_path = callbacks.list_checkpoints(model_dir)[-1]
    assert json.load(open(os.path.join(last_path, "state.json")))["step"] == last_step
    total = last_step + every
    result = subprocess.run(cmd + [f"--steps={total}", "--noevaluate"], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"(step {last_step})" in result.stdout
    final = kerasgen.load(model_dir, training=True)
    optimizers = _optimizers(final)
    assert optimizers, "the family has no optimizer to check"
    for name, optimizer in optimizers.items():
        assert int(optimizer.iterations.numpy()) == total, name


@pytest.mark.parametrize("recipe,optimizers,batch_size", [
    ("nade_digits", ("optimizer",), 16),
    ("rbm_digits", ("optimizer",), 16),
    ("srresnet_natural", ("g_optimizer",), 2),
    ("framepredictor_digits", ("g_optimizer",), 4),
])
def test_non_finite_loss_stops_new_families_naming_the_step(tmp_path, monkeypatch, recipe,
                                                            optimizers, batch_size):
    """A divergence forced by plain SGD with an infinite rate (weights become inf/NaN after the
    first update) in each new family stops training with the loss and the step named; no preset
    is written."""
    from kerasgen import recipes

    sgd = {"class_name": "SGD", "config": {"learning_rate": float("inf")}}
    diverging = recipes.recipe_with(recipe, compile={name: sgd for name in optimizers})
    diverging.pop("validation", None)
    diverging.pop("init_from", None)
    diverging["name"] = f"diverging_{recipe}"
    table = dict(recipes.recipes())
    table[diverging["name"]] = diverging
    monkeypatch.setattr(registry, "_RECIPES", table)
    model_dir = str(tmp_path / "run")
    with pytest.raises(callbacks.NonFiniteLossError,
                       match=r"Loss '\w+' became (nan|inf|-inf) at step \d+"):
        training.train_and_evaluate(diverging["name"], model_dir, steps=30, checkpoint_every=1,
                                    batch_size=batch_size, verbose=0, steps_per_execution=1)
    assert not os.path.exists(os.path.join(model_dir, "preset"))
