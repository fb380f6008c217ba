"""GSN: the contract, the chain's stationary distribution on a 1-D two-mode mixture (against the
transition matrix computed by quadrature, and against the data), walkback's loss by hand, and
the sampler's options."""

import numpy as np
import pytest
import tensorflow as tf

import kerasgen
from contract import ContractTests


def raw_digits(n, seed=0):
    images, _ = kerasgen.data.load_digits_array("train", raw=True)
    return images[seed * n:(seed + 1) * n, :, :, None].astype("float32")


class TestGSNContract(ContractTests):
    def make_model(self, seed=0):
        return kerasgen.models.GSN(sample_shape=(8, 8, 1), num_levels=17, hidden_units=(16,),
                                   num_walkback=2, burn_in=3, seed=seed)

    def make_x(self, batch_size, seed=0):
        return raw_digits(batch_size, seed)

    def make_noise(self, model, batch_size, seed=0):  # corruption and walkback draws
        rng = np.random.default_rng(seed + 100)
        noise = rng.uniform(size=(batch_size, model.num_walkback, 4, model.event_size))
        noise[:, :, 0] = rng.normal(size=noise[:, :, 0].shape)
        return noise.astype("float32")

    def serving_inputs(self, model):
        return {"x0": self.make_x(3), "seed": np.array([5, 6], np.int32)}


# a 1-D distribution over 12 levels with two separated modes
LEVELS = 12
TARGET = np.array([1, 4, 8, 4, 1, 0.2, 0.2, 1, 3, 6, 3, 1])
TARGET = TARGET / TARGET.sum()


@pytest.fixture(scope="module")
def mixture_gsn():
    rng = np.random.default_rng(0)
    data = rng.choice(LEVELS, size=20000, p=TARGET).astype("float32")[:, None]
    model = kerasgen.models.GSN(sample_shape=(1,), num_levels=LEVELS, hidden_units=(32, 32),
                                noise_std=0.4, burn_in=40, seed=0)
    model.compile(steps_per_execution=50)
    model.fit(tf.data.Dataset.from_tensor_slices(data).shuffle(20000, seed=0).batch(200)
              .repeat(), steps_per_epoch=600, epochs=1, verbose=0)
    return model


def transition_matrix(model, nodes=80):
    """T[x, x'] = E_eps P(x' | x~ = s(x) + sigma eps), by Gauss-Hermite quadrature."""
    t, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    rows = []
    for x in range(LEVELS):
        corrupted = model.to_unit_scale(float(x)).numpy() + model.noise_std * t
        logits = model.reconstruction_logits(tf.constant(corrupted[:, None], tf.float32))
        rows.append(w @ tf.nn.softmax(logits[:, 0], axis=-1).numpy().astype(np.float64))
    return np.array(rows)


def test_chain_samples_its_stationary_distribution_which_is_the_data(mixture_gsn):
    T = transition_matrix(mixture_gsn)
    np.testing.assert_allclose(T.sum(1), 1.0, atol=1e-5)
    eigenvalues, vectors = np.linalg.eig(T.T)
    stationary = np.real(vectors[:, np.argmax(np.real(eigenvalues))])
    stationary /= stationary.sum()
    # 4000 chains from uniform levels, 40 burn-in steps, then 5 states 3 steps apart
    draws = mixture_gsn.chain(num_chains=4000, num_samples=5, seed=0, thinning=3).astype(int)
    freq = np.bincount(draws.ravel(), minlength=LEVELS) / draws.size
    assert 0.5 * np.abs(freq - stationary).sum() < 0.02      # the sampler runs that chain
    assert 0.5 * np.abs(stationary - TARGET).sum() < 0.08    # whose stationary law is the data
    assert freq[:5].sum() > 0.3 and freq[7:].sum() > 0.3     # both modes visited


def test_walkback_loss_by_hand():
    model = kerasgen.models.GSN(sample_shape=(3,), num_levels=4, hidden_units=(5,),
                                noise_std=0.7, salt_pepper=0.2, num_walkback=2, seed=1)
    x = np.array([[0, 3, 1], [2, 2, 0]], "float32")
    noise = np.random.default_rng(2).uniform(size=(2, 2, 4, 3)).astype("float32")
    noise[:, :, 0] = np.random.default_rng(3).normal(size=(2, 2, 3))
    weights = model.reconstruction.get_weights()

    def logits_of(corrupted):
        h = np.maximum(corrupted @ weights[0] + weights[1], 0)
        return (h @ weights[2] + weights[3]).reshape(-1, 3, 4)

    def corrupt(levels, n):
        c = levels * 2 / 3 - 1 + 0.7 * n[:, 0]
        return np.where(n[:, 1] < 0.2, np.where(n[:, 2] < 0.5, -1.0, 1.0), c)

    def nll(logits):
        log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        return -np.take_along_axis(log_p, x.astype(int)[..., None], -1).sum((1, 2)).mean()

    first = logits_of(corrupt(x, noise[:, 0]))
    cdf = np.cumsum(np.exp(first) / np.exp(first).sum(-1, keepdims=True), -1)
    walked = np.minimum((cdf < noise[:, 0, 3, :, None]).sum(-1), 3).astype("float32")
    second = logits_of(corrupt(walked, noise[:, 1]))
    losses = model.compute_losses((tf.constant(x), tf.constant(noise)))
    np.testing.assert_allclose(float(losses["first_step_loss"]), nll(first), rtol=1e-5)
    np.testing.assert_allclose(float(losses["loss"]), (nll(first) + nll(second)) / 2, rtol=1e-5)


def test_generate_outputs_and_chain_options():
    model = TestGSNContract().make_model()
    images = model.generate(5, seed=1)
    levels = (images + 1) * 8
    np.testing.assert_allclose(levels, np.round(levels), atol=1e-5)  # states on the 17 levels
    mean_model = kerasgen.models.GSN(**dict(model.get_config(), output="mean"))
    mean_model.set_weights(model.get_weights())
    means = mean_model.generate(5, seed=1)
    assert means.min() >= -1 and means.max() <= 1 and not np.allclose(means, images)
    long = model.chain(2, 6, seed=0, burn_in=0, thinning=1)
    thinned = model.chain(2, 3, seed=0, burn_in=0, thinning=2)
    np.testing.assert_array_equal(thinned, long[:, 1::2])  # every 2nd state of the same chain


def test_bad_arguments_name_the_culprit():
    with pytest.raises(ValueError, match="`noise_std` must be positive"):
        kerasgen.models.GSN(noise_std=0)
    with pytest.raises(ValueError, match="`output` must be one of 'sample', 'mean'; got 'map'"):
        kerasgen.models.GSN(output="map")
    with pytest.raises(ValueError, match="`burn_in` must be >= 0, got -1"):
        kerasgen.models.GSN().chain(2, 2, burn_in=-1)
    with pytest.raises(ValueError, match="`seed` must be an int or None, got 'a'"):
        kerasgen.models.GSN().generate(2, seed="a")


def test_shipped_preset_is_its_recipe_and_samples_digits(monkeypatch):
    """The shipped gsn_digits loads offline, holds its recipe's hyper-parameters, names the train
    command and its FD beside the floor, and its chains give the same digits for a seed."""

    from kerasgen import recipes

    monkeypatch.setenv("KERASGEN_OFFLINE", "1")
    model = kerasgen.load("gsn_digits")
    meta = recipes.read_metadata("gsn_digits")
    assert meta["command"].startswith("python -m kerasgen.cli.train --recipe=gsn_digits")
    assert meta["metric"]["fd"] <= 3 * meta["metric"]["floor_fd"]
    for key, value in recipes.get_recipe("gsn_digits")["model"].items():
        assert model.get_config()[key] == value, key
    a = model.generate(8, seed=0)
    assert a.shape == (8, 8, 8, 1) and a.min() >= -1 and a.max() <= 1
    np.testing.assert_array_equal(a, model.generate(8, seed=0))
