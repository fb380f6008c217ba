"""Wasserstein GANs: WGAN (Arjovsky et al., 2017, arXiv:1701.07875) and WGAN-GP (Gulrajani et
al., 2017, arXiv:1704.00028).

The Kantorovich-Rubinstein duality writes the Earth-Mover distance as

    W(P_r, P_g) = sup_{||f||_L <= 1}  E_{x~P_r}[f(x)] - E_{x~P_g}[f(x)].

A *critic* f (the `discriminator` attribute, with a real-valued output) is trained to maximize
E[f(x)] - E[f(G(z))] (`kerasgen.losses.wasserstein_critic_loss`); its value, tracked as
`w_estimate`, estimates W up to the Lipschitz constant and, unlike the JS divergence behind the
original GAN, keeps growing with the distance between the distributions (the "parallel lines"
example: W(P_0, P_theta) = |theta| while JS = log 2 for every theta != 0). G is trained to
minimize -E[f(G(z))] (`wasserstein_generator_loss`).

* WGAN keeps f Lipschitz by clipping every critic weight to [-c, c] (c = 0.01) after each critic
  update, trains with RMSProp (lr 5e-5) and takes n_critic = 5 critic iterations per generator
  iteration -- 100 for the first 25 generator iterations and every 500th, as in the authors'
  reference implementation, so the critic is near optimal when it matters.
* WGAN-GP replaces clipping with the penalty lambda E[(||grad f(x_hat)||_2 - 1)^2], x_hat a
  uniform random interpolate between a real and a generated sample (lambda = 10), no batch norm
  in the critic, Adam(1e-4, beta_1 0, beta_2 0.9), n_critic = 5.

What one `fit` step is: one critic iteration. A generator iteration follows every n_critic-th
one, so `steps` fit steps are about `steps / n_critic` generator iterations (fewer with WGAN's
warm-up schedule); `WGAN.generator_iterations(steps)` gives the exact number.
"""

import keras

from kerasgen import losses as losses_lib
from kerasgen import optimizers as optimizers_lib
from kerasgen.models.dcgan import dcgan_discriminator, dcgan_generator
from kerasgen.models.gan import (GAN, check_num_classes, discriminator_outputs,
                                 mlp_discriminator, mlp_generator, packed_shape)


def _networks(architecture, generator, discriminator, latent_dim, sample_shape, hidden_units,
              activation, output_activation, image_size, channels, base_filters,
              critic_batch_norm, pack, spectral_norm, extra_layers, num_classes=0,
              twin_classifier=False):
    if architecture not in ("mlp", "dcgan"):
        raise ValueError(f"`architecture` must be 'mlp' or 'dcgan', got {architecture!r}.")
    if architecture == "dcgan":
        if image_size is None:
            raise ValueError("architecture='dcgan' needs `image_size`.")
        if generator is None:
            generator = dcgan_generator((latent_dim or 100) + num_classes, image_size, channels,
                                        base_filters, extra_layers=extra_layers)
        if discriminator is None:
            discriminator = dcgan_discriminator(image_size, channels * pack, base_filters,
                                                batch_norm=critic_batch_norm,
                                                spectral_norm=spectral_norm,
                                                extra_layers=extra_layers, name="critic",
                                                outputs=discriminator_outputs(
                                                    num_classes, twin_classifier))
        return generator, discriminator
    if generator is None:
        if latent_dim is None or sample_shape is None:
            raise ValueError("Pass either a `generator` network or both `latent_dim` and "
                             "`sample_shape` (or architecture='dcgan' with image_size).")
        generator = mlp_generator(latent_dim + num_classes, sample_shape, hidden_units,
                                  activation, output_activation=output_activation)
    if discriminator is None:
        discriminator = mlp_discriminator(
            packed_shape(generator.output_shape[1:], pack), hidden_units, activation,
            spectral_norm=spectral_norm, name="critic",
            outputs=discriminator_outputs(num_classes, twin_classifier))
    return generator, discriminator


@keras.saving.register_keras_serializable(package="kerasgen")
class WGAN(GAN):
    """WGAN with weight clipping (Arjovsky et al. 2017).

    Args:
        generator, discriminator: built networks (the critic has one real output, no sigmoid);
            when None they are built by `architecture`.
        architecture: "mlp" (from latent_dim, sample_shape, hidden_units) or "dcgan" (from
            image_size, channels, base_filters, extra_layers).
        n_critic: critic iterations per generator iteration (5).
        clip_value: c, critic weights are clipped to [-c, c] after each critic update (0.01).
        warmup_schedule: the reference schedule of 100 critic iterations for the first 25
            generator iterations and every 500th (True for WGAN).
        r1_weight, r2_weight, pack, spectral_norm, augment, ema, truncation, seed: as in
            `GAN`.

    Each `fit` step is one critic iteration; a generator iteration follows the n-th one.

    Example:
        >>> model = WGAN(latent_dim=2, sample_shape=(2,), hidden_units=(32, 32), n_critic=2,
        ...              warmup_schedule=False)
        >>> model.compile()  # RMSProp(5e-5) for both networks
        >>> history = model.fit(kerasgen.data.toy("ring8", batch_size=64), steps_per_epoch=4,
        ...                     verbose=0)
        >>> int(model.g_optimizer.iterations), model.generator_iterations(4)
        (2, 2)
    """

    optimizer_specs = {
        "d_optimizer": (("discriminator",), lambda: keras.optimizers.RMSprop(5e-5)),
        "g_optimizer": (("generator",), lambda: keras.optimizers.RMSprop(5e-5)),
    }
    loss_names = ("d_loss", "g_loss", "w_estimate")
    critic_batch_norm = True
    critic_name = "critic"

    def __init__(self, generator=None, discriminator=None, latent_dim=None, sample_shape=None,
                 hidden_units=(128, 128), activation="relu", output_activation=None,
                 architecture="mlp", image_size=None, channels=1, base_filters=64, n_critic=5,
                 clip_value=0.01, warmup_schedule=True, extra_layers=0, pack=1,
                 spectral_norm=False, **kwargs):
        custom = tuple(n for n, net in (("generator", generator),
                                        ("discriminator", discriminator)) if net is not None)
        generator, discriminator = _networks(
            architecture, generator, discriminator, latent_dim, sample_shape, hidden_units,
            activation, output_activation, image_size, channels, base_filters,
            self.critic_batch_norm, int(pack), spectral_norm, int(extra_layers),
            check_num_classes(kwargs.get("num_classes", 0)), kwargs.get("twin_classifier", False))
        super().__init__(generator=generator, discriminator=discriminator, pack=pack,
                         spectral_norm=spectral_norm, **kwargs)
        # GAN.__init__ saw built networks; only those the user passed are custom
        object.__setattr__(self, "_custom_networks", custom)
        if isinstance(n_critic, bool) or int(n_critic) < 1:
            raise ValueError(f"`n_critic` must be >= 1, got {n_critic}.")
        if clip_value is not None and not float(clip_value) > 0:
            raise ValueError(f"`clip_value` must be None or positive, got {clip_value}.")
        self.n_critic = int(n_critic)
        self.clip_value = None if clip_value is None else float(clip_value)
        self.warmup_schedule = bool(warmup_schedule)
        self.architecture = architecture
        self._critic_since_g = 0
        self._g_iterations = None
        shared = self.shared_hyperparameters()
        for unused in ("d_steps", "loss"):  # the critic schedule and loss are WGAN's own
            shared.pop(unused)
        self.record_hyperparameters(
            latent_dim=self.noise_dim, sample_shape=list(self.sample_shape),
            hidden_units=list(hidden_units), activation=activation,
            output_activation=output_activation, architecture=architecture,
            image_size=image_size, channels=channels, base_filters=base_filters,
            extra_layers=int(extra_layers), n_critic=self.n_critic, clip_value=self.clip_value,
            warmup_schedule=self.warmup_schedule, **shared)

    def get_losses(self, name):
        return losses_lib.wasserstein_generator_loss, losses_lib.wasserstein_critic_loss

    def statistics(self, real_outputs, fake_outputs):
        return {"w_estimate": -losses_lib.wasserstein_critic_loss(real_outputs, fake_outputs)}

    def critic_iterations(self, generator_iteration):
        """Critic iterations before generator iteration `generator_iteration` (0-based)."""
        if self.warmup_schedule and (generator_iteration < 25 or generator_iteration % 500 == 0):
            return 100
        return self.n_critic

    def generator_iterations(self, fit_steps):
        """How many generator iterations `fit_steps` critic iterations give (from the start)."""
        g, critic = 0, 0
        for _ in range(int(fit_steps)):
            critic += 1
            if critic >= self.critic_iterations(g):
                critic, g = 0, g + 1
        return g

    def _next_phase(self):
        if self._g_iterations is None:  # resume-safe: continue from the optimizer's counter
            self._g_iterations = int(self.g_optimizer.iterations.numpy())
        self._critic_since_g += 1
        if self._critic_since_g >= self.critic_iterations(self._g_iterations):
            self._critic_since_g = 0
            self._g_iterations += 1
            return "d+g"
        return "d"

    def after_discriminator_update(self):
        if self.clip_value is not None:
            for w in self.discriminator.trainable_variables:
                w.assign(keras.ops.clip(w, -self.clip_value, self.clip_value))


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
        >>> float(model.d_optimizer.beta_2)
        0.9
    """

    optimizer_specs = {
        "d_optimizer": (("discriminator",),
                        lambda: optimizers_lib.Adam(1e-4, beta_1=0.0, beta_2=0.9)),
        "g_optimizer": (("generator",),
                        lambda: optimizers_lib.Adam(1e-4, beta_1=0.0, beta_2=0.9)),
    }
    loss_names = ("d_loss", "g_loss", "w_estimate", "gradient_penalty")
    critic_batch_norm = False

    def __init__(self, *args, gp_weight=10.0, n_critic=5, warmup_schedule=False, **kwargs):
        if kwargs.pop("clip_value", None) is not None:
            raise ValueError("WGANGP keeps the critic Lipschitz with the gradient penalty; "
                             "`clip_value` is for WGAN.")
        super().__init__(*args, n_critic=n_critic, clip_value=None,
                         warmup_schedule=warmup_schedule, **kwargs)
        if not float(gp_weight) >= 0:
            raise ValueError(f"`gp_weight` must be >= 0, got {gp_weight}.")
        self.gp_weight = float(gp_weight)
        config = dict(self._hyperparameters, gp_weight=self.gp_weight)
        config.pop("clip_value")
        self.record_hyperparameters(**config)

    def penalties(self, x, fake, noise, training=True):
        out = super().penalties(x, fake, noise, training)
        eps = noise.get("eps") if isinstance(noise, dict) else None
        out["gradient_penalty"] = losses_lib.gradient_penalty(
            lambda v: self.judge(v, training), x, fake, seed=self.seed_generator, eps=eps)
        return out

    def penalty_total(self, penalties):
        penalties = dict(penalties)
        gp = penalties.pop("gradient_penalty")
        return self.gp_weight * gp + (super().penalty_total(penalties) if penalties else 0.0)
