"""Variational autoencoder (Kingma & Welling, 2014, arXiv:1312.6114) with TensorFlow Probability.

The encoder maps x to the parameters of a diagonal Gaussian posterior q(z|x) = N(mu(x),
diag(sigma(x)^2)); the prior is p(z) = N(0, I); the decoder maps z to the parameters of a
likelihood p(x|z): Bernoulli (binary data), Normal (continuous, fixed or learned scale) or a
categorical over K discrete levels (e.g. the 17 grey levels of the 8x8 digits). All three are TFP
distributions (`tfd.MultivariateNormalDiag` for posterior and prior, so `tfd.kl_divergence` has an
analytic rule; `tfd.Independent` over pixels for the likelihood). `tfp.layers` need Keras 2, so the
distributions are built from the networks' output tensors inside the model's methods.

Training maximizes the evidence lower bound, in nats per example,

    ELBO(x) = E_q[log p(x|z)] - KL(q(z|x) || p(z)) <= log p(x),

written as loss = -ELBO = distortion + rate (TFP's vae example): distortion = -log p(x|z) with the
reparameterized sample z = mu + sigma * eps, eps ~ N(0, I), so gradients flow to the encoder;
rate = KL, analytic via `tfd.kl_divergence`, or a one-sample Monte-Carlo estimate
log q(z|x) - log p(z) when no analytic rule exists (`analytic_kl=False`). An optional beta
weights the KL (beta-VAE), and a linear KL warm-up ramps it from 0 over `kl_warmup_steps`.

Density estimation uses the importance-weighted bound of Burda et al. (2016), arXiv:1509.00519:

    log p(x) >= E[log (1/k) sum_i p(x, z_i) / q(z_i|x)],  z_i ~ q(z|x),

which equals the ELBO for k = 1, increases with k and tends to log p(x). `log_likelihood(x, k)`
computes it per example in chunks of importance samples so that k = 1000 fits in memory; it is
the VAE's `log_prob` in the density contract (`kerasgen.models.density`), reported with its method
("IWAE, k = 1000") and standard error.

Two options bring the VAE closer to what small data sets allow:

* `iwae_samples` = k > 1 trains on that bound instead of the ELBO (the IWAE of Burda et al.):
  the loss is -log (1/k) sum_i w_i with w_i = p(x, z_i) / q(z_i|x), tighter than the ELBO, and
  the gradient weights the k samples by their normalized importance weights.
* `prior="vampprior"`: the variational mixture of posteriors prior of Tomczak & Welling (2018,
  arXiv:1705.07120), p(z) = (1/M) sum_m q(z | u_m), with M learned pseudo-inputs u_m (in the
  encoder's input scale, squashed by tanh for the categorical likelihood). Its KL term has no
  closed form; the one-sample estimate log q(z|x) - log p(z) is used.
"""

import math

import numpy as np
import tensorflow as tf
import keras
import tensorflow_probability as tfp

from kerasgen import optimizers as optimizers_lib
from kerasgen.models.density import DensityModel
from kerasgen.models.vae_networks import (
    autoregressive_decoder, conv_decoder, conv_encoder, mlp_decoder, mlp_encoder,
    params_per_pixel, pixelcnn_decoder)
from kerasgen.utils import check_choice, check_positive_int

tfd = tfp.distributions
LIKELIHOODS = ("categorical", "bernoulli", "normal")
PRIORS = ("standard", "vampprior")


@keras.saving.register_keras_serializable(package="kerasgen")
class VAE(DensityModel):
    """Variational autoencoder with TFP posterior, prior and likelihood.

    Args:
        input_shape: shape of one example, e.g. (8, 8, 1).
        latent_dim: size of z.
        likelihood: "categorical" (integer levels 0..num_levels-1), "bernoulli" (values in
            {0, 1}) or "normal" (real values, e.g. images in [-1, 1]).
        num_levels: K for the categorical likelihood (17 for the digits).
        normal_scale: for "normal": a float (fixed sigma) or "learned" (per pixel from the decoder).
        architecture: "mlp" or "conv" for the default encoder (and decoder, unless
            `autoregressive`).
        autoregressive: the decoder is autoregressive over the pixels given z,
            p(x|z) = prod_d p(x_d | x_<d, z); categorical and Bernoulli likelihoods.
        ar_network: "causal_1d" (`autoregressive_decoder`: causal convolutions over the raster
            sequence; sees the last `ar_kernel_size` pixels per layer, so suits small images)
            or "pixelcnn" (`pixelcnn_decoder`: masked 2-D convolutions, PixelVAE).
        ar_filters, ar_kernel_size, ar_layers: its width, (first) kernel size and depth (number
            of residual blocks for "pixelcnn").
        hidden_units: hidden sizes of the MLP networks (or (dense,) size of the conv ones).
        dropout: dropout rate after each hidden layer of the MLP networks (regularizes small
            data sets such as the 1,000 training digits).
        encoder, decoder: networks to use instead (encoder x -> 2*latent_dim values, decoder
            z -> output_shape + (params per pixel,)).
        beta: weight of the KL term (1 = the ELBO).
        kl_warmup_steps: linear warm-up of the KL weight from 0 to beta over that many steps.
        analytic_kl: use `tfd.kl_divergence`; False uses the Monte-Carlo estimate (always used
            with the VampPrior).
        iwae_samples: k importance samples per example in the training loss (1: the ELBO;
            k > 1: the IWAE bound).
        prior: "standard" (N(0, I)) or "vampprior" (a mixture of the posteriors of learned
            pseudo-inputs).
        num_pseudo_inputs: M for the VampPrior.
        seed: int or None.

    `generate` returns the likelihood's mean (categorical: expected level in [0, K-1];
    Bernoulli: probabilities in [0, 1]; Normal: the mean); `value_range` says which. `sample`
    draws x ~ p(x|z) instead, and `log_prob(x)` is the IWAE estimate (k = 1000 by default).

    Example:
        >>> vae = VAE(input_shape=(8, 8, 1), latent_dim=16, likelihood="categorical",
        ...           num_levels=17)
        >>> vae.compile()   # Adam(1e-3)
        >>> history = vae.fit(kerasgen.data.digits("train", raw=True, batch_size=100),
        ...                   epochs=1, verbose=0,
        ...                   validation_data=kerasgen.data.digits("val", raw=True,
        ...                                                        batch_size=350))
        >>> sorted(history.history)[:3]
        ['kl_loss', 'loss', 'reconstruction_loss']
        >>> test_images, _ = kerasgen.data.load_digits_array("test")
        >>> nll = -vae.log_likelihood(test_images[:20, ..., None], num_samples=10).mean()
        >>> bool(50 < nll < 200)  # nats per image, after one epoch
        True
    """

    optimizer_specs = {
        "optimizer": (("encoder", "decoder"), lambda: optimizers_lib.Adam(1e-3)),
    }
    loss_names = ("loss", "reconstruction_loss", "kl_loss")

    def __init__(self, input_shape=(8, 8, 1), latent_dim=16, likelihood="categorical",
                 num_levels=17, normal_scale="learned", architecture="mlp",
                 hidden_units=(256, 256), dropout=0.0, encoder=None, decoder=None, beta=1.0,
                 kl_warmup_steps=0, analytic_kl=True, iwae_samples=1, prior="standard",
                 num_pseudo_inputs=100, autoregressive=False, ar_filters=64, ar_kernel_size=7,
                 ar_layers=3, ar_network="causal_1d", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if likelihood not in LIKELIHOODS:
            raise ValueError(f"Unknown likelihood {likelihood!r}; expected one of {LIKELIHOODS}.")
        if architecture not in ("mlp", "conv"):
            raise ValueError(f"`architecture` must be 'mlp' or 'conv', got {architecture!r}.")
        if likelihood == "categorical" and (not isinstance(num_levels, int) or num_levels < 2):
            raise ValueError(f"`num_levels` must be an int >= 2, got {num_levels!r}.")
        if likelihood == "normal" and normal_scale != "learned" and not float(normal_scale) > 0:
            raise ValueError(f"`normal_scale` must be 'learned' or positive, got {normal_scale!r}.")
        if not float(beta) >= 0:
            raise ValueError(f"`beta` must be >= 0, got {beta}.")
        if prior not in PRIORS:
            raise ValueError(f"Unknown prior {prior!r}; expected one of {PRIORS}.")
        self.iwae_samples = check_positive_int(iwae_samples, "iwae_samples")
        self.prior_name = prior
        self.num_pseudo_inputs = check_positive_int(num_pseudo_inputs, "num_pseudo_inputs")
        self.support = {"categorical": "categorical", "bernoulli": "binary",
                        "normal": "real"}[likelihood]
        self.autoregressive = bool(autoregressive)
        check_choice(ar_network, "ar_network", ("causal_1d", "pixelcnn"))
        if self.autoregressive and likelihood == "normal":
            raise ValueError("`autoregressive=True` needs a categorical or bernoulli "
                             "likelihood, got 'normal'.")
        self.input_shape_ = tuple(input_shape)
        self.sample_shape = tuple(input_shape)
        self.latent_dim = int(latent_dim)
        self.likelihood_name = likelihood
        self.num_levels = int(num_levels)
        self.normal_scale = normal_scale
        params = params_per_pixel(likelihood, self.num_levels, normal_scale)
        self.encoder = self.network("encoder", encoder, lambda: (
            mlp_encoder(self.input_shape_, self.latent_dim, hidden_units, dropout=dropout)
            if architecture == "mlp" else
            conv_encoder(self.input_shape_, self.latent_dim, hidden_units=hidden_units[0])))
        self.decoder = self.network("decoder", decoder, lambda: (
            pixelcnn_decoder(self.latent_dim, self.input_shape_, params,
                             self.num_levels if likelihood == "categorical" else 2,
                             filters=ar_filters, num_blocks=ar_layers,
                             first_kernel_size=ar_kernel_size, hidden_units=hidden_units[0],
                             dropout=dropout)
            if self.autoregressive and ar_network == "pixelcnn" else
            autoregressive_decoder(self.latent_dim, self.input_shape_, params,
                                   self.num_levels if likelihood == "categorical" else 2,
                                   ar_filters, ar_kernel_size, ar_layers, dropout=dropout)
            if self.autoregressive else
            mlp_decoder(self.latent_dim, self.input_shape_, params, hidden_units,
                        dropout=dropout)
            if architecture == "mlp" else
            conv_decoder(self.latent_dim, self.input_shape_, params,
                         hidden_units=hidden_units[0])))
        decoder = self.decoder
        if tuple(decoder.output_shape[1:]) != self.input_shape_ + (params,):
            raise ValueError(f"The decoder must output {self.input_shape_ + (params,)} per "
                             f"example for a {likelihood} likelihood, got "
                             f"{tuple(decoder.output_shape[1:])}.")
        if prior == "vampprior":
            self.pseudo_inputs = self.network("pseudo_inputs", None, self._pseudo_input_network)
            # an instance attribute: the optimizer also trains the pseudo-inputs
            self.optimizer_specs = {"optimizer": (("encoder", "decoder", "pseudo_inputs"),
                                                  type(self).optimizer_specs["optimizer"][1])}
        self.beta = float(beta)
        self.kl_warmup_steps = int(kl_warmup_steps)
        self.analytic_kl = bool(analytic_kl) and prior == "standard"
        self.record_hyperparameters(input_shape=list(self.input_shape_), latent_dim=self.latent_dim,
                        likelihood=likelihood, num_levels=self.num_levels,
                        normal_scale=normal_scale, architecture=architecture,
                        hidden_units=list(hidden_units), dropout=dropout, beta=self.beta,
                        kl_warmup_steps=self.kl_warmup_steps, analytic_kl=bool(analytic_kl),
                        iwae_samples=self.iwae_samples, prior=prior,
                        num_pseudo_inputs=self.num_pseudo_inputs,
                        autoregressive=self.autoregressive, ar_filters=int(ar_filters),
                        ar_kernel_size=int(ar_kernel_size), ar_layers=int(ar_layers),
                        ar_network=ar_network,
                        seed=seed)
        self._finish_init()

    @property
    def value_range(self):
        return {"categorical": (0.0, self.num_levels - 1.0), "bernoulli": (0.0, 1.0),
                "normal": (-1.0, 1.0)}[self.likelihood_name]

    # -- distributions
    def _pseudo_input_network(self):
        """A network with no input whose weights are the M pseudo-inputs (VampPrior)."""
        count = keras.Input((1,), name="one")
        raw = keras.layers.Dense(self.num_pseudo_inputs * math.prod(self.input_shape_),
                                 use_bias=False, name="pseudo_inputs", dtype="float32",
                                 kernel_initializer=keras.initializers.RandomNormal(
                                     stddev=0.1, seed=self.seed))(count)
        out = keras.layers.Reshape((self.num_pseudo_inputs,) + self.input_shape_,
                                   dtype="float32")(raw)
        return keras.Model(count, out, name="pseudo_inputs")

    def pseudo_inputs_in_encoder_scale(self):
        """The VampPrior's M pseudo-inputs u_m, in the encoder's input scale."""
        raw = self.pseudo_inputs(tf.ones((1, 1)))[0]
        if self.likelihood_name == "categorical":
            return tf.tanh(raw)
        if self.likelihood_name == "bernoulli":
            return tf.sigmoid(raw)
        return raw

    def _posterior_of_encoded(self, encoded, training=False):
        params = tf.cast(self.encoder(encoded, training=training), tf.float32)
        loc, raw_scale = tf.split(params, 2, axis=-1)
        return tfd.MultivariateNormalDiag(loc=loc, scale_diag=tf.nn.softplus(raw_scale) + 1e-4)

    def prior(self):
        """p(z): N(0, I), or the VampPrior mixture (1/M) sum_m q(z | u_m)."""
        if self.prior_name == "vampprior":
            posteriors = self._posterior_of_encoded(self.pseudo_inputs_in_encoder_scale())
            return tfd.MixtureSameFamily(
                tfd.Categorical(logits=tf.zeros((self.num_pseudo_inputs,))), posteriors)
        zeros = tf.zeros((self.latent_dim,), tf.float32)
        return tfd.MultivariateNormalDiag(loc=zeros, scale_diag=tf.ones_like(zeros))

    def encoder_input(self, x):
        """Maps data to the encoder's input scale (categorical levels to [-1, 1])."""
        x = tf.cast(x, tf.float32)
        if self.likelihood_name == "categorical":
            return x / (self.num_levels - 1) * 2.0 - 1.0
        return x

    def encode(self, x, training=False):
        """The posterior q(z|x) as a `tfd.MultivariateNormalDiag`."""
        return self._posterior_of_encoded(self.encoder_input(x), training=training)

    def decoder_params(self, z, x=None, training=False):
        """The decoder's likelihood parameters at z (an autoregressive decoder also reads x)."""
        z = tf.convert_to_tensor(z, tf.float32)
        if self.autoregressive:
            if x is None:
                raise ValueError("An autoregressive decoder needs the pixels it conditions "
                                 "on: call decode(z, x).")
            return tf.cast(self.decoder([z, tf.cast(x, tf.float32)], training=training),
                           tf.float32)
        return tf.cast(self.decoder(z, training=training), tf.float32)

    def decode(self, z, x=None, training=False):
        """The likelihood p(x|z), a TFP distribution with event shape `sample_shape`.

        With an autoregressive decoder pass the x to evaluate: the distribution then holds the
        conditionals p(x_d | x_<d, z) of that x (teacher forcing), so its `log_prob(x)` is
        log p(x|z) for that same x only.
        """
        params = self.decoder_params(z, x, training=training)
        ndims = len(self.sample_shape)
        if self.likelihood_name == "categorical":
            base = tfd.Categorical(logits=params, dtype=tf.int32)
        elif self.likelihood_name == "bernoulli":
            base = tfd.Bernoulli(logits=params[..., 0], dtype=tf.float32)
        elif self.normal_scale == "learned":
            base = tfd.Normal(params[..., 0], tf.nn.softplus(params[..., 1]) + 1e-3)
        else:
            base = tfd.Normal(params[..., 0], float(self.normal_scale))
        return tfd.Independent(base, reinterpreted_batch_ndims=ndims)

    def _as_data(self, x):
        x = tf.convert_to_tensor(x)
        if self.likelihood_name == "categorical":
            return tf.cast(tf.round(tf.cast(x, tf.float32)), tf.int32)
        return tf.cast(x, tf.float32)

    def elbo_terms(self, x, eps=None, training=False):
        """Per-example (reconstruction log-likelihood, KL) with a reparameterized sample."""
        x = self._as_data(x)
        q = self.encode(x, training=training)
        if eps is None:
            eps = keras.random.normal(tf.shape(q.loc), seed=self.seed_generator)
        z = q.loc + q.stddev() * tf.cast(eps, tf.float32)  # reparameterization
        log_px = self.decode(z, x, training=training).log_prob(x)
        if self.analytic_kl:
            kl = tfd.kl_divergence(q, self.prior())
        else:
            kl = q.log_prob(z) - self.prior().log_prob(z)
        return log_px, kl

    def elbo(self, x, batch_size=500):
        """Per-example ELBO in nats (one reparameterized sample), as NumPy."""
        out = []
        for i in range(0, len(x), batch_size):
            log_px, kl = self.elbo_terms(x[i:i + batch_size])
            out.append((log_px - kl).numpy())
        return np.concatenate(out)

    def kl_weight(self):
        if self.kl_warmup_steps <= 0:
            return self.beta
        step = tf.cast(self.optimizer.iterations, tf.float32)
        return self.beta * tf.minimum(1.0, (step + 1.0) / self.kl_warmup_steps)

    # -- training
    def _sample_terms(self, x, eps=None, training=False):
        """(log p(x|z_i), KL term_i), each (k, batch), for k = `iwae_samples` reparameterized
        draws z_i ~ q(z|x). The KL term is analytic for k = 1 with `analytic_kl`, else the
        one-sample estimate log q(z_i|x) - log p(z_i). `eps` (batch, latent_dim) for k = 1 or
        (batch, k, latent_dim) fixes the draws."""
        k = self.iwae_samples
        if k == 1:
            log_px, kl = self.elbo_terms(x, eps, training=training)
            return log_px[None], kl[None]
        x = self._as_data(x)
        q = self.encode(x, training=training)
        if eps is None:
            eps = keras.random.normal(tf.concat([[k], tf.shape(q.loc)], 0),
                                      seed=self.seed_generator)
        else:
            eps = tf.transpose(tf.reshape(tf.cast(eps, tf.float32),
                                          (-1, k, self.latent_dim)), (1, 0, 2))
        z = q.loc + q.stddev() * eps                                   # (k, batch, latent)
        x_rep = tf.reshape(tf.repeat(x[None], k, axis=0),
                           tf.concat([[-1], tf.shape(x)[1:]], axis=0))
        log_px = tf.reshape(self.decode(tf.reshape(z, (-1, self.latent_dim)), x_rep,
                                        training=training).log_prob(x_rep), (k, -1))
        return log_px, q.log_prob(z) - self.prior().log_prob(z)

    def _training_losses(self, data, training):
        """(objective, logs): the objective weights the KL term by `kl_weight()`; `loss` is the
        negative bound (the ELBO for k = 1, the IWAE bound for k > 1) with weight 1."""
        x, eps = self.unpack(data)
        self.check_batch(x, self.sample_shape)
        x = self._graph_support_check(x)
        log_px, kl = self._sample_terms(x, eps, training=training)
        k = float(self.iwae_samples)

        def negative_bound(weight):
            return -tf.reduce_mean(tf.reduce_logsumexp(log_px - weight * kl, axis=0)
                                   - math.log(k))

        logs = {"loss": negative_bound(1.0), "reconstruction_loss": -tf.reduce_mean(log_px),
                "kl_loss": tf.reduce_mean(kl)}
        if self.kl_warmup_steps <= 0 and self.beta == 1.0:
            return logs["loss"], logs
        return negative_bound(self.kl_weight()), logs

    def train_step(self, data):
        with tf.GradientTape() as tape:
            objective, logs = self._training_losses(data, training=True)
        self.minimize(tape, objective, "optimizer")
        return self.report(logs)

    def compute_losses(self, data, training=False):
        return self._training_losses(data, training=training)[1]

    # -- density estimation
    @tf.function(reduce_retracing=True)
    def _log_weights(self, x, num_samples):
        """log p(x, z_i) - log q(z_i|x) for num_samples draws, shape (num_samples, batch)."""
        q = self.encode(x)
        z = q.sample(num_samples, seed=self._iwae_seed())  # (k, batch, latent)
        k = tf.shape(z)[0]
        flat_z = tf.reshape(z, (-1, self.latent_dim))
        x_rep = tf.reshape(tf.repeat(x[None], k, axis=0),
                           tf.concat([[-1], tf.shape(x)[1:]], axis=0))
        log_px = tf.reshape(self.decode(flat_z, x_rep).log_prob(x_rep), (k, -1))
        return log_px + self.prior().log_prob(z) - q.log_prob(z)

    def _iwae_seed(self):
        return tf.cast(keras.random.randint((2,), 0, 2 ** 30, seed=self.seed_generator),
                       tf.int32)

    #: importance weights (examples x k) from which `log_likelihood` shows a progress bar
    PROGRESS_THRESHOLD = 50_000

    def log_likelihood(self, x, num_samples=1000, batch_size=100, chunk=100, verbose="auto"):
        """Importance-weighted estimate of log p(x) per example, in nats (NumPy float64, (n,)).

        Cost: k decoder passes per example. The default k = 1000 took about 0.4 s per 8x8 digit
        on a 2-core CPU (about 3 minutes for the 447 test digits); a smaller `num_samples` is
        quicker and gives a looser (lower) bound.

        Args:
            x: data batch (n,) + sample_shape.
            num_samples: k importance samples (k = 1 gives a one-sample ELBO).
            batch_size: examples per chunk; chunk: importance samples per chunk. Memory grows
                with batch_size * chunk, not with k.
            verbose: "auto" shows a progress bar (Keras's, on stdout) when n * k reaches
                `PROGRESS_THRESHOLD` (50 digits at k = 1000); 0 never, 1 always.
        """
        num_samples = check_positive_int(num_samples, "num_samples")
        x = self._as_data(self.check_input(x))
        n = int(x.shape[0])
        show = (n * num_samples >= self.PROGRESS_THRESHOLD) if verbose == "auto" else bool(verbose)
        progress = keras.utils.Progbar(n, unit_name="example") if show else None
        out = []
        for i in range(0, n, batch_size):
            xb = x[i:i + batch_size]
            parts = []
            for j in range(0, num_samples, chunk):
                parts.append(self._log_weights(xb, tf.constant(min(chunk, num_samples - j))))
            log_w = tf.concat(parts, axis=0)
            out.append((tf.reduce_logsumexp(log_w, axis=0) - math.log(num_samples)).numpy())
            if progress is not None:
                progress.update(min(i + batch_size, n))
        return np.concatenate(out).astype(np.float64)

    def log_prob(self, x, num_samples=1000, batch_size=100, verbose="auto"):
        """The IWAE estimate of log p(x) with `num_samples` importance samples (NumPy float64
        (n,), like every density family): a stochastic lower bound that tends to log p(x) as k
        grows (`log_likelihood`). k = 1000 costs about 0.4 s per digit on 2 CPU cores (3 minutes
        for a test set of 447); a progress bar shows from 50 digits on (`verbose`)."""
        return self.log_likelihood(x, num_samples=num_samples, batch_size=batch_size,
                                   verbose=verbose)

    def log_prob_report(self, x, num_samples=1000, **kwargs):
        """NLL by the IWAE estimate (k = `num_samples`) with its standard error over examples;
        also the negative ELBO (one sample per example)."""
        self.log_prob_method = f"IWAE (k={num_samples})"
        report = super().log_prob_report(x, num_samples=num_samples, **kwargs)
        report["neg_elbo_nats"] = float(-np.mean(self.elbo(self._as_data(self.check_input(x)))))
        return report

    def _log_prob_batch(self, x, num_samples=100):
        """The IWAE estimate in the graph (the `log_prob` signature: k = 100)."""
        log_w = self._log_weights(self._as_data(x), tf.constant(num_samples))
        return tf.reduce_logsumexp(log_w, axis=0) - math.log(num_samples)

    # -- sampling and pictures
    def sample_latent(self, num_samples, seed=None):
        seed = self.seed_generator if seed is None else seed
        if self.prior_name == "vampprior":  # a pseudo-input, then its posterior
            prior = self.prior()
            component = keras.random.randint((num_samples,), 0, self.num_pseudo_inputs,
                                             seed=seed)
            eps = keras.random.normal((num_samples, self.latent_dim),
                                      seed=None if isinstance(seed, int) else seed)
            if isinstance(seed, int):
                eps = keras.random.normal((num_samples, self.latent_dim), seed=seed + 1)
            components = prior.components_distribution
            return (tf.gather(components.loc, component)
                    + tf.gather(components.stddev(), component) * eps)
        return keras.random.normal((num_samples, self.latent_dim), seed=seed)

    def _draw(self, params, u):
        """Levels from likelihood parameters (..., params) and uniforms (...) by inverse CDF;
        `u=None` takes the most probable level (categorical) or rounds (Bernoulli)."""
        if self.likelihood_name == "categorical":
            if u is None:
                return tf.cast(tf.argmax(params, -1), tf.float32)
            cdf = tf.cumsum(tf.nn.softmax(params, -1), -1)
            return tf.minimum(tf.reduce_sum(tf.cast(cdf < u[..., None], tf.float32), -1),
                              self.num_levels - 1.0)
        p = tf.sigmoid(params[..., 0])
        return tf.cast((p > 0.5) if u is None else (u < p), tf.float32)

    @tf.function(reduce_retracing=True)
    def _autoregressive_decode(self, z, u=None):
        """Pixel by pixel in raster order: each step runs the decoder on the pixels drawn so
        far and draws the next one (from `u`, or the most probable level when u is None)."""
        n = tf.shape(z)[0]
        size = math.prod(self.sample_shape)
        x = tf.zeros((n, size))
        # a tf.range loop (a while_loop in the graph): the decoder is traced once, not once per
        # pixel (vae_digits' 64 pixels: the first call took 17.9 s unrolled, 1.2 s so)
        for d in tf.range(size):
            # the decoder's reshapes leave the batch size unknown
            tf.autograph.experimental.set_loop_options(
                shape_invariants=[(x, tf.TensorShape([None, size]))])
            params = self.decoder_params(z, tf.reshape(x, (-1,) + self.sample_shape))
            params = tf.gather(tf.reshape(params, (n, size, -1)), d, axis=1)
            value = self._draw(params, None if u is None
                               else tf.gather(tf.reshape(u, (n, size)), d, axis=1))
            x = x + tf.one_hot(d, size) * value[:, None]
        return tf.reshape(x, (-1,) + self.sample_shape)

    def sample(self, num_samples, seed=None):
        """x ~ p(x|z), z ~ p(z): draws in the data's support (NumPy float32)."""
        num_samples = check_positive_int(num_samples, "num_samples")
        z = self.sample_latent(num_samples, seed=seed if seed is not None
                               else self.seed_generator)
        draw_seed = seed + 2 if isinstance(seed, int) else self.seed_generator
        u = keras.random.uniform((num_samples,) + self.sample_shape, seed=draw_seed)
        if self.autoregressive:
            return self._autoregressive_decode(z, u).numpy()
        if self.likelihood_name == "normal":
            x = self.decode(z).sample(seed=tf.cast(keras.random.randint(
                (2,), 0, 2 ** 30, seed=draw_seed), tf.int32))
        else:
            x = self._draw(self.decoder_params(z), u)
        return np.asarray(x, dtype=np.float32)

    def generate_from_latents(self, z):
        """The likelihood's mean at z (categorical: the expected level); with an
        autoregressive decoder, the pixels drawn one by one from p(x_d | x_<d, z) with uniforms
        of a fixed seed, so still a deterministic function of z (decoding each pixel at its
        most probable value instead leaves a binary PixelVAE's canvas blank: a background pixel
        is always the likelier, and the strokes never start)."""
        z = tf.convert_to_tensor(z, tf.float32)
        if self.autoregressive:
            u = tf.random.stateless_uniform(tf.concat([tf.shape(z)[:1], self.sample_shape], 0),
                                            seed=[0, 0])
            return self._autoregressive_decode(z, u)
        params = self.decoder_params(z)
        if self.likelihood_name == "categorical":
            levels = tf.range(self.num_levels, dtype=tf.float32)
            return tf.reduce_sum(tf.nn.softmax(params, axis=-1) * levels, axis=-1)
        if self.likelihood_name == "bernoulli":
            return tf.sigmoid(params[..., 0])
        return params[..., 0]

    def reconstruct(self, x):
        """The likelihood mean at the posterior mean of each input (NumPy)."""
        return self.generate_from_latents(self.encode(self._as_data(x)).mean()).numpy()

    def latent_manifold(self, num_per_side=15, dims=(0, 1), lo=0.05, hi=0.95):
        """Decodes a grid of the prior's inverse CDF over two latent dimensions.

        The lecture's "learned manifold" picture (exact for a 2-D latent; other dimensions are
        held at 0). Returns (num_per_side**2,) + sample_shape, rows = second dimension.
        """
        q = tfd.Normal(0.0, 1.0).quantile(np.linspace(lo, hi, num_per_side).astype(np.float32))
        q = q.numpy()
        z = np.zeros((num_per_side, num_per_side, self.latent_dim), np.float32)
        for row in range(num_per_side):
            for col in range(num_per_side):
                z[row, col, dims[0]] = q[col]
                z[row, col, dims[1]] = q[::-1][row]
        return self.generate_from_latents(z.reshape(-1, self.latent_dim)).numpy()

    def interpolate_images(self, x0, x1, steps=8):
        """Decodes the straight line between the posterior means of two inputs (NumPy)."""
        mu = self.encode(self._as_data(np.stack([x0, x1]))).mean().numpy()
        t = np.linspace(0.0, 1.0, int(steps), dtype=np.float32)[:, None]
        return self.generate_from_latents((1 - t) * mu[0] + t * mu[1]).numpy()

    # -- export and config
    def serving_endpoints(self):
        def serve(z):
            return {"samples": self.generate_from_latents(z)}

        spec = tf.TensorSpec((None, self.latent_dim), tf.float32, name="z")
        return {"decode": (serve, [spec]), "log_prob": self.log_prob_endpoint()}
