"""Generative Adversarial Networks (Goodfellow et al., 2014, arXiv:1406.2661).

A generator G maps noise z ~ p(z) = N(0, I) to samples; a discriminator D outputs the logit of
"x is real". They play the minimax game

    min_G max_D  E_x[log D(x)] + E_z[log(1 - D(G(z)))].

Algorithm 1 of the paper takes k discriminator steps per generator step (`d_steps=k`). Early in
training log(1 - D(G(z))) saturates, so the paper suggests training G to maximize log D(G(z))
instead: the non-saturating "log D trick" (`loss="non_saturating"`, the default;
`loss="minimax"` is the original objective, `"least_squares"` is LSGAN).
"""

import tensorflow as tf
import keras

from kerasgen import losses as losses_lib
from kerasgen.models.base import GenerativeModel, replica_scale


def mlp_generator(latent_dim, output_shape, hidden_units=(128, 128), activation="relu",
                  output_activation=None, name="generator"):
    """MLP generator z -> x; `output_activation="tanh"` for images in [-1, 1].

    Example:
        >>> g = mlp_generator(2, (2,))
        >>> g.output_shape
        (None, 2)
    """
    output_shape = tuple(output_shape)
    z = keras.Input((latent_dim,), name="z")
    h = z
    for i, units in enumerate(hidden_units):
        h = keras.layers.Dense(units, activation=activation, name=f"dense_{i}")(h)
    size = 1
    for s in output_shape:
        size *= s
    h = keras.layers.Dense(size, activation=output_activation, name="out")(h)
    x = keras.layers.Reshape(output_shape, name="sample")(h)
    return keras.Model(z, x, name=name)


def mlp_discriminator(input_shape, hidden_units=(128, 128), activation="relu", dropout=0.0,
                      name="discriminator"):
    """MLP discriminator x -> logit of shape (batch, 1)."""
    x = keras.Input(tuple(input_shape), name="x")
    h = keras.layers.Flatten()(x) if len(input_shape) > 1 else x
    for i, units in enumerate(hidden_units):
        h = keras.layers.Dense(units, activation=activation, name=f"dense_{i}")(h)
        if dropout:
            h = keras.layers.Dropout(dropout)(h)
    logit = keras.layers.Dense(1, name="logit")(h)
    return keras.Model(x, logit, name=name)


@keras.saving.register_keras_serializable(package="kerasgen")
class GAN(GenerativeModel):
    """Goodfellow et al. (2014) GAN with any generator and discriminator networks.

    Args:
        generator: a built Keras model z (batch, latent_dim) -> x. If None, an MLP is built from
            `latent_dim`, `sample_shape` and `hidden_units`.
        discriminator: a built Keras model x -> logits (batch, 1) or a patch map. If None, an MLP.
        latent_dim: size of z (read from `generator` when given).
        sample_shape: shape of one sample (read from `generator` when given).
        hidden_units: hidden layer sizes of the default MLPs.
        output_activation: activation of the default MLP generator's output (None or "tanh").
        d_steps: discriminator updates per generator update (k in Algorithm 1).
        loss: "non_saturating" (default), "minimax" or "least_squares".
        seed: int or None, seeds every random draw of training.

    Example:
        >>> model = GAN(latent_dim=2, sample_shape=(2,), hidden_units=(64, 64))
        >>> model.compile()
        >>> model.fit(kerasgen.data.toy("ring8", batch_size=128), steps_per_epoch=100)
        >>> model.generate(16, seed=0).shape
        (16, 2)
    """

    optimizer_specs = {
        "d_optimizer": (("discriminator",), lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)),
        "g_optimizer": (("generator",), lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)),
    }

    def __init__(self, generator=None, discriminator=None, latent_dim=None, sample_shape=None,
                 hidden_units=(128, 128), output_activation=None, d_steps=1,
                 loss="non_saturating", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if generator is None:
            if latent_dim is None or sample_shape is None:
                raise ValueError(
                    "Pass either a `generator` network or both `latent_dim` and `sample_shape`."
                )
            generator = mlp_generator(latent_dim, sample_shape, hidden_units,
                                      output_activation=output_activation)
        self.generator = generator
        self.latent_dim = int(generator.input_shape[-1])
        self.sample_shape = tuple(generator.output_shape[1:])
        if discriminator is None:
            discriminator = mlp_discriminator(self.sample_shape, hidden_units)
        self.discriminator = discriminator
        self.hidden_units = tuple(hidden_units)
        self.output_activation = output_activation
        if int(d_steps) < 1:
            raise ValueError(f"`d_steps` must be >= 1, got {d_steps}.")
        self.d_steps = int(d_steps)
        self.loss_name = loss
        self.generator_loss, self.discriminator_loss = losses_lib.get_gan_losses(loss)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self._d_updates_since_g = 0
        self._finish_init()

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    # -- sampling
    def sample_latent(self, num_samples, seed=None):
        return keras.random.normal((num_samples, self.latent_dim),
                                   seed=self.seed_generator if seed is None else seed)

    def decode_latent(self, z):
        return self.generator(z, training=False)

    # -- training
    def _next_phase(self):
        # k discriminator updates, then the k-th is followed by a generator update.
        self._d_updates_since_g += 1
        if self._d_updates_since_g >= self.d_steps:
            self._d_updates_since_g = 0
            return "d+g"
        return "d"

    def discriminator_step(self, x, z):
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            real_logits = self.discriminator(x, training=True)
            fake_logits = self.discriminator(fake, training=True)
            d_loss = self.discriminator_loss(real_logits, fake_logits)
            scaled = replica_scale(d_loss)
        grads = tape.gradient(scaled, self.discriminator.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        return d_loss

    def generator_step(self, z):
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            fake_logits = self.discriminator(fake, training=True)
            g_loss = self.generator_loss(fake_logits)
            scaled = replica_scale(g_loss)
        grads = tape.gradient(scaled, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return g_loss

    def train_step(self, data):
        x, z = self.unpack(data)
        self.check_batch(x, self.sample_shape)
        batch_size = tf.shape(x)[0]
        z_d = self.sample_latent(batch_size) if z is None else z
        self.d_loss_tracker.update_state(self.discriminator_step(x, z_d))
        if self._phase in (None, "d+g"):
            z_g = self.sample_latent(batch_size) if z is None else z
            self.g_loss_tracker.update_state(self.generator_step(z_g))
        return {m.name: m.result() for m in self.metrics}

    # -- export
    def serving_endpoints(self):
        def serve(z):
            return {"samples": self.decode_latent(z)}

        spec = tf.TensorSpec((None, self.latent_dim), tf.float32, name="z")
        return {"generate": (serve, [spec])}

    # -- config
    def get_config(self):
        config = super().get_config()
        config.update(
            latent_dim=self.latent_dim,
            sample_shape=list(self.sample_shape),
            hidden_units=list(self.hidden_units),
            output_activation=self.output_activation,
            d_steps=self.d_steps,
            loss=self.loss_name,
            seed=self.seed,
        )
        config.update(self.serialize_networks(generator=self.generator,
                                              discriminator=self.discriminator))
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**cls.deserialize_networks(config, ("generator", "discriminator")))
