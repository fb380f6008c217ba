"""Flow: the contract (RealNVP with uniform dequantization; MAF with variational
dequantization), each step's log-determinant against autodiff's Jacobian, the density
integrating to one, and the dequantization bound against the discrete probability computed by
quadrature."""

import itertools

import numpy as np
import pytest
import tensorflow as tf

import kerasgen
from contract import ContractTests, DensityContractTests


def raw_digits(n, seed=0):
    images, _ = kerasgen.data.load_digits_array("train", raw=True)
    return images[seed * n:(seed + 1) * n, :, :, None].astype("float32")


class FlowContract(ContractTests, DensityContractTests):
    exact_log_prob = False      # a bound on log P(x): the enumeration test does not apply
    follows_mixed_policy = False  # change-of-variables arithmetic stays in float32 on purpose
    log_prob_kwargs = {"num_samples": 4}
    export_log_prob_atol = 1e-4  # the same fixed draws (num_samples = eval_samples = 4)

    def make_x(self, batch_size, seed=0):
        return raw_digits(batch_size, seed)

    def make_noise(self, model, batch_size, seed=0):  # the dequantization draws of a step
        rng = np.random.default_rng(seed + 100)
        if model.dequantization == "uniform":
            return rng.uniform(0, 0.999, size=(batch_size, model.event_size)).astype("float32")
        return rng.normal(size=(batch_size, model.event_size)).astype("float32")

    def serving_inputs(self, model):
        return {"x": self.make_x(3)}


class TestFlowContract(FlowContract):
    def make_model(self, seed=0):
        return kerasgen.models.Flow(sample_shape=(8, 8, 1), num_levels=17, num_steps=2,
                                    hidden_units=(8,), eval_samples=4, seed=seed)


class TestMAFVariationalFlowContract(FlowContract):
    # the shipped configuration's full contract is the extended tier's (about 40 s); the Flow
    # family's machinery runs in TestFlowContract by default, and test_shipped_preset_* loads
    # and measures the shipped preset
    pytestmark = pytest.mark.slow
    variant_of = "Flow"
    variant_keeps = ("test_fit_two_steps_graph_and_eager",)

    def make_model(self, seed=0):
        return kerasgen.models.Flow(sample_shape=(8, 8, 1), num_levels=17, coupling="maf",
                                    num_steps=2, hidden_units=(8,), dequantization="variational",
                                    dequantizer_units=(8,), eval_samples=4, seed=seed)


def randomize(model, seed=4, scale=0.3):
    rng = np.random.default_rng(seed)
    model.set_weights([scale * rng.normal(size=w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


@pytest.mark.parametrize("coupling", ["realnvp", "maf"])
def test_log_det_matches_autodiff_jacobian(coupling):
    """log |det d f^{-1}(v) / dv| of the whole chain (logit layer and steps), as TFP computes
    it, equals the log-determinant of the Jacobian autodiff builds."""
    model = randomize(kerasgen.models.Flow(sample_shape=(5,), num_levels=4, coupling=coupling,
                                           num_steps=3, hidden_units=(6,), seed=1))
    bijector = model.bijector()
    v = tf.constant(np.random.default_rng(0).uniform(0.1, 3.9, (7, 5)), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(v)
        z = bijector.inverse(v)
    jac = tape.batch_jacobian(z, v).numpy().astype(np.float64)
    expected = np.linalg.slogdet(jac)[1]
    np.testing.assert_allclose(bijector.inverse_log_det_jacobian(v, event_ndims=1).numpy(),
                               expected, rtol=1e-4, atol=1e-4)
    # and the density is the base density of z times that Jacobian
    base = -0.5 * (z.numpy().astype(np.float64) ** 2).sum(1) - 2.5 * np.log(2 * np.pi)
    np.testing.assert_allclose(model.distribution().log_prob(v).numpy(), base + expected,
                               rtol=1e-4, atol=1e-4)


def _quadrature(model, n=200, box_only=False):
    """Midpoint-rule grid over the density's support, the box (0, K)^2 widened by the logit
    layer's margin alpha K / (1 - 2 alpha) on each side (or over the box alone, its grid aligned
    with the unit cells): cell centres and densities."""
    k, a = model.num_levels, model.alpha
    margin = 0.0 if box_only else a * k / (1 - 2 * a)
    ticks = -margin + (np.arange(int(round(n * (k + 2 * margin)))) + 0.5) / n
    grid = np.stack(np.meshgrid(ticks, ticks, indexing="ij"), -1).reshape(-1, 2)
    density = np.exp(model.distribution().log_prob(tf.constant(grid, tf.float32)).numpy())
    return grid, density.astype(np.float64), 1.0 / n ** 2


def test_density_integrates_to_one_and_the_bound_is_below_the_discrete_probability():
    # random weights of moderate size: a smooth density the midpoint rule integrates well
    model = randomize(kerasgen.models.Flow(sample_shape=(2,), num_levels=2, num_steps=2,
                                           hidden_units=(4,), seed=3), scale=0.2)
    grid, density, area = _quadrature(model, n=100)
    np.testing.assert_allclose(density.sum() * area, 1.0, atol=1e-4)
    # P(x) = integral of p(x + u) over the unit cell, for each of the 4 configurations
    configurations = np.array(list(itertools.product(range(2), repeat=2)), "float32")
    # the margin's mass is no cell's: the cells' probabilities from a grid aligned with them
    grid, density, area = _quadrature(model, n=200, box_only=True)
    cells = np.floor(grid).astype(int) @ np.array([2, 1])
    exact = np.log(np.bincount(cells, weights=density * area, minlength=4))
    single = model.log_prob(configurations, num_samples=1)
    many = model.log_prob(configurations, num_samples=40000)
    assert np.all(single.mean() <= exact.mean() + 1e-3)  # Jensen (one draw per cell)
    # the bound tightens to log P(x) (within the Monte Carlo error of 40,000 draws)
    np.testing.assert_allclose(many, exact, atol=0.02)
    report = model.log_prob_report(configurations, num_samples=8)
    assert not report["exact"] and "bound (uniform q" in report["method"]


def test_variational_dequantizer_log_q_is_a_density_on_the_cell():
    """q(u | x) of the logistic-normal integrates to one over [0, 1) (one dimension, by the
    change of variables u = sigmoid(mu + sigma eps) sampled on a fine eps grid)."""
    model = randomize(kerasgen.models.Flow(sample_shape=(2,), num_levels=3, num_steps=1,
                                           hidden_units=(4,), dequantization="variational",
                                           dequantizer_units=(4,), seed=2), scale=0.5)
    eps = np.linspace(-9, 9, 20001, dtype=np.float32)
    x = tf.constant(np.tile([[1.0, 2.0]], (len(eps), 1)), tf.float32)
    noise = tf.constant(np.stack([eps, np.zeros_like(eps)], 1))
    u, log_q = model._dequantize(x, noise)
    # log q sums both dimensions, the second at eps = 0 throughout: relative to eps = (0, 0),
    # log q(eps, 0) - log q(0, 0) is dimension 0's alone; its value at eps = 0 is by hand
    _, log_q00 = model._dequantize(x[:1], tf.zeros((1, 2)))
    u_grid = u.numpy()[:, 0].astype(np.float64)
    q = np.exp(log_q.numpy().astype(np.float64) - float(log_q00[0])
               + _one_dim_log_q(model, x[:1], 0))
    assert np.all(np.diff(u_grid) >= 0)
    np.testing.assert_allclose(np.trapezoid(q, u_grid), 1.0, atol=2e-3)


def _one_dim_log_q(model, x, dim):
    """log q of dimension `dim` alone at eps = 0: -log sigma - log sigmoid'(mu) + log N(0)."""
    params = model.dequantizer(x).numpy()[0].astype(np.float64)
    mu, log_sigma = params[dim], 3.0 * np.tanh(params[2 + dim] / 3.0)
    s = 1 / (1 + np.exp(-mu))
    return -0.5 * np.log(2 * np.pi) - log_sigma - np.log(s * (1 - s))


def test_sampling_inverts_the_flow():
    model = randomize(kerasgen.models.Flow(sample_shape=(4,), num_levels=5, coupling="maf",
                                           num_steps=2, hidden_units=(6,), seed=0))
    z = tf.constant(np.random.default_rng(1).normal(size=(6, 4)), tf.float32)
    v = model.bijector().forward(z)
    np.testing.assert_allclose(model.bijector().inverse(v).numpy(), z.numpy(), atol=1e-4)
    np.testing.assert_array_equal(model.generate_from_latents(z).numpy(),
                                  np.clip(np.floor(v.numpy()), 0, 4))


def test_bad_arguments_name_the_culprit():
    with pytest.raises(ValueError, match="`coupling` must be one of 'realnvp', 'maf'; got 'glow'"):
        kerasgen.models.Flow(coupling="glow")
    with pytest.raises(ValueError, match="`dequantization` must be one of"):
        kerasgen.models.Flow(dequantization="none")
    with pytest.raises(ValueError, match=r"A flow needs at least 2 dimensions, got sample_shape "
                                         r"\(1,\)"):
        kerasgen.models.Flow(sample_shape=(1,))
    with pytest.raises(ValueError, match=r"`alpha` must be in \[0, 0.5\), got 0.5"):
        kerasgen.models.Flow(alpha=0.5)


def test_ensemble_bound_is_the_log_mean_exp_of_the_members_bounds():
    """With E orderings, member e is the flow of the image under the e-th symmetry (its own
    learned bias), and the reported bound is log mean_e exp(bound_e), each bound_e the
    importance-weighted bound of that member on the same fixed draws."""
    from kerasgen.models.masked import SYMMETRIES, transform

    model = randomize(kerasgen.models.Flow(sample_shape=(2, 2, 1), num_levels=3, num_steps=2,
                                           hidden_units=(4,), num_orderings=8, eval_samples=3,
                                           seed=0))
    x = np.random.default_rng(0).integers(0, 3, (5, 2, 2, 1)).astype("float32")
    noise = tf.random.stateless_uniform((3, 5, 4), (34, 0), maxval=1.0 - 1e-6)
    bounds = []
    for e in range(8):
        frame = tf.reshape(transform(tf.constant(x), SYMMETRIES[e]), (5, 4))
        log_w = np.stack([model.dequantized_log_weights(frame, noise[j], tf.fill((5,), e))
                          for j in range(3)])
        bounds.append(np.log(np.exp(log_w.astype(np.float64)).mean(0)))
    bounds = np.stack(bounds, -1)
    assert np.ptp(bounds, axis=-1).min() > 1e-3  # the members differ
    np.testing.assert_allclose(model.log_prob(x), np.log(np.exp(bounds).mean(-1)), rtol=1e-4,
                               atol=1e-4)
    samples = model.sample(6, seed=0)
    assert samples.shape == (6, 2, 2, 1)
    model.check_input(samples)
    with pytest.raises(ValueError, match=r"`num_orderings` must be 1 for sample_shape \(6,\)"):
        kerasgen.models.Flow(sample_shape=(6,), num_orderings=2)


def test_shipped_preset_is_its_recipe_and_reproduces_its_figure(monkeypatch):
    """The shipped flow_digits loads offline, holds its recipe's hyper-parameters, names the
    train command, and its bound on the test digits (fixed draws) is the one in its metadata."""

    from kerasgen import recipes

    monkeypatch.setenv("KERASGEN_OFFLINE", "1")
    model = kerasgen.load("flow_digits")
    meta = recipes.read_metadata("flow_digits")
    assert meta["command"].startswith("python -m kerasgen.cli.train --recipe=flow_digits")
    for key, value in recipes.get_recipe("flow_digits")["model"].items():
        assert model.get_config()[key] == value, key
    test, _ = kerasgen.data.load_digits_array("test")
    report = model.log_prob_report(test[..., None])
    assert report["method"] == meta["metric"]["method"]
    np.testing.assert_allclose(report["nll_nats"], meta["metric"]["nll_nats"], rtol=1e-4)
