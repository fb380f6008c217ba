"""The command-line scripts (kerasgen.cli) and the package import: absl flags, bad flags in one
clear line, TensorFlow's start-up noise, the Keras backend check, the export and evaluate scripts."""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf
from absl import flags

from kerasgen import training


def _clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env.update(extra)
    return env


def test_demos_take_absl_flags(tmp_path, monkeypatch):
    from kerasgen import demos
    from kerasgen.cli import demos as demos_cli

    calls = []
    monkeypatch.setattr(demos, "draw_figures",
                        lambda out_dir, seed: calls.append((out_dir, seed)) or [])
    monkeypatch.chdir(tmp_path)
    flags.FLAGS.unparse_flags()
    flags.FLAGS(["demos", f"--out_dir={tmp_path / 'figs'}", "--seed=3"])
    try:
        assert demos_cli.main([]) == 0
    finally:
        flags.FLAGS.unparse_flags()
    assert calls == [(str(tmp_path / "figs"), 3)]
    assert not [p for p in os.listdir(tmp_path) if p.startswith("--")]  # the old argv bug


@pytest.mark.slow  # 15 s; the quiet-scripts test below checks the same stderr by default
def test_scripts_keep_tensorflow_start_up_noise_out_of_stderr(tmp_path):
    out = tmp_path / "grid.png"
    result = subprocess.run(
        [sys.executable, "-m", "kerasgen.cli.sample", "--model=gan_grid25", "--num=100",
         f"--out={out}"], capture_output=True, text=True, env=_clean_env(), timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert out.exists()
    for noise in ("cuInit", "cuda", "oneDNN", "cpu_feature_guard", "absl::InitializeLog"):
        assert noise not in result.stderr, result.stderr
    # a user who sets TF_CPP_MIN_LOG_LEVEL gets TensorFlow's own behaviour: nothing is captured
    probe = ("import sys, kerasgen.backend as b; import kerasgen; "
             "print('tensorflow' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           env=_clean_env(TF_CPP_MIN_LOG_LEVEL="0"), timeout=300)
    assert shown.returncode == 0 and shown.stdout.strip() == "True"


def test_startup_noise_filter_keeps_other_lines():
    from kerasgen.backend import STARTUP_NOISE

    noise = ["E0000 00:00:17 6323 cuda_platform.cc:52] failed call to cuInit: INTERNAL: "
             "CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)",
             "I0000 00:00:17 6323 port.cc:153] oneDNN custom operations are on. You may see",
             "WARNING: All log messages before absl::InitializeLog() is called are written to "
             "STDERR"]
    assert all(STARTUP_NOISE.search(line) for line in noise)
    assert not STARTUP_NOISE.search("W0000 some_kernel.cc:12] Out of memory while allocating")


def test_import_under_another_keras_backend_raises_one_clear_error():
    result = subprocess.run([sys.executable, "-c", "import kerasgen"], capture_output=True,
                            text=True, env=_clean_env(KERAS_BACKEND="jax"), timeout=300)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: kerasgen needs Keras's TensorFlow backend")
    assert "'jax'" in last and "KERAS_BACKEND=tensorflow" in last


def test_readme_names_the_backend():
    readme = open(os.path.join(os.path.dirname(__file__), "..", "README.md")).read()
    assert "TensorFlow backend" in readme.split("## ")[0]


def test_readme_documents_every_script_the_environment_and_list_models_keys():
    import glob
    import kerasgen

    readme = open(os.path.join(os.path.dirname(__file__), "..", "README.md")).read()
    scripts = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(
        os.path.dirname(kerasgen.__file__), "cli", "*.py")) if not p.endswith("__init__.py"))
    for script in scripts:
        assert f"| `python -m kerasgen.cli.{script} " in readme, script
    for variable in ("KERASGEN_HOME", "KERASGEN_OFFLINE"):
        assert f"`{variable}" in readme, variable
    keys = set(kerasgen.list_models()[0])
    assert "dicts: " + ", ".join(["name", "description", "family", "resolution", "dataset",
                                  "weights_offline"]) in readme
    assert keys == {"name", "description", "family", "resolution", "dataset", "weights_offline"}
    shipped = kerasgen.load("srresnet_natural").min_input_size
    assert f"{shipped} in the shipped `srresnet_natural`" in readme


def test_every_script_has_a_console_entry_point():
    """kerasgen-train etc. are declared in setup.cfg and point at each script's `run` (checked
    without importing the scripts: absl flags are process-global, so two scripts cannot share
    one)."""
    import ast
    import configparser
    import importlib.util

    config = configparser.ConfigParser()
    config.read(os.path.join(os.path.dirname(__file__), "..", "setup.cfg"))
    lines = config["options.entry_points"]["console_scripts"].strip().splitlines()
    points = dict(line.replace(" ", "").split("=") for line in lines)
    assert set(points) == {f"kerasgen-{n}" for n in ("train", "sample", "evaluate", "export",
                                                     "demos", "studio", "convert", "translate")}
    for name, target in points.items():
        module, function = target.split(":")
        tree = ast.parse(open(importlib.util.find_spec(module).origin).read())
        defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert {function, "main"} <= defined, (name, target)


# ------------------------------------------------------------------------------ scripts
def _run_module(*args, timeout=300):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_scripts_reject_bad_flags_with_one_clear_line(tmp_path):
    # the four runs are independent: run them side by side (each spends seconds importing TF)
    runs = {
        "recipe": ("kerasgen.cli.train", "--recipe=nope", f"--model_dir={tmp_path}/a"),
        "steps": ("kerasgen.cli.train", "--recipe=gan_digits", f"--model_dir={tmp_path}/x",
                  "--steps=-5"),
        "version": ("kerasgen.cli.export", "--model=gan_digits", f"--export_dir={tmp_path}/e"),
        "data": ("kerasgen.cli.train", "--recipe=gan_mnist", f"--model_dir={tmp_path}/b",
                 f"--data={tmp_path}/missing"),
    }
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    procs = {name: subprocess.Popen([sys.executable, "-m", *args], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=env)
             for name, args in runs.items()}
    results = {name: (p.communicate(timeout=300)[1], p.returncode) for name, p in procs.items()}
    stderr, code = results["recipe"]
    assert code != 0 and "Unknown recipe 'nope'" in stderr
    stderr, code = results["steps"]
    assert code != 0 and "steps" in stderr
    assert not os.path.exists(tmp_path / "x" / "preset")
    stderr, code = results["version"]
    assert code != 0 and "version number" in stderr
    stderr, code = results["data"]
    assert code != 0 and "missing" in stderr


def test_a_mistyped_flag_is_answered_before_tensorflow_loads():
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kerasgen.cli.sample", "--modle=dcgan_digits"],
                            capture_output=True, text=True, env=_clean_env(), timeout=300)
    elapsed = time.monotonic() - start
    assert result.returncode != 0
    assert "Unknown command line flag 'modle'. Did you mean: model ?" in result.stderr
    assert elapsed < 2.5, f"a flag error took {elapsed:.1f} s"


def test_scripts_print_only_their_own_lines_and_write_the_format_the_extension_names(tmp_path):
    from PIL import Image

    pixels = np.random.default_rng(0).integers(0, 256, (13, 10, 3)).astype(np.uint8)
    Image.fromarray(pixels).save(tmp_path / "photo.jpg")
    runs = {
        "translate": ("kerasgen.cli.translate", "--model=srresnet_natural",
                      f"--input={tmp_path / 'photo.jpg'}", f"--out={tmp_path / 'big.jpg'}"),
        "sample": ("kerasgen.cli.sample", "--model=dcgan_digits", "--num=4",
                   f"--out={tmp_path / 'grid.jpg'}"),
        "export": ("kerasgen.cli.export", "--model=dcgan_digits",
                   f"--export_dir={tmp_path / 'exports' / '1'}"),
        # a convolutional GAN: its discriminator's graph made Grappler's remapper complain
        "train": ("kerasgen.cli.train", "--recipe=dcgan_digits", f"--model_dir={tmp_path / 'run'}",
                  "--steps=2", "--batch_size=8", "--verbose=0"),
    }
    # as a new user runs them: no TF_CPP_MIN_LOG_LEVEL
    procs = {name: subprocess.Popen([sys.executable, "-m", *args], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=_clean_env())
             for name, args in runs.items()}
    results = {name: (*p.communicate(timeout=600), p.returncode) for name, p in procs.items()}
    out, err, code = results["translate"]
    assert code == 0 and err == "", err  # the image's own size; nothing but the script's line
    assert out == (f"Translated {tmp_path / 'photo.jpg'} (13x10) with srresnet_natural (lr2hr) "
                   f"to {tmp_path / 'big.jpg'} (52x40)\n")
    with Image.open(tmp_path / "big.jpg") as im:
        assert im.format == "JPEG" and im.size == (40, 52)
    out, err, code = results["sample"]
    assert code == 0 and err == "", err
    assert out == f"Wrote 4 samples of dcgan_digits to {tmp_path / 'grid.jpg'}\n"
    with Image.open(tmp_path / "grid.jpg") as im:
        assert im.format == "JPEG"  # the format the extension names, not PNG bytes
    out, err, code = results["export"]
    assert code == 0 and err == "", err  # no INFO lines with temporary paths
    assert out == (f"Exported dcgan_digits to {tmp_path / 'exports' / '1'} "
                   "(signatures: serving_default, generate)\n")
    out, err, code = results["train"]
    assert code == 0 and err == "", err
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("dcgan_digits after 2 steps: fd ")
    assert lines[1].startswith("Trained dcgan_digits to step 2 ")


# ------------------------------------------------------------------------------ serving
def test_export_script_and_predict_request(tmp_path):
    from tensorflow_serving.apis import predict_pb2

    from kerasgen import serving

    model_dir = str(tmp_path / "run")
    model, _ = training.train_and_evaluate("gan_digits", model_dir, steps=2, batch_size=8,
                                           verbose=0)
    export_dir = str(tmp_path / "exports" / "gan" / "1")
    result = _run_module("kerasgen.cli.export", f"--model={model_dir}", f"--export_dir={export_dir}")
    assert result.returncode == 0, result.stderr
    cli = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    if os.path.exists(cli):
        shown = subprocess.run([cli, "show", "--all", "--dir", export_dir], capture_output=True,
                               text=True, check=True).stdout
        assert "signature_def['serving_default']" in shown and "samples" in shown
    z = np.random.default_rng(0).normal(size=(2, model.latent_dim)).astype(np.float32)
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "gan"
    request.model_spec.signature_name = "serving_default"
    request.inputs["z"].CopyFrom(tf.make_tensor_proto(z))
    response = serving.predict(export_dir, request)
    samples = tf.make_ndarray(response.outputs["samples"])
    np.testing.assert_allclose(samples, model.generate_from_latents(z).numpy(), atol=1e-5)
    for bad, match in ((z.astype(np.float64), "dtype"), (z[:, :2], "shape")):
        request.inputs["z"].CopyFrom(tf.make_tensor_proto(bad))
        with pytest.raises(ValueError, match=match):
            serving.predict(export_dir, request)


def test_evaluate_script_reports_image_metrics_beside_the_floor(tmp_path):
    model_dir = str(tmp_path / "run")
    _, info = training.train_and_evaluate("gan_digits", model_dir, steps=2, batch_size=8,
                                          verbose=0)
    result = _run_module("kerasgen.cli.evaluate", f"--model={model_dir}")
    assert result.returncode == 0, result.stderr[-2000:]
    summary, _, body = result.stdout.partition("\n")
    figures = json.loads(body)
    assert "fd" in summary and "(test vs train digits:" in summary
    # training evaluated the same model with the same seed, and its preset records it
    assert np.isclose(info["metric"]["fd"], figures["fd"])
    meta = json.load(open(os.path.join(model_dir, "preset", "metadata.json")))
    assert np.isclose(meta["metric"]["fd"], figures["fd"])
    assert meta["command"].startswith("python -m kerasgen.cli.train --recipe=gan_digits")
    for key in ("fd", "kid", "precision", "recall", "density", "coverage"):
        assert np.isfinite(figures[key]) and np.isfinite(figures["floor_" + key])
    # an (almost) untrained generator is far from the data; the floor is the test-vs-train gap
    assert figures["fd"] > figures["floor_fd"]
    result = _run_module("kerasgen.cli.evaluate", "--model=gan_mnist")
    assert result.returncode != 0 and "No pretrained weights" in result.stderr
