"""A normalizing flow over dequantized discrete data: RealNVP couplings (Dinh, Sohl-Dickstein &
Bengio, "Density estimation using Real NVP", ICLR 2017) or masked autoregressive flows (MAF;
Papamakarios, Pavlakou & Murray, "Masked Autoregressive Flow for Density Estimation", NeurIPS
2017), built from TFP bijectors.

Change of variables. An invertible map f from data v to a latent z ~ N(0, I) gives the exact
density

    log p(v) = log N(f(v); 0, I) + log |det df/dv|.

Here f is a `tfb.Chain`: a logit layer (v / K squeezed into (alpha, 1 - alpha), then
`tfb.Sigmoid` inverted: Dinh et al. section 4.1) and L steps, each a `tfb.Permute` (a fixed
random permutation) and a `tfb.RealNVP` affine coupling (half the dimensions scaled and shifted
by a network of the other half; both directions one pass) or a `tfb.MaskedAutoregressiveFlow`
(every dimension scaled and shifted by a MADE of the earlier ones: density one pass, sampling one
pass per dimension). The density is a `tfd.TransformedDistribution` of `tfd.MultivariateNormalDiag`
by that chain. The conditioners are Keras layers (dense, or `MaskedDense` for MAF), the log
scales soft-clamped by tanh and the last layer initialized at zero so each step starts as the
identity.

Dequantization. Discrete levels x in {0..K-1}^D have a probability mass P(x), not a density; the
flow models v = x + u with u in [0, 1)^D, and P(x) = integral p(x + u) du over the unit cell.
For any density q(u | x) on the cell, Jensen's inequality gives the *variational dequantization*
bound (Theis, van den Oord & Bethge 2016 for uniform q; Ho, Chen, Srinivas, Duan & Abbeel,
"Flow++", ICML 2019 for a learned q)

    log P(x) >= E_q[log p(x + u) - log q(u | x)],

which training maximizes (`dequantization="uniform"`: q = U[0, 1)^D, log q = 0; `"variational"`:
q a logistic-normal, u = sigmoid(mu(x) + sigma(x) eps), its parameters trained with the flow).
`log_prob` reports the tighter importance-weighted bound with k draws (Burda et al. 2016; Flow++
section 3.1),

    log P(x) >= E[log (1/k) sum_j p(x + u_j) / q(u_j | x)],

a stochastic *lower bound* on the discrete log-likelihood, so the NLL reported is an upper bound
on the model's true NLL and comparable with the exact figures of the discrete models (it can only
flatter them). The draws come from a fixed seed, so the figure is reproducible.
"""

import math

import numpy as np
import tensorflow as tf
import keras
import tensorflow_probability as tfp

from kerasgen import optimizers as optimizers_lib
from kerasgen.models.density import DensityModel
from kerasgen.models.masked import (SYMMETRIES, MaskedDense, check_num_orderings, made_degrees,
                                    made_masks, transform)
from kerasgen.utils import check_choice, check_positive_int

tfb = tfp.bijectors
tfd = tfp.distributions

COUPLINGS = ("realnvp", "maf")
DEQUANTIZATIONS = ("uniform", "variational")


@keras.saving.register_keras_serializable(package="kerasgen")
class FlowStep(keras.layers.Layer):
    """One step of the flow: a fixed permutation, then a RealNVP coupling or a MAF layer whose
    conditioner this layer holds. `bijector()` is the step as a TFP bijector (latent -> data
    direction is `forward`); calling the layer maps data to latent (`inverse`).

    Args:
        event_size: D.
        coupling: "realnvp" or "maf".
        hidden_units: the conditioner's hidden layer sizes.
        permutation: a permutation of range(D) applied first.
        activation: the conditioner's activation.
        log_scale_bound: log scales are `bound * tanh(raw / bound)`.
        dropout: dropout rate on the conditioner's hidden units while training.
        num_members: members of an ensemble over orderings; each adds its own learned bias to
            the first hidden layer (which ordering the flow is reading).
        seed: seeds the initializers and MAF's hidden degrees.
    """

    def __init__(self, event_size, coupling, hidden_units, permutation, activation="relu",
                 log_scale_bound=3.0, dropout=0.0, num_members=1, seed=None, **kwargs):
        kwargs["dtype"] = "float32"  # change-of-variables arithmetic stays in float32
        super().__init__(**kwargs)
        self.event_size = int(event_size)
        self.coupling = coupling
        self.hidden_units = [int(h) for h in hidden_units]
        self.permutation = [int(p) for p in permutation]
        self.activation = activation
        self.log_scale_bound = float(log_scale_bound)
        self.dropout = float(dropout)
        self.num_members = int(num_members)
        self.seed = seed
        self.dropout_layer = keras.layers.Dropout(self.dropout, seed=seed) if dropout else None
        d = self.event_size
        self.num_masked = d // 2
        init = lambda i: keras.initializers.GlorotUniform(None if seed is None else seed + i)  # noqa
        if coupling == "realnvp":
            self.hidden = [keras.layers.Dense(h, activation=None if i == 0 else activation,
                                              kernel_initializer=init(i), dtype="float32")
                           for i, h in enumerate(self.hidden_units)]
            self.out = keras.layers.Dense(2 * (d - self.num_masked), kernel_initializer="zeros",
                                          dtype="float32")
        else:
            inputs, hidden = made_degrees(d, self.hidden_units, np.arange(d), seed=seed)
            masks = made_masks(inputs, hidden, outputs_per_dim=2)
            self.hidden = [MaskedDense(h, m, activation=None if i == 0 else activation,
                                       seed=None if seed is None else seed + i, dtype="float32")
                           for i, (h, m) in enumerate(zip(self.hidden_units, masks[:-1]))]
            self.out = MaskedDense(2 * d, masks[-1], dtype="float32")

    def build(self, input_shape=None):
        width = self.num_masked if self.coupling == "realnvp" else self.event_size
        for layer in self.hidden:
            layer.build((None, width))
            width = layer.units
        self.out.build((None, width))
        self.member_bias = self.add_weight(shape=(self.num_members, self.hidden_units[0]),
                                           name="member_bias", initializer="zeros")
        if self.coupling == "maf":
            self.out.kernel.assign(tf.zeros_like(self.out.kernel))
        self.built = True

    def _conditioner(self, h, training=False, member=None):
        for i, layer in enumerate(self.hidden):
            h = layer(h)
            if i == 0:
                if member is not None:
                    h = h + tf.gather(self.member_bias, member)
                else:
                    h = h + self.member_bias[0]
                h = keras.activations.get(self.activation)(h)
            if self.dropout_layer is not None:
                h = self.dropout_layer(h, training=training)
        return self.out(h)

    def _split(self, params, units):
        # dimension-major pairs (shift, raw log scale)
        params = tf.reshape(params, tf.concat([tf.shape(params)[:-1], [units, 2]], 0))
        shift, raw = params[..., 0], params[..., 1]
        return shift, self.log_scale_bound * tf.tanh(raw / self.log_scale_bound)

    def bijector(self, training=False, member=None):
        """The step as a TFP bijector: `tfb.Chain([coupling, tfb.Permute(permutation)])`
        (`training`: the conditioner's dropout is on; `member`: (batch,) ints, the ensemble
        member of each example, default 0)."""
        if self.coupling == "realnvp":
            coupling = tfb.RealNVP(
                num_masked=self.num_masked,
                shift_and_log_scale_fn=lambda x0, units, **_: self._split(
                    self._conditioner(x0, training, member), units))
        else:
            coupling = tfb.MaskedAutoregressiveFlow(
                shift_and_log_scale_fn=lambda x, **_: self._split(
                    self._conditioner(x, training, member), self.event_size))
        return tfb.Chain([coupling, tfb.Permute(self.permutation)])

    def call(self, v):
        return self.bijector().inverse(v)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(event_size=self.event_size, coupling=self.coupling,
                      hidden_units=self.hidden_units, permutation=self.permutation,
                      activation=self.activation, log_scale_bound=self.log_scale_bound,
                      dropout=self.dropout, num_members=self.num_members, seed=self.seed)
        config.pop("dtype", None)
        return config


def dequantizer_network(event_size, num_levels, hidden_units, activation="relu", seed=None):
    """q(u | x) of variational dequantization: (batch, D) levels -> (batch, 2D) the mean and log
    standard deviation of the logistic-normal's pre-sigmoid Gaussian (float32)."""
    x = keras.Input((event_size,), name="x")
    h = keras.layers.Rescaling(2.0 / (num_levels - 1), offset=-1.0, dtype="float32")(x)
    for i, units in enumerate(hidden_units):
        h = keras.layers.Dense(units, activation=activation, dtype="float32",
                               kernel_initializer=keras.initializers.GlorotUniform(
                                   None if seed is None else seed + 100 + i))(h)
    out = keras.layers.Dense(2 * event_size, kernel_initializer="zeros", dtype="float32")(h)
    return keras.Model(x, out, name="dequantizer")


@keras.saving.register_keras_serializable(package="kerasgen")
class Flow(DensityModel):
    """A RealNVP or MAF normalizing flow on dequantized levels; `log_prob` is a bound on the
    discrete log-likelihood (see the module docstring).

    Args:
        sample_shape: shape of one example, e.g. (8, 8, 1); flattened in C order.
        num_levels: K, the discrete levels 0..K-1 (17 for the raw digits).
        coupling: "realnvp" (affine couplings, fast both ways) or "maf" (masked autoregressive
            layers: fast density, sampling one pass per dimension).
        num_steps: L, the number of permutation + coupling steps.
        hidden_units: each conditioner's hidden layer sizes.
        activation: the conditioners' activation.
        dropout: dropout rate on the conditioners' hidden units while training.
        dequantization: "uniform" or "variational" (a learned logistic-normal q(u | x)).
        dequantizer_units: hidden layer sizes of q's network (variational only).
        alpha: the logit transform's margin (Dinh et al. use 0.05).
        log_scale_bound: bound of each step's log scale (tanh soft clamp).
        eval_samples: k of the importance-weighted bound `log_prob` reports.
        num_orderings: E > 1 makes the model a uniform mixture of E flows, each reading the
            image after one of the symmetries of the square (shared weights, a learned bias per
            member; as in `PixelCNN`); its bound is the log-mean-exp of the members' bounds,
            still a lower bound on log P(x). Needs sample_shape (H, W, C).
        ensemble_training: "independent" (one random member per example) or "mixture".
        seed: int or None; also draws the permutations.

    Example:
        >>> flow = Flow(sample_shape=(8, 8, 1), num_levels=17, num_steps=2,
        ...             hidden_units=(32,), seed=0)
        >>> flow.compile()   # Adam(1e-3)
        >>> history = flow.fit(kerasgen.data.digits("train", raw=True, batch_size=100),
        ...                    epochs=1, verbose=0)
        >>> test, _ = kerasgen.data.load_digits_array("test")
        >>> report = flow.log_prob_report(test[..., None], num_samples=4)
        >>> report["method"]
        'dequantization bound (uniform q, importance-weighted, k=4)'
        >>> flow.sample(2, seed=0).shape
        (2, 8, 8, 1)
    """

    latent_name = "z"  # the base distribution's draws

    optimizer_specs = {
        "optimizer": (("flow", "dequantizer"), lambda: optimizers_lib.Adam(1e-3)),
    }
    loss_names = ("loss", "log_det")
    support = "categorical"

    def __init__(self, sample_shape=(8, 8, 1), num_levels=17, coupling="realnvp", num_steps=8,
                 hidden_units=(256, 256), activation="relu", dropout=0.0,
                 dequantization="uniform",
                 dequantizer_units=(256,), alpha=0.05, log_scale_bound=3.0, eval_samples=64,
                 num_orderings=1, ensemble_training="independent", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        check_choice(coupling, "coupling", COUPLINGS)
        check_choice(dequantization, "dequantization", DEQUANTIZATIONS)
        if not isinstance(num_levels, int) or isinstance(num_levels, bool) or num_levels < 2:
            raise ValueError(f"`num_levels` must be an int >= 2, got {num_levels!r}.")
        num_steps = check_positive_int(num_steps, "num_steps")
        hidden_units = [check_positive_int(h, "hidden_units") for h in hidden_units]
        if not hidden_units:
            raise ValueError("`hidden_units` must list at least one layer, got [].")
        dequantizer_units = [check_positive_int(h, "dequantizer_units")
                             for h in dequantizer_units]
        if not 0.0 <= float(alpha) < 0.5:
            raise ValueError(f"`alpha` must be in [0, 0.5), got {alpha!r}.")
        eval_samples = check_positive_int(eval_samples, "eval_samples")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1), got {dropout!r}.")
        self.sample_shape = tuple(int(s) for s in sample_shape)
        check_num_orderings(self.sample_shape, num_orderings)
        check_choice(ensemble_training, "ensemble_training", ("independent", "mixture"))
        self.num_orderings = num_orderings
        self.ensemble_training = ensemble_training
        self.event_size = d = math.prod(self.sample_shape)
        if d < 2:
            raise ValueError(f"A flow needs at least 2 dimensions, got sample_shape "
                             f"{self.sample_shape}.")
        self.num_levels = num_levels
        self.coupling = coupling
        self.dequantization = dequantization
        self.alpha = float(alpha)
        self.eval_samples = eval_samples
        # one more latent coordinate picks the member: Phi(z_0) in [0, 1)
        self.latent_dim = d + (1 if num_orderings > 1 else 0)
        rng = np.random.default_rng(0 if seed is None else seed)
        permutations = [rng.permutation(d) for _ in range(num_steps)]

        def build_flow():
            v = keras.Input((d,), name="v")
            h = v
            for i, perm in enumerate(permutations):
                h = FlowStep(d, coupling, hidden_units, perm, activation, log_scale_bound,
                             float(dropout), num_orderings,
                             seed=None if seed is None else seed + 1000 * i,
                             name=f"step_{i}")(h)
            return keras.Model(v, h, name="flow")

        self.flow = self.network("flow", None, build_flow)
        if dequantization == "variational":
            self.dequantizer = self.network("dequantizer", None, lambda: dequantizer_network(
                d, num_levels, dequantizer_units, activation, seed))
        else:  # no q network: the optimizer trains the flow alone
            object.__setattr__(self, "optimizer_specs", {
                "optimizer": (("flow",), type(self).optimizer_specs["optimizer"][1])})
        self.record_hyperparameters(
            sample_shape=list(self.sample_shape), num_levels=num_levels, coupling=coupling,
            num_steps=num_steps, hidden_units=hidden_units, activation=activation,
            dropout=float(dropout), dequantization=dequantization,
            dequantizer_units=dequantizer_units,
            alpha=self.alpha, log_scale_bound=float(log_scale_bound),
            eval_samples=eval_samples, num_orderings=num_orderings,
            ensemble_training=ensemble_training, seed=seed)
        self._finish_init()

    # ------------------------------------------------------------------ the distribution
    @property
    def steps(self):
        return [layer for layer in self.flow.layers if isinstance(layer, FlowStep)]

    def bijector(self, training=False, member=None):
        """latent z -> dequantized data v in (0, K)^D: the logit layer after the flow steps
        (`training`: the conditioners' dropout is on; `member`: (batch,) ints, each example's
        ensemble member, its v in that member's frame)."""
        a, k = self.alpha, float(self.num_levels)
        to_data = [tfb.Scale(k / (1.0 - 2.0 * a)), tfb.Shift(-a), tfb.Sigmoid()]
        # Chain applies right to left: the last step of `self.steps` maps data to latent first
        return tfb.Chain(to_data + [step.bijector(training, member) for step in self.steps])

    def distribution(self, bijector=None):
        """The flow's density over v in (0, K)^D as a `tfd.TransformedDistribution`."""
        base = tfd.MultivariateNormalDiag(loc=tf.zeros(self.event_size))
        return tfd.TransformedDistribution(base, bijector or self.bijector())

    # ------------------------------------------------------------------ dequantization
    def _dequantize(self, x, noise):
        """`(u, log q(u | x))` from standard noise (uniform: `noise` in [0, 1); variational:
        standard normal)."""
        if self.dequantization == "uniform":
            return noise, tf.zeros(tf.shape(noise)[:-1])
        params = self.dequantizer(x)
        mu, log_sigma = params[..., :self.event_size], params[..., self.event_size:]
        log_sigma = 3.0 * tf.tanh(log_sigma / 3.0)
        pre = mu + tf.exp(log_sigma) * noise
        u = tf.sigmoid(pre)
        # log q(u) = log N(noise) - log sigma - log sigmoid'(pre)
        log_q = (-0.5 * noise ** 2 - 0.5 * math.log(2 * math.pi) - log_sigma
                 - (tf.math.log_sigmoid(pre) + tf.math.log_sigmoid(-pre)))
        # u in [0, 1) in float32: keep it off the cell's upper edge
        return tf.minimum(u, 1.0 - 1e-6), tf.reduce_sum(log_q, axis=-1)

    def _draw_noise(self, shape, seed):
        """Dequantization noise from a fixed `(int, int)` seed (stateless, for the reported
        bound) or a `keras.random.SeedGenerator` (training)."""
        if isinstance(seed, keras.random.SeedGenerator):
            if self.dequantization == "uniform":
                return keras.random.uniform(shape, maxval=1.0 - 1e-6, seed=seed)
            return keras.random.normal(shape, seed=seed)
        if self.dequantization == "uniform":
            return tf.random.stateless_uniform(shape, seed, maxval=1.0 - 1e-6)
        return tf.random.stateless_normal(shape, seed)

    def dequantized_log_weights(self, x, noise, member=None, training=False):
        """log p(x + u) - log q(u | x), (batch,), for `noise` (batch, D) (see `_dequantize`);
        `x` (batch, D) in the frame of each example's ensemble `member` (default 0)."""
        x = tf.reshape(tf.cast(x, tf.float32), (-1, self.event_size))
        u, log_q = self._dequantize(x, noise)
        bijector = self.bijector(training, member)
        return self.distribution(bijector).log_prob(x + u) - log_q

    def _frame(self, x, member):
        """Examples (batch,) + sample_shape -> (batch, D) flattened in member `member`'s frame
        (an int)."""
        x = tf.reshape(tf.cast(x, tf.float32), (-1,) + self.sample_shape)
        if self.num_orderings > 1:
            x = transform(x, SYMMETRIES[member])
        return tf.reshape(x, (-1, self.event_size))

    def _log_prob_batch(self, x, num_samples=None):
        k = int(num_samples or self.eval_samples)
        batch = tf.shape(x)[0]
        noise = tf.reshape(self._draw_noise(tf.stack([k, batch, self.event_size]), (34, 0)),
                           (-1, self.event_size))
        bounds = []
        for e in range(self.num_orderings):
            tiled = tf.reshape(tf.tile(self._frame(x, e)[None], [k, 1, 1]), (-1, self.event_size))
            log_w = tf.reshape(self.dequantized_log_weights(
                tiled, noise, tf.fill(tf.shape(tiled)[:1], e)), (k, -1))
            bounds.append(tf.reduce_logsumexp(log_w, axis=0) - math.log(k))
        # log-mean-exp of the members' bounds: below log mean_e P_e(x) = log P(x)
        return tf.reduce_logsumexp(tf.stack(bounds, -1), axis=-1) - math.log(self.num_orderings)

    @property
    def log_prob_method(self):
        return (f"dequantization bound ({self.dequantization} q, importance-weighted, "
                f"k={self.eval_samples})")

    def log_prob(self, x, num_samples=None, batch_size=100):
        """The importance-weighted dequantization bound on log P(x) per example (nats), with
        `num_samples` draws (default `eval_samples`) from a fixed seed."""
        x = self.check_input(x)
        batch_size = check_positive_int(batch_size, "batch_size")
        out = [np.asarray(self._log_prob_batch(tf.constant(x[i:i + batch_size], tf.float32),
                                               num_samples))
               for i in range(0, len(x), batch_size)]
        return np.concatenate(out).astype(np.float64)

    def log_prob_report(self, x, num_samples=None, **kwargs):
        report = super().log_prob_report(x, num_samples=num_samples, **kwargs)
        k = int(num_samples or self.eval_samples)
        report["method"] = (f"dequantization bound ({self.dequantization} q, "
                            f"importance-weighted, k={k})")
        report["exact"] = False
        return report

    # ------------------------------------------------------------------ training
    def compute_losses(self, data, training=False):
        x, noise = self.unpack(data)
        self.check_batch(x, self.sample_shape)
        x = tf.cast(self._graph_support_check(x), tf.float32)
        batch = tf.shape(x)[0]
        d, e = self.event_size, self.num_orderings
        # noise: (batch, D) dequantization draws, and with an ensemble a last column of
        # uniforms that picks each example's member
        if noise is None:
            seed = self.seed_generator if training else (34, 1)
            noise = self._draw_noise(tf.stack([batch, d]), seed)
            pick = (keras.random.uniform((batch,), seed=self.seed_generator) if training
                    else tf.zeros((batch,)))
        else:
            noise = tf.reshape(tf.cast(noise, tf.float32), (batch, -1))
            pick = noise[:, d] if noise.shape[-1] > d else tf.zeros((batch,))
            noise = noise[:, :d]
        if e == 1 or not training or self.ensemble_training == "mixture":
            # every member (held out: the mixture's single-draw bound)
            members = [self.dequantized_log_weights(self._frame(x, m), noise,
                                                    tf.fill((batch,), m), training)
                       for m in range(e)]
            log_p = tf.reduce_logsumexp(tf.stack(members, -1), axis=-1) - math.log(e)
            member = tf.zeros((batch,), tf.int32)
            frame = self._frame(x, 0)
        else:
            member = tf.clip_by_value(tf.cast(tf.floor(pick * e), tf.int32), 0, e - 1)
            views = tf.stack([self._frame(x, m) for m in range(e)], axis=1)     # (B, E, D)
            frame = tf.gather(views, member, batch_dims=1)
            log_p = self.dequantized_log_weights(frame, noise, member, training)
        # the log-determinant of the (first or drawn) member's map at its dequantized point
        u, _ = self._dequantize(frame, noise)
        log_det = self.bijector(training, member).inverse_log_det_jacobian(frame + u,
                                                                           event_ndims=1)
        return {"loss": -tf.reduce_mean(log_p), "log_det": tf.reduce_mean(log_det)}

    def train_step(self, data):
        with tf.GradientTape() as tape:
            losses = self.compute_losses(data, training=True)
        self.minimize(tape, losses["loss"], "optimizer")
        return self.report(losses)

    # ------------------------------------------------------------------ sampling
    def sample_latent(self, num_samples, seed=None):
        return keras.random.normal((num_samples, self.latent_dim),
                                   seed=self.seed_generator if seed is None else seed)

    def generate_from_latents(self, z):
        """z (batch, latent_dim) standard normal -> levels (batch,) + sample_shape: the flow's
        forward map to v in (0, K)^D, then floor(v) (the cell v falls in). With an ensemble,
        Phi(z[:, 0]) picks the member and the sample is mapped back from its frame."""
        z = tf.convert_to_tensor(z, tf.float32)
        e = self.num_orderings
        if e > 1:
            member = tf.clip_by_value(tf.cast(tf.floor(
                0.5 * tf.math.erfc(-z[:, 0] / math.sqrt(2.0)) * e), tf.int32), 0, e - 1)
            z = z[:, 1:]
        else:
            member = None
        v = self.bijector(member=member).forward(z)
        x = tf.reshape(tf.clip_by_value(tf.floor(v), 0.0, float(self.num_levels - 1)),
                       (-1,) + self.sample_shape)
        if e == 1:
            return x
        views = tf.stack([transform(x, SYMMETRIES[m], inverse=True) for m in range(e)], axis=1)
        return tf.gather(views, member, batch_dims=1)
