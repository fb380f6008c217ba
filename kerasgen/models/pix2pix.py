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
from kerasgen.models.cyclegan import check_layout, patchgan_discriminator, reference_norm
from kerasgen.models.layers import BatchNormalization, conv2d, conv2d_transpose, gan_initializer
from kerasgen.models.translation import TranslationModel


def unet_generator(image_size=256, in_channels=3, out_channels=3, base_filters=64,
                   num_downsamplings=None, dropout=0.5, batch_norm=True, layout="kerasgen",
                   name="generator"):
    """U-Net with skip connections, from image_size down to 1x1 (or `num_downsamplings`).

    Args:
        layout: "kerasgen" (each decoder layer is ReLU(BN(deconv)) concatenated after the
            encoder features; dropout on the first three decoder layers; Keras batch-norm
            defaults) or "pytorch", the reference's `UnetGenerator` exactly: each decoder layer
            reads ReLU(concat(encoder features, decoder features)) (the skip is the encoder's
            LeakyReLU output, since the reference's in-place LeakyReLU rewrites it), dropout on
            the `num_downsamplings - 5` decoder layers after the innermost one, batch norm with
            PyTorch's epsilon 1e-5 and momentum 0.1 (`batch_norm=False`: no norm and, as in the
            reference, no biases), symmetric padding; layers named for `kerasgen.convert`.

    Example:
        >>> unet_generator(32, 3, 3, base_filters=8, num_downsamplings=5,
        ...                layout="pytorch").output_shape
        (None, 32, 32, 3)
    """
    import math

    check_layout(layout)
    depth = num_downsamplings or int(math.log2(image_size))
    if image_size % 2 ** depth:
        raise ValueError(f"`image_size` {image_size} must be divisible by 2^{depth}.")
    if layout == "pytorch":
        return _reference_unet(image_size, in_channels, out_channels, base_filters, depth,
                               dropout, batch_norm, name)
    x_in = keras.Input((image_size, image_size, in_channels), name="x")
    h, skips = x_in, []
    for i in range(depth):
        filters = min(base_filters * 2 ** i, base_filters * 8)
        h = keras.layers.Conv2D(filters, 4, strides=2, padding="same", use_bias=False,
                                kernel_initializer=gan_initializer())(h)
        if batch_norm and 0 < i < depth - 1:
            h = BatchNormalization()(h)
        h = keras.layers.LeakyReLU(0.2)(h)
        skips.append(h)
    for i in reversed(range(depth - 1)):
        filters = min(base_filters * 2 ** i, base_filters * 8)
        h = keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same", use_bias=False,
                                         kernel_initializer=gan_initializer())(h)
        if batch_norm:
            h = BatchNormalization()(h)
        if dropout and i >= depth - 4:
            h = keras.layers.Dropout(dropout)(h)
        h = keras.layers.ReLU()(h)
        h = keras.layers.Concatenate()([h, skips[i]])
    h = keras.layers.Conv2DTranspose(out_channels, 4, strides=2, padding="same",
                                     kernel_initializer=gan_initializer())(h)
    out = keras.layers.Activation("tanh", dtype="float32")(h)
    return keras.Model(x_in, out, name=name)


def _reference_unet(image_size, in_channels, out_channels, base_filters, depth, dropout,
                    batch_norm, name):
    # Level i (0 = outermost, depth - 1 = innermost) is the reference's UnetSkipConnectionBlock:
    # down_i maps its input to level i + 1; up_i maps back to level i's resolution.
    norm = "batch" if batch_norm else "none"

    def width(i):  # channels of down_i's output
        return base_filters * min(2 ** i, 8)

    x_in = keras.Input((image_size, image_size, in_channels), name="x")
    h, skips = x_in, {}
    for i in range(depth):
        if i > 0:
            h = keras.layers.LeakyReLU(0.2)(h)
            skips[i] = h
        h = conv2d(h, width(i), 4, strides=2, padding="symmetric", use_bias=False,
                   name=f"down_{i}")
        if 0 < i < depth - 1:
            h = reference_norm(norm, f"down_{i}_norm")(h)
    for i in reversed(range(depth)):
        h = keras.layers.ReLU()(h)
        outer = out_channels if i == 0 else width(i - 1)
        h = conv2d_transpose(h, outer, 4, strides=2, padding="symmetric", use_bias=i == 0,
                             name=f"up_{i}")
        if i == 0:
            break
        h = reference_norm(norm, f"up_{i}_norm")(h)
        if dropout and 4 <= i <= depth - 2:
            h = keras.layers.Dropout(dropout)(h)
        h = keras.layers.Concatenate(name=f"skip_{i}")([skips[i], h])
    out = keras.layers.Activation("tanh", dtype="float32", name="tanh")(h)
    return keras.Model(x_in, out, name=name)


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
        image_size: square image side (a power of two for the default U-Net).
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
        self.sample_shape = tuple(self.generator.output_shape[1:])
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
