"""The image-to-image networks CycleGAN and pix2pix share: the ResNet generator, the U-Net and the
PatchGAN discriminator, each in kerasgen's form and in the reference implementation's
(`layout="pytorch"`, github.com/junyanz/pytorch-CycleGAN-and-pix2pix) so that the authors'
published checkpoints convert (`kerasgen.convert`) and compute the same function.

ResNet generator (Johnson et al. 2016, as in CycleGAN): c7s1-64, d128, d256, R256 x n, u128, u64,
c7s1-3, tanh, with reflection padding and instance normalization. U-Net (pix2pix): stride-2
convolutions down to 1x1 and transposed convolutions back up, each decoder layer concatenated
with the encoder layer of its resolution. PatchGAN: C64-C128-C256-C512 with no normalization on
the first layer, one output per 70x70 patch.

The generators are fully convolutional and are built with free height and width
(`keras.Input((None, None, C))`), as the reference's modules are: they take any height and width
that is a multiple of 2^num_downsamplings (ResNet generator, whose upsampling doubles what its
stride-2 convolutions halved; at least twice that, for the reflection padding of its residual
blocks) or of 2^depth (U-Net, whose skip connections concatenate equal sizes). `image_size` is the
training size, which the discriminators keep. `kerasgen.models.translation.pad_to_multiple` and
`crop` are the reflection padding to the next admissible size and the crop back that `translate`
applies to other sizes.
"""

import math

import keras

from kerasgen.models.layers import (BatchNormalization, ReflectionPadding2D, conv2d,
                                     conv2d_transpose, gan_initializer, instance_norm)

LAYOUTS = ("kerasgen", "pytorch")


def check_layout(layout, choices=LAYOUTS):
    """Returns `layout` if it is one of `choices`, else raises ValueError naming them."""
    if layout not in choices:
        raise ValueError(f"`layout` must be one of {', '.join(map(repr, choices))}; "
                         f"got {layout!r}.")
    return layout


def resnet_generator(image_size=256, channels=3, base_filters=64, num_residual_blocks=9,
                     num_downsamplings=2, norm="instance", layout="kerasgen",
                     name="generator"):
    """The CycleGAN ResNet generator (c7s1-f, downsamplings, residual blocks, upsamplings).

    Its input is `(batch, H, W, channels)` for any H and W that are multiples of
    2^num_downsamplings; `image_size` is the training size (unused by the network).

    Args:
        norm: "instance" or "none". `norm="none"` drops instance normalization: instance norm
            discards each image's intensity statistics, which matters when a translation must
            keep exact grey levels.
        layout: "kerasgen" (instance norm with a learned affine transform, no convolution
            biases, Keras "same" padding) or "pytorch": the layers of the reference
            implementation (junyanz/pytorch-CycleGAN-and-pix2pix `ResnetGenerator`) exactly:
            instance norm without affine parameters (`InstanceNorm2d`'s default), a bias in every
            convolution when the norm is instance norm, symmetric zero padding of the stride-2
            3x3 convolutions and `ConvTranspose2d(3, 2, padding=1, output_padding=1)` upsampling
            (see `kerasgen.models.layers`); layers are named for `kerasgen.convert`.

    Example:
        >>> g = resnet_generator(32, 3, base_filters=8, num_residual_blocks=2, layout="pytorch")
        >>> g.output_shape
        (None, None, None, 3)
        >>> g(np.zeros((1, 20, 28, 3))).shape  # multiples of 2^2
        TensorShape([1, 20, 28, 3])
    """
    check_layout(layout)
    if layout == "pytorch":
        return _reference_resnet_generator(image_size, channels, base_filters,
                                           num_residual_blocks, num_downsamplings, norm, name)
    x_in = keras.Input((None, None, channels), name="x")
    h = ReflectionPadding2D(3)(x_in)
    h = keras.layers.Conv2D(base_filters, 7, kernel_initializer=gan_initializer(), use_bias=False)(h)
    h = keras.layers.ReLU()(instance_norm(norm=norm)(h))
    filters = base_filters
    for _ in range(num_downsamplings):
        filters *= 2
        h = keras.layers.Conv2D(filters, 3, strides=2, padding="same", use_bias=False,
                                kernel_initializer=gan_initializer())(h)
        h = keras.layers.ReLU()(instance_norm(norm=norm)(h))
    for _ in range(num_residual_blocks):
        r = ReflectionPadding2D(1)(h)
        r = keras.layers.Conv2D(filters, 3, use_bias=False, kernel_initializer=gan_initializer())(r)
        r = keras.layers.ReLU()(instance_norm(norm=norm)(r))
        r = ReflectionPadding2D(1)(r)
        r = keras.layers.Conv2D(filters, 3, use_bias=False, kernel_initializer=gan_initializer())(r)
        h = keras.layers.Add()([h, instance_norm(norm=norm)(r)])
    for _ in range(num_downsamplings):
        filters //= 2
        h = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same", use_bias=False,
                                         kernel_initializer=gan_initializer())(h)
        h = keras.layers.ReLU()(instance_norm(norm=norm)(h))
    h = ReflectionPadding2D(3)(h)
    h = keras.layers.Conv2D(channels, 7, kernel_initializer=gan_initializer())(h)
    out = keras.layers.Activation("tanh", dtype="float32")(h)
    return keras.Model(x_in, out, name=name)



def _reference_resnet_generator(image_size, channels, base_filters, num_residual_blocks,
                                num_downsamplings, norm, name):
    # junyanz's use_bias: a bias wherever the norm is InstanceNorm2d (none for norm "none")
    bias = norm == "instance"

    def normed(h, layer_name):
        return instance_norm(layer_name, norm=norm, affine=False)(h)

    def reflect_conv(h, filters, size, use_bias, layer_name):  # reflection padding, then valid
        h = ReflectionPadding2D(size // 2, name=f"{layer_name}_pad")(h)
        return keras.layers.Conv2D(filters, size, use_bias=use_bias, name=layer_name,
                                   kernel_initializer=gan_initializer())(h)

    x_in = keras.Input((None, None, channels), name="x")
    h = reflect_conv(x_in, base_filters, 7, bias, "conv_in")
    h = keras.layers.ReLU()(normed(h, "norm_in"))
    filters = base_filters
    for i in range(num_downsamplings):
        filters *= 2
        h = conv2d(h, filters, 3, strides=2, padding="symmetric", use_bias=bias, name=f"down_{i}")
        h = keras.layers.ReLU()(normed(h, f"down_{i}_norm"))
    for b in range(num_residual_blocks):
        r = reflect_conv(h, filters, 3, bias, f"res_{b}_conv_0")
        r = keras.layers.ReLU()(normed(r, f"res_{b}_norm_0"))
        r = reflect_conv(r, filters, 3, bias, f"res_{b}_conv_1")
        h = keras.layers.Add(name=f"res_{b}")([h, normed(r, f"res_{b}_norm_1")])
    for i in range(num_downsamplings):
        filters //= 2
        h = conv2d_transpose(h, filters, 3, strides=2, padding="symmetric", use_bias=bias,
                             name=f"up_{i}")
        h = keras.layers.ReLU()(normed(h, f"up_{i}_norm"))
    h = reflect_conv(h, channels, 7, True, "conv_out")
    out = keras.layers.Activation("tanh", dtype="float32", name="tanh")(h)
    return keras.Model(x_in, out, name=name)


def patchgan_discriminator(image_size=256, channels=3, base_filters=64, num_layers=3,
                           norm="instance", layout="kerasgen", name="discriminator"):
    """PatchGAN: C64-C128-C256 (stride 2) then C512 and a 1-channel map (stride 1), 4x4 kernels.

    `num_layers=3` gives the 70x70 receptive field; fewer layers suit small images.

    Args:
        norm: "instance" (CycleGAN), "batch" (pix2pix's reference) or "none"; the "kerasgen"
            layout always uses instance norm.
        layout: "kerasgen" (Keras "same" padding: a 32x32 map at 256 px) or "pytorch": the
            reference's `NLayerDiscriminator` exactly: 4x4 convolutions with padding 1 on both
            sides (a 30x30 map at 256 px), instance norm without affine parameters and
            convolution biases (or batch norm with epsilon 1e-5 and no biases), a bias in the
            first and last convolutions.

    Example:
        >>> patchgan_discriminator(256, 3, layout="pytorch").output_shape
        (None, 30, 30, 1)
    """
    check_layout(layout)
    if layout == "pytorch":
        return _reference_patchgan(image_size, channels, base_filters, num_layers, norm, name)
    x_in = keras.Input((image_size, image_size, channels), name="x")
    h = keras.layers.Conv2D(base_filters, 4, strides=2, padding="same",
                            kernel_initializer=gan_initializer())(x_in)
    h = keras.layers.LeakyReLU(0.2)(h)
    filters = base_filters
    for i in range(1, num_layers + 1):
        filters = min(filters * 2, base_filters * 8)
        stride = 2 if i < num_layers else 1
        h = keras.layers.Conv2D(filters, 4, strides=stride, padding="same", use_bias=False,
                                kernel_initializer=gan_initializer())(h)
        h = keras.layers.LeakyReLU(0.2)(instance_norm()(h))
    out = keras.layers.Conv2D(1, 4, padding="same", kernel_initializer=gan_initializer(),
                              dtype="float32")(h)
    return keras.Model(x_in, out, name=name)


def reference_norm(norm, name):
    """The reference implementation's normalization layer: "instance" (no affine), "batch"
    (PyTorch's epsilon 1e-5 and momentum 0.1, i.e. Keras momentum 0.9) or "none"."""
    if norm == "batch":
        return BatchNormalization(epsilon=1e-5, momentum=0.9, name=name)
    if norm not in ("instance", "none"):
        raise ValueError(f"`norm` must be 'instance', 'batch' or 'none', got {norm!r}.")
    return instance_norm(name, norm=norm, affine=False)


def _reference_patchgan(image_size, channels, base_filters, num_layers, norm, name):
    bias = norm == "instance"
    x_in = keras.Input((image_size, image_size, channels), name="x")
    h = conv2d(x_in, base_filters, 4, strides=2, padding="symmetric", name="conv_0")
    h = keras.layers.LeakyReLU(0.2)(h)
    for i in range(1, num_layers + 1):
        filters = base_filters * min(2 ** i, 8)
        h = conv2d(h, filters, 4, strides=2 if i < num_layers else 1, padding="symmetric",
                   use_bias=bias, name=f"conv_{i}")
        h = keras.layers.LeakyReLU(0.2)(reference_norm(norm, f"norm_{i}")(h))
    out = conv2d(h, 1, 4, padding="symmetric", name="conv_out", dtype="float32")
    return keras.Model(x_in, out, name=name)



def unet_generator(image_size=256, in_channels=3, out_channels=3, base_filters=64,
                   num_downsamplings=None, dropout=0.5, batch_norm=True, layout="kerasgen",
                   name="generator"):
    """U-Net with skip connections, from image_size down to 1x1 (or `num_downsamplings`).

    Its input is `(batch, H, W, in_channels)` for any H and W that are multiples of 2^depth
    (depth = `num_downsamplings`, by default log2(image_size)).

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
        >>> unet = unet_generator(32, 3, 3, base_filters=8, num_downsamplings=5,
        ...                       layout="pytorch")
        >>> unet(np.zeros((1, 32, 64, 3))).shape  # multiples of 2^5
        TensorShape([1, 32, 64, 3])
    """
    check_layout(layout)
    depth = num_downsamplings or int(math.log2(image_size))
    if image_size % 2 ** depth:
        raise ValueError(f"`image_size` {image_size} must be divisible by 2^{depth}.")
    if layout == "pytorch":
        return _reference_unet(image_size, in_channels, out_channels, base_filters, depth,
                               dropout, batch_norm, name)
    x_in = keras.Input((None, None, in_channels), name="x")
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

    x_in = keras.Input((None, None, in_channels), name="x")
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
