"""NADE: the contracts (categorical, Bernoulli, an ensemble over orderings), log p(x) by the chain
rule computed by hand, and ancestral sampling frequencies."""

import itertools

import numpy as np
import pytest
import tensorflow as tf

import kerasgen
from contract import ContractTests, DensityContractTests


def raw_digits(n, seed=0):
    images, _ = kerasgen.data.load_digits_array("train", raw=True)
    return images[seed * n:(seed + 1) * n, :, :, None].astype("float32")


class TestNADEContract(ContractTests, DensityContractTests):
    def make_model(self, seed=0):
        return kerasgen.NADE(sample_shape=(8, 8, 1), num_levels=17, hidden_units=8, seed=seed)

    def make_x(self, batch_size, seed=0):
        return raw_digits(batch_size, seed)

    def serving_inputs(self, model):  # serving_default is the log_prob signature
        return {"x": self.make_x(3)}

    def make_tiny_model(self):
        return kerasgen.NADE(sample_shape=(3,), num_levels=3, hidden_units=4, seed=0), 3, (3,)


class TestBinaryNADEEnsembleContract(ContractTests, DensityContractTests):
    variant_of = "NADE"  # a configuration of NADE: the extended tier runs its family-wide items
    def make_model(self, seed=0):
        return kerasgen.NADE(sample_shape=(6,), num_levels=2, conditional="bernoulli",
                             hidden_units=5, num_orderings=3, seed=seed)

    def make_x(self, batch_size, seed=0):
        return (np.random.default_rng(seed).random((batch_size, 6)) < 0.4).astype("float32")

    def serving_inputs(self, model):
        return {"x": self.make_x(3)}

    def make_tiny_model(self):
        return kerasgen.NADE(sample_shape=(2, 2), num_levels=2, conditional="bernoulli",
                             hidden_units=3, num_orderings=2, ordering="random", seed=1), 2, (2, 2)


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def test_log_prob_is_the_chain_rule_by_hand():
    model = kerasgen.NADE(sample_shape=(3,), num_levels=3, hidden_units=2,
                          ordering=[[2, 0, 1]], seed=0)
    layer = model.nade_layer
    rng = np.random.default_rng(1)
    w, c = rng.normal(size=(3, 3, 2)), rng.normal(size=2)
    v, b = rng.normal(size=(3, 2, 3)), rng.normal(size=(3, 3))
    layer.w.assign(w[None].astype("float32"))
    layer.c.assign(c[None].astype("float32"))
    layer.v.assign(v[None].astype("float32"))
    layer.b.assign(b[None].astype("float32"))
    x = np.array([[1, 2, 0], [0, 0, 2]])
    expected = []
    for row in x:
        a, total = c.copy(), 0.0
        for dim in (2, 0, 1):  # the ordering
            logits = b[dim] + _sigmoid(a) @ v[dim]
            total += logits[row[dim]] - np.log(np.exp(logits).sum())
            a = a + w[dim, row[dim]]
        expected.append(total)
    np.testing.assert_allclose(model.log_prob(x.astype("float32")), expected, rtol=1e-5)


def test_ensemble_is_the_mean_of_its_members():
    model = kerasgen.NADE(sample_shape=(4,), num_levels=3, hidden_units=3, num_orderings=3,
                          ordering="random", seed=2)
    x = np.array(list(itertools.product(range(3), repeat=4))[:20], "float32")
    members = model.member_log_probs(tf.constant(x)).numpy()       # (n, E)
    np.testing.assert_allclose(model.log_prob(x), np.log(np.exp(members).mean(1)), rtol=1e-5)
    assert len({tuple(row) for row in model.order.tolist()}) == 3


def test_ancestral_sampling_matches_the_probabilities():
    model, _, _ = TestNADEContract().make_tiny_model()
    rng = np.random.default_rng(4)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    samples = model.sample(20000, seed=0).astype(int)
    freq = np.bincount(samples @ np.array([9, 3, 1]), minlength=27) / len(samples)
    configurations = np.array(list(itertools.product(range(3), repeat=3)), "float32")
    np.testing.assert_allclose(freq, np.exp(model.log_prob(configurations)), atol=0.01)


def test_training_lowers_held_out_nll():
    model = kerasgen.NADE(hidden_units=32, seed=0)
    model.compile()
    val = kerasgen.data.load_digits_array("val")[0][..., None]
    before = -model.log_prob(val).mean()
    model.fit(kerasgen.data.digits("train", raw=True, batch_size=100), epochs=3, verbose=0)
    after = -model.log_prob(val).mean()
    assert after < before - 20, (before, after)


def test_bad_arguments_name_the_culprit():
    with pytest.raises(ValueError, match="num_levels"):
        kerasgen.NADE(conditional="bernoulli", num_levels=17)
    with pytest.raises(ValueError, match="conditional"):
        kerasgen.NADE(conditional="gaussian")
    with pytest.raises(ValueError, match="ordering"):
        kerasgen.NADE(sample_shape=(3,), ordering=[[0, 0, 1]])
    with pytest.raises(ValueError, match="hidden_units"):
        kerasgen.NADE(hidden_units=0)


def test_logistic_mixture_levels_are_the_quantized_logistic_masses_by_hand():
    """One conditional's level probabilities: mixture weights softmax(logits), each component's
    mass on (k - 1/2, k + 1/2], level 0 taking everything below 1/2 and level K-1 everything
    above K - 3/2, so they sum to 1."""
    from kerasgen.models.nade import logistic_mixture_log_probs

    logits, loc, raw = np.array([0.3, -1.0]), np.array([2.2, 0.4]), np.array([0.1, -0.7])
    scale = np.log1p(np.exp(raw)) + 0.01
    cdf = lambda t: 1 / (1 + np.exp(-(t - loc) / scale))  # noqa: E731
    mass = np.stack([cdf(0.5)] + [cdf(k + 0.5) - cdf(k - 0.5) for k in (1, 2)]
                    + [1 - cdf(2.5)])                                  # (K=4, M=2)
    expected = np.log(mass @ (np.exp(logits) / np.exp(logits).sum()))
    params = np.concatenate([logits, loc, raw]).astype("float32")
    got = logistic_mixture_log_probs(params[None], 4).numpy()[0]
    np.testing.assert_allclose(got, expected, rtol=1e-4)
    np.testing.assert_allclose(np.exp(got).sum(), 1.0, rtol=1e-5)


def test_tied_symmetric_orderings_are_one_nade_read_from_every_corner():
    """ordering="symmetries": member e reads the image in raster order after the e-th symmetry
    of the square; tied members share one weight set; the mixture is normalized over every
    image, each member is the same NADE with the chain rule taken in its order, and "sampled"
    training updates from one member per step."""
    model = kerasgen.NADE(sample_shape=(2, 2, 1), num_levels=3, hidden_units=4,
                          conditional="logistic_mixture", num_components=2, num_orderings=8,
                          ordering="symmetries", tied_orderings=True,
                          ensemble_training="sampled", seed=0)
    # (row, col) -> dim 2 row + col; e.g. the left-right flip reads 1, 0, 3, 2
    assert model.order.tolist()[:2] == [[0, 1, 2, 3], [1, 0, 3, 2]]
    assert model.order.tolist()[4] == [0, 2, 1, 3]  # the transpose: along columns
    assert model.nade_layer.w.shape[0] == 1
    images = np.array(list(itertools.product(range(3), repeat=4)), "float32").reshape(
        -1, 2, 2, 1)
    np.testing.assert_allclose(np.exp(model.log_prob(images)).sum(), 1.0, rtol=1e-5)
    # member 1 of the tied model = an untied one-member NADE in that order with the weights
    single = kerasgen.NADE(sample_shape=(2, 2, 1), num_levels=3, hidden_units=4,
                           conditional="logistic_mixture", num_components=2,
                           ordering=[model.order[1].tolist()], seed=0)
    single.set_weights(model.get_weights())
    members = model.member_log_probs(tf.constant(images)).numpy()
    np.testing.assert_allclose(members[:, 1], single.log_prob(images), rtol=1e-5)
    assert not np.allclose(members[:, 0], members[:, 1])
    model.compile()
    logs = model.train_on_batch(images[:20], return_dict=True)
    assert np.isfinite(logs["loss"])
    with pytest.raises(ValueError, match="num_orderings.*8"):
        kerasgen.NADE(sample_shape=(2, 3, 1), num_orderings=8, ordering="symmetries")
    with pytest.raises(ValueError, match="ensemble_training.*'sampled'"):
        kerasgen.NADE(ensemble_training="bagging")
