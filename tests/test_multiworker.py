"""MultiWorkerMirroredStrategy for real: two worker processes on 127.0.0.1 train a few steps
through `python -m kerasgen.cli.train --strategy=multi_worker` and end with identical weights."""

import json
import os
import socket
import subprocess
import sys

import numpy as np

import kerasgen


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_workers_end_with_identical_weights(tmp_path):
    workers = [f"127.0.0.1:{_free_port()}", f"127.0.0.1:{_free_port()}"]
    model_dir = tmp_path / "run"
    procs = []
    for index in range(2):
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_CONFIG=json.dumps(
            {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "kerasgen.cli.train", "--recipe=gan_digits",
             f"--model_dir={model_dir}", "--steps=4", "--checkpoint_every=2",
             "--batch_size=16", "--strategy=multi_worker", "--verbose=2"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    outputs = []
    for proc in procs:
        try:
            out, _ = proc.communicate(timeout=240)
        finally:
            proc.kill()
        outputs.append(out)
        assert proc.returncode == 0, out[-3000:]
    chief = kerasgen.load(str(model_dir))                   # worker 0 writes model_dir
    other = kerasgen.load(str(model_dir / "workers" / "1"))  # worker 1 its own copy
    assert int(json.load(open(model_dir / "checkpoints" / "ckpt-00000004" / "state.json"))[
        "step"]) == 4
    for a, b in zip(chief.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    resumable = kerasgen.load(str(model_dir), training=True)  # with optimizer state
    assert int(resumable.d_optimizer.iterations.numpy()) == 4
    assert int(resumable.g_optimizer.iterations.numpy()) == 4
