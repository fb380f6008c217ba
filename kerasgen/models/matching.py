"""The matched warm start of CycleGAN's pixel-mixing generators: research helpers beside the
family, not inside it.

For mappings that move pixels and change their values (flips, rotations, shifts, channel
permutations, intensity maps), `adapt` matches the two domains' statistics before adversarial
training: `match_positions` finds the permutation of pixel positions that best aligns the two
domains' pixel correlations (a quadratic assignment), `match_values` the monotone map of each
channel's values (histogram matching), and the generators are warm-started by regression on
these pseudo-pairs, so that adversarial training starts on the right branch of a map the cycle
loss keeps invertible. `CycleGAN(generator="pixel_mixing", position_init="match")` calls it
from `fit`.
"""

import numpy as np
import tensorflow as tf
import keras

from kerasgen import optimizers as optimizers_lib
from kerasgen.models.layers import PositionMap


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


def adapt(model, data, max_images=1000, restarts=64, warm_steps=500, seed=0):
    """Sets a pixel-mixing CycleGAN's position maps from unpaired data; returns G's permutation.

    G's map sends each position of X to its match in Y, F's the reverse. Then each pixel value
    map is matched channel to channel (`match_values`), and G and F are fitted for `warm_steps`
    steps to these matched maps (pseudo-pairs).

    Args:
        model: a `CycleGAN` with `generator="pixel_mixing"`.
        data: a `tf.data.Dataset` (or iterable) of `(x, y)` batches, or a tuple of arrays
            `(x_images, y_images)`; up to `max_images` of each domain are read.
    """
    generator = model.get_config().get("generator")
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
    if xs.shape[1:] != model.sample_shape or ys.shape[1:] != model.sample_shape:
        raise ValueError(f"CycleGAN.adapt expects images of shape {model.sample_shape}; got "
                         f"{xs.shape[1:]} and {ys.shape[1:]}.")
    dst = match_positions(xs, ys, restarts=restarts, seed=seed)
    n = len(dst)
    channels = xs.shape[-1]
    x_flat, y_flat = xs.reshape(len(xs), n, channels), ys.reshape(len(ys), n, channels)
    forward = np.zeros((n, n), "float32")
    forward[np.arange(n), dst] = 1.0  # output position dst[p] of G reads input position p
    for net, matrix in ((model.generator_g, forward), (model.generator_f, forward.T)):
        layer = net.get_layer("positions")
        if layer.mode != "linear":
            raise ValueError(f"`adapt` needs position_mode='linear'; got {layer.mode!r}.")
        layer.kernel.assign(matrix / layer.rate)
    values = match_values(xs.reshape(-1, channels), ys.reshape(-1, channels))
    if warm_steps:
        warm_start(model, x_flat, y_flat, dst, values, warm_steps, seed)
    return dst


def _regression_step(net, optimizer, variables):
    def step(a, b):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.abs(net(a, training=True) - b))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    return step


def warm_start(model, x_flat, y_flat, dst, values, steps, seed):
    """Fits G and F by regression to the matched rearrangement and monotone maps
    ("pseudo-pairs"), so that adversarial training starts from the right branch: the
    cycle loss keeps G invertible, and a map that must go from increasing to decreasing
    (or one arrangement to another) would pass through non-invertible ones."""
    # value histograms pool all positions, so the rearrangement does not enter them
    g_target, f_target = np.empty_like(x_flat), np.empty_like(y_flat)
    for j, (i, decreasing) in enumerate(values):
        xp, fp = _monotone_map(x_flat[..., i].ravel(), y_flat[..., j].ravel(), decreasing)
        g_target[:, dst, j] = np.interp(x_flat[..., i], xp, fp)  # T(x) at Y's positions
        xp, fp = _monotone_map(y_flat[..., j].ravel(), x_flat[..., i].ravel(), decreasing)
        f_target[..., i] = np.interp(y_flat[:, dst, j], xp, fp)  # T^-1(y) at X's

    shape = (-1,) + tuple(model.sample_shape)
    pairs = [(model.generator_g, x_flat.reshape(shape), g_target.reshape(shape)),
             (model.generator_f, y_flat.reshape(shape), f_target.reshape(shape))]
    rng = np.random.default_rng(seed)
    for net, inputs, targets in pairs:
        optimizer = optimizers_lib.Adam(1e-3)
        variables = net.trainable_variables
        optimizer.build(variables)  # slots before tracing (Keras 3 optimizers)

        step = tf.function(_regression_step(net, optimizer, variables))
        for _ in range(int(steps)):
            idx = rng.integers(0, len(inputs), 64)
            step(tf.constant(inputs[idx]), tf.constant(targets[idx]))
