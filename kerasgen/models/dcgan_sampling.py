"""Sampling a DCGAN generator as the reference samplers did: batch statistics, spatial noise.

Two things the published samplers do that a Keras generator in inference mode does not:

* **Batch statistics.** soumith/dcgan.torch's `generate.lua` (and the paper's Theano code)
  never switch the network to evaluation mode: every batch norm normalizes with the mean and
  (biased) variance of the batch it is given, `y = gamma (x - mean_B) / sqrt(var_B + eps) +
  beta`, so a sample depends on the rest of its batch. `forward(..., batch_statistics=True)`
  computes exactly that, reading gamma, beta and eps from the Keras layers and leaving their
  moving statistics untouched (a Keras batch norm called with `training=True` would update them).
* **Spatial noise for larger images.** The generator is fully convolutional once its first
  layer, a transposed 4x4 convolution of a 1x1 input (here a `Dense` to 4*4*C units and a
  `Reshape`), is applied as a transposed convolution: a latent *map* z of shape (n, k, k, nz)
  gives a (k + 3) x (k + 3) first feature map and images of (image_size / 4) * (k + 3) pixels
  (64 px networks: 64, 80, 96, ... for k = 1, 2, 3: `generate.lua`'s `imsize`). Neighbouring
  latent vectors blend into one larger scene.

Dense -> transposed convolution: the Dense output unit (i*4 + j)*C + c is pixel (i, j) of
channel c (the `Reshape((4, 4, C))` order), so its kernel W (nz, 16 C) is the stride-1 "valid"
transposed-convolution kernel `W.reshape(nz, 4, 4, C).transpose(1, 2, 3, 0)` (kh, kw, out, in);
on a 1x1 input both give the same 4x4 map. A projection with a bias (one per unit, not per
channel) or with a batch norm over its units (`layout="theano"`) is not convolutional and is
refused in the spatial mode.
"""

import keras


def _producer(tensor):
    history = getattr(tensor, "_keras_history", None)
    return getattr(history, "operation", None) if history is not None else None


def chain_layers(generator):
    """The layers of a generator that is a simple chain (input -> layer -> ... -> output), in
    order, without the input layer; ValueError for a network with branches."""
    layers = [layer for layer in generator.layers
              if not isinstance(layer, keras.layers.InputLayer)]
    previous = None
    for layer in layers:
        try:
            inputs = layer.input
        except (AttributeError, ValueError):
            inputs = None
        source = _producer(inputs) if not isinstance(inputs, (list, tuple)) else None
        expected_ok = (isinstance(source, keras.layers.InputLayer) if previous is None
                       else source is previous)
        if inputs is None or isinstance(inputs, (list, tuple)) or not expected_ok:
            raise ValueError(f"Generator {generator.name!r} is not a chain of layers (at "
                             f"{layer.name!r}); batch-statistics and spatial sampling need a "
                             "DCGAN generator as `dcgan_generator` builds it.")
        previous = layer
    return layers


def batch_norm_with_batch_statistics(layer, h):
    """A Keras batch-norm layer's function with the statistics of the batch `h` (mean and biased
    variance over every axis but the channel axis); its moving statistics are not read nor
    changed."""
    axis = layer.axis % len(h.shape)
    axes = [a for a in range(len(h.shape)) if a != axis]
    h = keras.ops.cast(h, "float32")
    mean, variance = keras.ops.moments(h, axes)
    return keras.ops.batch_normalization(
        h, mean, variance, axis=axis,
        offset=keras.ops.cast(layer.beta, "float32") if layer.center else None,
        scale=keras.ops.cast(layer.gamma, "float32") if layer.scale else None,
        epsilon=layer.epsilon)


def _project_as_transposed_convolution(dense, reshape, z):
    if dense.use_bias:
        raise ValueError(f"Layer {dense.name!r} has a bias per projected unit: not a "
                         "convolution, so spatial latents are not possible for this generator.")
    height, width, channels = reshape.target_shape
    nz = dense.kernel.shape[0]
    kernel = keras.ops.reshape(dense.kernel, (nz, height, width, channels))
    kernel = keras.ops.transpose(kernel, (1, 2, 3, 0))  # (kh, kw, out, in)
    return keras.ops.conv_transpose(keras.ops.cast(z, kernel.dtype), kernel, strides=1,
                                    padding="valid")


def forward(generator, z, batch_statistics=False):
    """The generator's output for latents `z`, in inference mode or with batch statistics.

    Args:
        generator: a DCGAN generator (`kerasgen.models.dcgan_generator`).
        z: latents (n, nz), or a latent map (n, k, k, nz) for larger images.
        batch_statistics: normalize each batch norm with the statistics of this batch (the
            reference samplers' training mode) instead of the moving statistics.

    Example:
        >>> import numpy as np
        >>> g = kerasgen.models.dcgan_generator(8, image_size=16, channels=1, base_filters=4,
        ...                                     layout="pytorch")
        >>> tuple(forward(g, np.zeros((2, 3, 3, 8), "float32")).shape)  # 16 / 4 * (3 + 3)
        (2, 24, 24, 1)
    """
    layers = chain_layers(generator)
    h = keras.ops.convert_to_tensor(z)
    spatial = len(h.shape) == 4
    if len(h.shape) not in (2, 4) or h.shape[-1] != generator.input_shape[-1]:
        raise ValueError(f"Latents must have shape (n, {generator.input_shape[-1]}) or (n, k, "
                         f"k, {generator.input_shape[-1]}); got {tuple(h.shape)}.")
    if spatial:
        if (len(layers) < 2 or not isinstance(layers[0], keras.layers.Dense)
                or not isinstance(layers[1], keras.layers.Reshape)
                or len(layers[1].target_shape) != 3):
            raise ValueError(f"Generator {generator.name!r} does not start with a projection "
                             "to a 4x4 map (Dense then Reshape; `layout='theano'` normalizes "
                             "the projected units first): spatial latents are not possible.")
        h = _project_as_transposed_convolution(layers[0], layers[1], h)
        layers = layers[2:]
    for layer in layers:
        if batch_statistics and isinstance(layer, keras.layers.BatchNormalization):
            h = batch_norm_with_batch_statistics(layer, h)
        else:
            h = layer(h, training=False)
    return h
