"""Wasserstein GANs: WGAN (Arjovsky et al., 2017, arXiv:1701.07875) and WGAN-GP (Gulrajani et
al., 2017, arXiv:1704.00028).

The Kantorovich-Rubinstein duality writes the Earth-Mover distance as

    W(P_r, P_g) = sup_{||f||_L <= 1}  E_{x~P_r}[f(x)] - E_{x~P_g}[f(x)].

A *critic* f (the `discriminator` attribute, with a real-valued output) is trained to maximize
E[f(x)] - E[f(G(z))]; its value, tracked as `w_estimate`, estimates W up to the Lipschitz constant
and, unlike the JS divergence behind the original GAN, keeps growing with the distance between the
distributions (the "parallel lines" example: W(P_0, P_theta) = |theta| while JS = log 2 for every
theta != 0). G is trained to minimize -E[f(G(z))].

* WGAN keeps f Lipschitz by clipping every critic weight to [-c, c] (c = 0.01) after each critic
  update, trains with RMSProp (lr 5e-5) and takes n_critic = 5 critic iterations per generator
  iteration -- 100 for the first 25 generator iterations and every 500th, as in the authors'
  reference implementation, so the critic is near optimal when it matters.
* WGAN-GP replaces clipping with the penalty lambda E[(||grad f(x_hat)||_2 - 1)^2], x_hat a
  uniform random interpolate between a real and a generated sample (lambda = 10), no batch norm
  in the critic, Adam(1e-4, beta_1 0, beta_2 0.9), n_critic = 5.
"""

import tensorflow as tf
import keras

from kerasgen import losses as losses_lib
from kerasgen.models.base import replica_scale
from kerasgen.models.gan import (GAN, dcgan_discriminator, dcgan_generator, mlp_discriminator,
                                 mlp_generator)


def _networks(architecture, generator, discriminator, latent_dim, sample_shape, hidden_units,
              output_activation, image_size, channels, base_filters, critic_batch_norm):
    if architecture not in ("mlp", "dcgan"):
        raise ValueError(f"`architecture` must be 'mlp' or 'dcgan', got {architecture!r}.")
    if architecture == "dcgan":
        if image_size is None:
            raise ValueError("architecture='dcgan' needs `image_size`.")
        if generator is None:
            generator = dcgan_generator(latent_dim or 100, image_size, channels, base_filters)
        if discriminator is None:
            discriminator = dcgan_discriminator(image_size, channels, base_filters,
                                                batch_norm=critic_batch_norm, name="critic")
        return generator, discriminator
    if generator is None:
        if latent_dim is None or sample_shape is None:
            raise ValueError("Pass either a `generator` network or both `latent_dim` and "
                             "`sample_shape` (or architecture='dcgan' with image_size).")
        generator = mlp_generator(latent_dim, sample_shape, hidden_units,
                                  output_activation=output_activation)
    if discriminator is None:
        discriminator = mlp_discriminator(tuple(generator.output_shape[1:]), hidden_units,
                                          name="critic")
    return generator, discriminator


@keras.saving.register_keras_serializable(package="kerasgen")
class WGAN(GAN):
    """WGAN with weight clipping (Arjovsky et al. 2017).

    Args:
        generator, discriminator: built networks (the critic has one real output, no sigmoid);
            when None they are built by `architecture`.
        architecture: "mlp" (from latent_dim, sample_shape, hidden_units) or "dcgan" (from
            image_size, channels, base_filters).
        n_critic: critic iterations per generator iteration (5).
        clip_value: c, critic weights are clipped to [-c, c] after each critic update (0.01).
        warmup_schedule: the reference schedule of 100 critic iterations for the first 25
            generator iterations and every 500th (True for WGAN).
        ema, seed: as in `GAN`.

    Each `fit` step is one critic iteration; a generator iteration follows the n-th one.

    Example:
        >>> model = WGAN(latent_dim=2, sample_shape=(2,), hidden_units=(128, 128))
        >>> model.compile()  # RMSProp(5e-5) for both networks
        >>> history = model.fit(kerasgen.data.toy("ring8"), steps_per_epoch=1000)
        >>> history.history["w_estimate"]
    """

    optimizer_specs = {
        "d_optimizer": (("discriminator",), lambda: keras.optimizers.RMSprop(5e-5)),
        "g_optimizer": (("generator",), lambda: keras.optimizers.RMSprop(5e-5)),
    }
    loss_metrics = ("d_loss", "g_loss", "w_estimate")
    critic_batch_norm = True

    def __init__(self, generator=None, discriminator=None, latent_dim=None, sample_shape=None,
                 hidden_units=(128, 128), output_activation=None, architecture="mlp",
                 image_size=None, channels=1, base_filters=64, n_critic=5, clip_value=0.01,
                 warmup_schedule=True, ema=None, seed=None, **kwargs):
        generator, discriminator = _networks(
            architecture, generator, discriminator, latent_dim, sample_shape, hidden_units,
            output_activation, image_size, channels, base_filters, self.critic_batch_norm)
        super().__init__(generator=generator, discriminator=discriminator, ema=ema, seed=seed,
                         **kwargs)
        if int(n_critic) < 1:
            raise ValueError(f"`n_critic` must be >= 1, got {n_critic}.")
        if clip_value is not None and not float(clip_value) > 0:
            raise ValueError(f"`clip_value` must be None or positive, got {clip_value}.")
        self.n_critic = int(n_critic)
        self.clip_value = None if clip_value is None else float(clip_value)
        self.warmup_schedule = bool(warmup_schedule)
        self._critic_since_g = 0
        self._g_iterations = None
        self.set_config(latent_dim=self.latent_dim, sample_shape=list(self.sample_shape),
                         hidden_units=list(hidden_units), output_activation=output_activation,
                         architecture=architecture, image_size=image_size, channels=channels,
                         base_filters=base_filters, n_critic=self.n_critic,
                         clip_value=self.clip_value, warmup_schedule=self.warmup_schedule,
                         ema=ema, seed=seed)

    def get_losses(self, name):
        return losses_lib.wasserstein_generator_loss, losses_lib.wasserstein_critic_loss

    def critic_iterations(self, generator_iteration):
        """Critic iterations before generator iteration `generator_iteration` (0-based)."""
        if self.warmup_schedule and (generator_iteration < 25 or generator_iteration % 500 == 0):
            return 100
        return self.n_critic

    def _next_phase(self):
        if self._g_iterations is None:  # resume-safe: continue from the optimizer's counter
            self._g_iterations = int(self.g_optimizer.iterations.numpy())
        self._critic_since_g += 1
        if self._critic_since_g >= self.critic_iterations(self._g_iterations):
            self._critic_since_g = 0
            self._g_iterations += 1
            return "d+g"
        return "d"

    def penalty(self, x, fake, noise):
        return None

    def discriminator_step(self, x, z, noise=None):
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            real_out = self.discriminator(x, training=True)
            fake_out = self.discriminator(fake, training=True)
            w_estimate = tf.reduce_mean(tf.cast(real_out, "float32")) - tf.reduce_mean(
                tf.cast(fake_out, "float32"))
            d_loss = -w_estimate
            penalty = self.penalty(x, fake, noise)
            if penalty is not None:
                d_loss = d_loss + penalty
            scaled = replica_scale(d_loss)
        self.apply_loss(self.d_optimizer, scaled, tape, self.discriminator.trainable_variables)
        if self.clip_value is not None:
            for w in self.discriminator.trainable_variables:
                w.assign(tf.clip_by_value(w, -self.clip_value, self.clip_value))
        return d_loss, w_estimate

    def train_step(self, data):
        x, noise = self.unpack(data)
        self.check_batch(x, self.sample_shape)
        batch_size = tf.shape(x)[0]
        d_loss, w_estimate = self.discriminator_step(
            x, self.latent_from_noise(noise, batch_size), noise)
        self.trackers["d_loss"].update_state(d_loss)
        self.trackers["w_estimate"].update_state(w_estimate)
        if self._phase in (None, "d+g"):
            self.trackers["g_loss"].update_state(
                self.generator_step(self.latent_from_noise(noise, batch_size)))
        return {m.name: m.result() for m in self.metrics}


@keras.saving.register_keras_serializable(package="kerasgen")
class WGANGP(WGAN):
    """WGAN-GP (Gulrajani et al. 2017): gradient penalty instead of weight clipping.

    Args:
        gp_weight: lambda (10).
        n_critic: critic iterations per generator iteration (5).
        warmup_schedule: False by default (the paper uses a constant n_critic).
        other arguments: as in `WGAN` (the default critic has no batch norm).

    Fed-in noise for a deterministic step may be a dict `{"z": ..., "eps": ...}` with the
    per-example interpolation weights eps ~ U(0, 1).

    Example:
        >>> model = WGANGP(latent_dim=2, sample_shape=(2,))
        >>> model.compile()  # Adam(1e-4, beta_1=0.0, beta_2=0.9)
    """

    optimizer_specs = {
        "d_optimizer": (("discriminator",),
                        lambda: keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)),
        "g_optimizer": (("generator",),
                        lambda: keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)),
    }
    loss_metrics = ("d_loss", "g_loss", "w_estimate", "gradient_penalty")
    critic_batch_norm = False

    def __init__(self, *args, gp_weight=10.0, n_critic=5, warmup_schedule=False, **kwargs):
        kwargs.pop("clip_value", None)
        super().__init__(*args, n_critic=n_critic, clip_value=None,
                         warmup_schedule=warmup_schedule, **kwargs)
        if not float(gp_weight) >= 0:
            raise ValueError(f"`gp_weight` must be >= 0, got {gp_weight}.")
        self.gp_weight = float(gp_weight)
        config = dict(self._cfg, gp_weight=self.gp_weight)
        config.pop("clip_value")
        self.set_config(**config)

    def penalty(self, x, fake, noise):
        eps = noise.get("eps") if isinstance(noise, dict) else None
        gp = losses_lib.gradient_penalty(self.discriminator, x, fake, seed=self.seed_generator,
                                         eps=eps)
        self.trackers["gradient_penalty"].update_state(gp)
        return self.gp_weight * gp
