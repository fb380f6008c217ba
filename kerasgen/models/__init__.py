"""The model families; each is a `keras.Model` subclass that overrides `train_step`."""

from kerasgen.models.base import GenerativeModel
from kerasgen.models.cyclegan import (CycleGAN, adam_with_linear_decay, linear_decay,
                                      patchgan_discriminator, resnet_generator)
from kerasgen.models.gan import (DCGAN, GAN, dcgan_discriminator, dcgan_generator,
                                 mlp_discriminator, mlp_generator)
from kerasgen.models.pix2pix import Pix2Pix, conditional_patchgan, unet_generator
from kerasgen.models.vae import VAE, conv_decoder, conv_encoder, mlp_decoder, mlp_encoder
from kerasgen.models.wgan import WGAN, WGANGP

__all__ = ["GenerativeModel", "GAN", "DCGAN", "WGAN", "WGANGP", "VAE", "CycleGAN", "Pix2Pix",
           "resnet_generator", "patchgan_discriminator", "unet_generator",
           "conditional_patchgan", "linear_decay", "adam_with_linear_decay", "mlp_generator",
           "mlp_encoder", "mlp_decoder", "conv_encoder", "conv_decoder",
           "mlp_discriminator", "dcgan_generator", "dcgan_discriminator"]
