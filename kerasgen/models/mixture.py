"""Finite mixture models fitted by maximum likelihood: EM or gradient ascent, on TFP's
`MixtureSameFamily`.

A mixture of C components with weights pi_c and factorized components over the D = prod(sample
shape) dimensions,

    p(x) = sum_c pi_c prod_d p_c(x_d),

with p_c a categorical over K levels (the 17 grey levels of the digits), a Bernoulli (binary data)
or a Normal (real data). `tfd.MixtureSameFamily(tfd.Categorical(logits), tfd.Independent(...))`
gives log p(x) exactly (a log-sum-exp over components) and the responsibilities
r_c(x) = p(c | x) (`posterior_marginal`).

Two ways to fit it (Bishop, *Pattern Recognition and Machine Learning*, 2006, ch. 9):

* **EM** (Dempster, Laird & Rubin 1977). The E-step computes r_c(x) for a batch; the M-step sets
  the parameters to the responsibility-weighted averages (categorical: level frequencies;
  Bernoulli: means; Normal: means and variances). With the whole training set as the batch one
  step is one classical EM iteration, which never decreases the training likelihood. With smaller
  batches the model runs *stepwise EM* (Cappe & Moulines 2009; Liang & Klein 2009): the
  per-example sufficient statistics are averaged with step size eta_t = (t + 2)^(-alpha)
  (`em_step_exponent` alpha in (0.5, 1]; alpha = 0 uses each batch's statistics alone).
* **gradient**: Adam on the unconstrained parameters (logits, log-scales) of the same objective.

Regularization for small data sets (`prior_strength`, pseudo-counts per training example): a
conjugate prior centred on the mixture's own pooled marginal sum_c pi_c p_c, so that a level a
component rarely saw is shrunk towards its overall frequency rather than towards zero (or
uniform). In the M-step the categorical frequencies become (n_ck + s * N * pbar_k) / (n_c + s * N)
and the Normal variances are shrunk towards the pooled variance likewise; the gradient method
adds the matching log-prior, -s * sum_c sum_d sum_k pbar_dk log p_cdk per example. The pooled
marginal is taken from the current parameters (an empirical-Bayes choice).
"""

import math

import tensorflow as tf
import keras
import tensorflow_probability as tfp

from kerasgen import optimizers as optimizers_lib
from kerasgen.models.density import DensityModel
from kerasgen.utils import check_choice, check_positive_int

tfd = tfp.distributions
DISTRIBUTIONS = ("categorical", "bernoulli", "normal")
FIT_METHODS = ("em", "gradient")


@keras.saving.register_keras_serializable(package="kerasgen")
class MixtureParameters(keras.layers.Layer):
    """The parameters of a mixture of factorized distributions; calling it gives log p(x).

    Args:
        num_components: C.
        event_size: D, the number of dimensions of a flattened example.
        distribution: "categorical", "bernoulli" or "normal".
        num_levels: K for "categorical".
        min_scale: lower bound of a Normal component's scale.
        running_statistics: also hold the running sufficient statistics of stepwise EM
            (non-trained weights `running_*`).
        seed: seeds the initial parameters.

    Weights (aggregated as "only_first_replica": EM assigns them the same all-reduced value on
    every replica): `mixture_logits` (C,); `logits` (C, D, K) or (C, D); or `loc` and
    `raw_scale` (C, D).
    """

    def __init__(self, num_components, event_size, distribution="categorical", num_levels=17,
                 min_scale=1e-3, running_statistics=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.num_components = int(num_components)
        self.running_statistics = bool(running_statistics)
        self.event_size = int(event_size)
        self.distribution = distribution
        self.num_levels = int(num_levels)
        self.min_scale = float(min_scale)
        self.seed = seed

    def build(self, input_shape=None):
        c, d = self.num_components, self.event_size
        init = keras.initializers.RandomNormal(stddev=1.0, seed=self.seed)
        kw = dict(aggregation="only_first_replica")
        self.mixture_logits = self.add_weight(shape=(c,), initializer="zeros",
                                              name="mixture_logits", **kw)
        if self.distribution == "categorical":
            self.logits = self.add_weight(shape=(c, d, self.num_levels), initializer=init,
                                          name="logits", **kw)
        elif self.distribution == "bernoulli":
            self.logits = self.add_weight(shape=(c, d), initializer=init, name="logits", **kw)
        else:
            self.loc = self.add_weight(shape=(c, d), initializer=init, name="loc", **kw)
            self.raw_scale = self.add_weight(shape=(c, d), initializer="zeros",
                                             name="raw_scale", **kw)
        self.running = {}
        if self.running_statistics:
            shapes = {"resp": (c,)}
            if self.distribution == "categorical":
                shapes["levels"] = (c, d, self.num_levels)
            else:
                shapes["x"] = (c, d)
                if self.distribution == "normal":
                    shapes["xx"] = (c, d)
            for key, shape in shapes.items():
                self.running[key] = self.add_weight(shape=shape, initializer="zeros",
                                                    trainable=False, name=f"running_{key}", **kw)
        self.built = True

    def scale(self):
        return tf.nn.softplus(tf.cast(self.raw_scale, tf.float32)) + self.min_scale

    def components(self):
        """The components as one TFP distribution with batch shape (C,), event shape (D,)."""
        if self.distribution == "categorical":
            base = tfd.Categorical(logits=tf.cast(self.logits, tf.float32), dtype=tf.int32)
        elif self.distribution == "bernoulli":
            base = tfd.Bernoulli(logits=tf.cast(self.logits, tf.float32), dtype=tf.int32)
        else:
            base = tfd.Normal(tf.cast(self.loc, tf.float32), self.scale())
        return tfd.Independent(base, reinterpreted_batch_ndims=1)

    def mixture(self):
        """`tfd.MixtureSameFamily` over flattened examples (event shape (D,))."""
        return tfd.MixtureSameFamily(
            tfd.Categorical(logits=tf.cast(self.mixture_logits, tf.float32)), self.components())

    def as_events(self, x):
        x = tf.reshape(x, (-1, self.event_size))
        if self.distribution == "normal":
            return tf.cast(x, tf.float32)
        return tf.cast(tf.round(tf.cast(x, tf.float32)), tf.int32)

    def call(self, x):
        return self.mixture().log_prob(self.as_events(x))

    def get_config(self):
        config = super().get_config()
        config.update(num_components=self.num_components, event_size=self.event_size,
                      distribution=self.distribution, num_levels=self.num_levels,
                      min_scale=self.min_scale, running_statistics=self.running_statistics,
                      seed=self.seed)
        return config


def _log_inverse_softplus(y):
    """The raw parameter whose softplus is `y` (> 0), stable for small and large y."""
    return y + tf.math.log(-tf.math.expm1(-y))


@keras.saving.register_keras_serializable(package="kerasgen")
class MixtureModel(DensityModel):
    """A mixture of factorized categoricals, Bernoullis or Normals, fitted by EM or gradient.

    Args:
        sample_shape: shape of one example, e.g. (8, 8, 1).
        num_components: C.
        distribution: "categorical" (integer levels 0..num_levels-1), "bernoulli" ({0, 1}) or
            "normal" (real values).
        num_levels: K for "categorical".
        fit_method: "em" (one EM step per batch; see the module docstring) or "gradient"
            (the compiled optimizer on the negative log-likelihood).
        prior_strength: pseudo-counts per training example of the prior centred on the pooled
            marginal (0: maximum likelihood).
        em_step_exponent: alpha of the stepwise-EM step size (t + 2)^(-alpha); 0 uses each
            batch's statistics alone (classical EM when the batch is the whole training set).
        min_scale: lower bound of the Normal components' scales.
        seed: int or None; seeds the initial parameters and the sampling.

    `loss` (and `val_loss`) is the negative log-likelihood in nats per example; `objective` adds
    the prior's term (what the gradient method minimizes).

    Example:
        >>> model = MixtureModel(sample_shape=(8, 8, 1), num_components=5, seed=0)
        >>> model.compile()
        >>> train = kerasgen.data.digits("train", raw=True, batch_size=1000)  # 1 step = 1 EM step
        >>> history = model.fit(train.repeat(), steps_per_epoch=10, epochs=1, verbose=0)
        >>> test, _ = kerasgen.data.load_digits_array("test")
        >>> bool(100 < -model.log_prob(test[..., None]).mean() < 125)  # nats per image
        True
        >>> model.generate(3, seed=0).shape
        (3, 8, 8, 1)
    """

    optimizer_specs = {
        "optimizer": (("mixture",), lambda: optimizers_lib.Adam(0.01)),
    }
    loss_names = ("loss", "objective")

    def __init__(self, sample_shape=(8, 8, 1), num_components=10, distribution="categorical",
                 num_levels=17, fit_method="em", prior_strength=0.0, em_step_exponent=0.0,
                 min_scale=1e-3, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        check_choice(distribution, "distribution", DISTRIBUTIONS)
        check_choice(fit_method, "fit_method", FIT_METHODS)
        num_components = check_positive_int(num_components, "num_components")
        if distribution == "categorical" and (not isinstance(num_levels, int) or num_levels < 2):
            raise ValueError(f"`num_levels` must be an int >= 2, got {num_levels!r}.")
        if not float(prior_strength) >= 0:
            raise ValueError(f"`prior_strength` must be >= 0, got {prior_strength!r}.")
        if not 0.0 <= float(em_step_exponent) <= 1.0:
            raise ValueError(f"`em_step_exponent` must be in [0, 1], got {em_step_exponent!r}.")
        if not float(min_scale) > 0:
            raise ValueError(f"`min_scale` must be positive, got {min_scale!r}.")
        self.sample_shape = tuple(int(s) for s in sample_shape)
        self.event_size = math.prod(self.sample_shape)
        self.num_components = num_components
        self.distribution = distribution
        self.support = {"categorical": "categorical", "bernoulli": "binary",
                        "normal": "real"}[distribution]
        self.num_levels = int(num_levels) if distribution == "categorical" else (
            2 if distribution == "bernoulli" else None)
        self.fit_method = fit_method
        self.prior_strength = float(prior_strength)
        self.em_step_exponent = float(em_step_exponent)
        # the sampler's latent: one uniform for the component, one per dimension
        self.latent_dim = 1 + self.event_size
        self.mixture = self.network("mixture", None, self._build_network(min_scale, seed))
        self.record_hyperparameters(sample_shape=list(self.sample_shape),
                                    num_components=num_components, distribution=distribution,
                                    num_levels=int(num_levels), fit_method=fit_method,
                                    prior_strength=self.prior_strength,
                                    em_step_exponent=self.em_step_exponent,
                                    min_scale=float(min_scale), seed=seed)
        self._finish_init()

    def _build_network(self, min_scale, seed):
        def build():
            x = keras.Input(self.sample_shape, name="x")
            # float32 whatever the global policy: log-probabilities summed over many
            # dimensions, and TFP distributions, need float32 (see the contract's note)
            layer = MixtureParameters(self.num_components, self.event_size, self.distribution,
                                      self.num_levels or 2, min_scale=min_scale,
                                      running_statistics=(self.fit_method == "em"
                                                          and self.em_step_exponent > 0),
                                      seed=seed, dtype="float32", name="mixture_parameters")
            return keras.Model(x, layer(x), name="mixture")

        return build

    @property
    def params_layer(self):
        """The `MixtureParameters` layer of the `mixture` network."""
        return self.mixture.get_layer("mixture_parameters")

    def mixture_distribution(self):
        """The fitted `tfd.MixtureSameFamily` over flattened examples (event shape (D,))."""
        return self.params_layer.mixture()

    @property
    def log_prob_method(self):
        return "exact" if self.distribution != "normal" else "exact (density)"

    def _log_prob_batch(self, x):
        return self.params_layer(x)

    # ------------------------------------------------------------------ the prior
    def pooled_marginal(self):
        """sum_c pi_c p_c: (D, K) level probabilities, or the pooled variance (D,) (Normal)."""
        layer = self.params_layer
        pi = tf.nn.softmax(tf.cast(layer.mixture_logits, tf.float32))
        if self.distribution == "categorical":
            return tf.einsum("c,cdk->dk", pi, tf.nn.softmax(layer.logits, axis=-1))
        if self.distribution == "bernoulli":
            return tf.einsum("c,cd->d", pi, tf.sigmoid(layer.logits))
        mean = tf.einsum("c,cd->d", pi, layer.loc)
        second = tf.einsum("c,cd->d", pi, tf.square(layer.scale()) + tf.square(layer.loc))
        return second - tf.square(mean)

    def log_prior(self):
        """The prior's log-density per training example (up to a constant), a scalar."""
        if not self.prior_strength:
            return tf.constant(0.0)
        layer = self.params_layer
        bar = tf.stop_gradient(self.pooled_marginal())
        if self.distribution == "categorical":
            value = tf.reduce_sum(bar * tf.nn.log_softmax(layer.logits, axis=-1))
        elif self.distribution == "bernoulli":
            value = tf.reduce_sum(bar * tf.math.log_sigmoid(layer.logits)
                                  + (1 - bar) * tf.math.log_sigmoid(-layer.logits))
        else:  # inverse-gamma-like shrinkage of the variances towards the pooled variance
            var = tf.square(layer.scale())
            value = -0.5 * tf.reduce_sum(bar / var + tf.math.log(var))
        return self.prior_strength * value

    # ------------------------------------------------------------------ training
    def _nll_and_objective(self, x, training):
        self.check_batch(x, self.sample_shape)
        x = self._graph_support_check(x)
        nll = -tf.reduce_mean(self.mixture(x, training=training))
        return nll, nll - self.log_prior()

    def compute_losses(self, data, training=False):
        x, _ = self.unpack(data)
        nll, objective = self._nll_and_objective(x, training)
        return {"loss": nll, "objective": objective}

    def train_step(self, data):
        x, _ = self.unpack(data)
        if self.fit_method == "gradient":
            with tf.GradientTape() as tape:
                nll, objective = self._nll_and_objective(x, training=True)
            self.minimize(tape, objective, "optimizer")
        else:
            nll, objective = self._nll_and_objective(x, training=True)
            self.em_step(x)
        return self.report({"loss": nll, "objective": objective})

    def _statistics(self, x):
        """Per-example averages of the sufficient statistics of a batch, summed over replicas."""
        layer = self.params_layer
        events = layer.as_events(x)
        resp = self.mixture_distribution().posterior_marginal(events).probs_parameter()  # (B, C)
        stats = {"count": tf.cast(tf.shape(events)[0], tf.float32),
                 "resp": tf.reduce_sum(resp, 0)}
        if self.distribution == "categorical":
            stats["levels"] = tf.einsum("bc,bdk->cdk", resp,
                                        tf.one_hot(events, self.num_levels))
        elif self.distribution == "bernoulli":
            stats["x"] = tf.einsum("bc,bd->cd", resp, tf.cast(events, tf.float32))
        else:
            stats["x"] = tf.einsum("bc,bd->cd", resp, events)
            stats["xx"] = tf.einsum("bc,bd->cd", resp, tf.square(events))
        context = tf.distribute.get_replica_context()
        if context is not None and context.num_replicas_in_sync > 1:
            stats = context.all_reduce("sum", stats)
        count = stats.pop("count")
        return {k: v / count for k, v in stats.items()}

    def em_step(self, x):
        """One (stepwise) EM update of the parameters from batch `x`."""
        layer = self.params_layer
        batch = self._statistics(x)
        iterations = self.optimizer.iterations
        eta = tf.pow(tf.cast(iterations, tf.float32) + 2.0, -self.em_step_exponent)
        if self.em_step_exponent > 0:
            running = layer.running
            # the first step takes the batch's statistics alone (eta_0 = 2^-alpha < 1 would
            # mix in the zeros the running statistics start at)
            eta = tf.where(iterations == 0, 1.0, eta)
            batch = {k: eta * batch[k] + (1 - eta) * running[k].value for k in batch}
            for k, v in batch.items():
                running[k].assign(v)
        s = self.prior_strength
        bar = self.pooled_marginal()
        resp = batch["resp"]  # (C,), sums to 1
        tiny = 1e-10
        layer.mixture_logits.assign(tf.math.log(resp + 1e-6))
        if self.distribution == "categorical":
            probs = batch["levels"] + s * bar[None] + tiny
            layer.logits.assign(tf.math.log(probs / tf.reduce_sum(probs, -1, keepdims=True)))
        elif self.distribution == "bernoulli":
            mean = (batch["x"] + s * bar[None] + tiny) / (resp[:, None] + s + 2 * tiny)
            mean = tf.clip_by_value(mean, 1e-6, 1 - 1e-6)
            layer.logits.assign(tf.math.log(mean) - tf.math.log1p(-mean))
        else:
            weight = resp[:, None] + tiny
            mean = batch["x"] / weight
            var = (batch["xx"] - weight * tf.square(mean) + s * bar[None]) / (weight + s)
            scale = tf.sqrt(tf.maximum(var, 0.0)) - layer.min_scale
            layer.loc.assign(mean)
            layer.raw_scale.assign(_log_inverse_softplus(tf.maximum(scale, 1e-6)))
        # the optimizer's counter counts EM steps (checkpoints and schedules read it)
        iterations.assign_add(1)

    # ------------------------------------------------------------------ sampling
    def sample_latent(self, num_samples, seed=None):
        return keras.random.uniform((num_samples, self.latent_dim),
                                    seed=self.seed_generator if seed is None else seed)

    def generate_from_latents(self, u):
        """Inverse-CDF sampling: `u[:, 0]` picks the component, `u[:, 1:]` each dimension."""
        u = tf.convert_to_tensor(u, tf.float32)
        layer = self.params_layer
        pi = tf.nn.softmax(tf.cast(layer.mixture_logits, tf.float32))
        component = tf.reduce_sum(tf.cast(tf.cumsum(pi)[None] < u[:, :1], tf.int32), -1)
        component = tf.minimum(component, self.num_components - 1)
        v = u[:, 1:]
        if self.distribution == "categorical":
            cdf = tf.cumsum(tf.nn.softmax(tf.gather(layer.logits, component), -1), axis=-1)
            x = tf.reduce_sum(tf.cast(cdf < v[..., None], tf.float32), -1)
            x = tf.minimum(x, self.num_levels - 1.0)
        elif self.distribution == "bernoulli":
            x = tf.cast(v < tf.sigmoid(tf.gather(layer.logits, component)), tf.float32)
        else:
            eps = tfd.Normal(0.0, 1.0).quantile(tf.clip_by_value(v, 1e-6, 1 - 1e-6))
            x = tf.gather(layer.loc, component) + tf.gather(layer.scale(), component) * eps
        return tf.reshape(x, (-1,) + self.sample_shape)
