"""pix2pix (Isola et al., 2017, arXiv:1611.07004): paired image-to-image translation.

A conditional GAN: the generator G maps an input image x to an output image; the discriminator
D(x, y) judges *pairs* (input, output) patch by patch (PatchGAN on the channel-wise concatenation).

    G* = arg min_G max_D  L_cGAN(G, D) + lambda E ||y - G(x)||_1,   lambda = 100,

with the non-saturating GAN loss, the discriminator loss halved, and Adam(2e-4, beta_1 0.5). The
generator is a U-Net: an encoder of stride-2 convolutions (C64-C128-C256-C512-...) and a decoder
of stride-2 transposed convolutions whose every layer is concatenated with the encoder layer of the
same resolution (skip connections), so low-level structure shared by input and output (edges,
positions) passes straight through. Dropout in the first decoder layers is the generator's noise.

`layout="pytorch"` builds the layers of the authors' reference implementation
(github.com/junyanz/pytorch-CycleGAN-and-pix2pix, `unet_256` and the `basic` PatchGAN with batch
norm) exactly, so that its published generators convert with `python -m kerasgen.cli.convert`.
The paper runs the generator at test time as in training: dropout on and batch norm with the test
batch's statistics ("we apply dropout at test time, and we apply batch normalization using the
statistics of the test batch"); kerasgen's `translate` is inference mode (moving statistics, no
dropout): call `model.generator(x, training=True)` for the paper's behaviour.
"""

import tensorflow as tf
import keras

from kerasgen import losses as losses_lib
from kerasgen import optimizers as optimizers_lib
from kerasgen.models.image_to_image import check_layout, patchgan_discriminator, unet_generator
from kerasgen.models.translation import TranslationModel


def conditional_patchgan(image_size=256, in_channels=3, out_channels=3, base_filters=64,
                         num_layers=3, norm="instance", layout="kerasgen", name="discriminator"):
    """PatchGAN on the concatenation (input, output): a model taking [x, y].

    `norm` and `layout` are those of `patchgan_discriminator` (pix2pix's reference uses
    `norm="batch"`).
    """
    x = keras.Input((image_size, image_size, in_channels), name="x")
    y = keras.Input((image_size, image_size, out_channels), name="y")
    patch = patchgan_discriminator(image_size, in_channels + out_channels, base_filters,
                                   num_layers, norm=norm, layout=layout,
                                   name=f"{name}_patchgan")
    return keras.Model([x, y], patch(keras.layers.Concatenate()([x, y])), name=name)


@keras.saving.register_keras_serializable(package="kerasgen")
class Pix2Pix(TranslationModel):
    """pix2pix: paired translation x -> y with a U-Net and a conditional PatchGAN.

    Args:
        image_size: square training image side (a power of two for the default U-Net); the
            U-Net translates any height and width (`translate` pads them to multiples of
            2^depth).
        in_channels, out_channels: channels of input and output images.
        base_filters: width (64 in the paper).
        num_downsamplings: U-Net depth (default: down to 1x1).
        d_layers: PatchGAN depth (3 = 70x70).
        l1_weight: lambda (100).
        dropout: dropout of the first decoder layers (0.5).
        batch_norm: batch norm in the U-Net (as in the paper), and, with the "pytorch" layout, in
            the discriminator too (the reference's `--norm batch`; False gives no norm).
        layout: "kerasgen" (default) or "pytorch": the reference implementation's `unet_256`
            and `basic` discriminator exactly (see `unet_generator`, `patchgan_discriminator`),
            so that its published generators (e.g. facades_label2photo.pth) convert.
        generator, discriminator: networks to use instead.
        seed: int or None.

    Batches are `(x, y)` aligned pairs.

    Example:
        >>> model = Pix2Pix(image_size=16, in_channels=1, out_channels=1, base_filters=8)
        >>> model.compile()
        >>> pairs = kerasgen.data.digits_translation("invert", image_size=16, batch_size=4,
        ...                                          paired=True)
        >>> history = model.fit(pairs.take(2), verbose=0)
        >>> model.translate(np.zeros((3, 16, 16, 1))).shape
        (3, 16, 16, 1)
    """

    optimizer_specs = {
        "g_optimizer": (("generator",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
        "d_optimizer": (("discriminator",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
    }
    loss_names = ("g_loss", "d_loss", "l1_loss", "g_gan_loss")
    optimizer_losses = {"g_optimizer": "g_loss", "d_optimizer": "d_loss"}

    def __init__(self, image_size=256, in_channels=3, out_channels=3, base_filters=64,
                 num_downsamplings=None, d_layers=3, l1_weight=100.0, dropout=0.5,
                 batch_norm=True, layout="kerasgen", generator=None, discriminator=None,
                 seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        check_layout(layout)
        self.generator = self.network("generator", generator, lambda: unet_generator(
            image_size, in_channels, out_channels, base_filters, num_downsamplings, dropout,
            batch_norm, layout=layout))
        self.discriminator = self.network("discriminator", discriminator,
                                          lambda: conditional_patchgan(
                                              image_size, in_channels, out_channels,
                                              base_filters, d_layers,
                                              norm=("batch" if batch_norm else "none")
                                              if layout == "pytorch" else "instance",
                                              layout=layout))
        shape = tuple(self.generator.output_shape[1:])
        # the training size (the U-Net takes other sizes too: see TranslationModel)
        self.sample_shape = (image_size, image_size) + shape[2:] if None in shape[:2] else shape
        self.generator_size_multiple = 2 ** (num_downsamplings or
                                             (int(image_size).bit_length() - 1))
        self.l1_weight = float(l1_weight)
        self.record_hyperparameters(
            image_size=image_size, in_channels=in_channels, out_channels=out_channels,
            base_filters=base_filters, num_downsamplings=num_downsamplings, d_layers=d_layers,
            l1_weight=self.l1_weight, dropout=dropout, batch_norm=batch_norm, layout=layout,
            seed=seed)
        self._finish_init()

    def translation_losses(self, x, y, training=True):
        fake = self.generator(x, training=training)
        real_logits = self.discriminator([x, y], training=training)
        fake_logits = self.discriminator([x, fake], training=training)
        gan = losses_lib.non_saturating_generator_loss(fake_logits)
        l1 = tf.reduce_mean(tf.abs(y - fake))
        return {"g_loss": gan + self.l1_weight * l1,
                "d_loss": 0.5 * losses_lib.discriminator_loss(real_logits, fake_logits),
                "l1_loss": l1, "g_gan_loss": gan}
