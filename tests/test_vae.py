"""VAE: the shared and density contracts (plain, IWAE-trained with a VampPrior, autoregressive
decoder), the ELBO by hand, KL checks, the IWAE bound ordering and training objective."""

import numpy as np
import pytest
import tensorflow as tf
import keras
import tensorflow_probability as tfp

import kerasgen
from contract import ContractTests, DensityContractTests

tfd = tfp.distributions


def raw_digits(n, seed=0):
    images, _ = kerasgen.data.load_digits_array("train", raw=True)
    return images[seed * n:(seed + 1) * n, :, :, None].astype("int32")


class TestVAEContract(ContractTests, DensityContractTests):
    exact_log_prob = False
    # k = 100, the exported signature's: a fresh model's first estimate in Python and the
    # exported signature's first call draw from the same seed-generator state, so the two agree
    # exactly (different k drew different samples: IWAE estimates of an untrained VAE scatter by
    # several nats, and a tolerance wide enough for that would pass a wrong signature)
    log_prob_kwargs = {"num_samples": 100}

    def make_model(self, seed=0):
        return kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=2, hidden_units=(16,), seed=seed)

    def make_x(self, batch_size, seed=0):
        return raw_digits(batch_size, seed)


class TestIWAEVampPriorContract(TestVAEContract):
    variant_of = "VAE"  # a configuration of VAE: the extended tier runs its family-wide items
    def make_model(self, seed=0):
        return kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=2, hidden_units=(16,),
                            iwae_samples=3, prior="vampprior", num_pseudo_inputs=4, seed=seed)

    def make_noise(self, model, batch_size, seed=0):
        rng = np.random.default_rng(seed + 100)
        return rng.normal(size=(batch_size, 3 * model.latent_dim)).astype("float32")


class TestAutoregressiveVAEContract(TestVAEContract):
    variant_of = "VAE"  # a configuration of VAE: the extended tier runs its family-wide items
    variant_keeps = ("test_export_reloads_in_fresh_process",)  # the decode signature runs the pixel loop
    def make_model(self, seed=0):
        return kerasgen.VAE(input_shape=(4, 4, 1), latent_dim=2, hidden_units=(8,),
                            autoregressive=True, ar_filters=4, ar_kernel_size=3, ar_layers=1,
                            seed=seed)

    def make_x(self, batch_size, seed=0):
        return np.random.default_rng(seed).integers(0, 17, (batch_size, 4, 4, 1)).astype(
            "float32")


class TestConvVAEContract(ContractTests):
    variant_of = "VAE"  # a configuration of VAE: the extended tier runs its family-wide items
    def make_model(self, seed=0):
        return kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=3, architecture="conv",
                            likelihood="normal", normal_scale=0.1, hidden_units=(16,), seed=seed)

    def make_x(self, batch_size, seed=0):
        return (raw_digits(batch_size, seed) / 8.0 - 1.0).astype("float32")


def _tiny_bernoulli_vae():
    enc = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    dec = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2), keras.layers.Reshape((2, 1))])
    enc.set_weights([np.array([[0.5, -1.0], [0.25, 0.5]], np.float32),
                     np.array([0.1, 0.2], np.float32)])
    dec.set_weights([np.array([[1.5, -0.5]], np.float32), np.array([0.0, 0.3], np.float32)])
    return kerasgen.VAE(input_shape=(2,), latent_dim=1, likelihood="bernoulli", encoder=enc,
                        decoder=dec)


def test_elbo_equals_hand_computation():
    vae = _tiny_bernoulli_vae()
    x = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    eps = np.array([[0.3], [-1.2]], np.float32)
    log_px, kl = vae.elbo_terms(x, eps)
    # by hand
    h = x @ np.array([[0.5, -1.0], [0.25, 0.5]]) + [0.1, 0.2]
    mu, sigma = h[:, :1], np.log1p(np.exp(h[:, 1:])) + 1e-4
    z = mu + sigma * eps
    logits = z @ np.array([[1.5, -0.5]]) + [0.0, 0.3]
    p = 1 / (1 + np.exp(-logits))
    expected_log_px = np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1)
    expected_kl = 0.5 * np.sum(sigma ** 2 + mu ** 2 - 1 - np.log(sigma ** 2), axis=1)
    np.testing.assert_allclose(log_px.numpy(), expected_log_px, rtol=1e-5)
    np.testing.assert_allclose(kl.numpy(), expected_kl, rtol=1e-5)
    # the training loss is the negative ELBO averaged over the batch
    vae.compile(optimizer=keras.optimizers.SGD(0.0))
    logs = vae.evaluate(tf.data.Dataset.from_tensors((x, eps)), return_dict=True, verbose=0)
    assert np.isclose(logs["loss"], np.mean(expected_kl - expected_log_px), rtol=1e-5)


@pytest.mark.slow  # 11 s of Monte Carlo; in the extended tier
def test_analytic_kl_matches_monte_carlo():
    q = tfd.MultivariateNormalDiag(loc=[0.5, -1.0, 2.0], scale_diag=[0.3, 1.5, 0.8])
    p = tfd.MultivariateNormalDiag(loc=[0.0, 0.0, 0.0], scale_diag=[1.0, 1.0, 1.0])
    z = q.sample(200_000, seed=1)
    log_ratio = (q.log_prob(z) - p.log_prob(z)).numpy()
    mc, se = log_ratio.mean(), log_ratio.std() / np.sqrt(len(log_ratio))
    analytic = float(tfd.kl_divergence(q, p))
    assert abs(mc - analytic) < 4 * se  # stated tolerance: 4 standard errors (se ~ 0.004)
    vae = kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=4, hidden_units=(16,), seed=0,
                       analytic_kl=False)
    x = raw_digits(64)
    exact = kerasgen.VAE.from_config(dict(vae.get_config(), analytic_kl=True))
    exact.set_weights(vae.get_weights())
    kl_mc = np.mean([vae.elbo_terms(x)[1].numpy().mean() for _ in range(200)])
    kl_exact = exact.elbo_terms(x)[1].numpy().mean()
    assert abs(kl_mc - kl_exact) < 0.05 * kl_exact + 0.02


def test_iwae_bound_ordering():
    vae = kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=4, hidden_units=(32,), seed=0)
    vae.compile()
    vae.fit(kerasgen.data.digits("train", raw=True, batch_size=100), epochs=2, verbose=0)
    x = raw_digits(50, seed=3)
    repeats = np.repeat(x, 40, axis=0)
    k1 = vae.log_likelihood(repeats, num_samples=1).mean()
    elbo = np.mean(vae.elbo(repeats))
    # k = 1 is a one-sample ELBO: same expectation (tolerance from the spread of the estimate)
    spread = np.std(vae.log_likelihood(repeats, num_samples=1)) / np.sqrt(len(repeats))
    assert abs(k1 - elbo) < 4 * spread + 0.1
    k100 = vae.log_likelihood(x, num_samples=100, chunk=30).mean()
    assert k100 >= elbo
    assert k100 >= vae.log_likelihood(x, num_samples=10).mean() - 0.05


def test_reparameterization_gives_encoder_gradients():
    vae = kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=2, hidden_units=(16,), seed=0)
    x = raw_digits(16)
    with tf.GradientTape() as tape:
        log_px, kl = vae.elbo_terms(x)
        loss = tf.reduce_mean(kl - log_px)
    grads = tape.gradient(loss, vae.encoder.trainable_variables)
    assert all(g is not None and float(tf.reduce_max(tf.abs(g))) > 0 for g in grads)


@pytest.mark.parametrize("kwargs,x", [
    (dict(likelihood="bernoulli"), lambda: (raw_digits(16) > 8).astype("float32")),
    (dict(likelihood="normal", normal_scale="learned"),
     lambda: (raw_digits(16) / 8.0 - 1).astype("float32")),
    (dict(likelihood="categorical", kl_warmup_steps=10, beta=0.5),
     lambda: raw_digits(16)),
])
def test_likelihoods_train(kwargs, x):
    vae = kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=2, hidden_units=(16,), **kwargs)
    vae.compile()
    history = vae.fit(tf.data.Dataset.from_tensors(x()).repeat(2), verbose=0)
    assert np.isfinite(history.history["loss"][0])
    lo, hi = vae.value_range
    samples = vae.generate(4, seed=0)
    assert samples.min() >= lo - 1e-6 or kwargs["likelihood"] == "normal"
    assert samples.max() <= hi + 1e-6 or kwargs["likelihood"] == "normal"


def test_pictures_and_verbs():
    vae = kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=2, hidden_units=(16,), seed=0)
    manifold = vae.latent_manifold(num_per_side=5)
    assert manifold.shape == (25, 8, 8, 1)
    x = raw_digits(2)
    assert vae.interpolate_images(x[0], x[1], steps=6).shape == (6, 8, 8, 1)
    assert vae.reconstruct(x).shape == (2, 8, 8, 1)
    assert isinstance(vae.encode(x), tfd.MultivariateNormalDiag)
    assert vae.decode(np.zeros((3, 2), np.float32)).event_shape == (8, 8, 1)


def test_bad_arguments():
    with pytest.raises(ValueError, match="likelihood"):
        kerasgen.VAE(likelihood="poisson")
    with pytest.raises(ValueError, match="num_levels"):
        kerasgen.VAE(num_levels=1)
    with pytest.raises(ValueError, match="decoder must output"):
        kerasgen.VAE(input_shape=(8, 8, 1), likelihood="bernoulli",
                     decoder=kerasgen.models.mlp_decoder(16, (8, 8, 1), 17))
    vae = kerasgen.VAE(latent_dim=2, hidden_units=(8,))
    with pytest.raises(ValueError, match="num_samples"):
        vae.log_likelihood(raw_digits(2), num_samples=0)


def test_iwae_training_loss_is_the_bound_by_hand():
    """With k fed draws, the loss is -log mean_i p(x|z_i) p(z_i) / q(z_i|x) per example."""
    vae = kerasgen.VAE(input_shape=(2,), latent_dim=1, likelihood="bernoulli",
                       iwae_samples=3, analytic_kl=False,
                       encoder=_tiny_bernoulli_vae().encoder, decoder=_tiny_bernoulli_vae().decoder)
    x = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    eps = np.array([[0.3, -0.5, 1.1], [-1.2, 0.4, 0.0]], np.float32)   # (batch, k * latent)
    vae.compile(optimizer=keras.optimizers.SGD(0.0))
    logs = vae.evaluate(tf.data.Dataset.from_tensors((x, eps)), return_dict=True, verbose=0)
    h = x @ np.array([[0.5, -1.0], [0.25, 0.5]]) + [0.1, 0.2]
    mu, sigma = h[:, :1], np.log1p(np.exp(h[:, 1:])) + 1e-4
    z = mu + sigma * eps                                                # (batch, k)
    logits = z[..., None] * np.array([1.5, -0.5]) + [0.0, 0.3]          # (batch, k, 2)
    p = 1 / (1 + np.exp(-logits))
    log_px = np.sum(x[:, None] * np.log(p) + (1 - x[:, None]) * np.log(1 - p), -1)
    log_pz = -0.5 * (z ** 2 + np.log(2 * np.pi))
    log_qz = -0.5 * (eps ** 2 + np.log(2 * np.pi)) - np.log(sigma)
    log_w = log_px + log_pz - log_qz
    bound = np.log(np.mean(np.exp(log_w), axis=1))
    assert np.isclose(logs["loss"], -bound.mean(), rtol=1e-5)


def test_vampprior_is_the_mixture_of_pseudo_input_posteriors():
    vae = kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=3, hidden_units=(16,),
                       prior="vampprior", num_pseudo_inputs=5, seed=0)
    z = np.random.default_rng(0).normal(size=(7, 3)).astype("float32")
    u = vae.pseudo_inputs_in_encoder_scale()
    q = vae._posterior_of_encoded(u)
    by_hand = np.log(np.mean(np.exp(q.log_prob(z[:, None]).numpy()), axis=1))
    np.testing.assert_allclose(vae.prior().log_prob(z).numpy(), by_hand, rtol=1e-5)
    assert "pseudo_inputs" in vae.networks()


def test_autoregressive_decoder_is_causal():
    """Changing pixel d changes the conditionals of pixels after d only."""
    vae = TestAutoregressiveVAEContract().make_model()
    x = np.random.default_rng(0).integers(0, 17, (1, 4, 4, 1)).astype("float32")
    z = np.zeros((1, 2), np.float32)
    before = vae.decoder_params(z, x).numpy().reshape(16, -1)
    x2 = x.copy()
    x2.reshape(-1)[6] = (x2.reshape(-1)[6] + 5) % 17
    after = vae.decoder_params(z, x2).numpy().reshape(16, -1)
    np.testing.assert_array_equal(before[:7], after[:7])
    assert not np.allclose(before[7:], after[7:])


def test_pixelcnn_decoder_is_causal_in_raster_order_and_samples_exactly():
    """The PixelVAE decoder: flipping pixel d changes the conditionals after d only (across
    rows, which a causal 1-D kernel shorter than a row cannot see), and sampling draws from
    the same conditionals that log p(x|z) scores (teacher forcing of a drawn sample)."""
    vae = kerasgen.VAE(input_shape=(6, 6, 1), latent_dim=3, likelihood="bernoulli",
                       architecture="conv", hidden_units=(8,), autoregressive=True,
                       ar_network="pixelcnn", ar_filters=8, ar_layers=2, ar_kernel_size=5,
                       seed=0)
    x = (np.random.default_rng(0).random((1, 6, 6, 1)) > 0.5).astype("float32")
    z = np.ones((1, 3), np.float32)
    before = vae.decoder_params(z, x).numpy().reshape(36)
    for d in (0, 7, 20):
        x2 = x.copy()
        x2.reshape(-1)[d] = 1 - x2.reshape(-1)[d]
        after = vae.decoder_params(z, x2).numpy().reshape(36)
        np.testing.assert_array_equal(before[:d + 1], after[:d + 1])
        assert not np.allclose(before[d + 7:], after[d + 7:])  # the next row sees it
    # a sample drawn with uniforms u has pixel d = [u_d < sigmoid(logit_d | sample_<d, z)]
    u = np.random.default_rng(1).random((1, 6, 6, 1)).astype("float32")
    drawn = vae._autoregressive_decode(z, u).numpy()
    p = 1 / (1 + np.exp(-vae.decoder_params(z, drawn).numpy()[..., 0]))
    np.testing.assert_array_equal(drawn, (u < p).astype("float32"))
    # generate: the same drawing with the uniforms of the fixed seed [0, 0] (not argmax pixels)
    fixed = tf.random.stateless_uniform((1, 6, 6, 1), seed=[0, 0]).numpy()
    np.testing.assert_array_equal(vae.generate_from_latents(z).numpy(),
                                  vae._autoregressive_decode(z, fixed).numpy())
    with pytest.raises(ValueError, match="ar_network.*'causal_1d', 'pixelcnn'"):
        kerasgen.VAE(input_shape=(6, 6, 1), autoregressive=True, ar_network="pixelrnn")


def test_log_prob_is_float64_and_shows_progress_when_it_is_long(capsys):
    model = kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=2, hidden_units=(16,), seed=0)
    x = raw_digits(4)
    quick = model.log_prob(x, num_samples=10)  # 40 weights: no progress bar
    assert quick.dtype == np.float64 and capsys.readouterr().out == ""
    model.log_prob(x, num_samples=10, batch_size=2, verbose=1)
    shown = capsys.readouterr().out
    assert "4/4" in shown and "example" in shown
    assert model.PROGRESS_THRESHOLD == 50_000  # 50 digits at the default k = 1000
    assert "0.4 s per digit" in kerasgen.VAE.log_prob.__doc__


def test_evaluation_progress_bar_follows_verbose(capsys):
    from kerasgen import evaluation

    model = kerasgen.VAE(input_shape=(8, 8, 1), latent_dim=2, hidden_units=(16,), seed=0)
    spec = {"kind": "log_likelihood", "num_samples": 120}  # 447 x 120 weights: above threshold
    evaluation.evaluate(model, spec, verbose=0)  # train --verbose=0: nothing but its lines
    assert capsys.readouterr().out == ""
    evaluation.evaluate(model, spec)
    assert "447/447" in capsys.readouterr().out
