"""The networks of the VAE family: MLP and convolutional encoders and decoders, and the
autoregressive decoders p(x|z) = prod_d p(x_d | x_<d, z) (a causal 1-D convolution over the
raster sequence; a PixelCNN over the image, as PixelVAE).

A decoder maps z (and, when autoregressive, the pixels it conditions on) to the likelihood's
parameters, shape (batch,) + image shape + (params per pixel,); `kerasgen.models.VAE` builds the
distributions from them.
"""

import math

import keras

from kerasgen.models.masked import MaskedConv2D


def params_per_pixel(likelihood, num_levels, normal_scale):
    if likelihood == "categorical":
        return num_levels
    if likelihood == "normal" and normal_scale == "learned":
        return 2
    return 1


def mlp_encoder(input_shape, latent_dim, hidden_units=(256, 256), activation="relu",
                dropout=0.0, name="encoder"):
    """MLP encoder x -> (batch, 2 * latent_dim): posterior means then raw scales."""
    x = keras.Input(tuple(input_shape), name="x")
    h = keras.layers.Flatten()(x)
    for i, units in enumerate(hidden_units):
        h = keras.layers.Dense(units, activation=activation, name=f"dense_{i}")(h)
        if dropout:
            h = keras.layers.Dropout(dropout)(h)
    out = keras.layers.Dense(2 * latent_dim, dtype="float32", name="posterior_params")(h)
    return keras.Model(x, out, name=name)


def mlp_decoder(latent_dim, output_shape, params_per_pixel, hidden_units=(256, 256),
                activation="relu", dropout=0.0, name="decoder"):
    """MLP decoder z -> likelihood parameters of shape (batch,) + output_shape + (params,)."""
    output_shape = tuple(output_shape)
    z = keras.Input((latent_dim,), name="z")
    h = z
    for i, units in enumerate(hidden_units):
        h = keras.layers.Dense(units, activation=activation, name=f"dense_{i}")(h)
        if dropout:
            h = keras.layers.Dropout(dropout)(h)
    h = keras.layers.Dense(math.prod(output_shape) * params_per_pixel, dtype="float32",
                           name="likelihood_params")(h)
    out = keras.layers.Reshape(output_shape + (params_per_pixel,), dtype="float32")(h)
    return keras.Model(z, out, name=name)


def conv_encoder(input_shape, latent_dim, filters=(32, 64), hidden_units=256, name="encoder"):
    """Convolutional encoder: stride-2 3x3 convolutions, then a dense layer."""
    x = keras.Input(tuple(input_shape), name="x")
    h = x
    for i, f in enumerate(filters):
        h = keras.layers.Conv2D(f, 3, strides=2, padding="same", activation="relu",
                                name=f"conv_{i}")(h)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dense(hidden_units, activation="relu", name="dense")(h)
    out = keras.layers.Dense(2 * latent_dim, dtype="float32", name="posterior_params")(h)
    return keras.Model(x, out, name=name)


def conv_decoder(latent_dim, output_shape, params_per_pixel, filters=(64, 32), hidden_units=256,
                 name="decoder"):
    """Convolutional decoder: dense to a small grid, stride-2 transposed convolutions up."""
    height, width, channels = tuple(output_shape)
    steps = len(filters)
    if height % 2 ** steps or width % 2 ** steps:
        raise ValueError(f"Image size {height}x{width} must be divisible by 2^{steps} for "
                         f"{steps} upsamplings.")
    h0, w0 = height // 2 ** steps, width // 2 ** steps
    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Dense(hidden_units, activation="relu", name="dense")(z)
    h = keras.layers.Dense(h0 * w0 * filters[0], activation="relu", name="project")(h)
    h = keras.layers.Reshape((h0, w0, filters[0]))(h)
    for i, f in enumerate(filters):
        h = keras.layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu",
                                         name=f"deconv_{i}")(h)
    h = keras.layers.Conv2D(channels * params_per_pixel, 3, padding="same", dtype="float32",
                            name="likelihood_params")(h)
    out = keras.layers.Reshape((height, width, channels, params_per_pixel), dtype="float32")(h)
    return keras.Model(z, out, name=name)


def autoregressive_decoder(latent_dim, output_shape, params_per_pixel, num_levels=17,
                           filters=64, kernel_size=7, num_layers=3, dropout=0.0,
                           name="decoder"):
    """Causal-convolution decoder (z, x) -> the conditionals of p(x_d | x_<d, z).

    The pixels are taken in raster order as a sequence; the input is shifted by one position so
    that output d sees x_<d only, then `num_layers` causal 1-D convolutions (LeakyReLU), each
    plus a projection of z, and a causal convolution to the likelihood parameters: a
    PixelCNN-style decoder (van den Oord et al. 2016; with a latent, PixelVAE, Gulrajani et al.
    2017). Output shape (batch,) + output_shape + (params_per_pixel,).
    """
    output_shape = tuple(output_shape)
    size = math.prod(output_shape)
    z = keras.Input((latent_dim,), name="z")
    x = keras.Input(output_shape, name="x")
    h = keras.layers.Reshape((size, 1))(x)
    h = keras.layers.Rescaling(1.0 / max(num_levels - 1, 1))(h)
    h = keras.layers.ZeroPadding1D((1, 0))(h)
    h = keras.layers.Cropping1D((0, 1), name="shift")(h)  # position d sees x_<d
    for i in range(num_layers):
        h = keras.layers.Conv1D(filters, kernel_size, padding="causal", name=f"causal_{i}")(h)
        cond = keras.layers.RepeatVector(size)(keras.layers.Dense(filters, name=f"z_{i}")(z))
        h = keras.layers.LeakyReLU()(keras.layers.Add()([h, cond]))
        if dropout:
            h = keras.layers.Dropout(dropout)(h)
    h = keras.layers.Conv1D(params_per_pixel, kernel_size, padding="causal", dtype="float32",
                            name="likelihood_params")(h)
    out = keras.layers.Reshape(output_shape + (params_per_pixel,), dtype="float32")(h)
    return keras.Model([z, x], out, name=name)


def pixelcnn_decoder(latent_dim, output_shape, params_per_pixel, num_levels=2, filters=32,
                     num_blocks=4, first_kernel_size=7, kernel_size=3, hidden_units=256,
                     dropout=0.0, name="decoder"):
    """PixelCNN decoder (z, x) -> the conditionals of p(x_d | x_<d, z), raster order.

    PixelVAE (Gulrajani et al., ICLR 2017, arXiv:1611.05013): masked convolutions over x (mask
    "A" first, then residual blocks of mask "B"; van den Oord et al. 2016) to which every block
    adds a feature map decoded from z (dense, then stride-2 transposed convolutions as in
    `conv_decoder` when the size divides by 4, else a dense map), so the latent can carry the
    global shape and the masked convolutions the local strokes. Output shape (batch,) +
    output_shape + (params_per_pixel,); with C channels, channel c of a pixel sees the channels
    before it (the masks' channel groups).
    """
    height, width, channels = tuple(output_shape)
    z = keras.Input((latent_dim,), name="z")
    x = keras.Input((height, width, channels), name="x")
    c = keras.layers.Dense(hidden_units, activation="relu", name="z_dense")(z)
    if height % 4 == 0 and width % 4 == 0:
        c = keras.layers.Dense(height // 4 * width // 4 * filters, activation="relu",
                               name="z_project")(c)
        c = keras.layers.Reshape((height // 4, width // 4, filters))(c)
        for i in range(2):
            c = keras.layers.Conv2DTranspose(filters, 3, strides=2, padding="same",
                                             activation="relu", name=f"z_deconv_{i}")(c)
    else:
        c = keras.layers.Dense(height * width * filters, activation="relu", name="z_project")(c)
        c = keras.layers.Reshape((height, width, filters))(c)
    h = keras.layers.Rescaling(1.0 / max(num_levels - 1, 1))(x)
    h = MaskedConv2D("A", channel_groups=channels, filters=filters,
                     kernel_size=first_kernel_size, name="conv_a")(h)
    for b in range(num_blocks):
        r = keras.layers.Activation("relu")(h)
        r = MaskedConv2D("B", channel_groups=channels, filters=filters, kernel_size=kernel_size,
                         name=f"block{b}_conv")(r)
        cond = keras.layers.Conv2D(filters, 1, name=f"block{b}_z")(c)
        r = keras.layers.Activation("relu")(keras.layers.Add()([r, cond]))
        r = MaskedConv2D("B", channel_groups=channels, filters=filters, kernel_size=1,
                         name=f"block{b}_out")(r)
        if dropout:
            r = keras.layers.Dropout(dropout)(r)
        h = keras.layers.Add()([h, r])
    h = keras.layers.Activation("relu")(h)
    h = MaskedConv2D("B", channel_groups=channels, filters=channels * params_per_pixel,
                     kernel_size=1, dtype="float32", name="likelihood_params")(h)
    out = keras.layers.Reshape((height, width, channels, params_per_pixel), dtype="float32")(h)
    return keras.Model([z, x], out, name=name)
