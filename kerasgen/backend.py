"""kerasgen runs on Keras 3 with the TensorFlow backend; this module checks it on import.

The families override `train_step` with `tf.GradientTape`, export through TF SavedModel and train
under `tf.distribute`, so another Keras backend (JAX, PyTorch, NumPy) cannot work. `import
kerasgen` under one raises a single ImportError that says how to switch.

TensorFlow also writes start-up lines from C++ to stderr on every import (oneDNN notice, CPU
instruction notice, "Could not find cuda drivers", and on CPU-only machines an alarming
`failed call to cuInit: ... UNKNOWN ERROR (303)`). They are written before TensorFlow's logging is
configured, so `TF_CPP_MIN_LOG_LEVEL` alone does not hide them. Unless the user set
`TF_CPP_MIN_LOG_LEVEL` (then TensorFlow's own behaviour is kept), kerasgen imports TensorFlow with
stderr captured, drops those known start-up lines and passes anything else through unchanged; if
the import fails, everything captured is written out before the error.
"""

import contextlib
import json
import os
import re
import sys
import tempfile

#: start-up lines TensorFlow prints on every import (patterns matched anywhere in a line)
STARTUP_NOISE = re.compile(
    r"All log messages before absl::InitializeLog|port\.cc:\d+\] oneDNN custom operations"
    r"|cudart_stub\.cc|cpu_feature_guard\.cc|To enable the following instructions"
    r"|cuda_platform\.cc|failed call to cuInit|Unable to register cu(DNN|FFT|BLAS) factory"
    r"|computation_placer\.cc|TF-TRT Warning|absl::InitializeLog\(\) is called")


def _import_tensorflow_quietly():
    stderr_fd = 2
    try:
        sys.stderr.flush()
        saved = os.dup(stderr_fd)
    except (OSError, ValueError, AttributeError):  # no real stderr (embedded interpreters)
        import tensorflow  # noqa: F401
        return
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), stderr_fd)
        failed = True
        try:
            import tensorflow as tf

            tf.config.list_physical_devices()  # the CUDA probe happens here, not at import
            failed = False
        finally:
            os.dup2(saved, stderr_fd)
            os.close(saved)
            capture.seek(0)
            text = capture.read().decode("utf-8", "replace")
            lines = text.splitlines(keepends=True)
            if not failed:
                lines = [line for line in lines if not STARTUP_NOISE.search(line)]
            if lines:
                sys.stderr.write("".join(lines))
                sys.stderr.flush()


def configured_backend():
    """The Keras backend in use, or the one Keras will pick, read as Keras reads it.

    When Keras is not imported yet this reads `KERAS_BACKEND`, then `keras.json` in `KERAS_HOME`
    (default `~/.keras`), without importing Keras: importing it under another backend can fail
    first with an unrelated error (e.g. the NumPy backend needs JAX).
    """
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        with open(os.path.join(home, "keras.json")) as f:
            return json.load(f).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"


def check_backend():
    """Checks Keras uses TensorFlow, then imports TensorFlow (quietly, see the module docstring)."""
    check_backend_name()
    if "tensorflow" not in sys.modules and "TF_CPP_MIN_LOG_LEVEL" not in os.environ:
        _import_tensorflow_quietly()


def check_backend_name():
    """Raises the ImportError below unless Keras is set to TensorFlow; imports nothing."""
    backend = configured_backend()
    if backend != "tensorflow":
        raise ImportError(
            f"kerasgen needs Keras's TensorFlow backend, but Keras is set to use {backend!r}. Set "
            "the environment variable KERAS_BACKEND=tensorflow (or \"backend\": \"tensorflow\" "
            "in ~/.keras/keras.json) before importing keras.")
    return backend


#: a C++ line TensorFlow 2.21 writes when Grappler's remapper cannot fuse a graph; the graph runs
#: unfused, with the same results (seen on convolution + bias + LeakyReLU under a gradient tape:
#: the DCGAN discriminator, the studio's encoder)
REMAPPER_NOISE = re.compile(r"meta_optimizer\.cc:\d+\] remapper failed: ")

#: C++ lines TensorFlow writes while it runs that say nothing to a kerasgen script's user: the
#: remapper above; tf.data's note that an evaluation read only part of a cached dataset (the
#: intended use: the cache is discarded, nothing is wrong); glibc's allocator tuning notice
RUNTIME_NOISE = re.compile(
    REMAPPER_NOISE.pattern
    + r"|cache_dataset_ops\.cc:\d+\] The calling iterator did not fully read the dataset"
    + r"|Memory patch applied: M_TRIM_THRESHOLD")


def filter_stderr(pattern=RUNTIME_NOISE):
    """For scripts: from now until exit, drop the stderr lines `pattern` matches (C++ ones too).

    The stderr file descriptor is routed through a pipe; a thread passes every other line on
    unchanged, and the original stderr is put back at exit (after which a traceback or any late
    line goes straight through). Does nothing when the user set `TF_CPP_MIN_LOG_LEVEL`
    (TensorFlow's own behaviour is kept) or stderr is no real file. Returns whether it is on.
    """
    import atexit
    import threading

    if "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        return False
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        read_end, write_end = os.pipe()
    except (OSError, ValueError, AttributeError):
        return False
    os.dup2(write_end, 2)
    os.close(write_end)

    def pump():
        with os.fdopen(read_end, "rb") as source:
            for line in source:
                if not pattern.search(line.decode("utf-8", "replace")):
                    os.write(saved, line)

    thread = threading.Thread(target=pump, name="kerasgen-stderr", daemon=True)
    thread.start()

    def restore():
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os.dup2(saved, 2)  # the pipe's last writer closes: the thread reads to the end
        thread.join(timeout=5)

    atexit.register(restore)
    return True


@contextlib.contextmanager
def dropping_stderr_lines(pattern):
    """Captures what is written to the stderr file descriptor inside the block (C++ included)
    and writes it back without the lines `pattern` matches. Nothing is dropped when the user set
    `TF_CPP_MIN_LOG_LEVEL` (TensorFlow's own behaviour is kept) or stderr is no real file.

    Grappler optimizes a function when it first runs: wrap that first call.
    """
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            lines = capture.read().decode("utf-8", "replace").splitlines(keepends=True)
            kept = [line for line in lines if not pattern.search(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()
