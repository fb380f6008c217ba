"""Masked layers of the autoregressive models: PixelCNN's masked convolutions and MADE's masked
dense layers.

An autoregressive model factorizes p(x) = prod_d p(x_d | x_<d) and computes every conditional
in one pass by masking the weights so that output d depends on inputs before d only.

* `MaskedConv2D` (van den Oord, Kalchbrenner & Kavukcuoglu, "Pixel Recurrent Neural Networks",
  ICML 2016, section 3.4): the kernel is zeroed below and right of its centre in raster order. The
  features of a layer are split into C contiguous groups, one per colour channel (R, G, B, ...);
  at the centre pixel, mask "A" (the first layer) connects group i to group j only when i < j,
  mask "B" (the later layers) when i <= j, so channel c of a pixel sees the channels before c of
  the same pixel and every channel of the pixels before it.
* `MaskedDense` (Germain, Gregor, Murray & Larochelle, "MADE: Masked Autoencoder for
  Distribution Estimation", ICML 2015): every unit carries a degree; a hidden unit of degree m
  sees the inputs of degree <= m and an output of degree d sees the units of degree < d.
  `made_degrees` draws the degrees of a network for an ordering.

`SYMMETRIES` and `transform` give the orderings of an ensemble over orderings of images: raster
order read after one of the 8 symmetries of the square (4 of a rectangle).

Both layers are Keras layers (`keras.layers.Conv2D` with its kernel multiplied by the mask; a dense
kernel times its mask), so they save, load, distribute and follow mixed precision like any other.
(TFP's `tfp.bijectors.AutoregressiveNetwork` builds the same MADE masks, but it is a `tf_keras`
(Keras 2) layer whose variables a Keras 3 model neither tracks nor saves.)
"""

import numpy as np
import tensorflow as tf
import keras

from kerasgen.utils import check_choice


def pixelcnn_mask(kernel_size, in_features, out_features, groups, mask_type):
    """The (kh, kw, in, out) 0/1 mask of a PixelCNN convolution.

    Feature i of n belongs to group `i * groups // n` (contiguous blocks, one per channel).

    Example:
        >>> pixelcnn_mask((3, 3), 1, 1, 1, "A")[..., 0, 0]
        array([[1., 1., 1.],
               [1., 0., 0.],
               [0., 0., 0.]], dtype=float32)
    """
    check_choice(mask_type, "mask_type", ("A", "B"))
    kh, kw = kernel_size
    mask = np.zeros((kh, kw, in_features, out_features), np.float32)
    ch, cw = kh // 2, kw // 2
    mask[:ch] = 1.0                   # rows above the centre
    mask[ch, :cw] = 1.0               # left of the centre on its row
    g_in = np.arange(in_features) * groups // in_features
    g_out = np.arange(out_features) * groups // out_features
    allowed = (g_in[:, None] < g_out[None]) if mask_type == "A" else (
        g_in[:, None] <= g_out[None])
    mask[ch, cw] = allowed.astype(np.float32)
    return mask


@keras.saving.register_keras_serializable(package="kerasgen")
class MaskedConv2D(keras.layers.Conv2D):
    """A `keras.layers.Conv2D` whose kernel is masked as in PixelCNN (van den Oord et al. 2016).

    Args:
        mask_type: "A" (the first layer: a pixel's channel does not see itself) or "B".
        channel_groups: the number of colour channels the features are split into (1 for grey
            images); not Conv2D's `groups` (grouped convolution), which stays 1.
        **kwargs: those of `keras.layers.Conv2D` (`padding` is always "same", stride 1).

    Example:
        >>> layer = MaskedConv2D("A", filters=4, kernel_size=3)
        >>> tuple(layer(np.ones((1, 5, 5, 1), "float32")).shape)
        (1, 5, 5, 4)
    """

    def __init__(self, mask_type, channel_groups=1, **kwargs):
        kwargs["padding"] = "same"
        super().__init__(**kwargs)
        check_choice(mask_type, "mask_type", ("A", "B"))
        self.mask_type = mask_type
        self.channel_groups = int(channel_groups)

    def build(self, input_shape):
        super().build(input_shape)
        self.mask = pixelcnn_mask(self.kernel_size, int(input_shape[-1]), self.filters,
                                  self.channel_groups, self.mask_type)

    def convolution_op(self, inputs, kernel):
        return super().convolution_op(inputs, kernel * keras.ops.cast(self.mask, kernel.dtype))

    def get_config(self):
        config = super().get_config()
        config.update(mask_type=self.mask_type, channel_groups=self.channel_groups)
        config.pop("padding", None)
        return config


def made_degrees(event_size, hidden_units, order, seed=None):
    """MADE's degrees (Germain et al. 2015): `(input_degrees, [hidden degrees per layer])`.

    `order` is a permutation of range(D): dimension `order[k]` is the k-th in the ordering, and
    gets input degree k + 1. Hidden degrees are drawn uniformly from 1..D-1 (from `seed`), at least
    the previous layer's minimum, so no unit is left without an input (the paper's rule).
    """
    d = int(event_size)
    input_degrees = np.empty(d, np.int32)
    input_degrees[np.asarray(order)] = np.arange(1, d + 1)
    rng = np.random.default_rng(seed)
    hidden, low = [], 1
    for units in hidden_units:
        if d == 1:
            degrees = np.ones(units, np.int32)
        else:
            degrees = rng.integers(low, d, size=units).astype(np.int32)
            low = int(degrees.min())
        hidden.append(degrees)
    return input_degrees, hidden


def made_masks(input_degrees, hidden_degrees, outputs_per_dim=1):
    """The 0/1 dense masks of a MADE: input->hidden (>=), hidden->hidden (>=), hidden->output
    (>); the output has `outputs_per_dim` units per dimension, dimension-major."""
    masks, previous = [], input_degrees
    for degrees in hidden_degrees:
        masks.append((degrees[None, :] >= previous[:, None]).astype(np.float32))
        previous = degrees
    out = np.repeat(input_degrees, outputs_per_dim)
    masks.append((out[None, :] > previous[:, None]).astype(np.float32))
    return masks


@keras.saving.register_keras_serializable(package="kerasgen")
class MaskedDense(keras.layers.Layer):
    """A dense layer whose kernel is multiplied by a fixed 0/1 mask (MADE, Germain et al. 2015).

    Args:
        units: output units.
        mask: (in, units) 0/1 array (a nested list in the config).
        activation: a Keras activation.
        seed: seeds the Glorot initializer.
    """

    def __init__(self, units, mask, activation=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.mask = np.asarray(mask, np.float32)
        if self.mask.ndim != 2 or self.mask.shape[1] != self.units:
            raise ValueError(f"`mask` must have shape (inputs, {self.units}), got "
                             f"{self.mask.shape}.")
        self.activation = keras.activations.get(activation)
        self.seed = seed

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=self.mask.shape, name="kernel",
                                      initializer=keras.initializers.GlorotUniform(self.seed))
        self.bias = self.add_weight(shape=(self.units,), name="bias", initializer="zeros")
        self.built = True

    def call(self, x):
        kernel = self.kernel * keras.ops.cast(self.mask, self.kernel.dtype)
        return self.activation(keras.ops.matmul(x, kernel) + self.bias)

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, mask=self.mask.astype(int).tolist(),
                      activation=keras.activations.serialize(self.activation), seed=self.seed)
        return config


#: the symmetries of the square as (transpose, flip rows, flip columns), applied in that order
SYMMETRIES = ((False, False, False), (False, False, True), (False, True, False),
              (False, True, True), (True, False, False), (True, False, True),
              (True, True, False), (True, True, True))


def transform(x, symmetry, inverse=False):
    """Applies a symmetry of `SYMMETRIES` (or its inverse) to images (batch, H, W, C)."""
    transpose, flip_rows, flip_cols = symmetry
    if transpose and not inverse:
        x = tf.transpose(x, (0, 2, 1, 3))
    if flip_rows:
        x = tf.reverse(x, [1])
    if flip_cols:
        x = tf.reverse(x, [2])
    if transpose and inverse:
        x = tf.transpose(x, (0, 2, 1, 3))
    return x


def check_num_orderings(sample_shape, num_orderings):
    """Raises ValueError unless `num_orderings` symmetries exist for images of `sample_shape`
    (H, W, C): 1, 2, 4 or 8 for a square, 1, 2 or 4 for a rectangle, 1 for other shapes."""
    sample_shape = tuple(sample_shape)
    if len(sample_shape) != 3:
        if num_orderings != 1:
            raise ValueError(f"An ensemble over orderings reads images (height, width, "
                             f"channels); `num_orderings` must be 1 for sample_shape "
                             f"{sample_shape}, got {num_orderings!r}.")
        return
    square = sample_shape[0] == sample_shape[1]
    if num_orderings not in ((1, 2, 4, 8) if square else (1, 2, 4)):
        allowed, shape = ("1, 2, 4 or 8", "square") if square else ("1, 2 or 4", "rectangle")
        raise ValueError(f"`num_orderings` must be {allowed} (the symmetries of the "
                         f"{shape}), got {num_orderings!r}.")
