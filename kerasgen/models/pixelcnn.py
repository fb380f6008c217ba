"""PixelCNN: a fully visible belief network over pixels with masked convolutions (van den Oord,
Kalchbrenner & Kavukcuoglu, "Pixel Recurrent Neural Networks", ICML 2016).

The image's pixels, taken in raster order and each pixel's C channels in turn, are modelled as a
product of conditionals

    p(x) = prod_{i, c} p(x_{i,c} | x_{<i}, x_{i,<c}),

each a categorical over the K discrete levels (256 in the paper; the 17 grey levels of the
digits here), given by a convolutional network whose kernels are masked (`MaskedConv2D`): the
first layer (mask "A") hides the pixel from itself, the later ones (mask "B") keep the
dependency structure, so one pass computes every conditional and log p(x) is exact. The network
is the paper's: a k x k mask-A convolution, residual blocks (1x1 -> k x k -> 1x1, mask B), two
1x1 mask-B layers to the K logits per channel. Each observed level enters as its one-hot code and
its value scaled to [-1, 1] (the ordinal information a one-hot code loses).

Stacking 3x3 masked convolutions leaves a "blind spot" above and right of each pixel (van den
Oord et al., "Conditional Image Generation with PixelCNN Decoders", NeurIPS 2016); a first kernel
of (2H - 1) x (2W - 1) sees every earlier pixel of an H x W image, which removes it for small
images (`first_kernel_size`).

Sampling is ancestral, one pass of the network per pixel and channel, by inverse CDF from D
uniforms, so `generate_from_latents(u)` is a deterministic map.

An *ensemble over orderings* (`num_orderings` = E > 1): member e is the same PixelCNN applied to
the image transformed by the e-th symmetry of the square (identity, left-right flip, up-down flip,
both; then the same after a transpose, for square images), i.e. raster order read from another
corner or along columns, told which by a learned per-member bias. Each member is an exact
distribution (a transform only permutes the pixels), and the model is their uniform mixture
p(x) = (1/E) sum_e p_e(x), in the spirit of the order-agnostic training of NADE and MADE (Uria,
Murray & Larochelle 2014; Germain et al. 2015, connectivity-agnostic training), with the weights
shared between orderings. Training draws one member per example and minimizes its NLL
(`ensemble_training="independent"`, the cost of one PixelCNN) or the mixture's NLL (`"mixture"`,
E passes).

The discretized-logistic mixture of PixelCNN++ (Salimans et al. 2017) is in TFP as
`tfp.distributions.PixelCNN`; it suits 256 ordinal levels, the categorical suits few.
"""

import math

import tensorflow as tf
import keras

from kerasgen import optimizers as optimizers_lib
from kerasgen.models.density import DensityModel
from kerasgen.models.masked import SYMMETRIES, MaskedConv2D, check_num_orderings, transform
from kerasgen.utils import check_choice, check_positive_int


@keras.saving.register_keras_serializable(package="kerasgen")
class LevelEncoding(keras.layers.Layer):
    """(..., C) integer levels 0..K-1 -> (..., C * (K + 1)): per channel, the one-hot code of the
    level and the level scaled to [-1, 1], channel-major (the groups of `MaskedConv2D`)."""

    def __init__(self, num_levels, **kwargs):
        super().__init__(**kwargs)
        self.num_levels = int(num_levels)

    def call(self, x):
        x = tf.cast(x, self.compute_dtype)
        onehot = tf.one_hot(tf.cast(tf.round(tf.cast(x, tf.float32)), tf.int32),
                            self.num_levels, dtype=self.compute_dtype)
        scaled = x[..., None] * (2.0 / (self.num_levels - 1)) - 1.0
        out = tf.concat([onehot, scaled], axis=-1)                 # (..., C, K + 1)
        return tf.reshape(out, tf.concat([tf.shape(x)[:-1], [-1]], 0))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] * (self.num_levels + 1),)

    def get_config(self):
        config = super().get_config()
        config.update(num_levels=self.num_levels)
        return config


@keras.saving.register_keras_serializable(package="kerasgen")
class MemberBias(keras.layers.Layer):
    """`[h (batch, H, W, F), member (batch,) int]` -> h plus a learned bias vector per ensemble
    member (which ordering the network is reading)."""

    def __init__(self, num_members, **kwargs):
        super().__init__(**kwargs)
        self.num_members = int(num_members)

    def build(self, input_shape):
        self.bias = self.add_weight(shape=(self.num_members, input_shape[0][-1]), name="bias",
                                    initializer="zeros")
        self.built = True

    def call(self, inputs):
        h, member = inputs
        bias = tf.gather(tf.cast(self.bias, h.dtype), tf.cast(member, tf.int32))
        return h + bias[:, None, None, :]

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        config = super().get_config()
        config.update(num_members=self.num_members)
        return config


def pixelcnn_network(sample_shape, num_levels, filters=64, num_blocks=4, kernel_size=3,
                     first_kernel_size=7, activation="relu", dropout=0.0, num_members=1,
                     seed=None, name="autoregressive"):
    """The PixelCNN network: `[x (batch, H, W, C) levels, member (batch,) int]` -> (batch, H, W,
    C, K) logits (float32)."""
    h_, w_, c_ = sample_shape
    x = keras.Input(tuple(sample_shape), name="x")
    member = keras.Input((), dtype="int32", name="member")
    init = lambda i: keras.initializers.GlorotUniform(None if seed is None else seed + i)  # noqa
    h = LevelEncoding(num_levels, name="encoding")(x)
    h = MaskedConv2D("A", channel_groups=c_, filters=filters, kernel_size=first_kernel_size,
                     kernel_initializer=init(0), name="conv_a")(h)
    h = MemberBias(num_members, name="member_bias")([h, member])
    for b in range(num_blocks):
        r = keras.layers.Activation(activation)(h)
        r = MaskedConv2D("B", channel_groups=c_, filters=max(filters // 2, c_), kernel_size=1,
                         activation=activation, kernel_initializer=init(3 * b + 1),
                         name=f"block{b}_in")(r)
        r = MaskedConv2D("B", channel_groups=c_, filters=max(filters // 2, c_), kernel_size=kernel_size,
                         activation=activation, kernel_initializer=init(3 * b + 2),
                         name=f"block{b}_conv")(r)
        r = MaskedConv2D("B", channel_groups=c_, filters=filters, kernel_size=1,
                         kernel_initializer=init(3 * b + 3), name=f"block{b}_out")(r)
        if dropout:
            r = keras.layers.Dropout(dropout, seed=seed)(r)
        h = keras.layers.Add()([h, r])
    h = keras.layers.Activation(activation)(h)
    h = MaskedConv2D("B", channel_groups=c_, filters=filters, kernel_size=1, activation=activation,
                     kernel_initializer=init(1000), name="head")(h)
    if dropout:
        h = keras.layers.Dropout(dropout, seed=seed)(h)
    logits = MaskedConv2D("B", channel_groups=c_, filters=c_ * num_levels, kernel_size=1,
                          kernel_initializer=init(1001), dtype="float32", name="logits")(h)
    logits = keras.layers.Reshape((h_, w_, c_, num_levels), dtype="float32")(logits)
    return keras.Model([x, member], logits, name=name)




@keras.saving.register_keras_serializable(package="kerasgen")
class PixelCNN(DensityModel):
    """PixelCNN with categorical conditionals over K levels; exact `log_prob`.

    Args:
        sample_shape: (H, W, C).
        num_levels: K, the number of discrete levels per channel (17 for the raw digits).
        filters: features of the residual stream.
        num_blocks: residual blocks (1x1, k x k, 1x1 masked convolutions).
        kernel_size: k of the blocks' masked convolutions.
        first_kernel_size: the mask-A convolution's kernel (7 in the paper; 2H - 1 sees the whole
            past of an H x W image, no blind spot).
        activation: hidden activation.
        dropout: dropout rate inside the blocks and before the output while training.
        num_orderings: E, the members of the ensemble over orderings (1, 2, 4, or 8 for square
            images; see the module docstring).
        ensemble_training: "independent" (one random member per example) or "mixture".
        seed: int or None.

    `loss` is what the update minimizes, in nats per example; held out (validation data,
    `evaluate`) it is always the exact NLL of the model (the ensemble's mixture).

    Example:
        >>> model = PixelCNN(sample_shape=(8, 8, 1), num_levels=17, filters=16, num_blocks=1,
        ...                  seed=0)
        >>> model.compile()   # Adam(1e-3)
        >>> history = model.fit(kerasgen.data.digits("train", raw=True, batch_size=100),
        ...                     epochs=1, verbose=0)
        >>> test, _ = kerasgen.data.load_digits_array("test")
        >>> bool(-model.log_prob(test[..., None]).mean() < 181.3)  # uniform: 64 log 17
        True
        >>> model.sample(2, seed=0).shape
        (2, 8, 8, 1)
    """

    optimizer_specs = {
        "optimizer": (("autoregressive",), lambda: optimizers_lib.Adam(1e-3)),
    }
    loss_names = ("loss",)
    support = "categorical"

    def __init__(self, sample_shape=(8, 8, 1), num_levels=17, filters=64, num_blocks=4,
                 kernel_size=3, first_kernel_size=7, activation="relu", dropout=0.0,
                 num_orderings=1, ensemble_training="independent", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        sample_shape = tuple(int(s) for s in sample_shape)
        if len(sample_shape) != 3:
            raise ValueError(f"`sample_shape` must be (height, width, channels), got "
                             f"{sample_shape}.")
        if not isinstance(num_levels, int) or isinstance(num_levels, bool) or num_levels < 2:
            raise ValueError(f"`num_levels` must be an int >= 2, got {num_levels!r}.")
        filters = check_positive_int(filters, "filters")
        num_blocks = int(num_blocks)
        if num_blocks < 0:
            raise ValueError(f"`num_blocks` must be >= 0, got {num_blocks}.")
        for name, k in (("kernel_size", kernel_size), ("first_kernel_size", first_kernel_size)):
            if check_positive_int(k, name) % 2 == 0:
                raise ValueError(f"`{name}` must be odd (a centred mask), got {k}.")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1), got {dropout!r}.")
        if filters < sample_shape[-1]:
            raise ValueError(f"`filters` must be at least the number of channels "
                             f"({sample_shape[-1]}), got {filters}.")
        check_num_orderings(sample_shape, num_orderings)
        check_choice(ensemble_training, "ensemble_training", ("independent", "mixture"))
        self.sample_shape = sample_shape
        self.num_levels = num_levels
        self.num_orderings = num_orderings
        self.ensemble_training = ensemble_training
        self.event_size = math.prod(sample_shape)
        # the sampler's latent: one uniform for the member, one per pixel and channel
        self.latent_dim = self.event_size + (1 if num_orderings > 1 else 0)
        self.autoregressive = self.network("autoregressive", None, lambda: pixelcnn_network(
            sample_shape, num_levels, filters, num_blocks, kernel_size, first_kernel_size,
            activation, float(dropout), num_orderings, seed))
        self.record_hyperparameters(
            sample_shape=list(sample_shape), num_levels=num_levels, filters=filters,
            num_blocks=num_blocks, kernel_size=kernel_size, first_kernel_size=first_kernel_size,
            activation=activation, dropout=float(dropout), num_orderings=num_orderings,
            ensemble_training=ensemble_training, seed=seed)
        self._finish_init()

    # ------------------------------------------------------------------ log-probabilities
    def conditional_log_probs(self, x, member=None, training=False):
        """log p(x_{i,c} | past) of every pixel and channel in member `member`'s ordering
        ((batch,) ints; default 0, raster order), as (batch, H, W, C) in that member's frame,
        float32. `x` is given in the member's frame (see `transform`)."""
        x = tf.cast(x, tf.float32)
        if member is None:
            member = tf.zeros(tf.shape(x)[:1], tf.int32)
        logits = self.autoregressive([x, member], training=training)
        target = tf.cast(tf.round(x), tf.int32)
        return -tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=logits)

    def _member_log_prob(self, x, member, training=False):
        """log p_e(x) for one member `e` (int) of every example of `x` (data frame)."""
        xe = transform(x, SYMMETRIES[member])
        members = tf.fill(tf.shape(x)[:1], member)
        return tf.reduce_sum(self.conditional_log_probs(xe, members, training=training),
                             axis=(1, 2, 3))

    def member_log_probs(self, x, training=False):
        """log p_e(x) of each ensemble member, (batch, E), float32."""
        x = tf.cast(x, tf.float32)
        return tf.stack([self._member_log_prob(x, e, training=training)
                         for e in range(self.num_orderings)], axis=-1)

    def _log_prob_batch(self, x, training=False):
        members = self.member_log_probs(x, training=training)
        return tf.reduce_logsumexp(members, axis=-1) - math.log(self.num_orderings)

    # ------------------------------------------------------------------ training
    def compute_losses(self, data, training=False):
        x, noise = self.unpack(data)
        self.check_batch(x, self.sample_shape)
        x = tf.cast(self._graph_support_check(x), tf.float32)
        if not training or self.num_orderings == 1 or self.ensemble_training == "mixture":
            return {"loss": -tf.reduce_mean(self._log_prob_batch(x, training=training))}
        # one member per example, from uniforms in [0, 1): drawn, or given as (batch, ...) noise
        # whose first entry per example is used
        if noise is None:
            noise = keras.random.uniform(tf.shape(x)[:1], seed=self.seed_generator)
        noise = tf.reshape(tf.cast(noise, tf.float32), (tf.shape(x)[0], -1))[:, 0]
        member = tf.clip_by_value(tf.cast(tf.floor(noise * self.num_orderings), tf.int32), 0,
                                  self.num_orderings - 1)
        views = tf.stack([transform(x, SYMMETRIES[e]) for e in range(self.num_orderings)])
        xe = tf.gather(tf.transpose(views, (1, 0, 2, 3, 4)), member, batch_dims=1)
        log_p = tf.reduce_sum(self.conditional_log_probs(xe, member, training=True),
                              axis=(1, 2, 3))
        return {"loss": -tf.reduce_mean(log_p)}

    def train_step(self, data):
        with tf.GradientTape() as tape:
            losses = self.compute_losses(data, training=True)
        self.minimize(tape, losses["loss"], "optimizer")
        return self.report(losses)

    # ------------------------------------------------------------------ sampling
    def sample_latent(self, num_samples, seed=None):
        return keras.random.uniform((num_samples, self.latent_dim),
                                    seed=self.seed_generator if seed is None else seed)

    def generate_from_latents(self, u):
        """Ancestral sampling by inverse CDF: `u` (batch, H*W*C) uniforms, one per pixel and
        channel in raster-then-channel order -> samples (batch, H, W, C) in 0..K-1."""
        u = tf.convert_to_tensor(u, tf.float32)
        batch = tf.shape(u)[0]
        d = self.event_size
        e = self.num_orderings
        if e > 1:  # u[:, 0] picks the member; its ordering is sampled in its own frame
            member = tf.minimum(tf.cast(tf.floor(u[:, 0] * e), tf.int32), e - 1)
            u = u[:, 1:]
        else:
            member = tf.zeros((batch,), tf.int32)
        frame = self.sample_shape  # transposed members only exist for square images

        def step(i, x):
            logits = self.autoregressive([tf.reshape(x, (-1,) + frame), member],
                                         training=False)
            logits = tf.gather(tf.reshape(logits, (batch, d, self.num_levels)), i, axis=1)
            cdf = tf.cumsum(tf.nn.softmax(logits, axis=-1), axis=-1)
            level = tf.minimum(tf.reduce_sum(tf.cast(cdf < u[:, i:i + 1], tf.int32), -1),
                               self.num_levels - 1)
            x = x + tf.one_hot(i, d)[None] * tf.cast(level, tf.float32)[:, None]
            return i + 1, x

        _, x = tf.while_loop(lambda i, _: i < d, step,
                             (tf.constant(0), tf.zeros((batch, d), tf.float32)))
        x = tf.reshape(x, (-1,) + frame)
        if e == 1:
            return x
        # back to the data's frame: each example by its member's inverse symmetry
        views = tf.stack([transform(x, SYMMETRIES[k], inverse=True) for k in range(e)], axis=1)
        return tf.gather(views, member, batch_dims=1)
