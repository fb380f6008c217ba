"""The model families; each is a `keras.Model` subclass that overrides `train_step`.

`base.GenerativeModel` holds the contract; `density.DensityModel` is the shared base of the
likelihood families and `translation.TranslationModel` of the image-to-image ones, whose shared
networks live in `image_to_image`; `matching` is the matched warm start of CycleGAN's
pixel-mixing generators. Each family module also holds its own network builders.
"""

from kerasgen.models.base import GenerativeModel
from kerasgen.models.density import DensityModel
from kerasgen.models.cyclegan import CycleGAN
from kerasgen.models.image_to_image import patchgan_discriminator, resnet_generator, unet_generator
from kerasgen.models.dcgan import DCGAN, dcgan_discriminator, dcgan_generator
from kerasgen.models.gan import GAN, mlp_discriminator, mlp_generator
from kerasgen.models.layers import ReflectionPadding2D, gan_initializer, instance_norm
from kerasgen.models.mixture import MixtureModel
from kerasgen.models.nade import NADE, NADELayer
from kerasgen.models.rbm import RBM, RBMLayer
from kerasgen.models.pix2pix import Pix2Pix, conditional_patchgan
from kerasgen.models.frames import FrameGAN, FramePredictor, frame_discriminator, frame_predictor
from kerasgen.models.superres import (SRGAN, SRResNet, SubPixelUpsampling, srgan_discriminator,
                                      srresnet_generator)
from kerasgen.models.translation import TranslationModel
from kerasgen.models.vae import VAE
from kerasgen.models.vae_networks import (
    conv_decoder, conv_encoder, mlp_decoder, mlp_encoder, pixelcnn_decoder)
from kerasgen.models.wgan import WGAN, WGANGP
from kerasgen.models.pixelcnn import PixelCNN  # issue 34: flow, fully visible, GSN
from kerasgen.models.flow import Flow
from kerasgen.models.gsn import GSN

#: the family classes a recipe may name
FAMILIES = ("GAN", "DCGAN", "WGAN", "WGANGP", "VAE", "CycleGAN", "Pix2Pix", "MixtureModel", "NADE",
            "RBM", "SRResNet", "SRGAN", "FramePredictor", "FrameGAN", "PixelCNN", "Flow", "GSN")

__all__ = list(FAMILIES) + [
    "GenerativeModel", "DensityModel", "TranslationModel", "resnet_generator", "patchgan_discriminator",
    "unet_generator", "conditional_patchgan", "mlp_generator", "mlp_discriminator",
    "dcgan_generator", "dcgan_discriminator", "mlp_encoder", "mlp_decoder", "conv_encoder",
    "conv_decoder", "pixelcnn_decoder", "ReflectionPadding2D", "gan_initializer", "instance_norm",
    "srresnet_generator", "srgan_discriminator", "SubPixelUpsampling", "frame_predictor",
    "frame_discriminator"]
