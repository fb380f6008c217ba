"""RBM: the contracts (softmax and binary visible units, CD-k, PCD), the free energy and the exact
log Z by brute force, AIS within 0.5 nats of the exact log Z on three sizes, Gibbs sampling."""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

import kerasgen
from contract import ContractTests, DensityContractTests
from kerasgen.models.rbm import ais_schedule


def raw_digits(n, seed=0):
    images, _ = kerasgen.data.load_digits_array("train", raw=True)
    return images[seed * n:(seed + 1) * n, :, :, None].astype("float32")


class TestSoftmaxRBMContract(ContractTests, DensityContractTests):
    follows_mixed_policy = False

    def make_model(self, seed=0):
        return kerasgen.RBM(sample_shape=(8, 8, 1), num_levels=17, hidden_units=6,
                            cd_steps=2, sampling_steps=5, seed=seed)

    def make_x(self, batch_size, seed=0):
        return raw_digits(batch_size, seed)

    def make_noise(self, model, batch_size, seed=0):
        rng = np.random.default_rng(seed + 100)
        return rng.random((batch_size, model.noise_size())).astype("float32")

    def serving_inputs(self, model):
        return {"x": self.make_x(3)}

    def make_tiny_model(self):
        return kerasgen.RBM(sample_shape=(3,), num_levels=3, hidden_units=2, seed=0), 3, (3,)


class TestBinaryPCDContract(ContractTests, DensityContractTests):
    variant_of = "RBM"  # a configuration of RBM: the extended tier runs its family-wide items
    follows_mixed_policy = False
    supports_fixed_noise = False  # persistent chains draw their own noise

    def make_model(self, seed=0):
        return kerasgen.RBM(sample_shape=(5,), visible="binary", hidden_units=4,
                            persistent=True, num_chains=6, sampling_steps=5, seed=seed)

    def make_x(self, batch_size, seed=0):
        return (np.random.default_rng(seed).random((batch_size, 5)) < 0.4).astype("float32")

    def serving_inputs(self, model):
        return {"x": self.make_x(3)}

    def make_tiny_model(self):
        return kerasgen.RBM(sample_shape=(2, 2), visible="binary", hidden_units=3,
                            seed=0), 2, (2, 2)


def _random_parameters(model, scale=1.0, seed=0):
    layer = model.rbm_layer
    rng = np.random.default_rng(seed)
    for var in (layer.w, layer.b, layer.c):
        var.assign((scale * rng.normal(size=var.shape)).astype("float32"))


def test_free_energy_and_exact_log_partition_by_brute_force():
    model = kerasgen.RBM(sample_shape=(3,), num_levels=3, hidden_units=2, seed=0)
    _random_parameters(model)
    layer = model.rbm_layer
    w, b, c = (v.numpy().astype(np.float64) for v in (layer.w, layer.b, layer.c))
    xs = np.array(list(itertools.product(range(3), repeat=3)))
    hs = np.array(list(itertools.product(range(2), repeat=2)))
    onehot = np.eye(3)[xs]                                           # (27, 3, 3)
    # -E(v, h) for every (v, h), summed over h for the free energy and over both for Z
    neg_energy = (np.einsum("ndk,dk->n", onehot, b)[:, None] + hs @ c
                  + np.einsum("ndk,dkh,mh->nm", onehot, w, hs))
    np.testing.assert_allclose(model.free_energy(xs.astype("float32")),
                               -logsumexp(neg_energy, axis=1), rtol=1e-5)
    np.testing.assert_allclose(model.exact_log_partition(), logsumexp(neg_energy), rtol=1e-5)


@pytest.mark.parametrize("visible,hidden,levels", [("softmax", 6, 17), ("softmax", 12, 17),
                                                   ("binary", 16, 2)])
def test_ais_is_within_half_a_nat_of_the_exact_log_partition(visible, hidden, levels):
    """Three sizes of RBM whose 2^H hidden states can be enumerated; the digits (binarized for
    binary units) train the weights so that the landscape is not trivial."""
    x = raw_digits(500)
    if visible == "binary":
        x = (x > 8).astype("float32")
    model = kerasgen.RBM(visible=visible, num_levels=levels, hidden_units=hidden, seed=0)
    model.compile()
    model.fit(kerasgen.data.from_numpy(x, batch_size=100, seed=0), epochs=3, verbose=0)
    exact = model.exact_log_partition()
    estimate = model.update_log_partition("ais", data=x, num_chains=100, num_betas=1000,
                                          seed=1)
    assert abs(estimate["log_partition"] - exact) < 0.5, (estimate, exact)
    assert 0 < estimate["standard_error"] < 0.5
    assert estimate["method"].startswith("AIS (100 chains, 1000 betas")


def test_log_prob_report_carries_the_ais_error():
    model = kerasgen.RBM(hidden_units=30, seed=0, ais_chains=20, ais_betas=200)
    x = raw_digits(20)
    report = model.log_prob_report(x)   # 30 hidden units: log Z by AIS, refreshed as needed
    assert report["method"].startswith("AIS") and not report["exact"]
    assert report["log_partition_standard_error"] > 0
    assert report["nll_standard_error"] >= report["nll_examples_standard_error"]
    assert model.log_partition_is_current()
    _random_parameters(model, scale=0.01)
    assert not model.log_partition_is_current()


def test_gibbs_samples_follow_the_model():
    model = kerasgen.RBM(sample_shape=(3,), visible="binary", hidden_units=3,
                         sampling_steps=30, seed=0)
    _random_parameters(model)
    samples = model.sample(20000, seed=0).astype(int)
    freq = np.bincount(samples @ np.array([4, 2, 1]), minlength=8) / len(samples)
    xs = np.array(list(itertools.product(range(2), repeat=3)), "float32")
    np.testing.assert_allclose(freq, np.exp(model.log_prob(xs)), atol=0.015)


def test_cd_and_pcd_lower_the_held_out_nll():
    val = kerasgen.data.load_digits_array("val")[0][..., None]
    for persistent in (False, True):
        model = kerasgen.RBM(hidden_units=12, persistent=persistent, num_chains=100, seed=0)
        model.compile()
        before = -model.log_prob(val).mean()
        model.fit(kerasgen.data.digits("train", raw=True, batch_size=100), epochs=5, verbose=0)
        after = -model.log_prob(val).mean()
        assert after < before - 20, (persistent, before, after)


def test_ais_schedule_and_bad_arguments():
    betas = ais_schedule(14500)
    assert len(betas) == 14500 and betas[0] == 0 and betas[-1] == 1
    assert np.all(np.diff(betas) > 0)
    assert np.sum(betas < 0.5) == 500 and np.sum(betas >= 0.9) == 10000
    with pytest.raises(ValueError, match="visible"):
        kerasgen.RBM(visible="gaussian")
    with pytest.raises(ValueError, match="hidden_units"):
        kerasgen.RBM(hidden_units=0)
    with pytest.raises(ValueError, match="not feasible"):
        kerasgen.RBM(hidden_units=30).exact_log_partition()
