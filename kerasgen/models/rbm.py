"""Restricted Boltzmann machine (Smolensky 1986; Hinton 2002) with binary or softmax visible units,
trained by contrastive divergence, its log partition function by annealed importance sampling.

Energy of visible units v (D binary units, or D softmax units over K levels, one-hot v_dk) and H
binary hidden units h:

    E(v, h) = -sum_dk b_dk v_dk - sum_j c_j h_j - sum_dkj v_dk W_dkj h_j,
    p(v, h) = exp(-E(v, h)) / Z.

The hidden units sum out in closed form, giving the free energy
F(v) = -sum_dk b_dk v_dk - sum_j softplus(c_j + sum_dk v_dk W_dkj) and log p(v) = -F(v) - log Z.

Training (Hinton 2002): the log-likelihood gradient is E_data[-dF/dtheta] - E_model[-dF/dtheta].
*CD-k* estimates the model term from k steps of block Gibbs sampling started at the data; *PCD*
(Tieleman 2008) from persistent chains carried across updates. Both are written as the
surrogate loss mean F(v_data) - mean F(stop_gradient(v_model)), whose gradient is exactly that
estimate, so the update goes through the same optimizer and `minimize` as every family.

The log partition function (Salakhutdinov & Murray, "On the quantitative analysis of deep belief
networks", ICML 2008):

* **exact**, when H is small (<= `exact_max_hidden`, default 20): log Z = logsumexp over the 2^H
  hidden states h of [c.h + sum_d log sum_k exp(b_dk + W_dk.h)] (binary units: softplus);
* **AIS** (Neal 2001) otherwise: M independent chains anneal from a base model p_A (the visible
  biases b_A alone, W = 0, whose partition function is known) to the RBM through
  p_beta(v) proportional to exp((1 - beta) b_A.v + beta b.v) prod_j (1 + exp(beta (c_j + W_j.v))),
  0 = beta_0 < ... < beta_K = 1, with one Gibbs transition at each beta. The importance weight of
  a chain is prod_k p*_{beta_k}(v_k) / p*_{beta_{k-1}}(v_k); log Z = log Z_A + log mean(w), whose
  standard error sd(w) / (sqrt(M) mean(w)) is reported (the estimate is unbiased for Z, so its
  log is a stochastic *under*-estimate in expectation and the NLL an over-estimate).
  The paper's schedule uses 14,500 betas (500 in [0, 0.5], 4,000 in [0.5, 0.9], 10,000 in
  [0.9, 1]); `ais_betas` scales that schedule.

The estimate (and its standard error) is stored with the weights (`log_partition`), refreshed
whenever the parameters changed, so `log_prob` and the exported `log_prob` signature use it.
"""

import math

import numpy as np
import tensorflow as tf
import keras

from kerasgen import optimizers as optimizers_lib
from kerasgen.models.density import DensityModel
from kerasgen.utils import check_choice, check_positive_int

VISIBLE = ("binary", "softmax")


def ais_schedule(num_betas):
    """Salakhutdinov & Murray's beta schedule scaled to `num_betas` points, from 0 to 1:
    1/29 in [0, 0.5), 8/29 in [0.5, 0.9), 20/29 in [0.9, 1].

    Example:
        >>> betas = ais_schedule(29)
        >>> len(betas), float(betas[0]), float(betas[-1])
        (29, 0.0, 1.0)
    """
    num_betas = check_positive_int(num_betas, "num_betas")
    if num_betas < 3:
        return np.linspace(0.0, 1.0, max(num_betas, 2))
    n1 = max(1, round(num_betas * 500 / 14500))
    n2 = max(1, round(num_betas * 4000 / 14500))
    n3 = num_betas - n1 - n2
    return np.concatenate([np.linspace(0, 0.5, n1, endpoint=False),
                           np.linspace(0.5, 0.9, n2, endpoint=False),
                           np.linspace(0.9, 1.0, n3)]).astype(np.float64)


@keras.saving.register_keras_serializable(package="kerasgen")
class RBMLayer(keras.layers.Layer):
    """The RBM's parameters; calling it on (batch, D) visible states gives the free energy.

    Args:
        event_size: D.
        num_levels: K of softmax units (binary units: 1 input per unit).
        hidden_units: H.
        softmax: softmax (K-level) visible units instead of binary.
        num_chains: persistent chains (PCD) kept as a non-trained weight `chains`
            (num_chains, D, K_in); 0 for none.
        seed: seeds the initial weights (N(0, 0.01^2), as Hinton's practical guide).

    Weights: `w` (D, K_in, H), `b` (D, K_in), `c` (H,); and, not trained, the stored
    `log_partition` [log Z, its standard error] and the parameters' `fingerprint` it was
    computed for.
    """

    def __init__(self, event_size, num_levels, hidden_units, softmax=True, num_chains=0,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self.num_chains = int(num_chains)
        self.event_size = int(event_size)
        self.num_levels = int(num_levels)
        self.hidden_units = int(hidden_units)
        self.softmax = bool(softmax)
        self.seed = seed
        self.k_in = self.num_levels if self.softmax else 1

    def build(self, input_shape=None):
        d, h = self.event_size, self.hidden_units
        self.w = self.add_weight(shape=(d, self.k_in, h), name="w", initializer=
                                 keras.initializers.RandomNormal(stddev=0.01, seed=self.seed))
        self.b = self.add_weight(shape=(d, self.k_in), name="b", initializer="zeros")
        self.c = self.add_weight(shape=(h,), name="c", initializer="zeros")
        self.log_partition = self.add_weight(shape=(2,), name="log_partition", trainable=False,
                                             initializer="zeros",
                                             aggregation="only_first_replica")
        self.fingerprint = self.add_weight(shape=(4,), name="fingerprint", trainable=False,
                                           initializer=keras.initializers.Constant(np.nan),
                                           aggregation="only_first_replica")
        if self.num_chains:
            self.chains = self.add_weight(shape=(self.num_chains, d, self.k_in), name="chains",
                                          initializer="zeros", trainable=False,
                                          aggregation="only_first_replica")
        self.built = True

    def encode(self, x):
        """(batch, D) levels -> (batch, D, K_in) visible states (one-hot, or the binary value)."""
        if self.softmax:
            return tf.one_hot(tf.cast(tf.round(tf.cast(x, tf.float32)), tf.int32),
                              self.num_levels)
        return tf.cast(x, tf.float32)[..., None]

    def decode(self, v):
        """Visible states -> levels (float32)."""
        if self.softmax:
            return tf.cast(tf.argmax(v, axis=-1), tf.float32)
        return v[..., 0]

    def params(self):
        return (tf.cast(self.w, tf.float32), tf.cast(self.b, tf.float32),
                tf.cast(self.c, tf.float32))

    def hidden_input(self, v, beta=1.0):
        w, _, c = self.params()
        return beta * (c + tf.einsum("bdk,dkh->bh", v, w))

    def visible_logits(self, h, beta=1.0, base=None):
        """(batch, D, K_in) logits of p(v | h) at inverse temperature beta."""
        w, b, _ = self.params()
        base = b if base is None else base
        return (1.0 - beta) * base + beta * (b + tf.einsum("bh,dkh->bdk", h, w))

    def free_energy_of(self, v):
        _, b, _ = self.params()
        return -tf.einsum("bdk,dk->b", v, b) - tf.reduce_sum(
            tf.nn.softplus(self.hidden_input(v)), -1)

    def call(self, x):
        return self.free_energy_of(self.encode(tf.reshape(x, (-1, self.event_size))))

    def get_config(self):
        config = super().get_config()
        config.update(event_size=self.event_size, num_levels=self.num_levels,
                      hidden_units=self.hidden_units, softmax=self.softmax,
                      num_chains=self.num_chains, seed=self.seed)
        return config


def _sample_visible(logits, noise, softmax):
    """Visible states from logits (batch, D, K_in) and uniforms (batch, D), by inverse CDF."""
    if softmax:
        cdf = tf.cumsum(tf.nn.softmax(logits, axis=-1), axis=-1)
        k = tf.shape(logits)[-1]
        level = tf.minimum(tf.reduce_sum(tf.cast(cdf < noise[..., None], tf.int32), -1), k - 1)
        return tf.one_hot(level, k)
    return tf.cast(noise[..., None] < tf.sigmoid(logits), tf.float32)


@keras.saving.register_keras_serializable(package="kerasgen")
class RBM(DensityModel):
    """Restricted Boltzmann machine, CD-k or persistent CD, Gibbs sampling, log Z exact or AIS.

    Args:
        sample_shape: shape of one example, e.g. (8, 8, 1).
        visible: "softmax" (K-level units: integer levels 0..num_levels-1) or "binary".
        num_levels: K for softmax units.
        hidden_units: H.
        cd_steps: k, Gibbs steps of the negative phase.
        persistent: use persistent chains (PCD) instead of chains started at the data.
        num_chains: persistent chains (PCD).
        sampling_steps: Gibbs steps from a random start for `generate`/`sample`.
        ais_chains, ais_betas: AIS settings (M chains, K inverse temperatures).
        exact_max_hidden: enumerate the 2^H hidden states when H is at most this.
        seed: int or None.

    `loss` is the CD surrogate mean F(data) - mean F(negative samples) (its gradient is the CD
    update, not a likelihood); `free_energy` is mean F(data), `reconstruction_error` the mean
    squared difference in levels between the data and its one-step mean reconstruction.

    Example:
        >>> rbm = RBM(sample_shape=(8, 8, 1), num_levels=17, hidden_units=8, seed=0)
        >>> rbm.compile()
        >>> history = rbm.fit(kerasgen.data.digits("train", raw=True, batch_size=100),
        ...                   epochs=1, verbose=0)
        >>> test, _ = kerasgen.data.load_digits_array("test")
        >>> report = rbm.log_prob_report(test[..., None])   # log Z exact: 2^8 hidden states
        >>> report["method"], bool(100 < report["nll_nats"] < 182)
        ('exact (2^8 hidden states)', True)
    """

    optimizer_specs = {
        "optimizer": (("energy",), lambda: optimizers_lib.Adam(1e-3)),
    }
    loss_names = ("loss", "free_energy", "reconstruction_error")

    def __init__(self, sample_shape=(8, 8, 1), visible="softmax", num_levels=17,
                 hidden_units=100, cd_steps=1, persistent=False, num_chains=100,
                 sampling_steps=1000, ais_chains=100, ais_betas=14500, exact_max_hidden=20,
                 seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        check_choice(visible, "visible", VISIBLE)
        if visible == "softmax" and (not isinstance(num_levels, int) or num_levels < 2):
            raise ValueError(f"`num_levels` must be an int >= 2, got {num_levels!r}.")
        self.sample_shape = tuple(int(s) for s in sample_shape)
        self.event_size = math.prod(self.sample_shape)
        self.visible = visible
        self.support = "categorical" if visible == "softmax" else "binary"
        self.num_levels = int(num_levels) if visible == "softmax" else 2
        self.hidden_units = check_positive_int(hidden_units, "hidden_units")
        self.cd_steps = check_positive_int(cd_steps, "cd_steps")
        self.persistent = bool(persistent)
        self.num_chains = check_positive_int(num_chains, "num_chains")
        self.sampling_steps = check_positive_int(sampling_steps, "sampling_steps")
        self.ais_chains = check_positive_int(ais_chains, "ais_chains")
        self.ais_betas = check_positive_int(ais_betas, "ais_betas")
        self.exact_max_hidden = int(exact_max_hidden)
        # generate: a Gibbs chain gives a hidden state (the latent), decoded to E[v | h]
        self.latent_dim = self.hidden_units

        def build():
            x = keras.Input(self.sample_shape, name="x")
            layer = RBMLayer(self.event_size, self.num_levels, self.hidden_units,
                             softmax=visible == "softmax",
                             num_chains=self.num_chains if self.persistent else 0, seed=seed,
                             dtype="float32", name="rbm")
            return keras.Model(x, layer(x), name="energy")

        self.energy = self.network("energy", None, build)
        self.record_hyperparameters(
            sample_shape=list(self.sample_shape), visible=visible, num_levels=self.num_levels,
            hidden_units=self.hidden_units, cd_steps=self.cd_steps, persistent=self.persistent,
            num_chains=self.num_chains, sampling_steps=self.sampling_steps,
            ais_chains=self.ais_chains, ais_betas=self.ais_betas,
            exact_max_hidden=self.exact_max_hidden, seed=seed)
        self._finish_init()

    @property
    def rbm_layer(self):
        return self.energy.get_layer("rbm")

    @property
    def chains(self):
        """The persistent chains (PCD), a weight of the `energy` network."""
        return self.rbm_layer.chains

    @property
    def softmax(self):
        return self.visible == "softmax"

    # ------------------------------------------------------------------ Gibbs sampling
    def noise_size(self):
        """Uniforms per example of one CD update: cd_steps * (H + D)."""
        return self.cd_steps * (self.hidden_units + self.event_size)

    def gibbs(self, v, noise, beta=1.0, base=None):
        """Block Gibbs steps v -> h -> v, one per slice of `noise` (batch, steps, H + D)."""
        layer = self.rbm_layer
        h_units = self.hidden_units
        for step in range(noise.shape[1]):
            u_h, u_v = noise[:, step, :h_units], noise[:, step, h_units:]
            h = tf.cast(u_h < tf.sigmoid(layer.hidden_input(v, beta)), tf.float32)
            v = _sample_visible(layer.visible_logits(h, beta, base), u_v, self.softmax)
        return v

    def _uniforms(self, shape, seed=None):
        return keras.random.uniform(shape, seed=self.seed_generator if seed is None else seed)

    # ------------------------------------------------------------------ training
    def _cd_losses(self, data, training):
        x, noise = self.unpack(data)
        self.check_batch(x, self.sample_shape)
        x = self._graph_support_check(x)
        layer = self.rbm_layer
        v0 = layer.encode(tf.reshape(x, (-1, self.event_size)))
        if self.persistent:
            start = tf.identity(self.chains.value)
            batch = self.num_chains
        else:
            start = v0
            batch = tf.shape(v0)[0]
        if noise is None or self.persistent:
            noise = self._uniforms((batch, self.cd_steps, self.hidden_units + self.event_size))
        else:
            noise = tf.reshape(tf.cast(noise, tf.float32),
                               (-1, self.cd_steps, self.hidden_units + self.event_size))
        negative = tf.stop_gradient(self.gibbs(start, noise))
        free_data = layer.free_energy_of(v0)
        loss = tf.reduce_mean(free_data) - tf.reduce_mean(layer.free_energy_of(negative))
        # one-step mean reconstruction, in levels
        h = tf.sigmoid(layer.hidden_input(v0))
        logits = layer.visible_logits(h)
        if self.softmax:
            levels = tf.range(self.num_levels, dtype=tf.float32)
            mean = tf.reduce_sum(tf.nn.softmax(logits, -1) * levels, -1)
        else:
            mean = tf.sigmoid(logits[..., 0])
        error = tf.reduce_mean(tf.square(mean - layer.decode(v0)))
        logs = {"loss": loss, "free_energy": tf.reduce_mean(free_data),
                "reconstruction_error": error}
        return logs, negative

    def compute_losses(self, data, training=False):
        return self._cd_losses(data, training)[0]

    def train_step(self, data):
        with tf.GradientTape() as tape:
            logs, negative = self._cd_losses(data, training=True)
        self.minimize(tape, logs["loss"], "optimizer")
        if self.persistent:
            self.chains.assign(negative)
        return self.report(logs)

    def compile(self, **kwargs):
        super().compile(**kwargs)
        if self.persistent:  # PCD chains start at random visible states
            self.chains.assign(self._random_visible(self.num_chains, seed=self.seed))

    def _random_visible(self, n, seed=None):
        u = self._uniforms((n, self.event_size), seed=seed)
        logits = tf.zeros((n, self.event_size, self.rbm_layer.k_in))
        return _sample_visible(logits, u, self.softmax)

    # ------------------------------------------------------------------ log partition function
    def _fingerprint(self):
        w, b, c = self.rbm_layer.params()
        return tf.stack([tf.reduce_sum(w), tf.reduce_sum(tf.square(w)), tf.reduce_sum(b),
                         tf.reduce_sum(c)])

    def log_partition_is_current(self):
        """Whether the stored log Z was computed for the current parameters."""
        stored = self.rbm_layer.fingerprint.numpy()
        return bool(np.all(np.isfinite(stored)) and np.allclose(
            stored, self._fingerprint().numpy(), rtol=1e-6, atol=1e-6))

    def exact_log_partition(self, chunk=16384):
        """log Z by enumerating the 2^H hidden states (H <= 24)."""
        h_units = self.hidden_units
        if h_units > 24:
            raise ValueError(f"Enumerating 2^{h_units} hidden states is not feasible; use "
                             "method='ais' (exact needs hidden_units <= 24).")
        w, b, c = self.rbm_layer.params()
        total = 2 ** h_units
        bits = tf.constant(2 ** np.arange(h_units), tf.int64)
        parts = []
        for start in range(0, total, chunk):
            index = tf.range(start, min(start + chunk, total), dtype=tf.int64)
            h = tf.cast(tf.bitwise.bitwise_and(index[:, None], bits) > 0, tf.float32)
            logits = b + tf.einsum("nh,dkh->ndk", h, w)
            if self.softmax:
                visible = tf.reduce_sum(tf.reduce_logsumexp(logits, -1), -1)
            else:
                visible = tf.reduce_sum(tf.nn.softplus(logits[..., 0]), -1)
            parts.append(tf.reduce_logsumexp(visible + tf.linalg.matvec(h, c)))
        return float(tf.reduce_logsumexp(tf.stack(parts)))

    def _log_p_star(self, v, beta, base):
        """log p*_beta(v): the unnormalized annealed marginal of the visible units."""
        _, b, _ = self.rbm_layer.params()
        visible = tf.einsum("bdk,dk->b", v, (1.0 - beta) * base + beta * b)
        return visible + tf.reduce_sum(tf.nn.softplus(self.rbm_layer.hidden_input(v, beta)), -1)

    def ais_log_weights(self, num_chains=None, num_betas=None, base_logits=None, seed=0):
        """The log importance weights of AIS chains and log Z_A of the base model.

        Args:
            num_chains, num_betas: M and K (defaults: `ais_chains`, `ais_betas`).
            base_logits: (D, K_in) visible biases of the base model (e.g. the log frequencies of
                the training data's levels); default: the RBM's own visible biases b.
            seed: seeds the chains (stateless draws).

        Returns:
            `(log_w, log_z_base)`: NumPy (M,) and a float.
        """
        num_chains = check_positive_int(num_chains or self.ais_chains, "num_chains")
        betas = ais_schedule(num_betas or self.ais_betas).astype(np.float32)
        layer = self.rbm_layer
        _, b, _ = layer.params()
        base = b if base_logits is None else tf.constant(base_logits, tf.float32)
        if self.softmax:
            log_z_base = tf.reduce_sum(tf.reduce_logsumexp(base, -1))
        else:
            log_z_base = tf.reduce_sum(tf.nn.softplus(base[..., 0]))
        log_z_base += self.hidden_units * math.log(2.0)
        run = tf.function(self._ais_chains, reduce_retracing=True)
        log_w = run(tf.constant(betas), base, tf.constant(num_chains),
                    tf.constant([int(seed), 12345], tf.int32))
        return log_w.numpy().astype(np.float64), float(log_z_base)

    def _ais_chains(self, betas, base, num_chains, seed):
        layer = self.rbm_layer
        d, h_units = self.event_size, self.hidden_units
        u0 = tf.random.stateless_uniform((num_chains, d), seed)
        v = _sample_visible(tf.broadcast_to(base, (num_chains,) + tuple(base.shape)), u0,
                            self.softmax)
        log_w = tf.zeros((num_chains,))
        num_betas = tf.shape(betas)[0]

        def body(k, v, log_w):
            beta, previous = betas[k], betas[k - 1]
            log_w += self._log_p_star(v, beta, base) - self._log_p_star(v, previous, base)
            step_seed = tf.random.experimental.stateless_fold_in(seed, k)
            noise = tf.random.stateless_uniform((num_chains, 1, h_units + d), step_seed)
            v = self.gibbs(v, noise, beta=beta, base=base)
            return k + 1, v, log_w

        _, v, log_w = tf.while_loop(lambda k, v, w: k < num_betas, body,
                                    (tf.constant(1), v, log_w))
        return log_w

    def update_log_partition(self, method="auto", data=None, num_chains=None, num_betas=None,
                             seed=0):
        """Computes log Z (and its standard error) and stores it with the weights.

        Args:
            method: "exact", "ais", or "auto" (exact when hidden_units <= exact_max_hidden).
            data: optional training examples whose level frequencies define the AIS base model
                (Salakhutdinov & Murray's base-rate model); default: the visible biases.
            num_chains, num_betas, seed: AIS settings.

        Returns:
            dict: `log_partition`, `standard_error`, `method`.
        """
        check_choice(method, "method", ("auto", "exact", "ais"))
        if method == "auto":
            method = "exact" if self.hidden_units <= self.exact_max_hidden else "ais"
        if method == "exact":
            value, se = self.exact_log_partition(), 0.0
            name = f"exact (2^{self.hidden_units} hidden states)"
        else:
            base = None
            if data is not None:
                v = self.rbm_layer.encode(tf.reshape(
                    tf.constant(self.check_input(data), tf.float32), (-1, self.event_size)))
                freq = (tf.reduce_sum(v, 0) + 0.5) / (tf.cast(tf.shape(v)[0], tf.float32) + 1.0)
                base = (tf.math.log(freq) if self.softmax else
                        tf.math.log(freq) - tf.math.log1p(-freq)).numpy()
            log_w, log_z_base = self.ais_log_weights(num_chains, num_betas, base, seed)
            log_mean, se = _log_mean_and_se(log_w)
            value = log_z_base + log_mean
            name = (f"AIS ({len(log_w)} chains, {num_betas or self.ais_betas} betas"
                    f"{', base-rate model' if data is not None else ''})")
        layer = self.rbm_layer
        layer.log_partition.assign([value, se])
        layer.fingerprint.assign(self._fingerprint())
        self._log_partition_method = name
        return {"log_partition": value, "standard_error": se, "method": name}

    @property
    def log_prob_method(self):
        return getattr(self, "_log_partition_method", None) or (
            "exact" if self.hidden_units <= self.exact_max_hidden else "AIS")

    def _ensure_log_partition(self):
        if not self.log_partition_is_current():
            self.update_log_partition()

    def free_energy(self, x):
        """F(x) per example (NumPy), nats."""
        x = self.check_input(x)
        return self.energy(tf.constant(x, tf.float32)).numpy().astype(np.float64)

    def _log_prob_batch(self, x):
        return -self.energy(x) - self.rbm_layer.log_partition[0]

    def log_prob(self, x, batch_size=500):
        """log p(x) = -F(x) - log Z per example (NumPy); log Z as stored (recomputed by
        `update_log_partition()` with the default method when the parameters changed)."""
        self._ensure_log_partition()
        return super().log_prob(x, batch_size=batch_size)

    def log_prob_report(self, x, **kwargs):
        """NLL with its standard error: the spread over examples and log Z's own error, in
        quadrature; also `log_partition` and `log_partition_standard_error`."""
        report = super().log_prob_report(x, **kwargs)
        value, se = (float(v) for v in self.rbm_layer.log_partition.numpy())
        report.update(
            nll_examples_standard_error=report["nll_standard_error"],
            nll_standard_error=float(math.hypot(report["nll_standard_error"], se)),
            log_partition=value, log_partition_standard_error=se,
            method=self.log_prob_method, exact=se == 0.0)
        return report

    # ------------------------------------------------------------------ sampling
    def _chain(self, num_samples, seed):
        """Runs `sampling_steps` Gibbs steps from uniform random visible states; returns
        (v, h) of the last step."""
        if seed is None:
            seed = keras.random.randint((), 0, 2 ** 30, seed=self.seed_generator)
        seed = tf.stack([tf.cast(seed, tf.int32), tf.constant(7, tf.int32)])
        return self._run_chain(tf.constant(num_samples), seed)

    @tf.function(reduce_retracing=True)
    def _run_chain(self, num_samples, seed):
        layer = self.rbm_layer
        d, h_units = self.event_size, self.hidden_units
        u0 = tf.random.stateless_uniform((num_samples, d), seed)
        v = _sample_visible(tf.zeros((num_samples, d, layer.k_in)), u0, self.softmax)
        h = tf.zeros((num_samples, h_units))

        def body(k, v, h):
            step_seed = tf.random.experimental.stateless_fold_in(seed, k)
            u = tf.random.stateless_uniform((num_samples, h_units + d), step_seed)
            h = tf.cast(u[:, :h_units] < tf.sigmoid(layer.hidden_input(v)), tf.float32)
            v = _sample_visible(layer.visible_logits(h), u[:, h_units:], self.softmax)
            return k + 1, v, h

        _, v, h = tf.while_loop(lambda k, v, h: k < self.sampling_steps, body,
                                (tf.constant(0), v, h))
        return v, h

    def sample_latent(self, num_samples, seed=None):
        """Hidden states after `sampling_steps` Gibbs steps."""
        return self._chain(num_samples, seed)[1]

    def generate_from_latents(self, h):
        """E[v | h] in levels (softmax units: the expected level)."""
        logits = self.rbm_layer.visible_logits(tf.convert_to_tensor(h, tf.float32))
        if self.softmax:
            levels = tf.range(self.num_levels, dtype=tf.float32)
            x = tf.reduce_sum(tf.nn.softmax(logits, -1) * levels, -1)
        else:
            x = tf.sigmoid(logits[..., 0])
        return tf.reshape(x, (-1,) + self.sample_shape)

    def sample(self, num_samples, seed=None):
        """Visible states after `sampling_steps` Gibbs steps (NumPy float32 levels)."""
        num_samples = check_positive_int(num_samples, "num_samples")
        v, _ = self._chain(num_samples, seed)
        return tf.reshape(self.rbm_layer.decode(v), (-1,) + self.sample_shape).numpy()

    # ------------------------------------------------------------------ export
    def export(self, filepath, format="tf_saved_model", verbose=False):
        """As `GenerativeModel.export`; the stored log Z is refreshed first if stale."""
        self._ensure_log_partition()
        return super().export(filepath, format=format, verbose=verbose)

    def serving_endpoints(self):
        def decode(h):
            return {"samples": self.generate_from_latents(h)}

        return {"log_prob": self.log_prob_endpoint(),
                "decode": (decode, [tf.TensorSpec((None, self.hidden_units), tf.float32,
                                                  name="h")])}


def _log_mean_and_se(log_w):
    from kerasgen.models.density import logmeanexp_standard_error

    return logmeanexp_standard_error(log_w)
