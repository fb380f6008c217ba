"""MixtureModel: the contracts (EM and gradient), EM by hand, EM's monotone likelihood, the
stepwise-EM and prior options, sampling frequencies."""

import numpy as np
import pytest
import tensorflow as tf
from scipy.special import logsumexp

import kerasgen
from contract import ContractTests, DensityContractTests


def raw_digits(n, seed=0):
    images, _ = kerasgen.data.load_digits_array("train", raw=True)
    return images[seed * n:(seed + 1) * n, :, :, None].astype("float32")


class TestMixtureEMContract(ContractTests, DensityContractTests):
    follows_mixed_policy = False
    trains_by_gradient = False

    def make_model(self, seed=0):
        return kerasgen.MixtureModel(sample_shape=(8, 8, 1), num_components=3,
                                     prior_strength=0.01, seed=seed)

    def make_x(self, batch_size, seed=0):
        return raw_digits(batch_size, seed)

    def serving_inputs(self, model):  # serving_default is the log_prob signature
        return {"x": self.make_x(3)}

    def make_tiny_model(self):
        return kerasgen.MixtureModel(sample_shape=(3,), num_components=2, num_levels=3,
                                     seed=0), 3, (3,)


class TestMixtureGradientContract(ContractTests, DensityContractTests):
    variant_of = "MixtureModel"  # a configuration of MixtureModel: the extended tier runs its family-wide items
    follows_mixed_policy = False

    def make_model(self, seed=0):
        return kerasgen.MixtureModel(sample_shape=(4,), num_components=2,
                                     distribution="bernoulli", fit_method="gradient",
                                     prior_strength=0.1, seed=seed)

    def make_x(self, batch_size, seed=0):
        return (np.random.default_rng(seed).random((batch_size, 4)) < 0.3).astype("float32")

    def serving_inputs(self, model):
        return {"x": self.make_x(3)}

    def make_tiny_model(self):
        return kerasgen.MixtureModel(sample_shape=(2, 2), num_components=3,
                                     distribution="bernoulli", seed=0), 2, (2, 2)


class TestGaussianMixtureContract(ContractTests, DensityContractTests):
    variant_of = "MixtureModel"  # a configuration of MixtureModel: the extended tier runs its family-wide items
    follows_mixed_policy = False
    trains_by_gradient = False
    exact_log_prob = False  # a density: checked against the closed form below instead

    def make_model(self, seed=0):
        return kerasgen.MixtureModel(sample_shape=(2,), num_components=3, distribution="normal",
                                     seed=seed)

    def make_x(self, batch_size, seed=0):
        return kerasgen.data.toy_samples("ring8", batch_size, seed=seed).astype("float32")

    def serving_inputs(self, model):
        return {"x": self.make_x(3)}


def _categorical_log_p(x, pi, theta):
    """log p(x) of a mixture of independent categoricals, by hand. x (n, D) ints."""
    comp = np.log(pi)[None] + np.log(theta[:, np.arange(x.shape[1]), x]).sum(-1).T  # (n, C)
    return logsumexp(comp, axis=1), comp


def test_em_step_equals_hand_computation():
    model = kerasgen.MixtureModel(sample_shape=(3,), num_components=2, num_levels=3,
                                  prior_strength=0.5, seed=1)
    layer = model.params_layer
    pi = np.array([0.3, 0.7])
    theta = np.random.default_rng(0).dirichlet(np.ones(3), size=(2, 3))  # (C, D, K)
    layer.mixture_logits.assign(np.log(pi).astype("float32"))
    layer.logits.assign(np.log(theta).astype("float32"))
    x = np.array([[0, 1, 2], [2, 2, 0], [1, 0, 0], [0, 0, 1]])
    log_p, comp = _categorical_log_p(x, pi, theta)
    np.testing.assert_allclose(model.log_prob(x.astype("float32")), log_p, rtol=1e-5)
    # E-step, then the M-step with the prior centred on the pooled marginal
    resp = np.exp(comp - log_p[:, None])
    onehot = np.eye(3)[x]                                       # (n, D, K)
    counts = np.einsum("nc,ndk->cdk", resp, onehot) / len(x)
    pooled = np.einsum("c,cdk->dk", pi, theta)
    expected = counts + 0.5 * pooled[None]
    expected /= expected.sum(-1, keepdims=True)
    model.compile()
    model.fit(tf.data.Dataset.from_tensors(x.astype("float32")), epochs=1, verbose=0)
    np.testing.assert_allclose(tf.nn.softmax(layer.logits, -1).numpy(), expected, atol=1e-5)
    np.testing.assert_allclose(tf.nn.softmax(layer.mixture_logits).numpy(),
                               resp.mean(0), atol=1e-5)
    assert int(model.optimizer.iterations.numpy()) == 1


@pytest.mark.parametrize("distribution", ["categorical", "bernoulli", "normal"])
def test_full_batch_em_never_lowers_the_training_likelihood(distribution):
    if distribution == "normal":
        x = kerasgen.data.toy_samples("grid25", 300, seed=0).astype("float32") / 4
    elif distribution == "bernoulli":
        x = (raw_digits(200) > 8).astype("float32")
    else:
        x = raw_digits(200)
    model = kerasgen.MixtureModel(sample_shape=x.shape[1:], num_components=4,
                                  distribution=distribution, seed=0)
    model.compile()
    history = model.fit(tf.data.Dataset.from_tensors(x).repeat(), steps_per_epoch=1,
                        epochs=12, verbose=0)
    losses = np.array(history.history["loss"])  # the NLL before each step
    assert np.all(np.diff(losses) <= 1e-3 * np.abs(losses[1:]) + 1e-4), losses
    assert losses[-1] < losses[0]


def test_gaussian_log_prob_is_the_closed_form():
    model = TestGaussianMixtureContract().make_model()
    layer = model.params_layer
    x = kerasgen.data.toy_samples("ring8", 10, seed=1).astype("float32")
    pi = tf.nn.softmax(layer.mixture_logits).numpy()
    loc, scale = layer.loc.numpy(), layer.scale().numpy()
    comp = (np.log(pi)[None] - 0.5 * (((x[:, None] - loc[None]) / scale[None]) ** 2
                                      + np.log(2 * np.pi * scale[None] ** 2)).sum(-1))
    np.testing.assert_allclose(model.log_prob(x), logsumexp(comp, 1), rtol=1e-5)


def test_stepwise_em_and_prior_fit_the_digits():
    train, val = raw_digits(1000), kerasgen.data.load_digits_array("val")[0][..., None]
    scores = {}
    for name, kwargs, batch in [("ml", {}, 1000), ("prior", {"prior_strength": 0.02}, 1000),
                                ("stepwise", {"prior_strength": 0.02, "em_step_exponent": 0.7},
                                 250)]:
        model = kerasgen.MixtureModel(num_components=10, seed=0, **kwargs)
        model.compile()
        model.fit(kerasgen.data.from_numpy(train, batch_size=batch, seed=0, repeat=True),
                  steps_per_epoch=30, epochs=1, verbose=0)
        scores[name] = -model.log_prob(val).mean()
    # the prior keeps rare levels from zero probability: far better on held-out digits
    assert scores["prior"] < scores["ml"] - 3, scores
    assert scores["stepwise"] < scores["prior"] + 3, scores


def test_sampling_frequencies_match_the_probabilities():
    model, _, _ = TestMixtureEMContract().make_tiny_model()
    rng = np.random.default_rng(5)
    model.params_layer.logits.assign(rng.normal(size=(2, 3, 3)).astype("float32"))
    samples = model.sample(20000, seed=0).astype(int)
    configs = samples @ np.array([9, 3, 1])
    freq = np.bincount(configs, minlength=27) / len(samples)
    all_x = np.array(np.unravel_index(np.arange(27), (3, 3, 3))).T.astype("float32")
    np.testing.assert_allclose(freq, np.exp(model.log_prob(all_x)), atol=0.01)


def test_bad_arguments_name_the_culprit():
    with pytest.raises(ValueError, match="distribution"):
        kerasgen.MixtureModel(distribution="poisson")
    with pytest.raises(ValueError, match="fit_method"):
        kerasgen.MixtureModel(fit_method="sgd")
    with pytest.raises(ValueError, match="num_components"):
        kerasgen.MixtureModel(num_components=0)
    with pytest.raises(ValueError, match="prior_strength"):
        kerasgen.MixtureModel(prior_strength=-1)
    model = kerasgen.MixtureModel(num_components=2)
    model.compile()
    bad = kerasgen.data.from_numpy(np.full((4, 8, 8, 1), 20.0, "float32"), batch_size=4)
    with pytest.raises(Exception, match="above 16"):
        model.fit(bad, epochs=1, verbose=0)
