"""The shared model contract: every family's tests subclass `ContractTests`.

A family's test module declares a subclass that says how to make a small model, a data batch and
(for deterministic steps) the noise its `train_step` accepts; it then inherits every test below:

    class TestGANContract(ContractTests):
        def make_model(self, seed=0):
            return kerasgen.GAN(latent_dim=2, sample_shape=(2,), hidden_units=(8,), seed=seed)

        def make_x(self, batch_size, seed=0):
            return np.random.default_rng(seed).normal(size=(batch_size, 2)).astype("float32")

Checks: fit for two steps (graph and eager); fit under a two-replica MirroredStrategy; one
strategy step equals one single-device step on the same global batch (catches summing
per-replica mean losses); `steps_per_execution=3` equals three single steps; validation data
reports every loss and `evaluate` updates nothing; mixed_float16 trains with a loss-scaling
optimizer per network; mixed_bfloat16 keeps float32 losses; generate is seeded
and validates its argument; get_config/from_config and `.keras` save/load round trips; export of
a model only ever trained through `train_step`, reloaded in a fresh process and listed by
`saved_model_cli`.

`DensityContractTests` adds the explicit-density checks (mixtures, NADE, RBM, VAE): `log_prob`
sums to one over every configuration of a tiny discrete model (exact families), the report
carries the NLL, its standard error and the method, samples lie in the support and are seeded,
bad input (a value outside the support, a wrong shape) gets a ValueError naming the value, and
the exported `log_prob` signature agrees with `log_prob`.
"""

import copy
import itertools
import json
import os
import re

import numpy as np
import pytest
import tensorflow as tf
import keras


_STRATEGY = []


def two_replica_strategy():
    """One MirroredStrategy over two logical CPUs, shared by every test of the process.

    A new MirroredStrategy per test would restart the collective instance keys, and a later
    all-reduce could meet the stale state of an earlier model with other shapes.
    """
    devices = tf.config.list_logical_devices("CPU")
    if len(devices) < 2:
        pytest.skip("needs two logical CPU devices (set up in conftest.py)")
    if not _STRATEGY:
        _STRATEGY.append(tf.distribute.MirroredStrategy([d.name for d in devices[:2]]))
    return _STRATEGY[0]


class ContractTests:
    """Mixin of contract tests; subclasses implement the `make_*` hooks."""

    batch_size = 8
    #: models whose random draws cannot be fed in set this False to skip the equivalence test
    supports_fixed_noise = True
    equivalence_atol = 1e-5
    #: False for families that keep their parameters and log-probabilities in float32 under a
    #: mixed policy on purpose (mixture and RBM densities); their layers must then say float32
    follows_mixed_policy = True
    #: False for families updated without a gradient (a mixture fitted by EM)
    trains_by_gradient = True

    # ---------------------------------------------------------------- hooks
    def make_model(self, seed=0):
        raise NotImplementedError

    def make_x(self, batch_size, seed=0):
        """A NumPy batch (or tuple of batches) of training data."""
        raise NotImplementedError

    def make_noise(self, model, batch_size, seed=0):
        """The noise `train_step` accepts as the second element of a batch (GAN: z)."""
        rng = np.random.default_rng(seed + 100)
        return rng.normal(size=(batch_size, model.latent_dim)).astype("float32")

    def serving_inputs(self, model):
        """Keyword inputs for the `serving_default` signature."""
        rng = np.random.default_rng(5)
        return {"z": rng.normal(size=(3, model.latent_dim)).astype("float32")}

    #: families without a latent (CycleGAN, pix2pix) translate instead of generating
    supports_generate = True

    def reference_output(self, model):
        """A deterministic output used to compare two models (generate, or a translation)."""
        return model.generate(4, seed=1)

    def sgd_optimizers(self, model):
        return {name: keras.optimizers.SGD(0.05) for name in model.optimizer_specs}

    # ---------------------------------------------------------------- helpers
    def dataset(self, num_batches=2, seed=0, with_noise=False, model=None):
        xs = [self.make_x(self.batch_size, seed=seed + i) for i in range(num_batches)]
        if with_noise:
            noise = [self.make_noise(model, self.batch_size, seed=seed + i)
                     for i in range(num_batches)]
            items = [(x, n) for x, n in zip(xs, noise)]
        else:
            items = xs

        def gen():
            yield from items

        spec = tf.nest.map_structure(lambda a: tf.TensorSpec(a.shape, a.dtype), items[0])
        return tf.data.Dataset.from_generator(gen, output_signature=spec)

    @staticmethod
    def network_weights(model):
        return {name: [np.array(w) for w in net.weights]
                for name, net in model.networks().items()}

    @staticmethod
    def assert_finite_logs(history):
        assert history.history, "fit returned no logs"
        for name, values in history.history.items():
            assert np.all(np.isfinite(values)), f"{name} is not finite: {values}"

    # ---------------------------------------------------------------- tests
    def test_contract_attributes(self):
        model = self.make_model()
        assert model.built
        assert isinstance(model.sample_shape, tuple)
        if self.supports_generate:
            assert isinstance(model.latent_dim, int)
        for name in model.networks():
            assert isinstance(getattr(model, name), keras.Model)

    def test_fit_two_steps_graph_and_eager(self):
        for run_eagerly in (False, True):
            model = self.make_model()
            model.compile(run_eagerly=run_eagerly)
            before = self.network_weights(model)
            history = model.fit(self.dataset(2), epochs=1, verbose=0)
            self.assert_finite_logs(history)
            after = self.network_weights(model)
            for name in before:
                changed = any(not np.allclose(a, b) for a, b in zip(before[name], after[name]))
                assert changed, f"{name} did not change after two steps (eager={run_eagerly})"

    def test_fit_under_mirrored_strategy(self):
        strategy = two_replica_strategy()
        with strategy.scope():
            model = self.make_model()
            model.compile()
        history = model.fit(self.dataset(2), epochs=1, verbose=0)
        self.assert_finite_logs(history)
        for name in model.optimizer_specs:
            assert int(getattr(model, name).iterations.numpy()) >= 1, name

    def test_strategy_step_equals_single_device_step(self):
        if not self.supports_fixed_noise:
            pytest.skip("this family's random draws cannot be fed in")
        single = self.make_model(seed=0)
        single.compile(**self.sgd_optimizers(single))
        initial = single.get_weights()
        strategy = two_replica_strategy()
        with strategy.scope():
            mirrored = self.make_model(seed=0)
            mirrored.compile(**self.sgd_optimizers(mirrored))
        mirrored.set_weights(initial)
        data = self.dataset(1, seed=3, with_noise=True, model=single)
        single.fit(data, epochs=1, verbose=0)
        mirrored.fit(data, epochs=1, verbose=0)
        w_single = self.network_weights(single)
        w_mirrored = self.network_weights(mirrored)
        w_initial = self.network_weights(self._with_weights(initial))
        moved = 0.0
        for name in w_single:
            for a, b, c in zip(w_single[name], w_mirrored[name], w_initial[name]):
                # 1e-5 absolute, or relative for large weights (float32 round-off of a sum
                # over replicas); summing per-replica mean losses would be off by 100%
                np.testing.assert_allclose(b, a, atol=self.equivalence_atol,
                                           rtol=self.equivalence_atol,
                                           err_msg=f"{name} differs under the strategy")
                moved = max(moved, float(np.max(np.abs(a - c))))
        assert moved > 10 * self.equivalence_atol, "the step did not move the weights"

    def test_steps_per_execution_equals_single_steps(self):
        """n steps in one execution update the networks exactly as n separate steps."""
        if not self.supports_fixed_noise:
            pytest.skip("this family's random draws cannot be fed in")
        num_steps, per_execution = 6, 3
        data = self.dataset(num_steps, seed=7, with_noise=True, model=self.make_model()).repeat()
        initial = self.make_model(seed=0).get_weights()
        results = []
        for steps_per_execution in (1, per_execution):
            model = self.make_model(seed=0)
            model.compile(steps_per_execution=steps_per_execution)
            model.set_weights(initial)
            model.fit(data, epochs=1, steps_per_epoch=num_steps, verbose=0)
            results.append(model)
        single, multi = (self.network_weights(m) for m in results)
        for name in single:
            for a, b in zip(single[name], multi[name]):
                np.testing.assert_allclose(b, a, atol=1e-5, rtol=1e-5, err_msg=(
                    f"{name} differs with steps_per_execution={per_execution}"))
        for name in results[0].optimizer_specs:
            assert (int(getattr(results[1], name).iterations.numpy())
                    == int(getattr(results[0], name).iterations.numpy())), name

    def _with_weights(self, weights):
        model = self.make_model(seed=0)
        model.set_weights(weights)
        return model

    def test_mixed_bfloat16_trains_without_nan(self, monkeypatch):
        # Every family's losses pass through `replica_scale` (in `GenerativeModel.minimize`)
        # before differentiation: record their dtypes there (the loss must stay float32 while
        # the layers compute in bfloat16).
        from kerasgen.models import base

        loss_dtypes = []
        replica_scale = base.replica_scale

        def recording_scale(loss):
            loss_dtypes.append(loss.dtype)
            return replica_scale(loss)

        monkeypatch.setattr(base, "replica_scale", recording_scale)
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
        try:
            model = self.make_model()
            model.compile()
            history = model.fit(self.dataset(2), epochs=1, verbose=0)
            computes_bf16 = any(
                layer.compute_dtype == "bfloat16"
                for net in model.networks().values() for layer in net.layers
                if layer.weights)
        finally:
            keras.mixed_precision.set_global_policy("float32")
        if self.follows_mixed_policy:
            assert computes_bf16, "the networks ignored the mixed precision policy"
        else:
            assert not computes_bf16, "a float32-by-design network computes in bfloat16"
        assert loss_dtypes or not self.trains_by_gradient, "no loss reached the update"
        assert all(d == tf.float32 for d in loss_dtypes), loss_dtypes
        self.assert_finite_logs(history)
        for name, net in model.networks().items():
            for w in net.weights:  # variables stay float32 under mixed precision
                assert w.dtype == "float32", f"{name}/{w.name} is {w.dtype}"
        assert np.all(np.isfinite(np.asarray(self.reference_output(model), dtype=np.float32)))

    def test_validation_data_reports_held_out_losses_without_updates(self):
        model = self.make_model()
        model.compile()
        history = model.fit(self.dataset(2), validation_data=self.dataset(2, seed=11), epochs=1,
                            verbose=0)
        for name in model.loss_names:
            assert f"val_{name}" in history.history, (name, sorted(history.history))
            assert np.all(np.isfinite(history.history[f"val_{name}"]))
        weights = self.network_weights(model)
        iterations = {n: int(getattr(model, n).iterations.numpy()) for n in model.optimizer_specs}
        # the model's state (batch-norm statistics, image pools), not the random-draw counter
        stateful = [v for v in model.non_trainable_variables if "seed_generator" not in v.path]
        state = [np.array(v) for v in stateful]
        logs = model.evaluate(self.dataset(2, seed=21), verbose=0, return_dict=True)
        assert set(logs) == set(model.loss_names)
        for name, before in weights.items():
            for a, b in zip(before, self.network_weights(model)[name]):
                np.testing.assert_array_equal(a, b, err_msg=f"evaluate changed {name}")
        for name, count in iterations.items():
            assert int(getattr(model, name).iterations.numpy()) == count, name
        for a, b in zip(state, stateful):
            np.testing.assert_array_equal(a, np.array(b))

    def test_mixed_float16_trains_with_loss_scaling(self):
        keras.mixed_precision.set_global_policy("mixed_float16")
        try:
            model = self.make_model()
            model.compile()
            for name in model.optimizer_specs:
                assert isinstance(getattr(model, name), keras.optimizers.LossScaleOptimizer), name
            before = self.network_weights(model)
            # the dynamic scale starts at 2**15 and halves on every overflow (that step is
            # skipped), so allow a dozen steps for it to settle
            history = model.fit(self.dataset(2).repeat(), steps_per_epoch=12, epochs=1,
                                verbose=0)
            after = self.network_weights(model)
        finally:
            keras.mixed_precision.set_global_policy("float32")
        self.assert_finite_logs(history)
        for name in before:
            assert any(not np.allclose(a, b) for a, b in zip(before[name], after[name])), name
        assert np.all(np.isfinite(np.asarray(self.reference_output(model), dtype=np.float32)))

    def test_generate_is_seeded_and_validated(self):
        if not self.supports_generate:
            pytest.skip("this family translates inputs; it has no latent to sample")
        model = self.make_model()
        a = model.generate(5, seed=7)
        b = model.generate(5, seed=7)
        c = model.generate(5, seed=8)
        assert a.shape == (5,) + tuple(model.sample_shape)
        np.testing.assert_array_equal(a, b)
        assert not np.allclose(a, c)
        for bad in (0, -3, 2.5, "4", True, None):
            with pytest.raises(ValueError, match="num_samples"):
                model.generate(bad)

    def test_config_round_trip(self):
        model = self.make_model()
        json.dumps(keras.saving.serialize_keras_object(model))  # JSON-serializable
        config = model.get_config()
        clone = type(model).from_config(copy.deepcopy(config))
        assert clone.get_config() == config
        clone.set_weights(model.get_weights())
        np.testing.assert_allclose(self.reference_output(clone), self.reference_output(model),
                                   atol=1e-6)

    def test_keras_save_load_round_trip(self, tmp_path):
        model = self.make_model()
        model.compile()
        model.fit(self.dataset(1), epochs=1, verbose=0)
        path = str(tmp_path / "model.keras")
        model.save(path)
        loaded = keras.models.load_model(path)
        np.testing.assert_array_equal(self.reference_output(loaded), self.reference_output(model))
        for name in model.optimizer_specs:
            assert int(getattr(loaded, name).iterations.numpy()) == int(
                getattr(model, name).iterations.numpy())
            for a, b in zip(getattr(model, name).variables, getattr(loaded, name).variables):
                np.testing.assert_array_equal(np.array(a), np.array(b))

    @staticmethod
    def _check_serving_refuses_bad_requests(export_dir, inputs):
        """Through `kerasgen.serving.predict`: a good request answers; a wrong dtype, rank,
        size or a NaN gets a ValueError naming the input, and the model keeps serving."""
        from tensorflow_serving.apis import predict_pb2

        from kerasgen import serving

        loaded = tf.saved_model.load(export_dir)

        def request(values):
            req = predict_pb2.PredictRequest()
            req.model_spec.signature_name = "serving_default"
            for key, value in values.items():
                req.inputs[key].CopyFrom(tf.make_tensor_proto(value))
            return req

        good = serving.predict(loaded, request(inputs))
        assert good.outputs
        key, value = next(iter(inputs.items()))
        bad_cases = {"dtype": value.astype("float64"), "rank": value[0],
                     "size": np.concatenate([value, value[..., :1]], axis=-1)}
        nan = value.astype("float32").copy()
        nan.flat[0] = np.nan
        bad_cases["NaN"] = nan
        for case, bad in bad_cases.items():
            with pytest.raises(ValueError, match=repr(key)):
                serving.predict(loaded, request(dict(inputs, **{key: bad})))
        again = serving.predict(loaded, request(inputs))
        for name in good.outputs:
            np.testing.assert_array_equal(tf.make_ndarray(again.outputs[name]),
                                          tf.make_ndarray(good.outputs[name]))

    def test_export_reloads_in_fresh_process(self, tmp_path, fresh_process):
        model = self.make_model()
        model.compile()
        model.fit(self.dataset(1), epochs=1, verbose=0)  # only ever trained via train_step
        export_dir = str(tmp_path / "export" / "1")
        model.export(export_dir)
        assert not [p for p in os.listdir(tmp_path / "export") if p.startswith(".tmp")]
        inputs = self.serving_inputs(model)
        in_path = str(tmp_path / "inputs.npz")
        out_path = str(tmp_path / "outputs.npz")
        np.savez(in_path, **inputs)
        # a process that has never imported kerasgen (conftest.FreshProcess)
        shown = fresh_process.serve(export_dir, in_path, out_path)
        assert not shown["kerasgen_imported"]
        outputs = dict(np.load(out_path))
        expected = model.serving_endpoints()
        fn, _ = next(iter(expected.values()))
        reference = fn(**{k: tf.constant(v) for k, v in inputs.items()})
        assert sorted(outputs) == sorted(reference)
        for key, value in reference.items():
            np.testing.assert_allclose(outputs[key], np.array(value), atol=1e-5)
        self._check_serving_refuses_bad_requests(export_dir, inputs)
        # the SignatureDefs TF Serving reads: serving_default and every endpoint, with their inputs
        assert shown["signatures"]["serving_default"] == sorted(inputs)
        for name, (_, specs) in expected.items():
            assert shown["signatures"][name] == sorted(spec.name for spec in specs), name


class DensityContractTests:
    """Mixin of explicit-density checks; use beside `ContractTests` (same `make_model`,
    `make_x`), and implement `make_tiny_model` for exact families."""

    #: log_prob is exact: the tiny model's probabilities sum to one
    exact_log_prob = True
    #: tolerance between the exported `log_prob` signature and `log_prob` (estimates differ)
    export_log_prob_atol = 1e-3
    #: keyword arguments of `log_prob` (e.g. the VAE's num_samples)
    log_prob_kwargs = {}

    def make_tiny_model(self):
        """A model over few dimensions and levels, to enumerate every configuration; returns
        (model, num_levels, shape)."""
        raise NotImplementedError

    def bad_values(self, model):
        """Values outside the model's support."""
        if model.support == "categorical":
            return [model.num_levels, -1, 2.5]
        if model.support == "binary":
            return [2, -1, 0.5]
        return [np.nan, np.inf]

    def test_log_prob_sums_to_one_over_every_configuration(self):
        if not self.exact_log_prob:
            pytest.skip("this family estimates log p(x)")
        model, num_levels, shape = self.make_tiny_model()
        rng = np.random.default_rng(3)  # random parameters, not the initial ones
        model.set_weights([rng.normal(size=w.shape).astype("float32") if w.dtype == "float32"
                           and np.all(np.isfinite(w)) else w for w in model.get_weights()])
        size = int(np.prod(shape))
        configurations = np.array(list(itertools.product(range(num_levels), repeat=size)),
                                  "float32").reshape((-1,) + tuple(shape))
        log_p = model.log_prob(configurations)
        assert log_p.shape == (len(configurations),)
        np.testing.assert_allclose(np.exp(log_p).sum(), 1.0, rtol=1e-4)
        report = model.log_prob_report(configurations)
        assert report["exact"] and report["method"].startswith("exact")
        np.testing.assert_allclose(report["nll_nats"], -log_p.mean(), rtol=1e-6)

    def test_log_prob_report_has_error_and_method(self):
        model = self.make_model()
        x = self.make_x(16)
        report = model.log_prob_report(x, **self.log_prob_kwargs)
        assert np.isfinite(report["nll_nats"]) and report["nll_nats"] > 0
        assert report["nll_standard_error"] > 0
        assert isinstance(report["method"], str) and report["method"]
        assert report["num_examples"] == 16
        log_p = model.log_prob(x, **self.log_prob_kwargs)
        assert log_p.shape == (16,) and np.all(np.isfinite(log_p))
        assert log_p.dtype == np.float64  # one dtype across the density families

    def test_samples_lie_in_the_support_and_are_seeded(self):
        model = self.make_model()
        a, b = model.sample(6, seed=3), model.sample(6, seed=3)
        assert a.shape == (6,) + tuple(model.sample_shape)
        np.testing.assert_array_equal(a, b)
        model.check_input(a)  # raises if any value is outside the support

    def test_bad_input_is_refused_naming_the_value(self):
        model = self.make_model()
        x = np.array(self.make_x(4), dtype="float32")
        for value in self.bad_values(model):
            bad = x.copy()
            bad.flat[5] = value
            expected = f"the value {float(value):g} at index"
            with pytest.raises(ValueError, match=re.escape(expected)):
                model.log_prob(bad, **self.log_prob_kwargs)
        with pytest.raises(ValueError, match="shape"):
            model.log_prob(x.reshape(4, -1)[:, :-1], **self.log_prob_kwargs)
        with pytest.raises(ValueError, match="shape"):
            model.log_prob(x[0], **self.log_prob_kwargs)

    def test_exported_log_prob_signature_matches(self, tmp_path):
        model = self.make_model()
        x = np.array(self.make_x(6), dtype="float32")
        path = str(tmp_path / "export")
        model.export(path)
        loaded = tf.saved_model.load(path)
        exported = loaded.signatures["log_prob"](x=tf.constant(x))["log_prob"].numpy()
        np.testing.assert_allclose(exported, model.log_prob(x, **self.log_prob_kwargs),
                                   atol=self.export_log_prob_atol, rtol=1e-5)
