"""Keras callbacks for generative training: sample grids as PNG files and TensorBoard images."""

import os

import numpy as np
import tensorflow as tf
import keras

from kerasgen import figures


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
