"""Generative Adversarial Networks (Goodfellow et al., 2014, arXiv:1406.2661) and DCGAN
(Radford et al., 2016, arXiv:1511.06434).

A generator G maps noise z ~ p(z) = N(0, I) to samples; a discriminator D outputs the logit of
"x is real". They play the minimax game

    min_G max_D  E_x[log D(x)] + E_z[log(1 - D(G(z)))].

For a fixed G the optimal discriminator is D*(x) = p_data(x) / (p_data(x) + p_g(x)), and at D*
the game's value is 2 JS(p_data || p_g) - log 4. Algorithm 1 of the paper takes k discriminator
steps per generator step (`d_steps=k`) and trained with momentum SGD. Early in training
log(1 - D(G(z))) saturates, so the paper suggests training G to maximize log D(G(z)) instead: the
non-saturating "log D trick" (`loss="non_saturating"`, the default; `loss="minimax"` is the
original objective, `"least_squares"` is LSGAN).

DCGAN's architecture guidelines: strided convolutions in D and fractionally-strided (transposed)
convolutions in G, no pooling or fully connected hidden layers, batch norm in both networks
except D's input layer and G's output layer, ReLU in G with tanh output, LeakyReLU(0.2) in D,
weights initialized from N(0, 0.02), Adam(lr 2e-4, beta_1 0.5), batch size 128.

An optional exponential moving average of the generator weights (`ema=0.999`) is kept in a
second copy of the generator, `ema_generator`, used by `generate` and `export`.
"""

import math

import tensorflow as tf
import keras

from kerasgen import losses as losses_lib
from kerasgen.models.base import GenerativeModel, replica_scale


# ------------------------------------------------------------------------------ builders
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
    h = keras.layers.Dense(math.prod(output_shape), activation=output_activation, name="out")(h)
    x = keras.layers.Reshape(output_shape, name="sample")(h)
    return keras.Model(z, x, name=name)


def mlp_discriminator(input_shape, hidden_units=(128, 128), activation="relu", dropout=0.0,
                      name="discriminator"):
    """MLP discriminator (or critic) x -> one real output per example, shape (batch, 1)."""
    x = keras.Input(tuple(input_shape), name="x")
    h = keras.layers.Flatten()(x) if len(input_shape) > 1 else x
    for i, units in enumerate(hidden_units):
        h = keras.layers.Dense(units, activation=activation, name=f"dense_{i}")(h)
        if dropout:
            h = keras.layers.Dropout(dropout)(h)
    logit = keras.layers.Dense(1, name="logit")(h)
    return keras.Model(x, logit, name=name)


def _check_image_size(image_size):
    if not isinstance(image_size, int) or image_size < 8 or image_size & (image_size - 1):
        raise ValueError(f"`image_size` must be a power of two >= 8 (8, 16, 32, 64, 128), "
                         f"got {image_size!r}.")
    return int(math.log2(image_size)) - 2  # number of 2x up/down-samplings from 4x4


def _dcgan_init():
    return keras.initializers.RandomNormal(0.0, 0.02)


def dcgan_generator(latent_dim=100, image_size=64, channels=3, base_filters=64,
                    batch_norm=True, name="generator"):
    """DCGAN generator: project z to 4x4, then stride-2 transposed convolutions to image_size.

    Filters halve at each upsampling and end at `base_filters` (64 px: 512-256-128-64 -> C).
    """
    steps = _check_image_size(image_size)
    init = _dcgan_init()
    z = keras.Input((latent_dim,), name="z")
    filters = base_filters * 2 ** (steps - 1)
    h = keras.layers.Dense(4 * 4 * filters, use_bias=not batch_norm, kernel_initializer=init,
                           name="project")(z)
    h = keras.layers.Reshape((4, 4, filters))(h)
    if batch_norm:
        h = keras.layers.BatchNormalization(name="project_bn")(h)
    h = keras.layers.ReLU()(h)
    for i in range(steps - 1):
        filters //= 2
        h = keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same",
                                         use_bias=not batch_norm, kernel_initializer=init,
                                         name=f"deconv_{i}")(h)
        if batch_norm:
            h = keras.layers.BatchNormalization(name=f"bn_{i}")(h)
        h = keras.layers.ReLU()(h)
    x = keras.layers.Conv2DTranspose(channels, 4, strides=2, padding="same",
                                     kernel_initializer=init, name="to_image")(h)
    x = keras.layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(z, x, name=name)


def dcgan_discriminator(image_size=64, channels=3, base_filters=64, batch_norm=True,
                        name="discriminator"):
    """DCGAN discriminator: stride-2 convolutions from image_size down to 4x4, then one logit.

    No batch norm on the input layer; `batch_norm=False` gives the critic WGAN-GP needs (whose
    penalty is per example, which batch norm would break).
    """
    steps = _check_image_size(image_size)
    init = _dcgan_init()
    x = keras.Input((image_size, image_size, channels), name="x")
    h = x
    filters = base_filters
    for i in range(steps):
        h = keras.layers.Conv2D(filters, 4, strides=2, padding="same",
                                use_bias=not (batch_norm and i > 0), kernel_initializer=init,
                                name=f"conv_{i}")(h)
        if batch_norm and i > 0:
            h = keras.layers.BatchNormalization(name=f"bn_{i}")(h)
        h = keras.layers.LeakyReLU(0.2)(h)
        filters *= 2
    h = keras.layers.Flatten()(h)
    logit = keras.layers.Dense(1, kernel_initializer=init, dtype="float32", name="logit")(h)
    return keras.Model(x, logit, name=name)


# ------------------------------------------------------------------------------ GAN
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
        ema: None, or the decay (e.g. 0.999) of an exponential moving average of the generator
            weights, used by `generate` and `export` (with a warm-up: the decay at generator
            update t is min(ema, (1 + t) / (10 + t))).
        seed: int or None, seeds every random draw of training.

    The paper's optimizer was momentum SGD: `compile(d_optimizer=keras.optimizers.SGD(0.1,
    momentum=0.5), g_optimizer=...)`; the default is Adam(2e-4, beta_1=0.5).

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
    loss_metrics = ("d_loss", "g_loss")

    def __init__(self, generator=None, discriminator=None, latent_dim=None, sample_shape=None,
                 hidden_units=(128, 128), output_activation=None, d_steps=1,
                 loss="non_saturating", ema=None, seed=None, **kwargs):
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
        if int(d_steps) < 1:
            raise ValueError(f"`d_steps` must be >= 1, got {d_steps}.")
        self.d_steps = int(d_steps)
        self.loss_name = loss
        self.generator_loss, self.discriminator_loss = self.get_losses(loss)
        self._setup_ema(ema)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.loss_metrics}
        self._d_updates_since_g = 0
        self.set_config(latent_dim=self.latent_dim, sample_shape=list(self.sample_shape),
                         hidden_units=list(hidden_units), output_activation=output_activation,
                         d_steps=self.d_steps, loss=loss, ema=ema, seed=seed)
        self._finish_init()

    def get_losses(self, name):
        return losses_lib.get_gan_losses(name)

    # -- EMA of the generator
    def _setup_ema(self, ema):
        if ema is not None and not 0.0 < float(ema) < 1.0:
            raise ValueError(f"`ema` must be None or a decay in (0, 1), got {ema!r}.")
        self.ema = None if ema is None else float(ema)
        self.ema_generator = None
        if self.ema is not None:
            self.ema_generator = keras.models.clone_model(self.generator)
            self.ema_generator.set_weights(self.generator.get_weights())
            self.ema_generator.trainable = False

    def ema_decay(self):
        """The EMA decay at this step: min(ema, (1 + t) / (10 + t)) for generator update t.

        The warm-up (as tf.train.ExponentialMovingAverage's num_updates) keeps the average from
        being dominated by the random initial weights in short runs.
        """
        t = tf.cast(self.g_optimizer.iterations, tf.float32)
        return tf.minimum(self.ema, (1.0 + t) / (10.0 + t))

    def update_ema(self):
        if self.ema_generator is None:
            return
        decay = self.ema_decay()
        for ema_w, w in zip(self.ema_generator.weights, self.generator.weights):
            if w.trainable:
                ema_w.assign(decay * ema_w + (1.0 - decay) * w)
            else:  # batch-norm statistics follow the trained generator
                ema_w.assign(w)

    @property
    def sampling_generator(self):
        return self.ema_generator if self.ema_generator is not None else self.generator

    @property
    def metrics(self):
        return list(self.trackers.values())

    # -- sampling
    def sample_latent(self, num_samples, seed=None):
        return keras.random.normal((num_samples, self.latent_dim),
                                   seed=self.seed_generator if seed is None else seed)

    def decode_latent(self, z):
        return self.sampling_generator(z, training=False)

    def generate_from(self, z):
        """The sample of one latent vector z (latent_dim,), as a NumPy array."""
        import numpy as np

        z = np.asarray(z, np.float32).reshape(1, self.latent_dim)
        return keras.ops.convert_to_numpy(self.decode_latent(z))[0]

    def interpolate(self, z0, z1, steps=8, spherical=False):
        """Samples along the path from z0 to z1 (linear, or spherical for Gaussian latents).

        Args:
            z0, z1: latent vectors of shape (latent_dim,).
            steps: number of points, ends included.
        Returns:
            NumPy array (steps,) + sample_shape.
        """
        import numpy as np

        if int(steps) < 2:
            raise ValueError(f"`steps` must be >= 2, got {steps}.")
        z0 = np.asarray(z0, np.float32).reshape(-1)
        z1 = np.asarray(z1, np.float32).reshape(-1)
        for name, z in (("z0", z0), ("z1", z1)):
            if z.shape != (self.latent_dim,):
                raise ValueError(f"`{name}` must have shape ({self.latent_dim},), got {z.shape}.")
        t = np.linspace(0.0, 1.0, int(steps), dtype=np.float32)[:, None]
        if spherical:
            cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1) + 1e-12)
            omega = np.arccos(np.clip(cos, -1.0, 1.0))
            if omega < 1e-6:
                path = (1 - t) * z0 + t * z1
            else:
                path = (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
        else:
            path = (1 - t) * z0 + t * z1
        return keras.ops.convert_to_numpy(self.decode_latent(path.astype(np.float32)))

    def latent_arithmetic(self, positive, negative, base=None):
        """The lecture's "arithmetic in latent space": mean(positive) - mean(negative) + base.

        Radford et al. average the z of three exemplars per concept (e.g. smiling woman -
        neutral woman + neutral man = smiling man). Each argument is an array (n, latent_dim)
        of latent vectors; returns `(z, sample)` for the resulting latent vector.
        """
        import numpy as np

        vectors = [np.asarray(v, np.float32).reshape(-1, self.latent_dim)
                   for v in (positive, negative) + ((base,) if base is not None else ())]
        z = vectors[0].mean(0) - vectors[1].mean(0)
        if base is not None:
            z = z + vectors[2].mean(0)
        sample = keras.ops.convert_to_numpy(self.decode_latent(z[None]))[0]
        return z, sample

    # -- training
    def _next_phase(self):
        # k discriminator updates, then the k-th is followed by a generator update.
        self._d_updates_since_g += 1
        if self._d_updates_since_g >= self.d_steps:
            self._d_updates_since_g = 0
            return "d+g"
        return "d"

    def latent_from_noise(self, noise, batch_size, key="z"):
        """The latent batch: fed-in noise (a tensor or a dict with `key`) or a fresh draw."""
        if noise is None:
            return self.sample_latent(batch_size)
        if isinstance(noise, dict):
            return noise[key]
        return noise

    def apply_loss(self, optimizer, loss, tape, variables):
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables))

    def discriminator_step(self, x, z):
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            real_logits = self.discriminator(x, training=True)
            fake_logits = self.discriminator(fake, training=True)
            d_loss = self.discriminator_loss(real_logits, fake_logits)
            scaled = replica_scale(d_loss)
        self.apply_loss(self.d_optimizer, scaled, tape, self.discriminator.trainable_variables)
        return d_loss

    def generator_step(self, z):
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            fake_logits = self.discriminator(fake, training=True)
            g_loss = self.generator_loss(fake_logits)
            scaled = replica_scale(g_loss)
        self.apply_loss(self.g_optimizer, scaled, tape, self.generator.trainable_variables)
        self.update_ema()
        return g_loss

    def train_step(self, data):
        x, noise = self.unpack(data)
        self.check_batch(x, self.sample_shape)
        batch_size = tf.shape(x)[0]
        self.trackers["d_loss"].update_state(
            self.discriminator_step(x, self.latent_from_noise(noise, batch_size)))
        if self._phase in (None, "d+g"):
            self.trackers["g_loss"].update_state(
                self.generator_step(self.latent_from_noise(noise, batch_size)))
        return {m.name: m.result() for m in self.metrics}

    # -- export
    def serving_endpoints(self):
        def serve(z):
            return {"samples": self.decode_latent(z)}

        spec = tf.TensorSpec((None, self.latent_dim), tf.float32, name="z")
        return {"generate": (serve, [spec])}

    # -- config


@keras.saving.register_keras_serializable(package="kerasgen")
class DCGAN(GAN):
    """DCGAN (Radford et al. 2016): a GAN with the all-convolutional architecture guidelines.

    Args:
        image_size: 8, 16, 32, 64 or 128 pixels.
        channels: image channels (1 grey, 3 RGB).
        latent_dim: size of z (100 in the paper).
        base_filters: filters of D's first / G's last hidden layer (64 in the paper).
        batch_norm: batch norm in both networks (never on D's input nor G's output).
        generator, discriminator: networks to use instead of the builders.
        d_steps, loss, ema, seed: as in `GAN`.

    Example:
        >>> model = DCGAN(image_size=16, channels=1, latent_dim=32, base_filters=32)
        >>> model.compile()  # Adam(2e-4, beta_1=0.5) for both networks
        >>> model.fit(kerasgen.data.digits(image_size=16, batch_size=128, repeat=True),
        ...           steps_per_epoch=500)
        >>> images = model.generate(64, seed=0)   # (64, 16, 16, 1) in [-1, 1]
    """

    def __init__(self, image_size=64, channels=3, latent_dim=100, base_filters=64,
                 batch_norm=True, generator=None, discriminator=None, d_steps=1,
                 loss="non_saturating", ema=None, seed=None, **kwargs):
        if generator is None:
            generator = dcgan_generator(latent_dim, image_size, channels, base_filters,
                                        batch_norm)
        if discriminator is None:
            discriminator = dcgan_discriminator(image_size, channels, base_filters, batch_norm)
        super().__init__(generator=generator, discriminator=discriminator, d_steps=d_steps,
                         loss=loss, ema=ema, seed=seed, **kwargs)
        self.set_config(image_size=image_size, channels=channels, latent_dim=self.latent_dim,
                         base_filters=base_filters, batch_norm=batch_norm, d_steps=self.d_steps,
                         loss=loss, ema=ema, seed=seed)
