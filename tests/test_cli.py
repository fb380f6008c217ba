"""The command-line scripts and the package import: absl flags, TensorFlow's start-up noise, the
Keras backend check."""

import os
import subprocess
import sys

from absl import flags


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


def test_every_script_has_a_console_entry_point():
    """kerasgen-train etc. are installed and point at each script's `run` (checked without
    importing the scripts: absl flags are process-global, so two scripts cannot share one)."""
    import ast
    import importlib.metadata
    import importlib.util

    points = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="console_scripts")
              if ep.name.startswith("kerasgen-")}
    assert set(points) == {f"kerasgen-{n}" for n in ("train", "sample", "evaluate", "export",
                                                     "demos", "studio",
                                                     "convert")}
    for name, target in points.items():
        module, function = target.split(":")
        tree = ast.parse(open(importlib.util.find_spec(module).origin).read())
        defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert {function, "main"} <= defined, (name, target)
