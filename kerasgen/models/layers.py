"""Layers and initializers shared by the families' network builders.

* `gan_initializer()`: N(0, 0.02), the weight initialization of DCGAN (Radford et al. 2016),
  also used by pix2pix and CycleGAN's reference implementations.
* `ReflectionPadding2D`: reflection padding (Keras has zero padding only), used by the CycleGAN
  ResNet generator before its 7x7 and 3x3 convolutions; a gather at `reflection_index()`'s
  fixed indices when the image size is known.
* `instance_norm()`: instance normalization as Keras's `GroupNormalization(groups=-1)` (one group
  per channel), a maintained Keras layer, or an identity when `norm="none"`; `affine=False` is
  PyTorch's `InstanceNorm2d` default (no learned scale and offset).
* `BatchNormalization`: Keras's layer, whose training-mode call on TensorFlow runs TF's fused
  batch-norm kernel (one op forward, one backward) instead of Keras's moments + normalize graph;
  same weights, same outputs and moving statistics (see its docstring).
* `SpectralNormalization`: Keras's layer of that name (Miyato et al. 2018) with the power
  iteration's vector updated once per training step, by the model, instead of in every call:
  deterministic under `tf.distribute` strategies (see its docstring).
* `conv2d()` / `conv2d_transpose()`: a convolution with Keras's `"same"` padding, or with PyTorch's
  and Theano's symmetric padding (`padding="symmetric"`).

Symmetric padding. Keras/TF `"same"` pads a stride-s convolution by `max((ceil(H/s) - 1) s + k - H,
0)` rows in total, the extra row *after* the image; PyTorch's `Conv2d(k, s, padding=p)` and
Theano's `border_mode=(p, p)` pad p rows on *both* sides. They agree for k = 4, s = 2 and even H,
but not for k = 3 or 5 with stride 2 (TF pads 0/1 and 1/2 rows, the references 1/1 and 2/2) nor
for PyTorch's stride-1 k = 4, p = 1 convolutions of the PatchGAN (TF keeps the size, PyTorch
shrinks it by one). `padding="symmetric"` pads p = (k - 1) // 2 zeros on both sides with
`ZeroPadding2D` and convolves without padding. A transposed convolution of stride s from H to sH
computes the full (H - 1) s + k outputs and keeps [p, p + sH): PyTorch's `ConvTranspose2d(k, s,
padding=p, output_padding=s + 2p - k)` (k = 3, p = 1, output_padding 1 in CycleGAN; k = 4, p = 1,
output_padding 0 in DCGAN and pix2pix) and Theano's gradient-of-convolution "deconv" (k = 5,
border_mode p = 2) both crop p rows before and k - s - p after: here `Conv2DTranspose` with
`"valid"` padding followed by `Cropping2D`.
"""

import keras
import numpy as np


def gan_initializer():
    """N(0, 0.02) weights (Radford et al. 2016)."""
    return keras.initializers.RandomNormal(0.0, 0.02)


@keras.saving.register_keras_serializable(package="kerasgen")
class BatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` whose training-mode call runs TensorFlow's fused kernel.

    Keras 3 normalizes with `ops.moments` and `ops.batch_normalization`: about ten elementwise
    passes over the activations forward and more backward. On the TensorFlow backend, for
    channels-last inputs of rank 2 to 4 without a mask, renorm or cross-replica statistics, this
    layer computes the same thing with `tf.compat.v1.nn.fused_batch_norm` (`FusedBatchNormV3`
    and its fused gradient, oneDNN kernels on CPU): DCGAN-64's train step ran 1.11x faster on
    this project's 2-core CPU (`python bench/fused_kernels.py`). The outputs equal Keras's to
    float rounding; the moving statistics get the same update (the kernel's batch variance
    carries Bessel's correction, which is undone so that the moving variance is Keras's biased
    one). Inference,
    other backends and the other cases run Keras's code. The class keeps Keras's name, so
    auto-named layers and saved weights match a network built with Keras's layer.

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).normal(2.0, 3.0, (8, 4, 4, 5)).astype("float32")
        >>> ours, theirs = BatchNormalization(), keras.layers.BatchNormalization()
        >>> bool(np.allclose(ours(x, training=True), theirs(x, training=True), atol=1e-5))
        True
        >>> bool(np.allclose(ours.moving_variance, theirs.moving_variance, atol=1e-6))
        True
    """

    def call(self, inputs, training=None, mask=None):
        rank = len(inputs.shape)
        if not (training and self.trainable and mask is None and not self.renorm
                and not self.synchronized and keras.backend.backend() == "tensorflow"
                and 2 <= rank <= 4 and self.axis in (-1, rank - 1)
                and inputs.shape[-1] is not None):
            return super().call(inputs, training=training, mask=mask)
        import tensorflow as tf

        channels = inputs.shape[-1]
        dtype = "float32" if inputs.dtype == "float64" else inputs.dtype
        x = tf.cast(inputs, dtype)
        shape = tf.shape(x)
        if rank < 4:  # (N, C) or (N, L, C) as (N, 1, L, C): the same per-channel statistics
            x = tf.reshape(x, tf.stack([shape[0], 1, -1, channels]))
        gamma = (tf.cast(self.gamma, "float32") if self.scale
                 else tf.ones([channels], "float32"))
        beta = (tf.cast(self.beta, "float32") if self.center
                else tf.zeros([channels], "float32"))
        y, mean, variance = tf.compat.v1.nn.fused_batch_norm(
            x, gamma, beta, epsilon=self.epsilon, is_training=True, data_format="NHWC")
        count = tf.cast(tf.size(x) // channels, "float32")
        variance = variance * tf.maximum(count - 1.0, 1.0) / count  # the biased variance
        moving_mean = tf.cast(self.moving_mean, "float32")
        moving_variance = tf.cast(self.moving_variance, "float32")
        self.moving_mean.assign(tf.cast(
            moving_mean * self.momentum + mean * (1.0 - self.momentum), self.moving_mean.dtype))
        self.moving_variance.assign(tf.cast(
            moving_variance * self.momentum + variance * (1.0 - self.momentum),
            self.moving_variance.dtype))
        if rank < 4:
            y = tf.reshape(y, shape)
        return tf.cast(y, self.compute_dtype)


@keras.saving.register_keras_serializable(package="kerasgen")
class SpectralNormalization(keras.layers.SpectralNormalization):
    """`keras.layers.SpectralNormalization` as Miyato et al. (2018, Algorithm 1) write it: each
    call uses W / sigma(W), sigma from one power iteration from the stored vector u (u and v held
    constant for the gradient, which flows through W / sigma to W), and u moves once per training
    step, when the model calls `update_power_iteration()` after its updates.

    Why not Keras's layer as it is: in training mode it assigns u and the normalized kernel in
    every call, and under a two-replica `MirroredStrategy` those in-call assignments made a GAN
    step with R1/R2 penalties nondeterministic (in 6 of 30 runs the discriminator differed from
    the single-device step by up to 0.4; with the assignments removed, 0 of 12). The stored
    kernel here stays W (Keras's stores W / sigma), so a layer of each kind is not interchangeable
    weight for weight.

    Example:
        >>> import numpy as np
        >>> layer = SpectralNormalization(keras.layers.Dense(3, use_bias=False), power_iterations=20)
        >>> _ = layer.build((None, 4))
        >>> _ = layer.layer.kernel.assign(np.eye(4, 3) * [6.0, 2.0, 1.0])  # singular values 6, 2, 1
        >>> y = layer(np.eye(4, dtype="float32"))
        >>> np.round(np.asarray(y, "float64")[:3], 3).tolist()  # W / 6: the largest singular value is 1
        [[1.0, 0.0, 0.0], [0.0, 0.333, 0.0], [0.0, 0.0, 0.167]]
    """

    def power_iteration(self):
        """(u, sigma): one step of `power_iterations` power iterations from the stored u."""
        ops = keras.ops
        weights = ops.reshape(self.kernel.value, (-1, self.kernel_shape[-1]))
        u = self.vector_u.value
        for _ in range(self.power_iterations):
            v = keras.utils.normalize(ops.matmul(u, ops.transpose(weights)), axis=None, order=2)
            u = keras.utils.normalize(ops.matmul(v, weights), axis=None, order=2)
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        sigma = ops.matmul(ops.matmul(v, weights), ops.transpose(u))
        return u, ops.reshape(sigma, ())

    def call(self, inputs, training=False):
        _, sigma = self.power_iteration()
        with keras.StatelessScope(state_mapping=[(self.kernel, self.kernel.value / sigma)]):
            output = self.layer(inputs)
        return keras.ops.cast(output, inputs.dtype)

    def update_power_iteration(self):
        """Moves the stored u one step (after the step's updates; see the class docstring)."""
        u, _ = self.power_iteration()
        self.vector_u.assign(keras.ops.cast(u, self.vector_u.dtype))


def spectral_norm_layers(model):
    """The `SpectralNormalization` layers of `model`, nested models included."""
    return [layer for layer in model._flatten_layers() if isinstance(layer, SpectralNormalization)]


@keras.saving.register_keras_serializable(package="kerasgen")
class PositionMap(keras.layers.Layer):
    """A learned linear map of the positions of a (batch, positions, features) tensor.

    `out[b, q, f] = sum_p M[p, q] x[b, p, f]`, one matrix M shared by all features.

    Args:
        positions: the number of positions P (M is P x P).
        mode: "linear" (M free, initialized to the identity), "orthogonal" (M free, initialized
            to a random orthogonal matrix: no preference for any arrangement) or "softmax"
            (each output position a convex combination of the inputs,
            `M[:, q] = softmax(logits[:, q])`, logits initialized to small noise, i.e. every
            output starts as the average of all inputs).
        rate: the weights are stored divided by `rate` and multiplied back in the call, so that
            an optimizer's steps move M `rate` times as fast as the other weights: a permutation
            needs entries to travel by 1, which Adam at 2e-4 per step does not do in a few
            thousand steps.

    Example:
        >>> import numpy as np
        >>> x = np.arange(6, dtype="float32").reshape(1, 3, 2)
        >>> PositionMap(3)(x).numpy().tolist()   # the identity at initialization
        [[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]]
    """

    def __init__(self, positions, mode="linear", rate=1.0, **kwargs):
        super().__init__(**kwargs)
        if mode not in ("linear", "orthogonal", "softmax"):
            raise ValueError(f"`mode` must be 'linear', 'orthogonal' or 'softmax', got {mode!r}.")
        if float(rate) <= 0:
            raise ValueError(f"`rate` must be > 0, got {rate!r}.")
        self.positions, self.mode, self.rate = int(positions), mode, float(rate)

    def build(self, input_shape):
        p, rate = self.positions, self.rate
        if self.mode == "linear":
            init = lambda shape, dtype=None: keras.ops.eye(p, dtype=dtype) / rate  # noqa: E731
        elif self.mode == "orthogonal":
            init = keras.initializers.Orthogonal(gain=1.0 / rate)
        else:
            init = keras.initializers.RandomNormal(stddev=0.01 / rate)
        self.kernel = self.add_weight(name="kernel", shape=(p, p), initializer=init)

    def matrix(self):
        """M, (positions, positions): column q holds the weights of output position q."""
        k = self.kernel * self.rate
        return keras.ops.softmax(k, axis=0) if self.mode == "softmax" else k

    def call(self, x):
        return keras.ops.einsum("bpf,pq->bqf", x, keras.ops.cast(self.matrix(), x.dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return dict(super().get_config(), positions=self.positions, mode=self.mode,
                    rate=self.rate)


class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by reflection.

    When height and width are known when the layer is traced (a network built with
    `keras.Input((H, W, C))`), the padded image is one gather of the flattened pixels at fixed
    indices: the same values as `tf.pad(..., mode="REFLECT")` (TF's `MirrorPad`), 1.35-1.66x
    faster forward + backward at CycleGAN-32's shapes (`python bench/speed_levers.py --part
    layers`). Otherwise, and when the padding is not smaller than the image, it calls
    `keras.ops.pad(..., mode="reflect")`.

    Example:
        >>> import numpy as np
        >>> x = np.arange(3, dtype="float32").reshape(1, 1, 3, 1)
        >>> ReflectionPadding2D(1)(np.tile(x, (1, 3, 1, 1)))[0, 0, :, 0].numpy()
        array([1., 0., 1., 2., 1.], dtype=float32)
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(padding)

    def call(self, x):
        p = self.padding
        h, w, c = x.shape[1], x.shape[2], x.shape[3]
        if h is None or w is None or c is None or not (0 <= p < min(h, w)):
            return keras.ops.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")
        flat = keras.ops.reshape(x, (-1, h * w, c))
        padded = keras.ops.take(flat, reflection_index(h, w, p), axis=1)
        return keras.ops.reshape(padded, (-1, h + 2 * p, w + 2 * p, c))

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        p = 2 * self.padding
        return (b, None if h is None else h + p, None if w is None else w + p, c)

    def get_config(self):
        return dict(super().get_config(), padding=self.padding)


def reflection_index(height, width, padding):
    """Flat pixel indices (row-major) of an image reflection-padded by `padding` on each side.

    Example:
        >>> reflection_index(2, 3, 1).reshape(4, 5)
        array([[4, 3, 4, 5, 4],
               [1, 0, 1, 2, 1],
               [4, 3, 4, 5, 4],
               [1, 0, 1, 2, 1]])
    """
    def reflect(n):
        i = np.abs(np.arange(-padding, n + padding))
        return np.where(i > n - 1, 2 * (n - 1) - i, i)

    return (reflect(height)[:, None] * width + reflect(width)[None, :]).reshape(-1)


def instance_norm(name=None, norm="instance", affine=True):
    """Instance norm (Keras GroupNormalization with one group per channel), or none.

    `affine=False` drops the learned scale and offset (PyTorch's `InstanceNorm2d` default).
    """
    if norm == "none":
        return keras.layers.Identity(name=name)
    if norm != "instance":
        raise ValueError(f"`norm` must be 'instance' or 'none', got {norm!r}.")
    return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, center=affine, scale=affine,
                                           name=name)


def check_padding(padding):
    """Returns `padding` if it is "same" or "symmetric", else raises ValueError."""
    if padding not in ("same", "symmetric"):
        raise ValueError(f"`padding` must be 'same' (Keras) or 'symmetric' (PyTorch/Theano), "
                         f"got {padding!r}.")
    return padding


def conv2d(h, filters, kernel_size, strides=1, padding="same", use_bias=True, name=None,
           **kwargs):
    """Applies a Conv2D to `h` with "same" or symmetric padding (see the module docstring).

    Example:
        >>> x = keras.Input((32, 32, 3))
        >>> conv2d(x, 8, 5, strides=2, padding="symmetric").shape  # 2 zeros on each side
        (None, 16, 16, 8)
        >>> conv2d(x, 8, 4, strides=1, padding="symmetric").shape  # PyTorch's k=4, p=1
        (None, 31, 31, 8)
    """
    check_padding(padding)
    kwargs.setdefault("kernel_initializer", gan_initializer())
    if padding == "symmetric":
        pad = (int(kernel_size) - 1) // 2
        if pad:
            h = keras.layers.ZeroPadding2D(pad, name=None if name is None else f"{name}_pad")(h)
    return keras.layers.Conv2D(filters, kernel_size, strides=strides,
                               padding="valid" if padding == "symmetric" else "same",
                               use_bias=use_bias, name=name, **kwargs)(h)


def conv2d_transpose(h, filters, kernel_size, strides=2, padding="same", use_bias=True,
                     name=None, **kwargs):
    """Applies a Conv2DTranspose from H to `strides` * H, with "same" or symmetric padding.

    Symmetric: the full transposed convolution cropped by p = (k - 1) // 2 before and
    k - strides - p after, as PyTorch's `ConvTranspose2d(k, strides, padding=p,
    output_padding=strides + 2p - k)` and Theano's `deconv(border_mode=p)`.

    Example:
        >>> x = keras.Input((4, 4, 8))
        >>> conv2d_transpose(x, 3, 5, padding="symmetric").shape
        (None, 8, 8, 3)
    """
    check_padding(padding)
    kwargs.setdefault("kernel_initializer", gan_initializer())
    k, s = int(kernel_size), int(strides)
    conv = keras.layers.Conv2DTranspose(filters, k, strides=s,
                                        padding="valid" if padding == "symmetric" else "same",
                                        use_bias=use_bias, name=name, **kwargs)
    h = conv(h)
    if padding == "symmetric":
        before = (k - 1) // 2
        after = k - s - before
        if after < 0:
            raise ValueError(f"Symmetric padding needs kernel_size >= strides + "
                             f"(kernel_size - 1) // 2; got kernel_size={k}, strides={s}.")
        if before or after:
            h = keras.layers.Cropping2D(((before, after), (before, after)),
                                        name=None if name is None else f"{name}_crop")(h)
    return h
