"""Generative stochastic network (GSN): a denoising autoencoder whose corruption/reconstruction
Markov chain samples the data distribution (Bengio, Yao, Alain & Vincent, "Generalized Denoising
Auto-Encoders as Generative Models", NeurIPS 2013; Bengio, Thibodeau-Laforest, Alain & Yosinski,
"Deep Generative Stochastic Networks Trainable by Backprop", ICML 2014).

A corruption C(x~ | x) (here Gaussian noise of standard deviation `noise_std` on the image scaled
to [-1, 1], and optional salt-and-pepper noise that sets a fraction of the pixels to -1 or 1) and a
learned reconstruction distribution P(x | x~) (here a factorized categorical over the K levels of
each pixel, from an MLP) define the chain

    x~_t ~ C(x~ | x_{t-1}),   x_t ~ P(x | x~_t).

When P(x | x~) is a consistent estimator of the true conditional, the chain's stationary
distribution is the data distribution (Bengio et al. 2013, theorem 1): the model is *implicit*
-- it samples but gives no tractable likelihood -- and is measured like the GANs, by FD, precision
and recall of its samples in the digits classifier's features. Training minimizes
-log P(x | x~) over corrupted training examples; with *walkback* (Bengio et al. 2013, section 3.4)
the chain is run `num_walkback` steps from each example, each step's corruption scored against
the example, which removes the spurious modes that the chain would otherwise visit far from the
data.

Sampling runs `num_chains` chains from uniform random levels for `burn_in` steps, then keeps every
`thinning`-th state; `generate` returns the last state of independent chains (or, with
`output="mean"`, the mean of the last reconstruction distribution, as in the papers' figures), as
images in [-1, 1] like the GANs. All the chain's randomness comes from one stateless seed, so a
seed gives the same samples.
"""

import math

import numpy as np
import tensorflow as tf
import keras

from kerasgen import optimizers as optimizers_lib
from kerasgen.models.base import GenerativeModel
from kerasgen.utils import check_choice, check_positive_int


def reconstruction_network(event_size, num_levels, hidden_units=(512, 512), activation="relu",
                           dropout=0.0, seed=None, name="reconstruction"):
    """An MLP from a corrupted image (batch, D) in about [-1, 1] to the logits (batch, D, K) of
    the factorized categorical P(x | x~) (float32)."""
    x = keras.Input((event_size,), name="corrupted")
    h = x
    for i, units in enumerate(hidden_units):
        h = keras.layers.Dense(units, activation=activation, name=f"hidden_{i}",
                               kernel_initializer=keras.initializers.GlorotUniform(
                                   None if seed is None else seed + i))(h)
        if dropout:
            h = keras.layers.Dropout(dropout, seed=seed)(h)
    logits = keras.layers.Dense(event_size * num_levels, dtype="float32", name="logits",
                                kernel_initializer=keras.initializers.GlorotUniform(
                                    None if seed is None else seed + 100))(h)
    logits = keras.layers.Reshape((event_size, num_levels), dtype="float32")(logits)
    return keras.Model(x, logits, name=name)


@keras.saving.register_keras_serializable(package="kerasgen")
class GSN(GenerativeModel):
    """A denoising-autoencoder GSN over K-level images; samples by running its Markov chain.

    Args:
        sample_shape: shape of one example, e.g. (8, 8, 1); data are the levels 0..K-1.
        num_levels: K (17 for the raw digits).
        hidden_units: the reconstruction MLP's hidden layer sizes.
        activation: its activation.
        dropout: dropout on its hidden units while training.
        noise_std: standard deviation of the Gaussian corruption on the [-1, 1] scale.
        salt_pepper: fraction of pixels the corruption sets to -1 or 1 (0 for none).
        num_walkback: chain steps per training example (1: a plain denoising autoencoder).
        burn_in: chain steps before the first kept sample (`generate`, `chain`).
        thinning: steps between kept samples of one chain (`chain`).
        output: what `generate` returns: "sample" (the chain's state) or "mean" (the mean of the
            last reconstruction distribution).
        seed: int or None.

    Example:
        >>> gsn = GSN(sample_shape=(8, 8, 1), num_levels=17, hidden_units=(64,), burn_in=10,
        ...           seed=0)
        >>> gsn.compile()   # Adam(1e-3)
        >>> history = gsn.fit(kerasgen.data.digits("train", raw=True, batch_size=100),
        ...                   epochs=1, verbose=0)
        >>> gsn.generate(3, seed=0).shape   # images in [-1, 1]
        (3, 8, 8, 1)
        >>> gsn.chain(num_chains=2, num_samples=4, seed=0).shape   # levels, (chains, samples, ...)
        (2, 4, 8, 8, 1)
    """

    optimizer_specs = {
        "optimizer": (("reconstruction",), lambda: optimizers_lib.Adam(1e-3)),
    }
    loss_names = ("loss", "first_step_loss")

    def __init__(self, sample_shape=(8, 8, 1), num_levels=17, hidden_units=(512, 512),
                 activation="relu", dropout=0.0, noise_std=0.5, salt_pepper=0.0, num_walkback=1,
                 burn_in=100, thinning=1, output="sample", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if not isinstance(num_levels, int) or isinstance(num_levels, bool) or num_levels < 2:
            raise ValueError(f"`num_levels` must be an int >= 2, got {num_levels!r}.")
        hidden_units = [check_positive_int(h, "hidden_units") for h in hidden_units]
        if not float(noise_std) > 0:
            raise ValueError(f"`noise_std` must be positive (the chain needs a corruption), got "
                             f"{noise_std!r}.")
        if not 0.0 <= float(salt_pepper) < 1.0:
            raise ValueError(f"`salt_pepper` must be in [0, 1), got {salt_pepper!r}.")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1), got {dropout!r}.")
        num_walkback = check_positive_int(num_walkback, "num_walkback")
        burn_in = check_positive_int(burn_in, "burn_in")
        thinning = check_positive_int(thinning, "thinning")
        check_choice(output, "output", ("sample", "mean"))
        self.sample_shape = tuple(int(s) for s in sample_shape)
        self.event_size = math.prod(self.sample_shape)
        self.num_levels = num_levels
        self.noise_std = float(noise_std)
        self.salt_pepper = float(salt_pepper)
        self.num_walkback = num_walkback
        self.burn_in = burn_in
        self.thinning = thinning
        self.output_kind = output
        self.latent_dim = self.event_size  # the chain's initial state
        self.reconstruction = self.network("reconstruction", None, lambda: reconstruction_network(
            self.event_size, num_levels, hidden_units, activation, float(dropout), seed))
        self.record_hyperparameters(
            sample_shape=list(self.sample_shape), num_levels=num_levels,
            hidden_units=hidden_units, activation=activation, dropout=float(dropout),
            noise_std=self.noise_std, salt_pepper=self.salt_pepper, num_walkback=num_walkback,
            burn_in=burn_in, thinning=thinning, output=output, seed=seed)
        self._finish_init()

    # ------------------------------------------------------------------ the chain's two halves
    def to_unit_scale(self, levels):
        """Levels 0..K-1 -> [-1, 1]."""
        return tf.cast(levels, tf.float32) * (2.0 / (self.num_levels - 1)) - 1.0

    def corrupt(self, levels, noise):
        """C(x~ | x): `levels` (batch, D); `noise` (batch, 3, D): standard normals, then uniforms
        for the salt-and-pepper mask and its values. Returns x~ (batch, D) float32."""
        x = self.to_unit_scale(levels) + self.noise_std * noise[:, 0]
        if self.salt_pepper:
            flip = noise[:, 1] < self.salt_pepper
            x = tf.where(flip, tf.where(noise[:, 2] < 0.5, -1.0, 1.0), x)
        return x

    def reconstruction_logits(self, corrupted, training=False):
        """Logits (batch, D, K) of P(x | x~)."""
        return self.reconstruction(corrupted, training=training)

    def sample_reconstruction(self, logits, uniforms):
        """x ~ P(x | x~) by inverse CDF from `uniforms` (batch, D): levels (batch, D) float32."""
        cdf = tf.cumsum(tf.nn.softmax(logits, axis=-1), axis=-1)
        level = tf.reduce_sum(tf.cast(cdf < uniforms[..., None], tf.int32), axis=-1)
        return tf.cast(tf.minimum(level, self.num_levels - 1), tf.float32)

    def draw_noise(self, shape_batch, seed):
        """(batch, 3, D) chain noise for one step: normals, uniforms, uniforms (stateless)."""
        normals = tf.random.stateless_normal((shape_batch, 1, self.event_size), seed)
        uniforms = tf.random.stateless_uniform(
            (shape_batch, 2, self.event_size), tf.random.experimental.stateless_fold_in(seed, 1))
        return tf.concat([normals, uniforms], axis=1)

    # ------------------------------------------------------------------ training
    def training_noise(self, batch):
        """(batch, num_walkback, 4, D): per walkback step the corruption's (normal, uniform,
        uniform) and the reconstruction sample's uniforms."""
        normals = keras.random.normal((batch, self.num_walkback, 1, self.event_size),
                                      seed=self.seed_generator)
        uniforms = keras.random.uniform((batch, self.num_walkback, 3, self.event_size),
                                        seed=self.seed_generator)
        return tf.concat([normals, uniforms], axis=2)

    def compute_losses(self, data, training=False):
        x, noise = self.unpack(data)
        self.check_batch(x, self.sample_shape)
        levels = tf.reshape(tf.cast(x, tf.float32), (-1, self.event_size))
        target = tf.cast(tf.round(levels), tf.int32)
        if noise is None:
            if training:
                noise = self.training_noise(tf.shape(levels)[0])
            else:  # held-out losses from a fixed draw
                seed = (34, 2)
                noise = tf.stack([tf.concat([
                    self.draw_noise(tf.shape(levels)[0],
                                    tf.random.experimental.stateless_fold_in(seed, j)),
                    tf.random.stateless_uniform(
                        (tf.shape(levels)[0], 1, self.event_size),
                        tf.random.experimental.stateless_fold_in(seed, 1000 + j))], axis=1)
                    for j in range(self.num_walkback)], axis=1)
        noise = tf.cast(noise, tf.float32)
        losses, state = [], levels
        for j in range(self.num_walkback):  # walkback: each step's corruption scored against x
            logits = self.reconstruction_logits(self.corrupt(state, noise[:, j, :3]),
                                                training=training)
            nll = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=target, logits=logits), axis=-1)
            losses.append(tf.reduce_mean(nll))
            if j + 1 < self.num_walkback:
                state = tf.stop_gradient(self.sample_reconstruction(logits, noise[:, j, 3]))
        return {"loss": tf.add_n(losses) / len(losses), "first_step_loss": losses[0]}

    def train_step(self, data):
        with tf.GradientTape() as tape:
            losses = self.compute_losses(data, training=True)
        self.minimize(tape, losses["loss"], "optimizer")
        return self.report(losses)

    # ------------------------------------------------------------------ sampling
    def run_chain(self, x0, seed, num_steps, keep_every=None):
        """Runs the chain from `x0` (batch,) + sample_shape levels for `num_steps` steps with the
        stateless `seed` (2,) int. Returns the final state and the final reconstruction's mean
        (both (batch, D)), and, with `keep_every`, the states of steps keep_every, 2 keep_every,
        ... stacked as (batch, num_steps // keep_every, D)."""
        x = tf.reshape(tf.cast(x0, tf.float32), (-1, self.event_size))
        seed = tf.cast(seed, tf.int32)
        batch = tf.shape(x)[0]
        levels = tf.range(self.num_levels, dtype=tf.float32)
        num_kept = num_steps // keep_every if keep_every else 0
        kept = tf.TensorArray(tf.float32, size=max(num_kept, 1))

        def step(t, x, mean, kept):
            noise = self.draw_noise(batch, tf.random.experimental.stateless_fold_in(seed, t))
            logits = self.reconstruction_logits(self.corrupt(x, noise), training=False)
            u = tf.random.stateless_uniform(
                (batch, self.event_size), tf.random.experimental.stateless_fold_in(seed, -t - 1))
            x = self.sample_reconstruction(logits, u)
            mean = tf.reduce_sum(tf.nn.softmax(logits, axis=-1) * levels, axis=-1)
            if keep_every:
                kept = tf.cond((t + 1) % keep_every == 0,
                               lambda: kept.write((t + 1) // keep_every - 1, x), lambda: kept)
            return t + 1, x, mean, kept

        _, x, mean, kept = tf.while_loop(
            lambda t, *_: t < num_steps, step,
            (tf.constant(0), x, tf.zeros_like(x), kept))
        if keep_every:
            return x, mean, tf.transpose(kept.stack(), (1, 0, 2))
        return x, mean

    def initial_state(self, num_samples, seed):
        """Uniform random levels (num_samples,) + sample_shape from a stateless seed."""
        u = tf.random.stateless_uniform((num_samples, self.event_size), seed)
        return tf.reshape(tf.floor(u * self.num_levels), (-1,) + self.sample_shape)

    def _seed_pair(self, seed):
        if seed is None:
            seed = int(keras.ops.convert_to_numpy(keras.random.randint(
                (), 0, 2 ** 30, seed=self.seed_generator)))
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"`seed` must be an int or None, got {seed!r}.")
        return tf.constant([int(seed), 34], tf.int32)

    def generate(self, num_samples, seed=None, batch_size=256, burn_in=None):
        """`num_samples` images in [-1, 1]: the state (or, with `output="mean"`, the mean
        reconstruction) of independent chains after `burn_in` steps (default the model's)."""
        num_samples = check_positive_int(num_samples, "num_samples")
        batch_size = check_positive_int(batch_size, "batch_size")
        steps = self.burn_in if burn_in is None else check_positive_int(burn_in, "burn_in")
        seed = self._seed_pair(seed)
        outputs = []
        for i in range(0, num_samples, batch_size):
            chunk_seed = tf.random.experimental.stateless_fold_in(seed, i)
            x0 = self.initial_state(min(batch_size, num_samples - i), chunk_seed)
            outputs.append(self._images(*self.run_chain(x0, chunk_seed[::-1], steps)))
        return np.concatenate([keras.ops.convert_to_numpy(o) for o in outputs], axis=0)

    def _images(self, state, mean):
        chosen = mean if self.output_kind == "mean" else state
        return tf.reshape(self.to_unit_scale(chosen), (-1,) + self.sample_shape)

    def chain(self, num_chains, num_samples, seed=None, burn_in=None, thinning=None):
        """Samples along chains: levels (num_chains, num_samples) + sample_shape, the states
        after `burn_in` steps and then every `thinning` steps (defaults: the model's)."""
        num_chains = check_positive_int(num_chains, "num_chains")
        num_samples = check_positive_int(num_samples, "num_samples")
        burn_in = self.burn_in if burn_in is None else int(burn_in)
        if burn_in < 0:
            raise ValueError(f"`burn_in` must be >= 0, got {burn_in}.")
        thinning = self.thinning if thinning is None else check_positive_int(thinning,
                                                                              "thinning")
        seed = self._seed_pair(seed)
        x0 = self.initial_state(num_chains, seed)
        if burn_in:
            x0, _ = self.run_chain(x0, tf.random.experimental.stateless_fold_in(seed, 1),
                                   burn_in)
        _, _, kept = self.run_chain(x0, tf.random.experimental.stateless_fold_in(seed, 2),
                                    num_samples * thinning, keep_every=thinning)
        return keras.ops.convert_to_numpy(
            tf.reshape(kept, (num_chains, num_samples) + self.sample_shape))

    def sample_latent(self, num_samples, seed=None):
        return self.initial_state(num_samples, self._seed_pair(seed))

    def generate_from_latents(self, z):
        """The images after `burn_in` steps from the initial state `z` (seed fixed)."""
        return self._images(*self.run_chain(z, tf.constant([0, 34]), self.burn_in))

    def serving_endpoints(self):
        def sample(x0, seed):
            state, mean = self.run_chain(x0, seed, self.burn_in)
            return {"samples": self._images(state, mean),
                    "levels": tf.reshape(state, (-1,) + self.sample_shape)}

        return {"sample": (sample, [
            tf.TensorSpec((None,) + self.sample_shape, tf.float32, name="x0"),
            tf.TensorSpec((2,), tf.int32, name="seed")])}
