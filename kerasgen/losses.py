"""Adversarial losses as pure functions of discriminator outputs.

All functions take *logits* (pre-sigmoid discriminator outputs; the raw critic value for the
Wasserstein losses) of any shape `(batch, ...)`: a 1-D output per example or a patch map
(PatchGAN). Each returns the scalar mean over every element. Sigmoid cross-entropies are computed
from logits with `softplus`, which is stable for large |logits|.

With D(x) = sigmoid(l(x)):

* Discriminator (Goodfellow et al. 2014):  -E[log D(x)] - E[log(1 - D(G(z)))]
  = E[softplus(-l_real)] + E[softplus(l_fake)].
* Minimax (saturating) generator:          E[log(1 - D(G(z)))] = -E[softplus(l_fake)].
* Non-saturating generator ("log D trick"): -E[log D(G(z))] = E[softplus(-l_fake)].
* Least squares (Mao et al. 2017), targets 1 for real, 0 for fake:
  D: 0.5 E[(l_real - 1)^2] + 0.5 E[l_fake^2];  G: 0.5 E[(l_fake - 1)^2].
  (The discriminator output is used directly, without a sigmoid.)
* Wasserstein (Arjovsky et al. 2017), critic f:  critic loss E[f(G(z))] - E[f(x)];
  generator loss -E[f(G(z))].
* Gradient penalty (Gulrajani et al. 2017): E[(||grad_x_hat f(x_hat)||_2 - 1)^2] with
  x_hat = eps x + (1 - eps) G(z), eps ~ U(0, 1) drawn once per example.
* Zero-centred gradient penalty (Mescheder et al. 2018): E[||grad_x D(x)||_2^2] at the given
  points: real data for R1, generated data for R2 (the model weights it by gamma / 2).
* Distance preservation (DistanceGAN, Benaim & Wolf 2017): standardized pairwise distances of a
  batch kept by a translation (see `distance_preservation_loss`).
* Gradient difference loss (Mathieu et al. 2016, arXiv:1511.05440, eq. 5), a content loss for
  predicted images that penalizes gradients unlike the truth's (blur):
  E_ij ||Y_i,j - Y_i-1,j| - |Yhat_i,j - Yhat_i-1,j||^alpha + the same along j.
"""

import keras
from keras import ops


def _mean(x):
    return ops.mean(ops.cast(x, "float32"))


def discriminator_loss(real_logits, fake_logits):
    """Standard GAN discriminator loss, -E[log D(x)] - E[log(1 - D(G(z)))], from logits."""
    return _mean(ops.softplus(-real_logits)) + _mean(ops.softplus(fake_logits))


def minimax_generator_loss(fake_logits):
    """Saturating minimax generator loss E[log(1 - D(G(z)))] (to be minimized)."""
    return -_mean(ops.softplus(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """Non-saturating generator loss -E[log D(G(z))] ("log D trick")."""
    return _mean(ops.softplus(-fake_logits))


def least_squares_discriminator_loss(real_outputs, fake_outputs):
    """LSGAN discriminator loss 0.5 E[(D(x) - 1)^2] + 0.5 E[D(G(z))^2]."""
    real_outputs = ops.cast(real_outputs, "float32")
    fake_outputs = ops.cast(fake_outputs, "float32")
    return 0.5 * _mean(ops.square(real_outputs - 1.0)) + 0.5 * _mean(ops.square(fake_outputs))


def least_squares_generator_loss(fake_outputs):
    """LSGAN generator loss 0.5 E[(D(G(z)) - 1)^2]."""
    return 0.5 * _mean(ops.square(ops.cast(fake_outputs, "float32") - 1.0))


def wasserstein_critic_loss(real_outputs, fake_outputs):
    """Wasserstein critic loss E[f(G(z))] - E[f(x)] (minimizing it maximizes the W estimate)."""
    return _mean(fake_outputs) - _mean(real_outputs)


def wasserstein_generator_loss(fake_outputs):
    """Wasserstein generator loss -E[f(G(z))]."""
    return -_mean(fake_outputs)


def interpolate_for_penalty(real, fake, seed=None, eps=None):
    """Returns eps * real + (1 - eps) * fake with eps ~ Uniform(0, 1), one eps per example.

    `eps` (shape (batch,)) may be given to make the draw deterministic.
    """
    real = ops.cast(real, "float32")
    fake = ops.cast(fake, "float32")
    batch = ops.shape(real)[0]
    eps_shape = (batch,) + (1,) * (len(real.shape) - 1)
    if eps is None:
        eps = keras.random.uniform(eps_shape, 0.0, 1.0, seed=seed)
    else:
        eps = ops.reshape(ops.cast(eps, "float32"), eps_shape)
    return eps * real + (1.0 - eps) * fake


def gradient_penalty(critic, real, fake, seed=None, target=1.0, eps=None):
    """WGAN-GP penalty E[(||grad f(x_hat)||_2 - target)^2] at random interpolates x_hat.

    Args:
        critic: callable mapping a batch to critic outputs.
        real, fake: batches of the same shape.
        seed: int or `keras.random.SeedGenerator` for the per-example eps ~ U(0, 1).
        target: the gradient norm the penalty pulls towards (1 in Gulrajani et al.).
        eps: optional per-example interpolation weights (batch,), instead of drawing them.

    Uses `tf.GradientTape` (TensorFlow backend) for the inner gradient.
    """
    import tensorflow as tf

    x_hat = interpolate_for_penalty(real, fake, seed=seed, eps=eps)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        outputs = critic(x_hat)
        total = tf.reduce_sum(tf.cast(outputs, "float32"))
    grads = tape.gradient(total, x_hat)
    axes = list(range(1, len(x_hat.shape)))
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes) + 1e-12)
    return tf.reduce_mean(tf.square(norms - target))


def zero_centered_gradient_penalty(discriminator, points):
    """E[||grad_x D(x)||_2^2] over the examples of `points` (R1 on real data, R2 on generated).

    Args:
        discriminator: callable mapping a batch to outputs; the outputs are summed, so each
            example's gradient is that of its own output (D must not mix examples, e.g. no
            batch norm in training mode; a packed D sums the outputs of its groups).
        points: a batch; the gradient is taken with respect to it.

    Example:
        >>> import numpy as np
        >>> x = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
        >>> float(zero_centered_gradient_penalty(lambda v: 3.0 * v[:, :1] - 4.0 * v[:, 1:], x))
        25.0
    """
    import tensorflow as tf

    points = tf.cast(points, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(points)
        total = tf.reduce_sum(tf.cast(discriminator(points), tf.float32))
    grads = tape.gradient(total, points)
    axes = list(range(1, len(points.shape)))
    return tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=axes))


def distance_preservation_loss(inputs, outputs):
    """DistanceGAN's loss (Benaim & Wolf 2017, arXiv:1706.00826): a translation should keep how
    far apart two samples are, up to each domain's scale.

    Over the pairs (i, j) of a batch, the L1 distances d_ij = mean |a_i - a_j| are standardized
    within the inputs and within the outputs (minus their mean, over their standard deviation;
    per batch, so any change of scale or offset between the domains is allowed), and the loss is
    the mean absolute difference of the two standardized distances. It is 0 for any isometry
    (flips, rotations, shifts, channel permutations, inversion) and for maps that scale all
    distances alike, and large for a translation that swaps contents between samples.

    Example:
        >>> x = np.random.default_rng(0).normal(size=(6, 4, 4, 1)).astype("float32")
        >>> float(distance_preservation_loss(x, -2.0 * x[:, ::-1]))  # an isometry, rescaled
        0.0
    """
    import tensorflow as tf

    def standardized(a):
        a = tf.reshape(tf.cast(a, tf.float32), (tf.shape(a)[0], -1))
        d = tf.reduce_mean(tf.abs(a[:, None, :] - a[None, :, :]), axis=-1)
        n = tf.shape(d)[0]
        upper = tf.linalg.band_part(tf.ones((n, n)), 0, -1) - tf.eye(n)
        values = tf.boolean_mask(d, upper > 0)
        mean, var = tf.nn.moments(values, axes=[0])
        return (values - mean) / tf.sqrt(var + 1e-12)

    return tf.reduce_mean(tf.abs(standardized(inputs) - standardized(outputs)))


def gradient_difference_loss(predicted, target, alpha=1.0):
    """Gradient difference loss of Mathieu et al. (2016): the mean over pixels of
    | |d target| - |d predicted| |^alpha along rows plus the same along columns.

    Example:
        >>> import numpy as np
        >>> target = np.array([[0.0, 1.0], [0.0, 1.0]], np.float32)[None, :, :, None]
        >>> float(gradient_difference_loss(np.zeros_like(target), target))  # 1 along columns
        1.0
    """
    predicted = ops.cast(predicted, "float32")
    target = ops.cast(target, "float32")

    def term(axis):
        size = predicted.shape[axis]
        d_pred = ops.abs(ops.diff(predicted, axis=axis)) if size > 1 else None
        if d_pred is None:
            return 0.0
        d_true = ops.abs(ops.diff(target, axis=axis))
        return _mean(ops.power(ops.abs(d_true - d_pred), alpha))

    return term(-3) + term(-2)


GENERATOR_LOSSES = {
    "non_saturating": non_saturating_generator_loss,
    "minimax": minimax_generator_loss,
    "least_squares": least_squares_generator_loss,
}

DISCRIMINATOR_LOSSES = {
    "non_saturating": discriminator_loss,
    "minimax": discriminator_loss,
    "least_squares": least_squares_discriminator_loss,
}


def get_gan_losses(name):
    """Returns `(generator_loss, discriminator_loss)` for a loss name."""
    if name not in GENERATOR_LOSSES:
        raise ValueError(
            f"Unknown GAN loss {name!r}; expected one of {sorted(GENERATOR_LOSSES)}."
        )
    return GENERATOR_LOSSES[name], DISCRIMINATOR_LOSSES[name]
