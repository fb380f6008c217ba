"""DCGAN (Radford et al., 2016, arXiv:1511.06434): a GAN (`kerasgen.models.gan`) with the
all-convolutional architecture, in kerasgen's form and in the layouts of the reference codes
(pytorch/examples, the paper's Theano code, dcgan.torch) so that their weights convert.

DCGAN's architecture guidelines: strided convolutions in D and fractionally-strided (transposed)
convolutions in G, no pooling or fully connected hidden layers, batch norm in both networks
except D's input layer and G's output layer, ReLU in G with tanh output, LeakyReLU(0.2) in D,
weights initialized from N(0, 0.02), Adam(lr 2e-4, beta_1 0.5), batch size 128.
"""

import math

import numpy as np
import keras

from kerasgen.models import dcgan_sampling
from kerasgen.models.gan import GAN, check_num_classes, discriminator_outputs, normalized
from kerasgen.models.layers import BatchNormalization, conv2d_transpose, gan_initializer
from kerasgen.utils import check_positive_int


def _check_image_size(image_size):
    """`(start, steps)`: image_size = start * 2**steps with a 4x4 (powers of two >= 8) or, for
    MNIST's 28 px and its relatives 14, 56, 112, a 7x7 first feature map."""
    if isinstance(image_size, int) and image_size >= 8:
        for start in (4, 7):
            steps = int(round(math.log2(image_size / start)))
            if steps >= 1 and start * 2 ** steps == image_size:
                return start, steps
    raise ValueError(f"`image_size` must be a power of two >= 8 (8, 16, 32, 64, 128) or 7 times "
                     f"one (14, 28, 56, 112), got {image_size!r}.")


#: DCGAN layouts: kerasgen's own, and the layers of three reference implementations
DCGAN_LAYOUTS = ("kerasgen", "pytorch", "theano", "torch7")


def _dcgan_layout(layout):
    """`(use_bias, batch-norm kwargs, padding)` of a DCGAN layout."""
    if layout not in DCGAN_LAYOUTS:
        raise ValueError(f"`layout` must be one of {', '.join(map(repr, DCGAN_LAYOUTS))}; "
                         f"got {layout!r}.")
    if layout == "kerasgen":
        return True, {}, "same"
    # pytorch/examples: BatchNorm2d(eps=1e-5, momentum=0.1); dcgan.torch ("torch7"): Torch's
    # SpatialBatchNormalization, the same eps and momentum; dcgan_code: batchnorm(e=1e-8) with
    # batch statistics only (its moving statistics are estimated by kerasgen.convert)
    epsilon = 1e-8 if layout == "theano" else 1e-5
    return False, {"epsilon": epsilon, "momentum": 0.9}, "symmetric"


def dcgan_generator(latent_dim=100, image_size=64, channels=3, base_filters=64,
                    batch_norm=True, kernel_size=4, layout="kerasgen", extra_layers=0,
                    name="generator"):
    """DCGAN generator: project z to 4x4 (7x7 for 28 px), then stride-2 transposed convolutions
    to image_size.

    Filters halve at each upsampling and end at `base_filters` (64 px: 512-256-128-64 -> C).

    Args:
        layout: "kerasgen" (a bias wherever no batch norm follows, Keras batch-norm defaults),
            "pytorch" (the DCGAN of pytorch/examples: no bias in any layer, batch norm epsilon
            1e-5 and momentum 0.1) or "theano" (Newmu/dcgan_code, the paper's code: no biases,
            batch norm epsilon 1e-8 over each of the 4*4*C projected units rather than per
            channel, symmetric padding (k - 1) // 2, which for its 5x5 kernels differs from
            Keras "same") or "torch7" (soumith/dcgan.torch, Lua Torch: "pytorch" plus a bias on
            the layers no batch norm follows, G's output and D's first and last layers, which
            its 2015 files carry; a file without biases loads zeros there). These layouts are
            what `kerasgen.convert` loads the references' weights into.
        extra_layers: stride-1 3x3 convolutions (with batch norm and ReLU) before the output
            layer, as the `n_extra_layers` of the WGAN authors' DCGAN code: depth for small
            images, where the pyramid from 4x4 is short (8 px: one step).

    Example:
        >>> dcgan_generator(32, image_size=16, channels=1, base_filters=8).output_shape
        (None, 16, 16, 1)
        >>> dcgan_generator(100, 32, 3, kernel_size=5, layout="theano").output_shape
        (None, 32, 32, 3)
    """
    start, steps = _check_image_size(image_size)
    use_bias, bn_kwargs, padding = _dcgan_layout(layout)
    init = gan_initializer()
    z = keras.Input((latent_dim,), name="z")
    filters = base_filters * 2 ** (steps - 1)
    h = keras.layers.Dense(start * start * filters, use_bias=use_bias and not batch_norm,
                           kernel_initializer=init, name="project")(z)
    if batch_norm and layout == "theano":  # one statistic per projected unit
        h = BatchNormalization(name="project_bn", **bn_kwargs)(h)
    h = keras.layers.Reshape((start, start, filters))(h)
    if batch_norm and layout != "theano":
        h = BatchNormalization(name="project_bn", **bn_kwargs)(h)
    h = keras.layers.ReLU()(h)
    for i in range(steps - 1):
        filters //= 2
        h = conv2d_transpose(h, filters, kernel_size, strides=2, padding=padding,
                             use_bias=use_bias and not batch_norm, kernel_initializer=init,
                             name=f"deconv_{i}")
        if batch_norm:
            h = BatchNormalization(name=f"bn_{i}", **bn_kwargs)(h)
        h = keras.layers.ReLU()(h)
    for i in range(int(extra_layers)):
        h = keras.layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm,
                                kernel_initializer=init, name=f"extra_{i}")(h)
        if batch_norm:
            h = BatchNormalization(name=f"extra_bn_{i}")(h)
        h = keras.layers.ReLU()(h)
    x = conv2d_transpose(h, channels, kernel_size, strides=2, padding=padding,
                         use_bias=use_bias or layout == "torch7", kernel_initializer=init,
                         name="to_image")
    x = keras.layers.Activation("tanh", dtype="float32", name="tanh")(x)
    return keras.Model(z, x, name=name)


def dcgan_discriminator(image_size=64, channels=3, base_filters=64, batch_norm=True,
                        spectral_norm=False, kernel_size=4, layout="kerasgen", extra_layers=0,
                        name="discriminator", outputs=1):
    """DCGAN discriminator: stride-2 convolutions from image_size down to 4x4, then one logit.

    No batch norm on the input layer; `batch_norm=False` gives the critic WGAN-GP needs (whose
    penalty is per example, which batch norm would break). `channels` is the input's channels
    (times `pack` for a packed discriminator). `layout` as in `dcgan_generator` (the "pytorch"
    example's last 4x4 convolution to one output and the "theano" code's linear output are both
    the `logit` Dense layer here, without bias). `extra_layers` stride-1 3x3 convolutions follow
    the first one (the WGAN authors' `n_extra_layers`). `outputs` > 1: the logit followed by
    class logits (AC-GAN's discriminator).

    Example:
        >>> dcgan_discriminator(32, 3, kernel_size=5, layout="theano").output_shape
        (None, 1)
    """
    _, steps = _check_image_size(image_size)
    use_bias, bn_kwargs, padding = _dcgan_layout(layout)
    init = gan_initializer()
    x = keras.Input((image_size, image_size, channels), name="x")
    h = x
    filters = base_filters
    for i in range(steps):
        if padding == "symmetric" and (kernel_size - 1) // 2:
            h = keras.layers.ZeroPadding2D((kernel_size - 1) // 2, name=f"conv_{i}_pad")(h)
        h = normalized(keras.layers.Conv2D(filters, kernel_size, strides=2,
                                            padding="valid" if padding == "symmetric" else "same",
                                            use_bias=(use_bias or layout == "torch7")
                                            and not (batch_norm and i > 0),
                                            kernel_initializer=init, name=f"conv_{i}"),
                        spectral_norm)(h)
        if batch_norm and i > 0:
            h = BatchNormalization(name=f"bn_{i}", **bn_kwargs)(h)
        h = keras.layers.LeakyReLU(0.2)(h)
        for j in range(int(extra_layers) if i == 0 else 0):
            h = normalized(keras.layers.Conv2D(filters, 3, padding="same",
                                                use_bias=not batch_norm,
                                                kernel_initializer=init, name=f"extra_{j}"),
                            spectral_norm)(h)
            if batch_norm:
                h = BatchNormalization(name=f"extra_bn_{j}")(h)
            h = keras.layers.LeakyReLU(0.2)(h)
        filters *= 2
    h = keras.layers.Flatten()(h)
    logit = normalized(keras.layers.Dense(outputs, kernel_initializer=init, dtype="float32",
                                           use_bias=use_bias or layout == "torch7",
                                           name="logit"), spectral_norm)(h)
    return keras.Model(x, logit, name=name)


@keras.saving.register_keras_serializable(package="kerasgen")
class DCGAN(GAN):
    """DCGAN (Radford et al. 2016): a GAN with the all-convolutional architecture guidelines.

    Args:
        image_size: 8, 16, 32, 64 or 128 pixels, or 28 (MNIST; 14, 56, 112): from a 7x7 map.
        channels: image channels (1 grey, 3 RGB).
        latent_dim: size of z (100 in the paper).
        base_filters: filters of D's first / G's last hidden layer (64 in the paper).
        batch_norm: batch norm in both networks (never on D's input nor G's output).
        kernel_size: convolution kernel size (4 here; the paper's code used 5).
        extra_layers: stride-1 3x3 convolutions at the finest hidden resolution of both
            networks (see `dcgan_generator`).
        generator_extra_layers: the generator's count when it differs from the
            discriminator's (None = `extra_layers`). Depth in G alone is cheap: the R1
            penalty's double backward runs through D only, and through D's batch-normalized
            extra layers it is slow on CPU (8 px: 17 times the step time of `extra_layers=0`).
        layout: "kerasgen" (default), "pytorch" (the DCGAN of pytorch/examples), "theano"
            (the paper's code, Newmu/dcgan_code) or "torch7" (the authors' Torch code,
            soumith/dcgan.torch): the layers of that implementation exactly
            (see `dcgan_generator`), so that its published weights convert
            (`kerasgen.convert`; the `dcgan_svhn` preset is the paper's SVHN model).
        generator, discriminator: networks to use instead of the builders.
        noise: the prior of z, for training and sampling: "normal" (N(0, I), default) or
            "uniform" (U[-1, 1] per coordinate: the DCGAN paper's prior, dcgan.torch's
            `noise=uniform`).
        batch_statistics: `generate` (and `generate_from_latents`, interpolation, export)
            normalize each batch norm with the statistics of the batch being generated, as
            dcgan.torch's `generate.lua` and the paper's code sampled (the network left in
            training mode), instead of the moving statistics; each `batch_size` chunk of
            `generate` is one batch. The moving statistics are left unchanged.
        d_steps, loss, r1_weight, r2_weight, pack, spectral_norm, augment, ema, truncation,
            seed: as in `GAN` (`truncation` needs noise="normal").

    `generate(n, latent_size=k)` with k > 1 draws a (k, k) map of latent vectors per sample and
    returns larger images, (image_size / 4) * (k + 3) pixels (64 px: 80, 96, ... for k = 2, 3:
    `generate.lua`'s `imsize`; see `kerasgen.models.dcgan_sampling`).

    Example:
        >>> model = DCGAN(image_size=16, channels=1, latent_dim=32, base_filters=8)
        >>> model.compile()  # Adam(2e-4, beta_1=0.5) for both networks
        >>> _ = model.fit(kerasgen.data.digits(image_size=16, batch_size=32, repeat=True),
        ...               steps_per_epoch=2, verbose=0)
        >>> model.generate(4, seed=0).shape
        (4, 16, 16, 1)
    """

    def __init__(self, image_size=64, channels=3, latent_dim=100, base_filters=64,
                 batch_norm=True, kernel_size=4, layout="kerasgen", extra_layers=0,
                 generator_extra_layers=None, generator=None, discriminator=None, pack=1,
                 spectral_norm=False, noise="normal", batch_statistics=False, **kwargs):
        custom = [n for n, net in (("generator", generator), ("discriminator", discriminator))
                  if net is not None]
        if noise not in ("normal", "uniform"):
            raise ValueError(f"`noise` must be 'normal' or 'uniform', got {noise!r}.")
        if noise == "uniform" and kwargs.get("truncation") is not None:
            raise ValueError("`truncation` truncates the normal prior; it needs noise='normal'.")
        classes = check_num_classes(kwargs.get("num_classes", 0))
        if classes and noise != "normal":
            raise ValueError("num_classes draws its noise from the normal prior; it needs "
                             "noise='normal'.")
        if generator is None:
            generator = dcgan_generator(latent_dim + classes, image_size, channels, base_filters,
                                        batch_norm, kernel_size, layout=layout,
                                        extra_layers=extra_layers if generator_extra_layers
                                        is None else generator_extra_layers)
        if discriminator is None:
            discriminator = dcgan_discriminator(image_size, channels * int(pack), base_filters,
                                                batch_norm, spectral_norm, kernel_size,
                                                layout=layout, extra_layers=extra_layers,
                                                name=self.critic_name,
                                                outputs=discriminator_outputs(
                                                    classes, kwargs.get("twin_classifier")))
        super().__init__(generator=generator, discriminator=discriminator, pack=pack,
                         spectral_norm=spectral_norm, **kwargs)
        # GAN.__init__ saw built networks; only those the user passed are custom
        object.__setattr__(self, "_custom_networks", tuple(custom))
        self.image_size, self.channels = image_size, channels
        self.base_filters, self.batch_norm, self.kernel_size = base_filters, batch_norm, kernel_size
        self.extra_layers = int(extra_layers)
        self.generator_extra_layers = (None if generator_extra_layers is None
                                       else int(generator_extra_layers))
        self.layout = layout
        self.noise, self.batch_statistics = noise, bool(batch_statistics)
        self.record_hyperparameters(
            image_size=image_size, channels=channels, latent_dim=self.noise_dim,
            base_filters=base_filters, batch_norm=batch_norm, kernel_size=kernel_size,
            layout=layout, extra_layers=int(extra_layers),
            generator_extra_layers=self.generator_extra_layers, noise=noise,
            batch_statistics=self.batch_statistics, **self.shared_hyperparameters())

    def sample_latent(self, num_samples, seed=None, latent_size=1):
        """z from the model's `noise` prior, (num_samples, latent_dim); with `latent_size=k` >
        1 a latent map (num_samples, k, k, latent_dim) of independent draws."""
        k = check_positive_int(latent_size, "latent_size")
        count = num_samples if k == 1 else num_samples * k * k
        if self.noise == "uniform":
            seed = self.seed_generator if seed is None else seed
            z = keras.random.uniform((count, self.latent_dim), -1.0, 1.0, seed=seed)
        else:
            z = super().sample_latent(count, seed=seed)
        return z if k == 1 else keras.ops.reshape(z, (num_samples, k, k, self.latent_dim))

    def generate_from_latents(self, z):
        if self.batch_statistics or len(z.shape) == 4:
            return dcgan_sampling.forward(self.sampling_generator, z, self.batch_statistics)
        return super().generate_from_latents(z)

    def generate(self, num_samples, seed=None, batch_size=256, latent_size=1):
        """As `GAN.generate`; `latent_size=k` > 1 gives larger images from latent maps (see
        the class docstring)."""
        if check_positive_int(latent_size, "latent_size") == 1:
            return super().generate(num_samples, seed=seed, batch_size=batch_size)
        if self.discriminator_filter and self.discriminator_filter != 1.0:
            raise ValueError("`discriminator_filter` judges image_size images; it cannot filter "
                             "the larger images of `latent_size` > 1.")
        num_samples = check_positive_int(num_samples, "num_samples")
        batch_size = check_positive_int(batch_size, "batch_size")
        z = self.sample_latent(num_samples, seed=self.seed_generator if seed is None else seed,
                               latent_size=latent_size)
        return np.concatenate([
            keras.ops.convert_to_numpy(self.generate_from_latents(z[i : i + batch_size]))
            for i in range(0, num_samples, batch_size)], axis=0)
