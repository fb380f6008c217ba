"""CycleGAN (Zhu et al., 2017, arXiv:1703.10593): unpaired image-to-image translation.

Two generators G: X -> Y and F: Y -> X and two discriminators D_X, D_Y are trained with

    L = L_GAN(G, D_Y) + L_GAN(F, D_X) + lambda L_cyc(G, F) + lambda_id L_identity,
    L_cyc = E_x ||F(G(x)) - x||_1 + E_y ||G(F(y)) - y||_1,
    L_identity = E_y ||G(y) - y||_1 + E_x ||F(x) - x||_1,

with lambda = 10, lambda_id = 0.5 lambda (the identity term preserves colour composition; turn it
off with `identity_weight=0` when the true mapping changes colours, e.g. colour inversion), and
the least-squares GAN loss (non-saturating available). Discriminators see a history of 50
previously generated images (Shrivastava et al. 2017): once the pool is full, each new fake is
returned with probability 1/2, otherwise it replaces a random stored fake that is returned instead.
The discriminator loss is halved. Adam(2e-4, beta_1 0.5); the learning rate is constant for the
first half of training and decays linearly to 0 (`kerasgen.optimizers.linear_decay`).

Generator: c7s1-64, d128, d256, R256 x n (n = 6 for 128 px, 9 for 256 px), u128, u64, c7s1-3,
tanh, with reflection padding and instance normalization. Discriminator: the 70x70 PatchGAN
C64-C128-C256-C512 (no normalization on the first layer), one output per patch. Instance
normalization is Keras's `GroupNormalization(groups=-1)` (one group per channel = instance norm):
a maintained Keras layer, with a learned affine transform, so nothing custom is needed.

`layout="pytorch"` builds the layers of the authors' reference implementation
(github.com/junyanz/pytorch-CycleGAN-and-pix2pix) exactly: instance norm without affine
parameters, convolution biases, PyTorch's symmetric padding and `ConvTranspose2d(output_padding=1)`
upsampling; its published generators (e.g. horse2zebra.pth) then convert with
`python -m kerasgen.cli.convert` and compute the same function.
"""

import tensorflow as tf
import keras

from kerasgen import losses as losses_lib
from kerasgen import optimizers as optimizers_lib
from kerasgen.models.layers import (BatchNormalization, PositionMap, ReflectionPadding2D,
                                     conv2d, conv2d_transpose, gan_initializer, instance_norm)
from kerasgen.models.translation import TranslationModel


LAYOUTS = ("kerasgen", "pytorch")
GENERATORS = ("resnet", "unet", "pixel_mixing")


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
        (None, 32, 32, 3)
    """
    check_layout(layout)
    if layout == "pytorch":
        return _reference_resnet_generator(image_size, channels, base_filters,
                                           num_residual_blocks, num_downsamplings, norm, name)
    x_in = keras.Input((image_size, image_size, channels), name="x")
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


def pixel_mixing_generator(image_size=16, channels=3, filters=32, depth=2,
                           position_mode="linear", position_rate=1.0, name="generator"):
    """A generator for pixel-level mappings: pointwise MLPs around a learned map of positions.

    `depth` 1x1 convolutions (a per-pixel MLP over the channels), then one linear map of the
    pixel positions shared by all features (an `EinsumDense` over the H*W positions, initialized
    to the identity), then `depth` more 1x1 convolutions and a 1x1 convolution to `channels`
    with tanh. Every function of the form "move the pixels, then change each pixel's value" lies
    in this class -- intensity maps (inversion, gamma, contrast), channel permutations, flips,
    rotations by 90 degrees, cyclic shifts and their compositions -- and little else, which is
    what lets unpaired training find *the* mapping: a convolutional ResNet can also produce
    images of the target domain that are not the input moved (e.g. another digit). The
    position map has (H*W)^2 weights (65,536 at 16 px), so this suits small images.

    Example:
        >>> g = pixel_mixing_generator(8, 1, filters=4)
        >>> float(np.abs(g(np.zeros((1, 8, 8, 1))).numpy()).max()) <= 1.0
        True
    """
    positions = image_size * image_size
    x_in = keras.Input((image_size, image_size, channels), name="x")
    h = x_in
    for i in range(depth):
        h = keras.layers.Conv2D(filters, 1, activation="relu", name=f"in_{i}")(h)
    h = keras.layers.Reshape((positions, filters))(h)
    h = PositionMap(positions, position_mode, position_rate, name="positions")(h)
    h = keras.layers.Reshape((image_size, image_size, filters))(h)
    for i in range(depth):
        h = keras.layers.Conv2D(filters, 1, activation="relu", name=f"out_{i}")(h)
    out = keras.layers.Conv2D(channels, 1, activation="tanh", dtype="float32", name="rgb")(h)
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

    x_in = keras.Input((image_size, image_size, channels), name="x")
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


class ImagePool:
    """A pool of previously generated images, as model variables, usable inside train_step.

    query(images) returns a batch of the same shape: while the pool fills, the new images; then,
    per image, with probability 1/2 the new image, otherwise a random stored image, which the new
    one replaces. Under a distribution strategy every replica reads the same pool and the first
    replica's writes are kept.
    """

    def __init__(self, model, size, image_shape, name, seed_generator):
        self.size = int(size)
        self.seed_generator = seed_generator
        if self.size > 0:
            self.images = model.add_weight(shape=(self.size,) + tuple(image_shape),
                                           initializer="zeros", trainable=False,
                                           name=f"{name}_images",
                                           aggregation="only_first_replica")
            self.count = model.add_weight(shape=(), dtype="int32", initializer="zeros",
                                          trainable=False, name=f"{name}_count",
                                          aggregation="only_first_replica")

    def query(self, images):
        if self.size <= 0:
            return images
        images = tf.cast(images, tf.float32)
        n = tf.shape(images)[0]
        count = tf.convert_to_tensor(self.count)
        pool = tf.convert_to_tensor(self.images)
        # filling: the first free slots take the new images (those that fit)
        slots = count + tf.range(n)
        fits = slots < self.size
        fill_idx = tf.boolean_mask(slots, fits)[:, None]
        pool = tf.tensor_scatter_nd_update(pool, fill_idx, tf.boolean_mask(images, fits))
        # full: each remaining image swaps with a random stored one with probability 1/2
        coin = keras.random.uniform((n,), seed=self.seed_generator) < 0.5
        swap = tf.logical_and(tf.logical_not(fits), coin)
        rand_idx = tf.cast(keras.random.randint((n,), 0, self.size, seed=self.seed_generator),
                           tf.int32)
        old = tf.gather(pool, rand_idx)
        swap_img = tf.reshape(swap, [-1] + [1] * (len(images.shape) - 1))
        returned = tf.where(swap_img, old, images)
        pool = tf.tensor_scatter_nd_update(pool, tf.boolean_mask(rand_idx, swap)[:, None],
                                           tf.boolean_mask(images, swap))
        self.images.assign(pool)
        self.count.assign(tf.minimum(count + n, self.size))
        return returned


def match_positions(x_images, y_images, restarts=64, seed=0):
    """Which pixel position of domain Y each position of domain X moves to, from unpaired images.

    Graph matching of the two domains' pixel correlation structures: each domain's Spearman (rank)
    correlation matrix between its pixel positions (channels averaged) is unchanged by any
    monotone change of pixel values (inversion, gamma, contrast) and permuted by any rearrangement
    of the positions (flips, 90-degree rotations, cyclic shifts), so for Y = T(X) the permutation
    pi maximizing trace(C_X^T P_pi C_Y P_pi^T) is T's rearrangement (or, for a pure intensity
    map, the identity). The quadratic assignment is solved by SciPy's FAQ algorithm (Vogelstein
    et al. 2015, `scipy.optimize.quadratic_assignment`) from `restarts` random starts, keeping
    the best objective: single starts land in poor local optima most of the time (about 1 start
    in 10 found the rearrangement on 16 px digits, and the best of 30 matched 91-94 % of the
    non-constant pixels on ten mappings).

    Args:
        x_images, y_images: arrays (N, H, W, C) of the two domains (N may differ; a few
            hundred images each suffice at 16 px).
        restarts: random starts of FAQ (each about 0.5 s for 256 positions).
        seed: seed of the starts.

    Returns:
        An int array `dst` of length H*W: position p (row-major) of X goes to `dst[p]` in Y.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.normal(size=(200, 3, 3, 1)).cumsum(axis=1).cumsum(axis=2)
        >>> y = -x[:, ::-1]                       # a vertical flip and an inversion
        >>> match_positions(x, y, restarts=8).reshape(3, 3).tolist()
        [[6, 7, 8], [3, 4, 5], [0, 1, 2]]
    """
    import numpy as np
    from scipy.optimize import quadratic_assignment
    from scipy.stats import rankdata

    x_images, y_images = np.asarray(x_images), np.asarray(y_images)
    if x_images.ndim != 4 or x_images.shape[1:3] != y_images.shape[1:3]:
        raise ValueError("`x_images` and `y_images` must be (N, H, W, C) arrays of the same "
                         f"height and width; got shapes {x_images.shape} and {y_images.shape}.")
    if min(len(x_images), len(y_images)) < 2:
        raise ValueError("match_positions needs at least 2 images of each domain.")

    def rank_correlation(images):
        flat = images.mean(axis=-1).reshape(len(images), -1)
        ranks = rankdata(flat, axis=0)
        ranks = ranks - ranks.mean(axis=0)
        scale = ranks.std(axis=0)
        ranks = ranks / np.where(scale > 0, scale, 1.0)  # constant pixels: rows of zeros
        return ranks.T @ ranks / len(images)

    c_x, c_y = rank_correlation(x_images), rank_correlation(y_images)
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(int(restarts)):
        result = quadratic_assignment(c_x, c_y, method="faq", options={
            "maximize": True, "P0": "randomized", "rng": rng})
        if best is None or result.fun > best.fun:
            best = result
    return np.asarray(best.col_ind, dtype=np.int64)


def _monotone_map(source, target, decreasing, levels=201):
    """The monotone (quantile) map sending the values of `source` onto those of `target`.

    Returns `(xp, fp)` for `np.interp`; quantiles of `source` that tie (e.g. a background
    value) send that value to the mean of the matching target quantiles.
    """
    import numpy as np

    q = np.linspace(0.0, 1.0, levels)
    qs, qt = np.quantile(source, q), np.quantile(target, q)
    if decreasing:
        qt = qt[::-1]
    xp, inverse = np.unique(qs, return_inverse=True)
    fp = np.bincount(inverse, qt) / np.bincount(inverse)
    return xp, fp


def match_values(x_values, y_values, levels=201):
    """Which channel of X each channel of Y comes from, and whether its values were reversed.

    The least change that explains the histograms: channel j of Y is paired with channel i of X
    and a direction (increasing, or decreasing = reflected about 0 on the [-1, 1] scale) so that
    the 1-D Wasserstein distance between X's values of channel i and Y's values of channel j
    (reflected for the decreasing direction) is smallest, with a one-to-one channel assignment by
    `scipy.optimize.linear_sum_assignment`. (Distances *after* the optimal monotone map would not
    do: a quantile map sends any histogram onto any other, so every pairing would look as good.)
    The value maps themselves are then the quantile maps of the chosen pairs (`_monotone_map`).

    Args:
        x_values, y_values: arrays (N, C) of pixel values of each domain, in [-1, 1].

    Returns:
        A list over Y's channels j of `(i, decreasing)`.
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    q = np.linspace(0.0, 1.0, levels)
    channels = x_values.shape[-1]
    qx = [np.quantile(x_values[:, i], q) for i in range(channels)]
    qy = [np.quantile(y_values[:, j], q) for j in range(channels)]
    cost = np.zeros((channels, channels))
    decreasing = np.zeros((channels, channels), bool)
    for i in range(channels):
        for j in range(channels):
            same = np.abs(qx[i] - qy[j]).mean()
            reflected = np.abs(qx[i] + qy[j][::-1]).mean()  # quantiles of -Y_j
            cost[i, j] = min(same, reflected)
            decreasing[i, j] = reflected < same
    rows, cols = linear_sum_assignment(cost)
    source = dict(zip(cols, rows))
    return [(int(source[j]), bool(decreasing[source[j], j])) for j in range(channels)]


@keras.saving.register_keras_serializable(package="kerasgen")
class CycleGAN(TranslationModel):
    """CycleGAN: unpaired translation between domains X and Y.

    Args:
        image_size, channels: the images of both domains (square, [-1, 1]).
        base_filters: generator/discriminator width (64 in the paper).
        num_residual_blocks: 6 for 128 px, 9 for 256 px; fewer for small images.
        num_downsamplings: stride-2 stages of the generator (2 in the paper).
        d_layers: PatchGAN depth (3 = 70x70 receptive field).
        cycle_weight: lambda (10).
        identity_weight: lambda_id as a fraction of lambda (0.5; 0 disables the identity loss).
        distance_weight: weight of DistanceGAN's distance-preservation loss in each
            generator's objective (0 = off; `kerasgen.losses.distance_preservation_loss`).
        loss: "least_squares" (default) or "non_saturating".
        pool_size: size of the image pools (50; 0 disables them).
        norm: "instance" (the paper) or "none" in the generators (and, with the "pytorch"
            layout, in the discriminators too, as the reference's `--norm`).
        layout: "kerasgen" (default) or "pytorch": the layers of the reference implementation
            exactly (see `resnet_generator` and `patchgan_discriminator`), so that its published
            checkpoints convert (`kerasgen.convert`) and compute the same function.
        generator: "resnet" (the paper), "unet" (the paper's alternative) or "pixel_mixing"
            (`pixel_mixing_generator`: pointwise MLPs around one map of the pixel positions;
            `base_filters` is its width), for mappings that move pixels and change their values.
        position_mode, position_rate: the pixel-mixing generators' `PositionMap` ("linear" from
            the identity, "orthogonal" or "softmax"; how fast the optimizer moves it).
        position_init: "identity" or "match": before the first `fit`, `adapt` sets the position
            maps by matching the two domains' statistics and warm-starts G and F on the matched
            maps (needs generator="pixel_mixing", position_mode="linear").
        position_trainable: False keeps the position maps fixed during training (after
            `adapt`, adversarial gradients only add noise to a matched permutation).
            With `position_init="match"` the default `compile()` gives the four networks
            Adam(5e-5, beta_1=0.5), 4 times lower than the paper's rate: G and F start at the
            warm-started solution and the adversarial phase only refines it (slower
            discriminators drift less from it).
        generator_g, generator_f, discriminator_x, discriminator_y: networks to use instead.
        seed: int or None.

    Batches are `(x, y)` pairs of unpaired images (see `kerasgen.data.unpaired`).

    Example:
        >>> model = CycleGAN(image_size=16, channels=1, base_filters=8, num_residual_blocks=1,
        ...                  d_layers=2)
        >>> model.compile()   # Adam(2e-4, beta_1=0.5) for each of the four networks
        >>> data = kerasgen.data.digits_translation("invert", image_size=16, batch_size=4)
        >>> history = model.fit(data.take(2), verbose=0)
        >>> model.translate(np.zeros((3, 16, 16, 1)), direction="y2x").shape
        (3, 16, 16, 1)
    """

    optimizer_specs = {
        "g_optimizer": (("generator_g",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
        "f_optimizer": (("generator_f",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
        "dx_optimizer": (("discriminator_x",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
        "dy_optimizer": (("discriminator_y",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
    }
    loss_names = ("g_loss", "f_loss", "dx_loss", "dy_loss", "cycle_loss", "identity_loss",
                  "distance_loss")
    directions = {"x2y": "generator_g", "y2x": "generator_f"}
    optimizer_losses = {"g_optimizer": "g_loss", "f_optimizer": "f_loss",
                        "dx_optimizer": "dx_loss", "dy_optimizer": "dy_loss"}

    def __init__(self, image_size=256, channels=3, base_filters=64, num_residual_blocks=9,
                 num_downsamplings=2, d_layers=3, cycle_weight=10.0, identity_weight=0.5,
                 distance_weight=0.0, loss="least_squares", pool_size=50, norm="instance",
                 layout="kerasgen", generator="resnet", position_mode="linear",
                 position_rate=1.0, position_init="identity", position_trainable=True,
                 generator_g=None,
                 generator_f=None, discriminator_x=None, discriminator_y=None, seed=None,
                 **kwargs):
        super().__init__(seed=seed, **kwargs)
        if loss not in ("least_squares", "non_saturating"):
            raise ValueError(f"`loss` must be 'least_squares' or 'non_saturating', got {loss!r}.")
        if int(pool_size) < 0:
            raise ValueError(f"`pool_size` must be >= 0, got {pool_size}.")
        check_layout(layout)

        if generator not in GENERATORS:
            raise ValueError(f"`generator` must be one of {', '.join(map(repr, GENERATORS))}, "
                             f"got {generator!r}.")

        if position_init not in ("identity", "match"):
            raise ValueError("`position_init` must be 'identity' or 'match', got "
                             f"{position_init!r}.")
        if position_init == "match" and (generator != "pixel_mixing"
                                         or position_mode != "linear"):
            raise ValueError("`position_init='match'` needs generator='pixel_mixing' and "
                             f"position_mode='linear'; got {generator!r}, {position_mode!r}.")

        def gen(name):
            if generator == "pixel_mixing":
                return lambda: pixel_mixing_generator(image_size, channels, base_filters,
                                                      position_mode=position_mode,
                                                      position_rate=position_rate, name=name)
            if generator == "unet":  # the paper's alternative generator, without dropout
                from kerasgen.models.pix2pix import unet_generator

                return lambda: unet_generator(image_size, channels, channels, base_filters,
                                              num_downsamplings, dropout=0.0,
                                              batch_norm=norm != "none", layout=layout,
                                              name=name)
            return lambda: resnet_generator(image_size, channels, base_filters,
                                            num_residual_blocks, num_downsamplings, norm,
                                            layout=layout, name=name)

        def disc(name):
            return lambda: patchgan_discriminator(image_size, channels, base_filters, d_layers,
                                                  norm=norm, layout=layout, name=name)

        self.generator_g = self.network("generator_g", generator_g, gen("generator_g"))
        self.generator_f = self.network("generator_f", generator_f, gen("generator_f"))
        self.discriminator_x = self.network("discriminator_x", discriminator_x,
                                            disc("discriminator_x"))
        self.discriminator_y = self.network("discriminator_y", discriminator_y,
                                            disc("discriminator_y"))
        self.sample_shape = tuple(self.generator_g.input_shape[1:])
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        self.distance_weight = float(distance_weight)
        if self.distance_weight < 0 or self.identity_weight < 0 or self.cycle_weight < 0:
            raise ValueError("`cycle_weight`, `identity_weight` and `distance_weight` must be "
                             f">= 0, got {cycle_weight}, {identity_weight}, {distance_weight}.")
        self.loss_name = loss
        self.gan_generator_loss, self.gan_discriminator_loss = losses_lib.get_gan_losses(loss)
        self.position_init = position_init
        self.positions_adapted = None
        if generator == "pixel_mixing":
            for net in (self.generator_g, self.generator_f):
                net.get_layer("positions").trainable = bool(position_trainable)
            if position_init == "match":  # saved with the weights: a loaded model is adapted
                self.positions_adapted = self.add_weight(
                    shape=(), initializer="zeros", trainable=False, name="positions_adapted")
                # `adapt` warm-starts G and F at the matched solution, so the adversarial phase
                # refines it: the four networks' default rate is 4 times lower than the
                # paper's (an instance attribute; bench in zoo/cyclegan_digits.py)
                specs = dict(type(self).optimizer_specs)
                for name in specs:
                    specs[name] = (specs[name][0],
                                   lambda: optimizers_lib.Adam(5e-5, beta_1=0.5))
                self.optimizer_specs = specs
        self.pool_x = ImagePool(self, pool_size, self.sample_shape, "pool_x", self.seed_generator)
        self.pool_y = ImagePool(self, pool_size, self.sample_shape, "pool_y", self.seed_generator)
        self.record_hyperparameters(
            image_size=image_size, channels=channels, base_filters=base_filters,
            num_residual_blocks=num_residual_blocks, num_downsamplings=num_downsamplings,
            d_layers=d_layers, cycle_weight=self.cycle_weight,
            identity_weight=self.identity_weight, distance_weight=self.distance_weight,
            loss=loss, pool_size=int(pool_size), norm=norm, layout=layout,
            generator=generator, position_mode=position_mode,
            position_rate=float(position_rate), position_init=position_init,
            position_trainable=bool(position_trainable), seed=seed)
        self._finish_init()

    def adapt(self, data, max_images=1000, restarts=64, warm_steps=500, seed=0):
        """Sets the pixel-mixing generators' position maps from unpaired data (`match_positions`).

        G's map sends each position of X to its match in Y, F's the reverse. Then each pixel
        value map is matched channel to channel (`match_values`), and G and F are fitted for
        `warm_steps` steps to these matched maps (pseudo-pairs), so that adversarial training
        starts on the right branch of a map the cycle loss keeps invertible. Called by `fit` on
        its training data when `position_init="match"` and the model is not adapted yet, in the
        way Keras preprocessing layers `adapt` to data before training.

        Args:
            data: a `tf.data.Dataset` (or iterable) of `(x, y)` batches, or a tuple of arrays
                `(x_images, y_images)`; up to `max_images` of each domain are read.
        """
        import numpy as np

        generator = self._hyperparameters.get("generator")
        if generator != "pixel_mixing":
            raise ValueError("`adapt` sets the position maps of generator='pixel_mixing'; this "
                             f"CycleGAN has generator={generator!r}.")
        if isinstance(data, (tuple, list)) and len(data) == 2 and hasattr(data[0], "shape"):
            xs, ys = np.asarray(data[0]), np.asarray(data[1])
        else:
            xs, ys, count = [], [], 0
            for batch in data:
                if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
                    raise ValueError("CycleGAN.adapt expects batches of (x, y) images; got "
                                     f"{type(batch).__name__}.")
                xs.append(np.asarray(batch[0]))
                ys.append(np.asarray(batch[1]))
                count += len(xs[-1])
                if count >= max_images:
                    break
            if not xs:
                raise ValueError("CycleGAN.adapt got no batches.")
            xs, ys = np.concatenate(xs), np.concatenate(ys)
        xs, ys = xs[:max_images], ys[:max_images]
        if xs.shape[1:] != self.sample_shape or ys.shape[1:] != self.sample_shape:
            raise ValueError(f"CycleGAN.adapt expects images of shape {self.sample_shape}; got "
                             f"{xs.shape[1:]} and {ys.shape[1:]}.")
        dst = match_positions(xs, ys, restarts=restarts, seed=seed)
        n = len(dst)
        channels = xs.shape[-1]
        x_flat, y_flat = xs.reshape(len(xs), n, channels), ys.reshape(len(ys), n, channels)
        forward = np.zeros((n, n), "float32")
        forward[np.arange(n), dst] = 1.0  # output position dst[p] of G reads input position p
        for net, matrix in ((self.generator_g, forward), (self.generator_f, forward.T)):
            layer = net.get_layer("positions")
            if layer.mode != "linear":
                raise ValueError("`adapt` needs position_mode='linear'; got "
                                 f"{layer.mode!r}.")
            layer.kernel.assign(matrix / layer.rate)
        values = match_values(xs.reshape(-1, channels), ys.reshape(-1, channels))
        if warm_steps:
            self._warm_start(x_flat, y_flat, dst, values, warm_steps, seed)
        if self.positions_adapted is not None:
            self.positions_adapted.assign(1.0)
        return dst

    @staticmethod
    def _regression_step(net, optimizer, variables):
        def step(a, b):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.abs(net(a, training=True) - b))
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
            return loss

        return step

    def _warm_start(self, x_flat, y_flat, dst, values, steps, seed):
        """Fits G and F by regression to the matched rearrangement and monotone maps
        ("pseudo-pairs"), so that adversarial training starts from the right branch: the
        cycle loss keeps G invertible, and a map that must go from increasing to decreasing
        (or one arrangement to another) would pass through non-invertible ones."""
        import numpy as np

        # value histograms pool all positions, so the rearrangement does not enter them
        g_target, f_target = np.empty_like(x_flat), np.empty_like(y_flat)
        for j, (i, decreasing) in enumerate(values):
            xp, fp = _monotone_map(x_flat[..., i].ravel(), y_flat[..., j].ravel(), decreasing)
            g_target[:, dst, j] = np.interp(x_flat[..., i], xp, fp)  # T(x) at Y's positions
            xp, fp = _monotone_map(y_flat[..., j].ravel(), x_flat[..., i].ravel(), decreasing)
            f_target[..., i] = np.interp(y_flat[:, dst, j], xp, fp)  # T^-1(y) at X's

        shape = (-1,) + tuple(self.sample_shape)
        pairs = [(self.generator_g, x_flat.reshape(shape), g_target.reshape(shape)),
                 (self.generator_f, y_flat.reshape(shape), f_target.reshape(shape))]
        rng = np.random.default_rng(seed)
        for net, inputs, targets in pairs:
            optimizer = optimizers_lib.Adam(1e-3)
            variables = net.trainable_variables
            optimizer.build(variables)  # slots before tracing (Keras 3 optimizers)

            step = tf.function(self._regression_step(net, optimizer, variables))
            for _ in range(int(steps)):
                idx = rng.integers(0, len(inputs), 64)
                step(tf.constant(inputs[idx]), tf.constant(targets[idx]))

    def fit(self, x=None, *args, **kwargs):
        if (self.positions_adapted is not None and float(self.positions_adapted.numpy()) == 0.0
                and x is not None):
            self.adapt(x)
        return super().fit(x, *args, **kwargs)

    def translation_losses(self, x, y, training=True):
        g, f = self.generator_g, self.generator_f
        d_x, d_y = self.discriminator_x, self.discriminator_y
        fake_y, fake_x = g(x, training=training), f(y, training=training)
        cycle_x, cycle_y = f(fake_y, training=training), g(fake_x, training=training)
        cycle = tf.reduce_mean(tf.abs(cycle_x - x)) + tf.reduce_mean(tf.abs(cycle_y - y))
        identity = tf.constant(0.0)
        if self.identity_weight > 0:
            identity = (tf.reduce_mean(tf.abs(g(y, training=training) - y))
                        + tf.reduce_mean(tf.abs(f(x, training=training) - x)))
        shared = self.cycle_weight * (cycle + self.identity_weight * identity)
        distance = tf.constant(0.0)
        if self.distance_weight > 0:
            distance = (losses_lib.distance_preservation_loss(x, fake_y)
                        + losses_lib.distance_preservation_loss(y, fake_x))
            shared = shared + self.distance_weight * distance
        # the discriminators see a history of fakes while training (the pools change state,
        # so held-out evaluation uses the new fakes alone)
        history_x = self.pool_x.query(tf.stop_gradient(fake_x)) if training else fake_x
        history_y = self.pool_y.query(tf.stop_gradient(fake_y)) if training else fake_y
        return {
            "g_loss": self.gan_generator_loss(d_y(fake_y, training=training)) + shared,
            "f_loss": self.gan_generator_loss(d_x(fake_x, training=training)) + shared,
            "dx_loss": 0.5 * self.gan_discriminator_loss(d_x(x, training=training),
                                                         d_x(history_x, training=training)),
            "dy_loss": 0.5 * self.gan_discriminator_loss(d_y(y, training=training),
                                                         d_y(history_y, training=training)),
            "cycle_loss": cycle,
            "identity_loss": identity,
            "distance_loss": distance,
        }
