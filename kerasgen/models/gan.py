"""Generative Adversarial Networks (Goodfellow et al., 2014, arXiv:1406.2661), with the stabilizers
of later papers as options; DCGAN's architecture is `kerasgen.models.dcgan`.

A generator G maps noise z ~ p(z) = N(0, I) to samples; a discriminator D outputs the logit of
"x is real". They play the minimax game

    min_G max_D  E_x[log D(x)] + E_z[log(1 - D(G(z)))].

For a fixed G the optimal discriminator is D*(x) = p_data(x) / (p_data(x) + p_g(x)), and at D*
the game's value is 2 JS(p_data || p_g) - log 4. Algorithm 1 of the paper takes k discriminator
steps per generator step (`d_steps=k`) and trained with momentum SGD. Early in training
log(1 - D(G(z))) saturates, so the paper suggests training G to maximize log D(G(z)) instead: the
non-saturating "log D trick" (`loss="non_saturating"`, the default; `loss="minimax"` is the
original objective, `"least_squares"` is LSGAN).

Stabilizers (each an option, combinable):

* zero-centred gradient penalties (Mescheder et al. 2018, arXiv:1801.04406): R1 =
  (gamma / 2) E_x ||grad D(x)||^2 on real data (`r1_weight=gamma`), R2 the same on generated data
  (`r2_weight`); R1 makes the GAN locally convergent where the unregularized game oscillates;
* packing (PacGAN, Lin et al. 2018, arXiv:1712.04086): D judges `pack=m` samples at once,
  concatenated (features of vectors, channels of images), all real or all generated, which
  penalizes a generator that drops modes;
* spectral normalization of D's layers (Miyato et al. 2018) with a subclass of `keras.layers.
  SpectralNormalization` whose power iteration moves once per step (`spectral_norm=True`;
  `kerasgen.models.layers.SpectralNormalization`);
* two time-scale learning rates (Heusel et al. 2017): different `d_optimizer` and `g_optimizer`
  rates in `compile`;
* an exponential moving average of the generator weights (`ema=0.999`; Yazici et al. 2019),
  kept in `ema_generator` and used by `generate` and `export`;
* differentiable augmentation of every image D sees, real and generated alike (DiffAugment, Zhao
  et al. 2020; `augment="translation,cutout"`, see `kerasgen.augment`), against a discriminator
  that memorizes a small training set;
* top-k training of the generator (Sinha et al. 2020, arXiv:2002.06224): each generator update
  takes its loss over only the k generated samples of the batch that D rates most real, so the
  worst samples of a batch do not pull G (`top_k=nu`, the smallest kept fraction).

Class-conditional training (`num_classes=C`) is the auxiliary-classifier GAN (AC-GAN, Odena et
al. 2017, arXiv:1610.09585): G's input is the noise followed by a one-hot class code, D has C
class logits beside its real/fake logit, and both networks also minimize the cross-entropy of
the class of real images (D) and of generated ones (D and G).

What one `fit` step is: one discriminator update, followed by a generator update every
`d_steps`-th step (every step by default), so `steps` fit steps are `steps / d_steps` generator
iterations. WGAN and WGAN-GP count critic iterations instead (see `kerasgen.models.wgan`).
"""

import math

import numpy as np
import tensorflow as tf
import keras

from kerasgen import augment as augment_lib
from kerasgen import editing
from kerasgen import losses as losses_lib
from kerasgen import optimizers as optimizers_lib
from kerasgen.models.base import GenerativeModel
from kerasgen.models.layers import SpectralNormalization, spectral_norm_layers
from kerasgen.utils import check_positive_int


# ------------------------------------------------------------------------------ builders
def normalized(layer, spectral_norm):
    return SpectralNormalization(layer) if spectral_norm else layer


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
    h = keras.layers.Dense(math.prod(output_shape), activation=output_activation,
                           dtype="float32" if output_activation is None else None, name="out")(h)
    x = keras.layers.Reshape(output_shape, name="sample")(h)
    return keras.Model(z, x, name=name)


def mlp_discriminator(input_shape, hidden_units=(128, 128), activation="relu", dropout=0.0,
                      spectral_norm=False, name="discriminator", outputs=1):
    """MLP discriminator (or critic) x -> one real output per example, shape (batch, 1)
    (`outputs` > 1: the real/fake logit followed by class logits, for AC-GAN).

    Example:
        >>> mlp_discriminator((2,), spectral_norm=True).output_shape
        (None, 1)
    """
    x = keras.Input(tuple(input_shape), name="x")
    h = keras.layers.Flatten()(x) if len(input_shape) > 1 else x
    for i, units in enumerate(hidden_units):
        h = normalized(keras.layers.Dense(units, activation=activation, name=f"dense_{i}"),
                        spectral_norm)(h)
        if dropout:
            h = keras.layers.Dropout(dropout)(h)
    logit = normalized(keras.layers.Dense(outputs, dtype="float32", name="logit"),
                       spectral_norm)(h)
    return keras.Model(x, logit, name=name)


def packed_shape(sample_shape, pack):
    """The discriminator's input shape for `pack` samples of `sample_shape` (PacGAN).

    Vectors are concatenated feature-wise, images channel-wise.

    Example:
        >>> packed_shape((2,), 4), packed_shape((16, 16, 1), 2)
        ((8,), (16, 16, 2))
    """
    sample_shape = tuple(sample_shape)
    return sample_shape[:-1] + (sample_shape[-1] * int(pack),)


def pack_samples(x, pack):
    """Groups a batch (B,) + shape into (B // pack,) + packed_shape(shape, pack).

    Consecutive samples form a group; a remainder of fewer than `pack` samples is dropped.
    """
    if pack == 1:
        return x
    shape = tuple(x.shape[1:])
    groups = tf.shape(x)[0] // pack
    x = x[:groups * pack]
    x = tf.reshape(x, tf.concat([[groups, pack], tf.shape(x)[1:]], axis=0))
    perm = [0] + list(range(2, len(shape) + 1)) + [1, len(shape) + 1]
    x = tf.transpose(x, perm)  # (groups, ..., pack, last)
    return tf.reshape(x, tf.concat([[groups], tf.shape(x)[1:-2], [pack * shape[-1]]], axis=0))


# ------------------------------------------------------------------------------ GAN
@keras.saving.register_keras_serializable(package="kerasgen")
class GAN(GenerativeModel):
    """Goodfellow et al. (2014) GAN with any generator and discriminator networks.

    Args:
        generator: a built Keras model z (batch, latent_dim) -> x. If None, an MLP is built from
            `latent_dim`, `sample_shape` and `hidden_units`.
        discriminator: a built Keras model x -> logits (batch, 1) or a patch map. If None, an MLP
            (its input is `packed_shape(sample_shape, pack)`).
        latent_dim: size of z (read from `generator` when given).
        sample_shape: shape of one sample (read from `generator` when given).
        hidden_units: hidden layer sizes of the default MLPs.
        discriminator_units: hidden layer sizes of the default MLP discriminator, when they
            differ from the generator's `hidden_units` (None = the same). The discriminator runs
            about three times per step (real, fake, and the generator's update) plus R1's double
            backward, so a narrower one is the cheaper half to shrink.
        activation: hidden activation of the default MLPs.
        output_activation: activation of the default MLP generator's output (None or "tanh").
        d_steps: discriminator updates per generator update (k in Algorithm 1).
        loss: "non_saturating" (default), "minimax" or "least_squares".
        r1_weight: gamma of the R1 penalty (gamma / 2) E ||grad D(x_real)||^2 (0 = off).
        r2_weight: the same on generated samples (0 = off).
        pack: PacGAN degree m: D sees m samples at once (1 = off). The batch size should be a
            multiple of m (a remainder is dropped).
        spectral_norm: spectral normalization of every layer of the default discriminator.
        augment: DiffAugment policy for images, e.g. "translation,cutout" (None = off); the
            border and cut-out fill is `augment_fill` (-1, the background of [-1, 1] images).
        ema: None, or the decay (e.g. 0.999) of an exponential moving average of the generator
            weights, used by `generate` and `export` (with a warm-up: the decay at generator
            update t is min(ema, (1 + t) / (10 + t))).
        truncation: None, or t > 0: `generate` draws z from N(0, I) truncated to [-t, t] (the
            truncation trick: higher precision, lower recall); training always uses N(0, I).
        discriminator_filter: None, or r > 1: `generate` draws r times as many samples and
            keeps the 1/r that the discriminator rates most real, in their drawing order (a
            deterministic variant of discriminator rejection sampling, Azadi et al. 2019).
            `generate_from_latents` and the exported signatures stay unfiltered; needs pack 1.
        top_k: None, or nu in (0, 1]: top-k training (Sinha et al. 2020): the generator's loss
            is taken over the ceil(f * B) generated samples of each batch of B that D rates most
            real (the packed groups with `pack`), where the fraction f falls linearly from 1 to
            nu over the first `top_k_steps` generator iterations and stays at nu after. The
            paper decays k by 0.99 per epoch down to nu = 0.5 (0.75 for some models); the
            linear schedule states the same in iterations, which do not depend on the dataset.
        top_k_steps: generator iterations over which the kept fraction anneals (0 = nu from
            the first update).
        num_classes: 0 (unconditional), or C >= 2 for AC-GAN: training batches are
            `(images, integer labels)` (e.g. `kerasgen.data.digits(with_labels=True)`); the
            generator's input z is `latent_dim` noise coordinates followed by a one-hot class
            code (so its size, `model.latent_dim` and the exported `z`, is latent_dim + C);
            the discriminator outputs 1 + C logits. `generate` draws the classes uniformly;
            `class_latents(labels)` gives latents of chosen classes. Needs pack 1.
        class_weight: the weight of the class cross-entropies in both losses (1, as AC-GAN).
        classify_generated: D's class loss includes the generated batch (True, AC-GAN's
            objective) or the real batch alone (False: D's classifier is then one of the data,
            as in the AC-WGAN-GP code of Gulrajani et al. 2017, and G cannot make its samples
            easy to classify by agreeing with D on them).
        twin_classifier: TAC-GAN (Gong et al. 2019, arXiv:1907.02690): D has a second set of C
            class logits, trained on the generated batch, and G's class loss subtracts that
            twin's cross-entropy from the real-data classifier's. AC-GAN's objective rewards G
            for samples its classifier is sure of, which shrinks each class towards its most
            typical images; the twin's term cancels that bias. D's first classifier then learns
            from real images only (`classify_generated` is not used).
        seed: int or None, seeds every random draw of training.

    The paper's optimizer was momentum SGD: `compile(d_optimizer=keras.optimizers.SGD(0.1,
    momentum=0.5), g_optimizer=...)`; the default is Adam(2e-4, beta_1=0.5).

    Example:
        >>> model = GAN(latent_dim=2, sample_shape=(2,), hidden_units=(32, 32), r1_weight=0.1)
        >>> model.compile()
        >>> history = model.fit(kerasgen.data.toy("ring8", batch_size=64), steps_per_epoch=5,
        ...                     verbose=0)
        >>> sorted(history.history)
        ['d_loss', 'g_loss', 'r1_penalty']
        >>> model.generate(16, seed=0).shape
        (16, 2)
    """

    optimizer_specs = {
        "d_optimizer": (("discriminator",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
        "g_optimizer": (("generator",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
    }
    loss_names = ("d_loss", "g_loss")
    critic_name = "discriminator"

    def __init__(self, generator=None, discriminator=None, latent_dim=None, sample_shape=None,
                 hidden_units=(128, 128), discriminator_units=None, activation="relu",
                 output_activation=None, d_steps=1, loss="non_saturating", r1_weight=0.0,
                 r2_weight=0.0, pack=1, spectral_norm=False, augment=None, augment_fill=-1.0,
                 ema=None, truncation=None, discriminator_filter=None, top_k=None,
                 top_k_steps=0, num_classes=0, class_weight=1.0, classify_generated=True,
                 twin_classifier=False, seed=None, **kwargs):
        r1_weight = _non_negative(r1_weight, "r1_weight")
        r2_weight = _non_negative(r2_weight, "r2_weight")
        num_classes = check_num_classes(num_classes)
        # the trackers (created by the base) include the penalties that are switched on
        object.__setattr__(self, "loss_names", tuple(self.loss_names) + tuple(
            name for name, weight in (("r1_penalty", r1_weight), ("r2_penalty", r2_weight),
                                      ("d_class_loss", num_classes),
                                      ("g_class_loss", num_classes))
            if weight))
        super().__init__(seed=seed, **kwargs)
        self.r1_weight, self.r2_weight = r1_weight, r2_weight
        if isinstance(pack, bool) or int(pack) != pack or int(pack) < 1:
            raise ValueError(f"`pack` must be an integer >= 1, got {pack!r}.")
        self.pack = int(pack)
        self.spectral_norm = bool(spectral_norm)
        augment_lib.parse_policy(augment)
        self.augment = augment or None
        self.augment_fill = float(augment_fill)

        def default_generator():
            if latent_dim is None or sample_shape is None:
                raise ValueError(
                    "Pass either a `generator` network or both `latent_dim` and `sample_shape`.")
            return mlp_generator(latent_dim + num_classes, sample_shape, hidden_units,
                                 activation, output_activation=output_activation)

        self.generator = self.network("generator", generator, default_generator)
        d_units = hidden_units if discriminator_units is None else discriminator_units
        self.latent_dim = int(self.generator.input_shape[-1])
        self.sample_shape = tuple(self.generator.output_shape[1:])
        self.discriminator = self.network("discriminator", discriminator, lambda: (
            mlp_discriminator(packed_shape(self.sample_shape, self.pack), d_units,
                              activation, spectral_norm=self.spectral_norm,
                              name=self.critic_name,
                              outputs=discriminator_outputs(num_classes, twin_classifier))))
        self._setup_classes(num_classes, class_weight, classify_generated, twin_classifier)
        if isinstance(d_steps, bool) or int(d_steps) < 1:
            raise ValueError(f"`d_steps` must be >= 1, got {d_steps}.")
        self.d_steps = int(d_steps)
        self.loss_name = loss
        self.generator_loss, self.discriminator_loss = self.get_losses(loss)
        self._setup_ema(ema)
        if truncation is not None and not float(truncation) > 0:
            raise ValueError(f"`truncation` must be None or positive, got {truncation!r}.")
        self.truncation = None if truncation is None else float(truncation)
        if discriminator_filter is not None and not float(discriminator_filter) >= 1.0:
            raise ValueError(f"`discriminator_filter` must be None or >= 1, got "
                             f"{discriminator_filter!r}.")
        if discriminator_filter is not None and self.pack != 1:
            raise ValueError("`discriminator_filter` scores single samples; it needs pack=1, "
                             f"got pack={self.pack}.")
        self.discriminator_filter = (None if discriminator_filter is None
                                     else float(discriminator_filter))
        if top_k is not None and not 0.0 < float(top_k) <= 1.0:
            raise ValueError(f"`top_k` must be None or a fraction in (0, 1], got {top_k!r}.")
        self.top_k = None if top_k is None else float(top_k)
        if isinstance(top_k_steps, bool) or int(top_k_steps) != top_k_steps or top_k_steps < 0:
            raise ValueError(f"`top_k_steps` must be an integer >= 0, got {top_k_steps!r}.")
        self.top_k_steps = int(top_k_steps)
        self._d_updates_since_g = 0
        self.record_hyperparameters(
            latent_dim=self.noise_dim, sample_shape=list(self.sample_shape),
            hidden_units=list(hidden_units),
            discriminator_units=None if discriminator_units is None else list(discriminator_units),
            activation=activation, output_activation=output_activation,
            **self.shared_hyperparameters())
        if self.augment and len(self.sample_shape) != 3:
            raise ValueError(f"`augment` works on images (height, width, channels); this "
                             f"model's samples have shape {self.sample_shape}.")
        self._finish_init()

    def shared_hyperparameters(self):
        """The options every GAN family takes (training schedule, loss, stabilizers, sampling);
        subclasses record them beside their own."""
        return dict(d_steps=self.d_steps, loss=self.loss_name, r1_weight=self.r1_weight,
                    r2_weight=self.r2_weight, pack=self.pack, spectral_norm=self.spectral_norm,
                    augment=self.augment, augment_fill=self.augment_fill, ema=self.ema,
                    truncation=self.truncation, discriminator_filter=self.discriminator_filter,
                    top_k=self.top_k, top_k_steps=self.top_k_steps,
                    num_classes=self.num_classes, class_weight=self.class_weight,
                    classify_generated=self.classify_generated,
                    twin_classifier=self.twin_classifier, seed=self.seed)

    # -- AC-GAN's classes
    def _setup_classes(self, num_classes, class_weight, classify_generated, twin_classifier):
        self.num_classes = num_classes
        self.class_weight = _non_negative(class_weight, "class_weight")
        self.classify_generated = bool(classify_generated)
        self.twin_classifier = bool(twin_classifier)
        self.noise_dim = self.latent_dim - num_classes
        if not num_classes:
            if self.twin_classifier:
                raise ValueError("twin_classifier needs a class-conditional model "
                                 "(num_classes > 0).")
            return
        if self.noise_dim < 1:
            raise ValueError(f"The generator's input ({self.latent_dim}) must hold the noise and "
                             f"the {num_classes}-class one-hot code.")
        outputs = self.discriminator.output_shape
        expected = discriminator_outputs(num_classes, self.twin_classifier)
        if len(outputs) != 2 or outputs[-1] != expected:
            raise ValueError(f"num_classes={num_classes} needs a discriminator with "
                             f"{expected} outputs (the real/fake logit, then the class "
                             f"logits{', then the twin' if self.twin_classifier else ''}); "
                             f"this one outputs {outputs}.")
        if self.pack != 1:
            raise ValueError(f"num_classes needs pack=1 (a packed group has no one class), got "
                             f"pack={self.pack}.")

    def class_latents(self, labels, seed=None):
        """Latents (len(labels), latent_dim) that generate the given classes: noise from the
        prior (truncated by `truncation`) followed by the one-hot code of each label."""
        if not self.num_classes:
            raise ValueError("class_latents needs a class-conditional model (num_classes > 0).")
        labels = np.asarray(labels).reshape(-1)
        if labels.size == 0 or not np.issubdtype(labels.dtype, np.integer) or (
                labels.min() < 0 or labels.max() >= self.num_classes):
            raise ValueError(f"`labels` must be integers in [0, {self.num_classes}), got "
                             f"{labels.tolist()[:8]}.")
        z = self.sample_latent(len(labels), seed=seed)
        return self._with_classes(z, tf.constant(labels, tf.int32))

    def _with_classes(self, z, labels):
        """z with its class code replaced by the one-hot code of `labels`."""
        code = tf.one_hot(tf.cast(tf.reshape(labels, [-1]), tf.int32), self.num_classes)
        return tf.concat([z[:, : self.noise_dim], tf.cast(code, z.dtype)], axis=1)

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

    # -- sampling
    def sample_latent(self, num_samples, seed=None):
        """z ~ N(0, I), or with `truncation=t` the normal truncated to [-t, t] per coordinate
        (BigGAN's truncation trick, Brock et al. 2019: fewer, typical samples; drawn exactly by
        the inverse CDF of a uniform on [Phi(-t), Phi(t)])."""
        seed = self.seed_generator if seed is None else seed
        if self.num_classes:
            # one uniform draw, so the class is independent of the noise: the noise columns
            # by the inverse normal CDF (untruncated: cut at 8 std, where ndtri stays finite),
            # the last column picks the class uniformly
            edge = 0.5 * (1.0 + math.erf(-(self.truncation or 8.0) / math.sqrt(2.0)))
            u = tf.cast(keras.random.uniform((num_samples, self.noise_dim + 1), seed=seed),
                        tf.float32)
            noise = tf.math.ndtri(edge + (1.0 - 2.0 * edge) * u[:, :-1])
            labels = tf.minimum(tf.cast(u[:, -1] * self.num_classes, tf.int32),
                                self.num_classes - 1)
            return tf.concat([noise, tf.one_hot(labels, self.num_classes)], axis=1)
        shape = (num_samples, self.latent_dim)
        if self.truncation is None:
            return keras.random.normal(shape, seed=seed)
        edge = 0.5 * (1.0 + math.erf(-self.truncation / math.sqrt(2.0)))
        u = keras.random.uniform(shape, edge, 1.0 - edge, seed=seed)
        return tf.math.ndtri(tf.cast(u, tf.float32))

    def generate_from_latents(self, z):
        return self.sampling_generator(z, training=False)

    def generate(self, num_samples, seed=None, batch_size=256):
        """Returns `num_samples` samples as a NumPy array (see `GenerativeModel.generate`);
        with `discriminator_filter=r`, the best 1/r of r times as many draws."""
        if not self.discriminator_filter or self.discriminator_filter == 1.0:
            return super().generate(num_samples, seed=seed, batch_size=batch_size)
        num_samples = check_positive_int(num_samples, "num_samples")
        pool = int(math.ceil(num_samples * self.discriminator_filter))
        candidates = super().generate(pool, seed=seed, batch_size=batch_size)
        scores = np.concatenate([
            keras.ops.convert_to_numpy(
                self.judge(candidates[i : i + batch_size], training=False)).reshape(-1)
            for i in range(0, pool, batch_size)])
        keep = np.sort(np.argsort(-scores, kind="stable")[:num_samples])
        return candidates[keep]

    def _check_latent(self, z, name):
        z = np.asarray(z, np.float32).reshape(-1)
        if z.shape != (self.latent_dim,):
            raise ValueError(f"`{name}` must have shape ({self.latent_dim},), got {z.shape}.")
        return z

    def interpolate_latents(self, z0, z1, steps=8, spherical=False):
        """Samples along the path from latent z0 to latent z1 (`kerasgen.editing.
        interpolate_latents`: linear, or on the great circle, which suits Gaussian latents).

        Args:
            z0, z1: latent vectors of shape (latent_dim,).
            steps: number of points, ends included (2 to 64).
        Returns:
            NumPy array (steps,) + sample_shape.
        """
        z0, z1 = self._check_latent(z0, "z0"), self._check_latent(z1, "z1")
        path = editing.interpolate_latents(z0, z1, steps, spherical=spherical)
        return keras.ops.convert_to_numpy(self.generate_from_latents(path))

    def latent_arithmetic(self, positive, negative, base=None):
        """The lecture's "arithmetic in latent space": mean(positive) - mean(negative) + base.

        Radford et al. average the z of three exemplars per concept (e.g. smiling woman -
        neutral woman + neutral man = smiling man). Each argument is an array (n, latent_dim)
        of latent vectors; returns `(z, sample)` for the resulting latent vector.
        """
        vectors = [np.asarray(v, np.float32).reshape(-1, self.latent_dim)
                   for v in (positive, negative) + ((base,) if base is not None else ())]
        z = vectors[0].mean(0) - vectors[1].mean(0)
        if base is not None:
            z = z + vectors[2].mean(0)
        sample = keras.ops.convert_to_numpy(self.generate_from_latents(z[None]))[0]
        return z, sample

    # -- training
    def _next_phase(self):
        # k discriminator updates, then the k-th is followed by a generator update.
        self._d_updates_since_g += 1
        if self._d_updates_since_g >= self.d_steps:
            self._d_updates_since_g = 0
            return "d+g"
        return "d"

    def generator_iterations(self, fit_steps):
        """How many generator iterations `fit_steps` fit steps give (from the start)."""
        return int(fit_steps) // self.d_steps

    def latent_from_noise(self, noise, batch_size, key="z"):
        """The latent batch: fed-in noise (a tensor or a dict with `key`) or a fresh draw."""
        if noise is None:
            return self.sample_latent(batch_size)
        if isinstance(noise, dict):
            return noise[key]
        return noise

    def judge(self, samples, training=True):
        """The discriminator's outputs on a batch of samples: augmented (DiffAugment, while
        training) and packed in groups of `pack`; the real/fake logit only (AC-GAN)."""
        return self.judge_with_classes(samples, training)[0]

    def judge_with_classes(self, samples, training=True):
        """`(real/fake outputs, class logits or None)` from one pass of the discriminator."""
        if self.augment and training:
            samples = augment_lib.diff_augment(samples, self.augment, fill=self.augment_fill,
                                               seed=self.seed_generator)
        outputs = self.discriminator(pack_samples(samples, self.pack), training=training)
        if not self.num_classes:
            return outputs, None
        return outputs[:, :1], outputs[:, 1:]

    def class_loss(self, labels, class_logits, twin=False):
        """AC-GAN's term: the mean cross-entropy of the labels under the class logits (the
        first C of D's class outputs, or with `twin` the TAC-GAN twin's C after them)."""
        c = self.num_classes
        logits = class_logits[:, c:] if twin else class_logits[:, :c]
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.cast(tf.reshape(labels, [-1]), tf.int32),
            logits=tf.cast(logits, tf.float32)))

    def penalties(self, x, fake, noise, training=True):
        """The regularization terms of the discriminator loss, as a dict of named penalties."""
        out = {}
        if self.r1_weight:
            out["r1_penalty"] = losses_lib.zero_centered_gradient_penalty(
                lambda v: self.judge(v, training), x)
        if self.r2_weight:
            out["r2_penalty"] = losses_lib.zero_centered_gradient_penalty(
                lambda v: self.judge(v, training), fake)
        return out

    def penalty_total(self, penalties):
        weights = {"r1_penalty": 0.5 * self.r1_weight, "r2_penalty": 0.5 * self.r2_weight}
        return sum(weights[name] * value for name, value in penalties.items())

    def discriminator_losses(self, x, z, noise=None, training=True, labels=None):
        """`{"d_loss": ..., penalties...}`; d_loss includes the weighted penalties (and, with
        classes, the class cross-entropy of the real batch and of the generated one, whose
        latents carry `labels`)."""
        fake = self.generator(z, training=training)
        real_out, real_classes = self.judge_with_classes(x, training)
        fake_out, fake_classes = self.judge_with_classes(fake, training)
        d_loss = self.discriminator_loss(real_out, fake_out)
        penalties = self.penalties(x, fake, noise, training)
        if penalties:
            d_loss = d_loss + self.penalty_total(penalties)
        extra = {}
        if self.num_classes:
            extra["d_class_loss"] = self.class_loss(labels, real_classes)
            if self.twin_classifier:
                extra["d_class_loss"] += self.class_loss(labels, fake_classes, twin=True)
            elif self.classify_generated:
                extra["d_class_loss"] += self.class_loss(labels, fake_classes)
            d_loss = d_loss + self.class_weight * extra["d_class_loss"]
        return dict(penalties, d_loss=d_loss, **extra, **self.statistics(real_out, fake_out))

    def statistics(self, real_outputs, fake_outputs):
        """Extra figures reported from the discriminator's outputs (WGAN: the W estimate)."""
        return {}

    def generator_losses(self, z, training=True, labels=None):
        fake = self.generator(z, training=training)
        outputs, classes = self.judge_with_classes(fake, training)
        if self.top_k is not None and training:
            outputs = self.top_k_outputs(outputs)
        g_loss = self.generator_loss(outputs)
        if not self.num_classes:
            return {"g_loss": g_loss}
        class_loss = self.class_loss(labels, classes)
        if self.twin_classifier:
            class_loss = class_loss - self.class_loss(labels, classes, twin=True)
        return {"g_loss": g_loss + self.class_weight * class_loss, "g_class_loss": class_loss}

    def top_k_fraction(self):
        """The fraction of each batch the generator learns from at this generator iteration
        (`top_k`): 1 falling linearly to nu over `top_k_steps` iterations."""
        if not self.top_k_steps:
            return tf.constant(self.top_k, tf.float32)
        t = tf.cast(self.g_optimizer.iterations, tf.float32)
        progress = tf.minimum(t / float(self.top_k_steps), 1.0)
        return 1.0 - (1.0 - self.top_k) * progress

    def top_k_outputs(self, outputs):
        """D's outputs on the generated batch reduced to the ceil(f * B) rated most real,
        shape (k, 1); a patch map is rated by its mean."""
        scores = tf.reduce_mean(tf.reshape(outputs, (tf.shape(outputs)[0], -1)), axis=1)
        count = tf.shape(scores)[0]
        k = tf.cast(tf.math.ceil(self.top_k_fraction() * tf.cast(count, tf.float32)), tf.int32)
        k = tf.clip_by_value(k, 1, count)
        return tf.math.top_k(scores, k=k).values[:, None]

    def after_discriminator_update(self):
        """Hook after each discriminator update (WGAN clips the critic's weights here)."""

    def _split(self, data):
        """`(x, noise, batch size, labels)`; a conditional model's batches are (x, labels)."""
        x, second = self.unpack(data)
        self.check_batch(x, self.sample_shape)
        if not self.num_classes:
            return tf.cast(x, tf.float32), second, tf.shape(x)[0], None
        if second is None or isinstance(second, dict):
            raise ValueError(
                f"{type(self).__name__}(num_classes={self.num_classes}) trains on (images, "
                f"labels) batches, e.g. kerasgen.data.digits(with_labels=True); this dataset "
                f"yields images only.")
        return tf.cast(x, tf.float32), None, tf.shape(x)[0], second

    def conditional_latent(self, noise, batch_size, labels):
        """The step's latents, with the batch's labels as their class code (AC-GAN)."""
        z = self.latent_from_noise(noise, batch_size)
        return z if labels is None else self._with_classes(z, labels)

    def train_step(self, data):
        x, noise, batch_size, labels = self._split(data)
        with tf.GradientTape() as tape:
            logs = self.discriminator_losses(
                x, self.conditional_latent(noise, batch_size, labels), noise, labels=labels)
        self.minimize(tape, logs["d_loss"], "d_optimizer")
        self.after_discriminator_update()
        if self._phase in (None, "d+g"):
            with tf.GradientTape() as tape:
                g_logs = self.generator_losses(
                    self.conditional_latent(noise, batch_size, labels), labels=labels)
            self.minimize(tape, g_logs["g_loss"], "g_optimizer")
            self.update_ema()
            logs.update(g_logs)
        self.update_spectral_norms(logs)
        return self.report(logs)

    def update_spectral_norms(self, logs):
        """Moves the power iteration of each spectrally normalized layer of D once, after this
        step's losses (an explicit dependency, so no call of the step reads a moved u)."""
        layers = spectral_norm_layers(self.discriminator)
        if layers:
            with tf.control_dependencies(tf.nest.flatten(logs)):
                for layer in layers:
                    layer.update_power_iteration()

    def compute_losses(self, data, training=False):
        x, noise, batch_size, labels = self._split(data)
        z = self.conditional_latent(noise, batch_size, labels)
        return dict(self.discriminator_losses(x, z, noise, training=training, labels=labels),
                    **self.generator_losses(z, training=training, labels=labels))

    # -- export
    def serving_endpoints(self):
        def serve(z):
            return {"samples": self.generate_from_latents(z)}

        spec = tf.TensorSpec((None, self.latent_dim), tf.float32, name="z")
        return {"generate": (serve, [spec])}

    # -- iGAN: projection and editing on the learned manifold (logic in kerasgen.editing)
    def project(self, images, steps=100, encoder=None, **kwargs):
        """Latents whose generations match `images`, and the reconstructions: `(z, x_hat)`.

        `images`: one sample or a batch, float32 in the generator's range ([-1, 1] for tanh) or
        uint8 in [0, 255] (mapped onto it); values outside the range, NaN or infinity raise a
        ValueError naming it.

        See `kerasgen.editing.project` (encoder guess refined by optimization; `kwargs`:
        restarts, prior_weight, seed, learning_rate, time_limit).
        """
        return editing.project(self, images, steps=steps, encoder=encoder, **kwargs)

    def edit(self, image=None, mask=None, target=None, **kwargs):
        """Moves `image` (or a latent `z=`) on the manifold until it matches the strokes
        (`mask`, `target`); returns `(z, edited)`. `image` and `target` are float32 in the
        generator's range ([-1, 1] for tanh) or uint8 in [0, 255]. See `kerasgen.editing.edit`."""
        return editing.edit(self, image, mask, target, **kwargs)

    def interpolate_images(self, x0, x1, steps=8, **kwargs):
        """Generations along the latent path between the projections of two images.
        See `kerasgen.editing.interpolate_images`."""
        return editing.interpolate_images(self, x0, x1, steps=steps, **kwargs)


def discriminator_outputs(num_classes, twin_classifier=False):
    """The discriminator's outputs: the real/fake logit, then C class logits (AC-GAN), then C
    more for TAC-GAN's twin classifier."""
    return 1 + int(num_classes) * (2 if twin_classifier else 1)


def check_num_classes(num_classes):
    """AC-GAN's class count: 0 (unconditional) or an integer >= 2."""
    if isinstance(num_classes, bool) or int(num_classes) != num_classes or (
            num_classes != 0 and num_classes < 2):
        raise ValueError(f"`num_classes` must be 0 (unconditional) or an integer >= 2, got "
                         f"{num_classes!r}.")
    return int(num_classes)


def _non_negative(value, name):
    value = float(value)
    if not value >= 0:
        raise ValueError(f"`{name}` must be >= 0, got {value}.")
    return value
