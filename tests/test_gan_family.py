"""DCGAN, WGAN, WGAN-GP and the generator EMA: the shared contract plus family specifics."""

import contextlib

import numpy as np
import pytest
import tensorflow as tf
import keras

import kerasgen
from contract import ContractTests, two_replica_strategy


def _digits(batch_size, seed, size):
    images, _ = kerasgen.data.load_digits_array("train", raw=False)
    x = images[seed * batch_size:(seed + 1) * batch_size, :, :, None]
    if size != 8:
        x = tf.image.resize(x, (size, size)).numpy()
    return x.astype("float32")


class TestDCGANContract(ContractTests):
    """16 px, no batch norm here so the strategy step can equal the single-device step
    (batch statistics are per replica); batch norm is covered by the tests below."""

    def make_model(self, seed=0):
        return kerasgen.DCGAN(image_size=16, channels=1, latent_dim=8, base_filters=8,
                              batch_norm=False, seed=seed)

    def make_x(self, batch_size, seed=0):
        return _digits(batch_size, seed, 16)


class TestWGANContract(ContractTests):
    def make_model(self, seed=0):
        # one critic iteration per generator iteration, so two steps move both networks
        return kerasgen.WGAN(latent_dim=3, sample_shape=(2,), hidden_units=(16, 16), n_critic=1,
                             warmup_schedule=False, seed=seed)

    def make_x(self, batch_size, seed=0):
        return kerasgen.data.toy_samples("grid25", batch_size, seed=seed)


class TestWGANGPContract(ContractTests):
    def make_model(self, seed=0):
        return kerasgen.WGANGP(latent_dim=3, sample_shape=(2,), hidden_units=(16, 16), n_critic=1,
                               seed=seed)

    def make_x(self, batch_size, seed=0):
        return kerasgen.data.toy_samples("grid25", batch_size, seed=seed)

    def make_noise(self, model, batch_size, seed=0):
        rng = np.random.default_rng(seed + 100)
        return {"z": rng.normal(size=(batch_size, model.latent_dim)).astype("float32"),
                "eps": rng.uniform(size=(batch_size,)).astype("float32")}


class TestGANWithEMAContract(ContractTests):
    variant_of = "GAN"  # a configuration of GAN: the extended tier runs its family-wide items
    variant_keeps = ("test_export_reloads_in_fresh_process",)  # the export serves the EMA generator
    def make_model(self, seed=0):
        return kerasgen.GAN(latent_dim=3, sample_shape=(2,), hidden_units=(16,), ema=0.9,
                            seed=seed)

    def make_x(self, batch_size, seed=0):
        return kerasgen.data.toy_samples("ring8", batch_size, seed=seed)


# ------------------------------------------------------------------------------ DCGAN
@pytest.mark.parametrize("size", [16, 32, 64, 128])
def test_dcgan_builders_follow_the_guidelines(size):
    g = kerasgen.models.dcgan_generator(100, size, 3)
    d = kerasgen.models.dcgan_discriminator(size, 3)
    assert g.output_shape == (None, size, size, 3) and d.output_shape == (None, 1)
    g_types = [type(l).__name__ for l in g.layers]
    d_layers = [l for l in d.layers if l.weights or isinstance(l, keras.layers.LeakyReLU)]
    assert "Conv2DTranspose" in g_types and "Conv2D" not in g_types
    assert g.layers[-1].get_config()["activation"] == "tanh"
    assert g.layers[-2].name == "to_image"  # no batch norm after the output convolution
    convs = [l for l in d.layers if isinstance(l, keras.layers.Conv2D)]
    assert all(l.strides == (2, 2) for l in convs)
    assert isinstance(d_layers[1], keras.layers.LeakyReLU)  # input conv -> LeakyReLU, no BN
    assert all(np.isclose(l.negative_slope, 0.2) for l in d.layers
               if isinstance(l, keras.layers.LeakyReLU))
    assert not any(isinstance(l, keras.layers.MaxPooling2D) for l in d.layers)
    kernel = g.get_layer("project").kernel.numpy()
    assert abs(kernel.std() - 0.02) < 0.002 and abs(kernel.mean()) < 0.002
    with pytest.raises(ValueError, match="image_size"):
        kerasgen.models.dcgan_generator(100, 48, 3)


def test_dcgan_with_batch_norm_trains_under_the_strategy():
    with two_replica_strategy().scope():
        model = kerasgen.DCGAN(image_size=16, channels=1, latent_dim=8, base_filters=8)
        model.compile()
    data = tf.data.Dataset.from_tensor_slices(_digits(16, 0, 16)).batch(8)
    history = model.fit(data, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])
    defaults = kerasgen.DCGAN(image_size=16, channels=1)
    defaults.compile()
    assert np.isclose(float(defaults.d_optimizer.learning_rate), 2e-4)
    assert np.isclose(defaults.g_optimizer.beta_1, 0.5)


def sample_of(model, z):
    return model.generate_from_latents(np.asarray(z, np.float32)[None]).numpy()[0]


def test_interpolation_and_latent_arithmetic():
    model = kerasgen.DCGAN(image_size=16, channels=1, latent_dim=8, base_filters=8)
    z0, z1 = np.zeros(8, np.float32), np.ones(8, np.float32)
    path = model.interpolate_latents(z0, z1, steps=5)
    assert path.shape == (5, 16, 16, 1)
    np.testing.assert_allclose(path[0], sample_of(model, z0), atol=1e-5)
    np.testing.assert_allclose(path[-1], sample_of(model, z1), atol=1e-5)
    slerp = model.interpolate_latents(z0 + 1, z1 * 2, steps=3, spherical=True)
    assert slerp.shape == (3, 16, 16, 1)
    z, sample = model.latent_arithmetic([z1, z1], [z0], base=[z1])
    np.testing.assert_allclose(z, 2 * z1)
    np.testing.assert_allclose(sample, sample_of(model, 2 * z1), atol=1e-5)
    with pytest.raises(ValueError, match="z0"):
        model.interpolate_latents(np.zeros(3), z1)


# ------------------------------------------------------------------------------ WGAN
def test_wgan_clips_critic_weights_and_tracks_w_estimate():
    model = kerasgen.WGAN(latent_dim=2, sample_shape=(2,), hidden_units=(16,),
                          warmup_schedule=False)
    model.compile(d_optimizer=keras.optimizers.RMSprop(0.5))  # big steps: clipping must bite
    history = model.fit(kerasgen.data.toy("ring8", 32), steps_per_epoch=5, verbose=0)
    for w in model.discriminator.trainable_variables:
        assert np.abs(w.numpy()).max() <= 0.01 + 1e-7
    assert "w_estimate" in history.history
    assert int(model.d_optimizer.iterations.numpy()) == 5
    assert int(model.g_optimizer.iterations.numpy()) == 1  # after the 5th critic iteration
    defaults = kerasgen.WGAN(latent_dim=2, sample_shape=(2,))
    defaults.compile()
    assert type(defaults.d_optimizer).__name__ == "RMSprop"
    assert np.isclose(float(defaults.d_optimizer.learning_rate), 5e-5)


def test_wgan_reference_critic_schedule():
    model = kerasgen.WGAN(latent_dim=2, sample_shape=(2,))
    counts = [model.critic_iterations(g) for g in range(1002)]
    assert counts[:25] == [100] * 25 and counts[25:30] == [5] * 5
    assert counts[500] == 100 and counts[1000] == 100 and counts[501] == 5
    model.compile()
    model.fit(kerasgen.data.toy("ring8", 8), steps_per_epoch=205, verbose=0)
    assert int(model.g_optimizer.iterations.numpy()) == 2  # 100 + 100 critic steps, then 2 G
    gp = kerasgen.WGANGP(latent_dim=2, sample_shape=(2,))
    assert [gp.critic_iterations(g) for g in (0, 24, 500)] == [5, 5, 5]


def test_wgangp_defaults_and_penalty_metric():
    model = kerasgen.WGANGP(latent_dim=2, sample_shape=(2,), hidden_units=(16,))
    assert not any(isinstance(l, keras.layers.BatchNormalization)
                   for l in model.discriminator.layers)
    model.compile()
    assert np.isclose(float(model.d_optimizer.learning_rate), 1e-4)
    assert model.d_optimizer.beta_1 == 0.0 and np.isclose(model.d_optimizer.beta_2, 0.9)
    history = model.fit(kerasgen.data.toy("ring8", 32), steps_per_epoch=5, verbose=0)
    assert history.history["gradient_penalty"][0] > 0
    dc = kerasgen.WGANGP(architecture="dcgan", image_size=16, channels=1, base_filters=8,
                         latent_dim=8)
    assert not any(isinstance(l, keras.layers.BatchNormalization)
                   for l in dc.discriminator.layers)


def test_ema_generator_is_an_average_used_for_sampling():
    model = kerasgen.GAN(latent_dim=2, sample_shape=(2,), hidden_units=(8,), ema=0.5)
    model.compile(g_optimizer=keras.optimizers.SGD(0.5))
    before = [w.numpy() for w in model.generator.weights]
    model.fit(kerasgen.data.toy("ring8", 16), steps_per_epoch=1, verbose=0)
    after = [w.numpy() for w in model.generator.weights]
    decay = min(0.5, (1 + 1) / (10 + 1))  # warm-up after the first generator update: 2/11
    for ema_w, b, a in zip(model.ema_generator.weights, before, after):
        np.testing.assert_allclose(ema_w.numpy(), decay * b + (1 - decay) * a, atol=1e-6)
    model.g_optimizer.iterations.assign(1000)
    assert np.isclose(float(model.ema_decay()), 0.5)  # the configured decay once warmed up
    z = np.ones((1, 2), np.float32)
    np.testing.assert_allclose(sample_of(model, z[0]), model.ema_generator(z).numpy()[0],
                               atol=1e-6)
    with pytest.raises(ValueError, match="ema"):
        kerasgen.GAN(latent_dim=2, sample_shape=(2,), ema=1.5)


# ------------------------------------------------------------------------------ k-step schedules
def _toy_steps(model, num_steps, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_steps, 16, 2)).astype("float32")
    z = rng.normal(size=(num_steps, 16, model.latent_dim)).astype("float32")
    return tf.data.Dataset.from_tensor_slices((x, z))


@pytest.mark.parametrize("per_execution", [3, 4, 5])
@pytest.mark.parametrize("mirrored", [False, True])
def test_critic_schedule_is_exact_with_steps_per_execution(per_execution, mirrored):
    """n_critic=3 with 3, 4 or 5 steps per execution: phase sequences that differ between calls,
    single device or two replicas; the updates equal the one-step-at-a-time schedule."""
    def make():
        return kerasgen.WGAN(latent_dim=2, sample_shape=(2,), hidden_units=(8,), n_critic=3,
                             warmup_schedule=False, seed=0)

    reference = make()
    reference.compile(d_optimizer=keras.optimizers.SGD(0.01),
                      g_optimizer=keras.optimizers.SGD(0.01))
    initial = reference.get_weights()
    reference.fit(_toy_steps(reference, 12), epochs=1, verbose=0)
    scope = two_replica_strategy().scope() if mirrored else contextlib.nullcontext()
    with scope:
        model = make()
        model.compile(d_optimizer=keras.optimizers.SGD(0.01),
                      g_optimizer=keras.optimizers.SGD(0.01), steps_per_execution=per_execution)
    model.set_weights(initial)
    steps = 12 if 12 % per_execution == 0 else 10
    model.fit(_toy_steps(model, 12).repeat(), steps_per_epoch=steps, epochs=1, verbose=0)
    assert int(model.d_optimizer.iterations.numpy()) == steps
    assert int(model.g_optimizer.iterations.numpy()) == steps // 3
    if steps == 12:
        for a, b in zip(reference.get_weights(), model.get_weights()):
            np.testing.assert_allclose(b, a, atol=1e-6)
