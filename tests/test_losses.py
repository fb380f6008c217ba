"""Adversarial losses against hand-computed values (TF-GAN style: shared fixed inputs)."""

import numpy as np
import pytest
import tensorflow as tf
import keras

from kerasgen import losses

REAL = np.array([[1.0], [-2.0]], np.float32)   # logits of D on real samples
FAKE = np.array([[0.5], [3.0]], np.float32)    # logits of D on generated samples


def sp(x):  # softplus by hand
    return np.log1p(np.exp(x))


def test_discriminator_loss_by_hand():
    expected = np.mean(sp(-REAL)) + np.mean(sp(FAKE))
    assert np.isclose(float(losses.discriminator_loss(REAL, FAKE)), expected, atol=1e-6)
    # -E[log D(x)] - E[log(1 - D(G(z)))] with D = sigmoid
    d = lambda l: 1 / (1 + np.exp(-l))  # noqa: E731
    assert np.isclose(expected, -np.mean(np.log(d(REAL))) - np.mean(np.log(1 - d(FAKE))))


def test_generator_losses_by_hand():
    assert np.isclose(float(losses.minimax_generator_loss(FAKE)), -np.mean(sp(FAKE)), atol=1e-6)
    assert np.isclose(float(losses.non_saturating_generator_loss(FAKE)), np.mean(sp(-FAKE)),
                      atol=1e-6)
    # the point of the log D trick: where D rejects fakes (logit -> -inf) the minimax loss
    # gradient vanishes while the non-saturating one does not
    x = tf.constant([[-10.0]])
    for fn, small in ((losses.minimax_generator_loss, True),
                      (losses.non_saturating_generator_loss, False)):
        with tf.GradientTape() as tape:
            tape.watch(x)
            value = fn(x)
        grad = abs(float(tape.gradient(value, x)[0, 0]))
        assert (grad < 1e-4) if small else (grad > 0.99)


def test_least_squares_and_wasserstein_by_hand():
    assert np.isclose(float(losses.least_squares_discriminator_loss(REAL, FAKE)),
                      0.5 * np.mean((REAL - 1) ** 2) + 0.5 * np.mean(FAKE ** 2))
    assert np.isclose(float(losses.least_squares_generator_loss(FAKE)),
                      0.5 * np.mean((FAKE - 1) ** 2))
    assert np.isclose(float(losses.wasserstein_critic_loss(REAL, FAKE)),
                      np.mean(FAKE) - np.mean(REAL))
    assert np.isclose(float(losses.wasserstein_generator_loss(FAKE)), -np.mean(FAKE))


def test_patch_shaped_outputs_average_every_element():
    real = np.arange(2 * 3 * 3, dtype=np.float32).reshape(2, 3, 3, 1) / 10 - 0.8
    fake = -real[::-1]
    assert np.isclose(float(losses.discriminator_loss(real, fake)),
                      np.mean(sp(-real)) + np.mean(sp(fake)), atol=1e-6)
    assert np.isclose(float(losses.least_squares_generator_loss(fake)),
                      0.5 * np.mean((fake - 1) ** 2), atol=1e-6)


def test_stable_for_extreme_logits():
    big = np.array([[80.0], [-80.0]], np.float32)
    for value in (losses.discriminator_loss(big, -big), losses.non_saturating_generator_loss(big),
                  losses.minimax_generator_loss(big)):
        assert np.isfinite(float(value))
    assert np.isclose(float(losses.discriminator_loss(big[:1], -big[:1])), 0.0, atol=1e-6)


def test_losses_are_float32_for_bfloat16_inputs():
    x = tf.constant(REAL, tf.bfloat16)
    assert losses.discriminator_loss(x, x).dtype == tf.float32
    assert losses.wasserstein_critic_loss(x, x).dtype == tf.float32


def test_gradient_penalty_with_a_known_critic():
    # f(x) = a . x has gradient a everywhere: penalty = (||a|| - 1)^2 whatever the interpolate
    a = np.array([3.0, 4.0], np.float32)
    critic = lambda x, training=False: tf.reduce_sum(x * a, axis=1, keepdims=True)  # noqa: E731
    real = np.random.default_rng(0).normal(size=(16, 2)).astype(np.float32)
    fake = real + 1.0
    assert np.isclose(float(losses.gradient_penalty(critic, real, fake, seed=1)), 16.0,
                      rtol=1e-5)
    # f(x) = ||x||^2 / 2: gradient x_hat, so the penalty is known given eps
    quad = lambda x, training=False: 0.5 * tf.reduce_sum(x ** 2, axis=1)  # noqa: E731
    eps = np.array([0.0, 1.0, 0.5], np.float32)
    r = np.array([[2.0, 0.0], [0.0, 3.0], [4.0, 0.0]], np.float32)
    f = np.zeros((3, 2), np.float32)
    x_hat = eps[:, None] * r  # eps * real + (1 - eps) * 0
    expected = np.mean((np.linalg.norm(x_hat, axis=1) - 1) ** 2)
    assert np.isclose(float(losses.gradient_penalty(quad, r, f, eps=eps)), expected)


def test_interpolation_eps_is_uniform_per_example():
    real = np.ones((4000, 3, 3, 1), np.float32)
    fake = np.zeros_like(real)
    x_hat = np.asarray(losses.interpolate_for_penalty(real, fake, seed=keras.random.SeedGenerator(0)))
    eps = x_hat[:, 0, 0, 0]
    assert np.all(x_hat == eps[:, None, None, None])  # one eps per example, shared by pixels
    assert eps.min() >= 0.0 and eps.max() <= 1.0        # a normal draw would leave [0, 1]
    assert abs(eps.mean() - 0.5) < 0.02 and abs(eps.var() - 1 / 12) < 0.01
    assert len(np.unique(eps)) > 3900


def test_unknown_loss_name():
    with pytest.raises(ValueError, match="hinge"):
        losses.get_gan_losses("hinge")


def test_distance_preservation_by_hand():
    # pairwise L1 distances (0,1), (0,2), (1,2): inputs [1, 3, 2], outputs [2, 3, 1]; each
    # standardized by its mean 2 and std sqrt(2/3): the mean absolute difference is sqrt(2/3)
    a = np.array([[0.0], [1.0], [3.0]], np.float32)
    b = np.array([[0.0], [2.0], [3.0]], np.float32)
    assert np.isclose(float(losses.distance_preservation_loss(a, b)), np.sqrt(2 / 3), rtol=1e-5)
    # isometries and rescalings cost nothing; swapping contents between samples does
    x = np.random.default_rng(0).uniform(-1, 1, (8, 5, 5, 3)).astype(np.float32)
    for same in (x[:, ::-1], np.rot90(x, 1, axes=(1, 2)), x[..., [2, 0, 1]], 0.3 * x - 0.2):
        assert float(losses.distance_preservation_loss(x, np.ascontiguousarray(same))) < 1e-5
    assert float(losses.distance_preservation_loss(x, np.roll(x, 1, axis=0))) > 0.3
