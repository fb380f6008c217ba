"""The model families; each is a `keras.Model` subclass that overrides `train_step`."""

from kerasgen.models.base import GenerativeModel
from kerasgen.models.gan import GAN, mlp_discriminator, mlp_generator

__all__ = ["GenerativeModel", "GAN", "mlp_generator", "mlp_discriminator"]
