"""Neural autoregressive distribution estimator (NADE; Larochelle & Murray, AISTATS 2011).

NADE writes a distribution over D dimensions, taken in an ordering o, as a product of conditionals

    p(x) = prod_d p(x_{o_d} | x_{o_<d}),

each given by a one-hidden-layer network whose input weights are shared between the conditionals:

    a_1 = c,   a_{d+1} = a_d + W[o_d, x_{o_d}],   h_d = sigmoid(a_d),
    p(x_{o_d} = k | x_{o_<d}) = softmax_k(b[o_d] + V[o_d] h_d),

so log p(x) is exact and costs O(DH) for all D conditionals together (an exclusive cumulative sum
of the input contributions). With binary data the conditional is a Bernoulli (the 2011 paper:
sigma(b + V h)); with K discrete levels (the 17 grey levels of the digits) a categorical over K
levels, each observed level entering through its own weight column (one-hot input), as in Uria,
Cote, Gregor, Murray & Larochelle, "Neural Autoregressive Distribution Estimation", JMLR 2016.
Sampling is ancestral: draw x_{o_1}, add its weight column to a, draw x_{o_2}, ... -- done by
inverse-CDF from D uniforms, so `generate_from_latents(u)` is a deterministic map.

`conditional="logistic_mixture"` replaces the K free logits of each conditional by a mixture of
M discretized logistics over the ordered levels (PixelCNN++, Salimans et al. 2017: bins of width
one, the end levels taking the tails; `tfd.QuantizedDistribution` of `tfd.Logistic`): 3M
outputs per dimension instead of K, and neighbouring levels share their probability, which
suits ordinal levels such as grey values when the data are few.

An *ensemble over orderings* (`num_orderings` = E > 1) holds E NADEs, each with its own random
ordering and parameters, and is their uniform mixture p(x) = (1/E) sum_e p_e(x): still exact, and
the averaging regularizes (Uria, Murray & Larochelle 2014, arXiv:1310.1757, average over
orderings; here each ordering has its own network). The members train together, either on the
mixture's likelihood (`ensemble_training="mixture"`: they may specialize, like mixture
components) or each on its own likelihood (`"independent"`: the mean of the members' NLLs, the
same as training E NADEs separately, then averaging them -- bagging without resampling).
"""

import math

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp
import keras

from kerasgen import optimizers as optimizers_lib
from kerasgen.models.density import DensityModel
from kerasgen.models.masked import SYMMETRIES, check_num_orderings, transform
from kerasgen.utils import check_choice, check_positive_int

CONDITIONALS = ("categorical", "bernoulli", "logistic_mixture")


def logistic_mixture_log_probs(params, num_levels):
    """(..., 3M) mixture parameters -> (..., K) log-probabilities of the levels 0..K-1.

    The parameters are M mixture logits, M locations (in level units) and M raw scales
    (scale = softplus(raw) + 0.01). Level k takes the logistic's mass on (k - 1/2, k + 1/2],
    level 0 everything below 1/2 and level K-1 everything above K - 3/2.
    """
    tfd = tfp.distributions
    logits, loc, raw_scale = tf.split(tf.cast(params, tf.float32), 3, axis=-1)
    scale = tf.nn.softplus(raw_scale) + 0.01
    # QuantizedDistribution's level y holds the mass of its input on (y - 1, y]: the input
    # X - 1/2 puts X's mass on (y - 1/2, y + 1/2] there
    component = tfd.QuantizedDistribution(
        tfd.Logistic(loc[..., None, :] - 0.5, scale[..., None, :]),
        low=0.0, high=float(num_levels - 1))
    levels = tf.range(num_levels, dtype=tf.float32)[:, None]               # (K, 1)
    log_p = component.log_prob(levels)                                     # (..., K, M)
    weights = tf.nn.log_softmax(logits, axis=-1)[..., None, :]
    return tf.reduce_logsumexp(log_p + weights, axis=-1)


def orderings(ordering, num_orderings, event_size, seed, sample_shape=None):
    """The (E, D) orderings: "raster" (the first; the others random), "random" (all random,
    drawn from `seed`), "symmetries" (raster order read after each of the first E symmetries of
    the square, `kerasgen.models.masked.SYMMETRIES`: from another corner, or along columns), or
    an explicit list of E permutations of range(D)."""
    if ordering == "symmetries":
        shape = tuple(sample_shape or ())
        check_num_orderings(shape, num_orderings)
        index = tf.reshape(tf.range(event_size), (1,) + shape)
        return np.stack([tf.reshape(transform(index, SYMMETRIES[e]), [-1]).numpy()
                         for e in range(num_orderings)]).astype(np.int32)
    if isinstance(ordering, str):
        check_choice(ordering, "ordering", ("raster", "random", "symmetries"))
        rng = np.random.default_rng(0 if seed is None else seed)
        rows = [rng.permutation(event_size) for _ in range(num_orderings)]
        if ordering == "raster":
            rows[0] = np.arange(event_size)
        return np.stack(rows).astype(np.int32)
    array = np.asarray(ordering, dtype=np.int64)
    if array.ndim == 1:
        array = array[None]
    if array.shape != (num_orderings, event_size) or any(
            sorted(row) != list(range(event_size)) for row in array.tolist()):
        raise ValueError(f"`ordering` must be 'raster', 'random' or {num_orderings} "
                         f"permutation(s) of range({event_size}), got {ordering!r}.")
    return array.astype(np.int32)


@keras.saving.register_keras_serializable(package="kerasgen")
class NADELayer(keras.layers.Layer):
    """E NADEs over D dimensions with K levels each; calling it on (batch, D) integer levels
    gives the conditional logits (batch, E, D, K_out) in the data's order (teacher forcing).

    Args:
        event_size: D.
        num_levels: K (2 for binary data).
        hidden_units: H.
        num_orderings: E.
        bernoulli: one logit per dimension (Bernoulli conditionals) instead of K.
        num_outputs: outputs per dimension when not K (or 1 for Bernoulli), e.g. the 3M
            parameters of a logistic mixture.
        tied: the E members share one set of weights (one NADE read in E orderings).
        activation: hidden activation ("sigmoid" in the paper).
        dropout: dropout rate on the hidden units while training.
        seed: seeds the initial weights and the dropout.
    """

    def __init__(self, event_size, num_levels, hidden_units, num_orderings=1, bernoulli=False,
                 activation="sigmoid", dropout=0.0, seed=None, num_outputs=None, tied=False,
                 **kwargs):
        super().__init__(**kwargs)
        self.event_size = int(event_size)
        self.num_levels = int(num_levels)
        self.hidden_units = int(hidden_units)
        self.num_orderings = int(num_orderings)
        self.tied = bool(tied)
        self.bernoulli = bool(bernoulli)
        self.activation = activation
        self.dropout = float(dropout)
        self.seed = seed
        self.k_in = 1 if self.bernoulli else self.num_levels
        self.k_out = (int(num_outputs) if num_outputs
                      else 1 if self.bernoulli else self.num_levels)
        self.dropout_layer = keras.layers.Dropout(self.dropout, seed=seed) if dropout else None

    def build(self, input_shape=None):
        e, d, h = 1 if self.tied else self.num_orderings, self.event_size, self.hidden_units
        init = keras.initializers.GlorotUniform(seed=self.seed)
        self.w = self.add_weight(shape=(e, d, self.k_in, h), name="w",
                                 initializer=keras.initializers.RandomNormal(
                                     stddev=0.01, seed=self.seed))
        self.c = self.add_weight(shape=(e, h), name="c", initializer="zeros")
        self.v = self.add_weight(shape=(e, d, h, self.k_out), name="v", initializer=init)
        self.b = self.add_weight(shape=(e, d, self.k_out), name="b", initializer="zeros")
        self.built = True

    def encode(self, x):
        """(batch, D) levels -> the input contributions' encoding (batch, D, K_in)."""
        if self.bernoulli:
            return tf.cast(x, self.compute_dtype)[..., None]
        return tf.one_hot(tf.cast(x, tf.int32), self.num_levels, dtype=self.compute_dtype)

    def hidden(self, pre_activation):
        return keras.activations.get(self.activation)(pre_activation)

    def weight_index(self, members):
        """Where the weights of `members` (int tensor) are: themselves, or 0 when tied."""
        return tf.zeros_like(members) if self.tied else members

    def call(self, x, order, members=None, training=False):
        """`order` (E', D): position -> dimension, for the members `members` (E',) (default:
        all E). Returns logits (batch, E', D, K_out) with dimension d's conditional at index d."""
        inputs = self.encode(x)                                    # (B, D, Kin)
        if members is None:
            members = tf.range(tf.shape(order)[0])
        index = self.weight_index(members)
        w = tf.gather(tf.cast(self.w, self.compute_dtype), index)
        v = tf.gather(tf.cast(self.v, self.compute_dtype), index)
        c = tf.gather(tf.cast(self.c, self.compute_dtype), index)
        b = tf.gather(tf.cast(self.b, tf.float32), index)
        # each member's inputs and weights listed in its own ordering, members first
        ordered = tf.transpose(tf.gather(inputs, order, axis=1), (1, 0, 2, 3))  # (E, B, D, Kin)
        w_ordered = tf.gather(w, order, axis=1, batch_dims=1)      # (E, D, Kin, H)
        contrib = tf.einsum("ebdk,edkh->ebdh", ordered, w_ordered)
        a = tf.cumsum(contrib, axis=2, exclusive=True) + c[:, None, None]
        h = self.hidden(a)
        if self.dropout_layer is not None:
            h = self.dropout_layer(h, training=training)
        v_ordered = tf.gather(v, order, axis=1, batch_dims=1)      # (E, D, H, Kout)
        logits = tf.cast(tf.einsum("ebdh,edhk->ebdk", h, v_ordered), tf.float32)
        logits += tf.gather(b, order, axis=1, batch_dims=1)[:, None]
        # back to the data's order (position p of member e holds dimension order[e, p])
        logits = tf.gather(logits, tf.argsort(order, axis=1), axis=2, batch_dims=1)
        return tf.transpose(logits, (1, 0, 2, 3))                  # (B, E, D, Kout)

    def get_config(self):
        config = super().get_config()
        config.update(event_size=self.event_size, num_levels=self.num_levels,
                      hidden_units=self.hidden_units, num_orderings=self.num_orderings,
                      bernoulli=self.bernoulli, activation=self.activation,
                      dropout=self.dropout, seed=self.seed, num_outputs=self.k_out,
                      tied=self.tied)
        return config


@keras.saving.register_keras_serializable(package="kerasgen")
class NADE(DensityModel):
    """NADE with categorical (K levels) or Bernoulli conditionals; exact `log_prob`.

    Args:
        sample_shape: shape of one example, e.g. (8, 8, 1); flattened in C order.
        num_levels: K, the number of discrete levels (17 for the raw digits; 2 for binary).
        conditional: "categorical" (softmax over K levels), "bernoulli" (binary data, one
            sigmoid per dimension as in the 2011 paper; needs num_levels=2) or
            "logistic_mixture" (M discretized logistics over the K ordered levels).
        num_components: M for "logistic_mixture".
        hidden_units: H.
        num_orderings: E NADEs, each with its own ordering, as a uniform mixture.
        ordering: "raster" (the first member in raster order, the others random), "random",
            "symmetries" (images: raster order after each of E symmetries of the square), or E
            permutations of range(D).
        tied_orderings: the E members share their weights: one NADE, averaged over E
            orderings (order-agnostic training over them, Uria et al. 2014).
        activation: hidden activation ("sigmoid" in the paper).
        dropout: dropout rate on the hidden units while training (regularizes small data).
        ensemble_training: "mixture", "independent" (see the module docstring) or "sampled"
            (each step trains one member drawn at random on the whole batch: the independent
            objective at the cost of one NADE; its reported `loss` is that member's NLL).
        seed: int or None.

    `loss` is the negative log-likelihood of the model (the ensemble's mixture) in nats per
    example, exact; `objective` is what the update minimizes (the same, or the members' mean
    NLL with independent training).

    Example:
        >>> nade = NADE(sample_shape=(8, 8, 1), num_levels=17, hidden_units=16, seed=0)
        >>> nade.compile()   # Adam(1e-3)
        >>> history = nade.fit(kerasgen.data.digits("train", raw=True, batch_size=100),
        ...                    epochs=2, verbose=0)
        >>> test, _ = kerasgen.data.load_digits_array("test")
        >>> bool(95 < -nade.log_prob(test[..., None]).mean() < 180)  # nats per image
        True
        >>> nade.generate(2, seed=0).shape
        (2, 8, 8, 1)
    """

    optimizer_specs = {
        "optimizer": (("autoregressive",), lambda: optimizers_lib.Adam(1e-3)),
    }
    loss_names = ("loss", "objective")
    support = "categorical"

    def __init__(self, sample_shape=(8, 8, 1), num_levels=17, conditional="categorical",
                 hidden_units=500, num_orderings=1, ordering="raster", activation="sigmoid",
                 dropout=0.0, ensemble_training="mixture", num_components=3,
                 tied_orderings=False, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        check_choice(conditional, "conditional", CONDITIONALS)
        check_choice(ensemble_training, "ensemble_training",
                     ("mixture", "independent", "sampled"))
        self.ensemble_training = ensemble_training
        if not isinstance(num_levels, int) or isinstance(num_levels, bool) or num_levels < 2:
            raise ValueError(f"`num_levels` must be an int >= 2, got {num_levels!r}.")
        if conditional == "bernoulli" and num_levels != 2:
            raise ValueError(f"Bernoulli conditionals model binary data: `num_levels` must be "
                             f"2, got {num_levels}.")
        hidden_units = check_positive_int(hidden_units, "hidden_units")
        num_orderings = check_positive_int(num_orderings, "num_orderings")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1), got {dropout!r}.")
        self.sample_shape = tuple(int(s) for s in sample_shape)
        self.event_size = math.prod(self.sample_shape)
        self.num_levels = num_levels
        self.support = "binary" if conditional == "bernoulli" else "categorical"
        self.conditional = conditional
        self.num_components = check_positive_int(num_components, "num_components")
        self.hidden_units = hidden_units
        self.num_orderings = num_orderings
        self.order = orderings(ordering, num_orderings, self.event_size, seed,
                               self.sample_shape)
        self.tied_orderings = bool(tied_orderings)
        # the sampler's latent: one uniform for the member, one per dimension
        self.latent_dim = self.event_size + (1 if num_orderings > 1 else 0)

        def build():
            x = keras.Input(self.sample_shape, name="x")
            layer = NADELayer(self.event_size, num_levels, hidden_units, num_orderings,
                              bernoulli=conditional == "bernoulli", activation=activation,
                              dropout=dropout, seed=seed, name="nade",
                              tied=self.tied_orderings,
                              num_outputs=(3 * self.num_components
                                           if conditional == "logistic_mixture" else None))
            flat = keras.layers.Reshape((self.event_size,))(x)
            return keras.Model(x, layer(flat, tf.constant(self.order)), name="autoregressive")

        self.autoregressive = self.network("autoregressive", None, build)
        if conditional == "logistic_mixture":  # the components start spread over the levels
            m = self.num_components
            b = np.array(self.nade_layer.b.numpy())
            b[..., m:2 * m] = np.linspace(0.0, num_levels - 1.0, m)
            self.nade_layer.b.assign(b)
        self.record_hyperparameters(
            sample_shape=list(self.sample_shape), num_levels=num_levels, conditional=conditional,
            hidden_units=hidden_units, num_orderings=num_orderings,
            ordering=ordering if isinstance(ordering, str) else self.order.tolist(),
            activation=activation, dropout=float(dropout), ensemble_training=ensemble_training,
            num_components=self.num_components, tied_orderings=self.tied_orderings,
            seed=seed)
        self._finish_init()

    @property
    def nade_layer(self):
        return self.autoregressive.get_layer("nade")

    # ------------------------------------------------------------------ log-probabilities
    def member_log_probs(self, x, training=False):
        """log p_e(x) of each ensemble member, (batch, E), float32."""
        return self._log_probs_of(self.autoregressive(x, training=training), x)

    def _log_probs_of(self, outputs, x):
        """Sum over dimensions of log p(x_d | x_<d) from the layer's outputs (B, E', D, K_out)."""
        logits = self.level_logits(outputs)                        # (B, E', D, K)
        flat = tf.reshape(x, (-1, 1, self.event_size))
        if self.conditional == "bernoulli":
            target = tf.cast(flat, tf.float32)
            logits = logits[..., 0]
            log_p = -tf.nn.sigmoid_cross_entropy_with_logits(
                labels=tf.broadcast_to(target, tf.shape(logits)), logits=logits)
        else:
            target = tf.cast(tf.round(tf.cast(flat, tf.float32)), tf.int32)
            log_p = -tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=tf.broadcast_to(target, tf.shape(logits)[:-1]), logits=logits)
        return tf.reduce_sum(log_p, axis=-1)

    def level_logits(self, outputs):
        """The network's outputs per dimension -> the conditional's logits over the K levels
        (the outputs themselves, except for the logistic mixture)."""
        if self.conditional == "logistic_mixture":
            return logistic_mixture_log_probs(outputs, self.num_levels)
        return outputs

    def _log_prob_batch(self, x, training=False):
        return self._mixture(self.member_log_probs(x, training=training))

    def _mixture(self, members):
        return tf.reduce_logsumexp(members, axis=-1) - math.log(self.num_orderings)

    # ------------------------------------------------------------------ training
    def compute_losses(self, data, training=False):
        x, _ = self.unpack(data)
        self.check_batch(x, self.sample_shape)
        x = self._graph_support_check(x)
        if training and self.ensemble_training == "sampled" and self.num_orderings > 1:
            member = keras.random.randint((1,), 0, self.num_orderings,
                                          seed=self.seed_generator)
            flat = tf.reshape(x, (-1, self.event_size))
            outputs = self.nade_layer(flat, tf.gather(tf.constant(self.order), member),
                                      members=member, training=True)
            objective = -tf.reduce_mean(self._log_probs_of(outputs, x))
            return {"loss": objective, "objective": objective}
        members = self.member_log_probs(x, training=training)
        loss = -tf.reduce_mean(self._mixture(members))
        objective = (-tf.reduce_mean(members) if self.ensemble_training == "independent"
                     else loss)
        return {"loss": loss, "objective": objective}

    def train_step(self, data):
        with tf.GradientTape() as tape:
            losses = self.compute_losses(data, training=True)
        self.minimize(tape, losses["objective"], "optimizer")
        return self.report(losses)

    # ------------------------------------------------------------------ sampling
    def sample_latent(self, num_samples, seed=None):
        return keras.random.uniform((num_samples, self.latent_dim),
                                    seed=self.seed_generator if seed is None else seed)

    def generate_from_latents(self, u):
        """Ancestral sampling by inverse CDF: `u` (batch, latent_dim) uniforms -> samples.

        With an ensemble, `u[:, 0]` picks the member and `u[:, 1:]` drive the conditionals.
        """
        u = tf.convert_to_tensor(u, tf.float32)
        layer = self.nade_layer
        e = self.num_orderings
        if e > 1:
            member = tf.minimum(tf.cast(tf.floor(u[:, 0] * e), tf.int32), e - 1)
            u = u[:, 1:]
        else:
            member = tf.zeros(tf.shape(u)[:1], tf.int32)
        order = tf.gather(tf.constant(self.order), member)                  # (B, D)
        index = layer.weight_index(member)
        w = tf.gather(tf.cast(layer.w, tf.float32), index)                  # (B, D, Kin, H)
        v = tf.gather(tf.cast(layer.v, tf.float32), index)                  # (B, D, H, Kout)
        b = tf.gather(tf.cast(layer.b, tf.float32), index)                  # (B, D, Kout)
        a = tf.gather(tf.cast(layer.c, tf.float32), index)                  # (B, H)
        values = []
        for position in range(self.event_size):
            dim = order[:, position]
            h = layer.hidden(a)
            logits = self.level_logits(tf.einsum("bh,bhk->bk", h, tf.gather(
                v, dim, batch_dims=1)) + tf.gather(b, dim, batch_dims=1))
            noise = tf.gather(u, dim, batch_dims=1)
            if self.conditional == "bernoulli":
                level = tf.cast(noise < tf.sigmoid(logits[:, 0]), tf.int32)
                a = a + tf.gather(w, dim, batch_dims=1)[:, 0] * tf.cast(level, tf.float32)[:,
                                                                                          None]
            else:
                cdf = tf.cumsum(tf.nn.softmax(logits, axis=-1), axis=-1)
                level = tf.minimum(tf.reduce_sum(tf.cast(cdf < noise[:, None], tf.int32), -1),
                                   self.num_levels - 1)
                a = a + tf.gather(tf.gather(w, dim, batch_dims=1), level, batch_dims=1)
            values.append((dim, level))
        # scatter each position's level back to its dimension
        batch = tf.shape(u)[0]
        dims = tf.stack([d for d, _ in values], axis=1)                     # (B, D)
        levels = tf.cast(tf.stack([lv for _, lv in values], axis=1), tf.float32)
        rows = tf.repeat(tf.range(batch)[:, None], self.event_size, axis=1)
        x = tf.scatter_nd(tf.stack([rows, dims], -1), levels, (batch, self.event_size))
        return tf.reshape(x, (-1,) + self.sample_shape)
