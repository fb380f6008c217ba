"""Test set-up: split the CPU into two logical devices before TensorFlow starts, so that the
contract suite can train under a two-replica `MirroredStrategy` on any machine."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if os.environ.get("PYTEST_XDIST_WORKER"):
    # the suite runs in parallel workers (`-n 2` in setup.cfg), one per core: each computes its
    # ops on one thread instead of two workers' thread pools contending for the same two cores
    # (the scripts the tests start inherit it)
    os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")

import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

_cpus = tf.config.list_physical_devices("CPU")
try:
    tf.config.set_logical_device_configuration(
        _cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2
    )
except RuntimeError:  # already initialised by an earlier import: keep what is there
    pass

# TensorFlow, Keras and TFP leave ~450,000 Python objects after import; frozen, the garbage
# collector's full passes (which a long suite triggers ever more often) no longer walk them
import gc  # noqa: E402

import keras  # noqa: E402
import tensorflow_probability  # noqa: E402,F401

import kerasgen  # noqa: E402,F401

gc.freeze()


@pytest.fixture(autouse=True, scope="module")
def _release_each_modules_models():
    """Frees what a test module's models left in Keras's global state before the next one, then
    freezes what survives (the session's shared strategy, caches): each full collection walks
    every tracked object, and without the freeze the later modules' collections walked all the
    earlier modules' survivors again (late modules' teardowns took tens of seconds)."""
    yield
    keras.backend.clear_session()  # includes a gc.collect()
    gc.freeze()


# ------------------------------------------------------------------------------ extended tier
#: Contract items that a configuration variant of a family (a contract class with `variant_of`)
#: runs only in the extended tier, `pytest -m slow`: they exercise code the variant shares with
#: its family, whose own contract class runs them in the default suite. A variant keeps the
#: items its configuration changes (`variant_keeps`), and every variant keeps the strategy,
#: steps_per_execution, save/load, config and float16 items in the default suite.
VARIANT_EXTENDED_ITEMS = (
    "test_export_reloads_in_fresh_process",
    "test_fit_two_steps_graph_and_eager",
    "test_validation_data_reports_held_out_losses_without_updates",
    "test_mixed_bfloat16_trains_without_nan",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        cls = getattr(item, "cls", None)
        name = getattr(item, "originalname", item.name)
        if (cls is not None and getattr(cls, "variant_of", None)
                and name in VARIANT_EXTENDED_ITEMS
                and name not in getattr(cls, "variant_keeps", ())):
            item.add_marker(pytest.mark.slow)


# ------------------------------------------------------------------------------ fresh process
_FRESH_WORKER = r"""
import json, sys, traceback
import numpy as np, tensorflow as tf
from tensorflow.python.tools import saved_model_utils
for line in sys.stdin:
    job = json.loads(line)
    try:
        loaded = tf.saved_model.load(job["export_dir"])
        inputs = dict(np.load(job["in_path"]))
        outputs = loaded.signatures["serving_default"](
            **{k: tf.constant(v) for k, v in inputs.items()})
        np.savez(job["out_path"], **{k: v.numpy() for k, v in outputs.items()})
        # the SignatureDefs that saved_model_cli shows and TF Serving reads
        defs = saved_model_utils.get_meta_graph_def(job["export_dir"], "serve").signature_def
        reply = {"signatures": {name: sorted(d.inputs) for name, d in defs.items()},
                 "kerasgen_imported": "kerasgen" in sys.modules}
    except Exception:
        reply = {"error": traceback.format_exc()}
    print(json.dumps(reply), flush=True)
"""


class FreshProcess:
    """One Python process that imports TensorFlow and never kerasgen, started once per test
    session: each export test loads its SavedModel there (a process per test spent ~8 s of the
    suite's time each on starting TensorFlow twice)."""

    def __init__(self):
        import subprocess
        import sys

        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
        self.proc = subprocess.Popen([sys.executable, "-c", _FRESH_WORKER], env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def serve(self, export_dir, in_path, out_path, timeout=300):
        """Runs the export's serving_default on the inputs at `in_path`, writes the outputs to
        `out_path`; returns `{"signatures": {name: [input keys]}, "kerasgen_imported": bool}`."""
        import json
        import threading

        self.proc.stdin.write(json.dumps({"export_dir": export_dir, "in_path": in_path,
                                          "out_path": out_path}) + "\n")
        self.proc.stdin.flush()
        reply = []
        reader = threading.Thread(target=lambda: reply.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        if not reply or not reply[0]:
            raise RuntimeError(f"the fresh process gave no answer for {export_dir} "
                               f"(exit code {self.proc.poll()})")
        out = json.loads(reply[0])
        if "error" in out:
            raise RuntimeError(f"the fresh process failed on {export_dir}:\n{out['error']}")
        return out

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.fixture(scope="session")
def fresh_process():
    worker = FreshProcess()
    yield worker
    worker.close()
