"""Keras callbacks for generative training: sample grids as PNG files and TensorBoard images,
atomic checkpoints, and a stop at the first non-finite loss."""

import glob
import json
import math
import os
import re
import shutil

import numpy as np
import tensorflow as tf
import keras

from kerasgen import figures
from kerasgen.utils import write_atomically

CHECKPOINTS = "checkpoints"
_CKPT_RE = re.compile(r"^ckpt-(\d{8})$")


class NonFiniteLossError(RuntimeError):
    """Raised when a training loss becomes NaN or infinite."""


class SampleGrid(keras.callbacks.Callback):
    """Writes a grid of `model.generate(num_samples, seed)` samples every `every_n_epochs` epochs.

    The same seed is used every time, so successive grids show the same latent points as training
    goes on. Images go to `directory/samples_epoch_XXXX.png` and, when `log_dir` is given, to a
    TensorBoard image summary named "samples".

    Args:
        directory: where PNG files go (None: no PNG).
        num_samples: images per grid.
        seed: latent seed.
        every_n_epochs: how often.
        log_dir: TensorBoard log directory (None: no summary).
        value_range: the model's output range.
    """

    def __init__(self, directory=None, num_samples=64, seed=0, every_n_epochs=1, log_dir=None,
                 value_range=(-1.0, 1.0)):
        super().__init__()
        self.directory = directory
        self.num_samples = num_samples
        self.seed = seed
        self.every_n_epochs = every_n_epochs
        self.log_dir = log_dir
        self.value_range = value_range
        self._writer = None
        self.last_path = None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs:
            return
        if getattr(self.model, "latent_dim", None) is None:
            return  # translation models (CycleGAN, pix2pix) have nothing to sample
        samples = self.model.generate(self.num_samples, seed=self.seed)
        value_range = getattr(self.model, "value_range", self.value_range)
        if samples.ndim not in (3, 4):
            return  # not images (e.g. 2-D toy points)
        if self.directory is not None:
            os.makedirs(self.directory, exist_ok=True)
            path = os.path.join(self.directory, f"samples_epoch_{epoch + 1:04d}.png")
            self.last_path = figures.save_image_grid(
                samples, path, value_range=value_range, title=f"{self.model.name}, epoch {epoch + 1}")
        if self.log_dir is not None:
            if self._writer is None:
                self._writer = tf.summary.create_file_writer(self.log_dir)
            grid = figures.image_grid(samples, value_range=value_range)
            with self._writer.as_default():
                tf.summary.image("samples", grid[None], step=epoch + 1)
            self._writer.flush()


def list_checkpoints(model_dir):
    """Sorted `(step, path)` of the complete checkpoints in a model directory."""
    found = []
    for path in glob.glob(os.path.join(model_dir, CHECKPOINTS, "ckpt-*")):
        match = _CKPT_RE.match(os.path.basename(path))
        if match and os.path.isfile(os.path.join(path, "state.json")):
            found.append((int(match.group(1)), path))
    return sorted(found)


class Checkpointer(keras.callbacks.Callback):
    """Writes an atomic checkpoint at the end of every epoch (= every `checkpoint_every` steps).

    A checkpoint is skipped when the epoch's logs hold a non-finite loss, so the last good one
    is never overwritten by a diverged model. Keeps the `keep` newest checkpoints.
    """

    def __init__(self, model_dir, steps_per_epoch, keep=2, enabled=True, every_n_epochs=1):
        super().__init__()
        self.model_dir = model_dir
        self.steps_per_epoch = steps_per_epoch
        self.keep = keep
        self.enabled = enabled
        self.every_n_epochs = max(1, int(every_n_epochs))

    def on_epoch_end(self, epoch, logs=None):
        if not self.enabled or getattr(self.model, "_kerasgen_non_finite", False):
            return
        if (epoch + 1) % self.every_n_epochs and not self.model.stop_training:
            return
        if logs and not all(np.isfinite(v) for v in logs.values()
                            if isinstance(v, (int, float, np.floating))):
            return
        step = (epoch + 1) * self.steps_per_epoch
        path = os.path.join(self.model_dir, CHECKPOINTS, f"ckpt-{step:08d}")

        def writer(tmp):
            os.makedirs(tmp)
            self.model.save_weights(os.path.join(tmp, "model.weights.h5"))
            with open(os.path.join(tmp, "state.json"), "w") as f:
                json.dump({"epoch": epoch + 1, "step": step, "logs": {
                    k: float(v) for k, v in (logs or {}).items()}}, f)

        write_atomically(path, writer)
        for _, old in list_checkpoints(self.model_dir)[:-self.keep]:
            shutil.rmtree(old, ignore_errors=True)


class StopOnNonFinite(keras.callbacks.Callback):
    """Stops training at the first non-finite loss with an error naming the step and the loss.

    The step is the global step at the end of the batch (or of the `steps_per_execution` steps
    Keras ran between two callbacks).
    """

    def __init__(self, steps_per_epoch):
        super().__init__()
        self.steps_per_epoch = steps_per_epoch
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        step = self.epoch * self.steps_per_epoch + batch + 1
        for name, value in (logs or {}).items():
            value = float(value)
            if not math.isfinite(value):
                self.model._kerasgen_non_finite = True
                self.model.stop_training = True
                raise NonFiniteLossError(
                    f"Loss {name!r} became {value} at step {step}; training stopped. The "
                    "last good checkpoint was kept."
                )
