"""kerasgen: a TensorFlow/Keras model zoo of classic generative models.

Every family is a `keras.Model` that trains with `model.fit`, saves with `model.save`, exports a
SavedModel for TF Serving with `model.export`, and trains under `tf.distribute` strategies.

    >>> import kerasgen
    >>> model = kerasgen.load("dcgan_digits")      # shipped weights, offline
    >>> images = model.generate(64, seed=0)
"""

__version__ = "0.1.0"

from kerasgen import callbacks, data, images, losses, metrics, models  # noqa: E402,F401
from kerasgen.models import (DCGAN, GAN, VAE, WGAN, WGANGP, CycleGAN,  # noqa: E402,F401
                             GenerativeModel, Pix2Pix)
from kerasgen.presets import list_models, load, save_preset  # noqa: E402,F401
