"""CycleGAN (Zhu et al., 2017, arXiv:1703.10593): unpaired image-to-image translation.

Two generators G: X -> Y and F: Y -> X and two discriminators D_X, D_Y are trained with

    L = L_GAN(G, D_Y) + L_GAN(F, D_X) + lambda L_cyc(G, F) + lambda_id L_identity,
    L_cyc = E_x ||F(G(x)) - x||_1 + E_y ||G(F(y)) - y||_1,
    L_identity = E_y ||G(y) - y||_1 + E_x ||F(x) - x||_1,

with lambda = 10, lambda_id = 0.5 lambda (the identity term preserves colour composition; turn it
off with `identity_weight=0` when the true mapping changes colours, e.g. colour inversion), and
the least-squares GAN loss (non-saturating available). Discriminators see a history of 50
previously generated images (Shrivastava et al. 2017): once the pool is full, each new fake is
returned with probability 1/2, otherwise it replaces a random stored fake that is returned instead.
The discriminator loss is halved. Adam(2e-4, beta_1 0.5); the learning rate is constant for the
first half of training and decays linearly to 0 (`kerasgen.optimizers.linear_decay`).

Generator: c7s1-64, d128, d256, R256 x n (n = 6 for 128 px, 9 for 256 px), u128, u64, c7s1-3,
tanh, with reflection padding and instance normalization. Discriminator: the 70x70 PatchGAN
C64-C128-C256-C512 (no normalization on the first layer), one output per patch. Instance
normalization is Keras's `GroupNormalization(groups=-1)` (one group per channel = instance norm):
a maintained Keras layer, with a learned affine transform, so nothing custom is needed.

`layout="pytorch"` builds the layers of the authors' reference implementation
(github.com/junyanz/pytorch-CycleGAN-and-pix2pix) exactly: instance norm without affine
parameters, convolution biases, PyTorch's symmetric padding and `ConvTranspose2d(output_padding=1)`
upsampling; its published generators (e.g. horse2zebra.pth) then convert with
`python -m kerasgen.cli.convert` and compute the same function.
"""

import tensorflow as tf
import keras

from kerasgen import losses as losses_lib
from kerasgen import optimizers as optimizers_lib
from kerasgen.models import matching
from kerasgen.models.image_to_image import (check_layout, patchgan_discriminator,
                                            resnet_generator, unet_generator)
from kerasgen.models.translation import TranslationModel

GENERATORS = ("resnet", "unet", "pixel_mixing")


class ImagePool:
    """A pool of previously generated images, as model variables, usable inside train_step.

    query(images) returns a batch of the same shape: while the pool fills, the new images; then,
    per image, with probability 1/2 the new image, otherwise a random stored image, which the new
    one replaces. Under a distribution strategy every replica reads the same pool and the first
    replica's writes are kept.
    """

    def __init__(self, model, size, image_shape, name, seed_generator):
        self.size = int(size)
        self.seed_generator = seed_generator
        if self.size > 0:
            self.images = model.add_weight(shape=(self.size,) + tuple(image_shape),
                                           initializer="zeros", trainable=False,
                                           name=f"{name}_images",
                                           aggregation="only_first_replica")
            self.count = model.add_weight(shape=(), dtype="int32", initializer="zeros",
                                          trainable=False, name=f"{name}_count",
                                          aggregation="only_first_replica")

    def query(self, images):
        if self.size <= 0:
            return images
        images = tf.cast(images, tf.float32)
        n = tf.shape(images)[0]
        count = tf.convert_to_tensor(self.count)
        pool = tf.convert_to_tensor(self.images)
        # filling: the first free slots take the new images (those that fit)
        slots = count + tf.range(n)
        fits = slots < self.size
        fill_idx = tf.boolean_mask(slots, fits)[:, None]
        pool = tf.tensor_scatter_nd_update(pool, fill_idx, tf.boolean_mask(images, fits))
        # full: each remaining image swaps with a random stored one with probability 1/2
        coin = keras.random.uniform((n,), seed=self.seed_generator) < 0.5
        swap = tf.logical_and(tf.logical_not(fits), coin)
        rand_idx = tf.cast(keras.random.randint((n,), 0, self.size, seed=self.seed_generator),
                           tf.int32)
        old = tf.gather(pool, rand_idx)
        swap_img = tf.reshape(swap, [-1] + [1] * (len(images.shape) - 1))
        returned = tf.where(swap_img, old, images)
        pool = tf.tensor_scatter_nd_update(pool, tf.boolean_mask(rand_idx, swap)[:, None],
                                           tf.boolean_mask(images, swap))
        self.images.assign(pool)
        self.count.assign(tf.minimum(count + n, self.size))
        return returned


@keras.saving.register_keras_serializable(package="kerasgen")
class CycleGAN(TranslationModel):
    """CycleGAN: unpaired translation between domains X and Y.

    Args:
        image_size, channels: the training images of both domains (square, [-1, 1]); the
            convolutional generators translate any height and width (`translate`).
        base_filters: generator/discriminator width (64 in the paper).
        num_residual_blocks: 6 for 128 px, 9 for 256 px; fewer for small images.
        num_downsamplings: stride-2 stages of the generator (2 in the paper).
        d_layers: PatchGAN depth (3 = 70x70 receptive field).
        cycle_weight: lambda (10).
        identity_weight: lambda_id as a fraction of lambda (0.5; 0 disables the identity loss).
        distance_weight: weight of DistanceGAN's distance-preservation loss in each
            generator's objective (0 = off; `kerasgen.losses.distance_preservation_loss`).
        loss: "least_squares" (default) or "non_saturating".
        pool_size: size of the image pools (50; 0 disables them).
        norm: "instance" (the paper) or "none" in the generators (and, with the "pytorch"
            layout, in the discriminators too, as the reference's `--norm`).
        layout: "kerasgen" (default) or "pytorch": the layers of the reference implementation
            exactly (see `resnet_generator` and `patchgan_discriminator`), so that its published
            checkpoints convert (`kerasgen.convert`) and compute the same function.
        generator: "resnet" (the paper), "unet" (the paper's alternative) or "pixel_mixing"
            (`matching.pixel_mixing_generator`: pointwise MLPs around one map of the pixel positions;
            `base_filters` is its width), for mappings that move pixels and change their values.
        position_mode, position_rate: the pixel-mixing generators' `PositionMap` ("linear" from
            the identity, "orthogonal" or "softmax"; how fast the optimizer moves it).
        position_init: "identity" or "match": before the first `fit`, `adapt` sets the position
            maps by matching the two domains' statistics and warm-starts G and F on the matched
            maps (needs generator="pixel_mixing", position_mode="linear").
        position_trainable: False keeps the position maps fixed during training (after
            `adapt`, adversarial gradients only add noise to a matched permutation).
            With `position_init="match"` the default `compile()` gives the four networks
            Adam(5e-5, beta_1=0.5), 4 times lower than the paper's rate: G and F start at the
            warm-started solution and the adversarial phase only refines it (slower
            discriminators drift less from it).
        generator_g, generator_f, discriminator_x, discriminator_y: networks to use instead.
        seed: int or None.

    Batches are `(x, y)` pairs of unpaired images (see `kerasgen.data.unpaired`).

    Example:
        >>> model = CycleGAN(image_size=16, channels=1, base_filters=8, num_residual_blocks=1,
        ...                  d_layers=2)
        >>> model.compile()   # Adam(2e-4, beta_1=0.5) for each of the four networks
        >>> data = kerasgen.data.digits_translation("invert", image_size=16, batch_size=4)
        >>> history = model.fit(data.take(2), verbose=0)
        >>> model.translate(np.zeros((3, 16, 16, 1)), direction="y2x").shape
        (3, 16, 16, 1)
    """

    optimizer_specs = {
        "g_optimizer": (("generator_g",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
        "f_optimizer": (("generator_f",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
        "dx_optimizer": (("discriminator_x",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
        "dy_optimizer": (("discriminator_y",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
    }
    loss_names = ("g_loss", "f_loss", "dx_loss", "dy_loss", "cycle_loss", "identity_loss",
                  "distance_loss")
    directions = {"x2y": "generator_g", "y2x": "generator_f"}
    optimizer_losses = {"g_optimizer": "g_loss", "f_optimizer": "f_loss",
                        "dx_optimizer": "dx_loss", "dy_optimizer": "dy_loss"}

    def __init__(self, image_size=256, channels=3, base_filters=64, num_residual_blocks=9,
                 num_downsamplings=2, d_layers=3, cycle_weight=10.0, identity_weight=0.5,
                 distance_weight=0.0, loss="least_squares", pool_size=50, norm="instance",
                 layout="kerasgen", generator="resnet", position_mode="linear",
                 position_rate=1.0, position_init="identity", position_trainable=True,
                 generator_g=None,
                 generator_f=None, discriminator_x=None, discriminator_y=None, seed=None,
                 **kwargs):
        super().__init__(seed=seed, **kwargs)
        if loss not in ("least_squares", "non_saturating"):
            raise ValueError(f"`loss` must be 'least_squares' or 'non_saturating', got {loss!r}.")
        if int(pool_size) < 0:
            raise ValueError(f"`pool_size` must be >= 0, got {pool_size}.")
        check_layout(layout)

        if generator not in GENERATORS:
            raise ValueError(f"`generator` must be one of {', '.join(map(repr, GENERATORS))}, "
                             f"got {generator!r}.")

        if position_init not in ("identity", "match"):
            raise ValueError("`position_init` must be 'identity' or 'match', got "
                             f"{position_init!r}.")
        if position_init == "match" and (generator != "pixel_mixing"
                                         or position_mode != "linear"):
            raise ValueError("`position_init='match'` needs generator='pixel_mixing' and "
                             f"position_mode='linear'; got {generator!r}, {position_mode!r}.")

        def gen(name):
            if generator == "pixel_mixing":
                return lambda: matching.pixel_mixing_generator(
                    image_size, channels, base_filters, position_mode=position_mode,
                    position_rate=position_rate, name=name)
            if generator == "unet":  # the paper's alternative generator, without dropout
                return lambda: unet_generator(image_size, channels, channels, base_filters,
                                              num_downsamplings, dropout=0.0,
                                              batch_norm=norm != "none", layout=layout,
                                              name=name)
            return lambda: resnet_generator(image_size, channels, base_filters,
                                            num_residual_blocks, num_downsamplings, norm,
                                            layout=layout, name=name)

        def disc(name):
            return lambda: patchgan_discriminator(image_size, channels, base_filters, d_layers,
                                                  norm=norm, layout=layout, name=name)

        self.generator_g = self.network("generator_g", generator_g, gen("generator_g"))
        self.generator_f = self.network("generator_f", generator_f, gen("generator_f"))
        self.discriminator_x = self.network("discriminator_x", discriminator_x,
                                            disc("discriminator_x"))
        self.discriminator_y = self.network("discriminator_y", discriminator_y,
                                            disc("discriminator_y"))
        shape = tuple(self.generator_g.input_shape[1:])
        # the training size (the generators take other sizes too: see TranslationModel)
        self.sample_shape = (image_size, image_size) + shape[2:] if None in shape[:2] else shape
        # ResNet: 2^d halves, then 2^d doublings; U-Net: depth num_downsamplings (or down to 1x1)
        self.generator_size_multiple = 2 ** (num_downsamplings or
                                             (image_size.bit_length() - 1
                                              if generator == "unet" else 0))
        if generator == "resnet":  # the residual blocks' reflection padding needs 2x2 or more
            self.generator_min_size = max(2 * self.generator_size_multiple, 4)
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(identity_weight)
        self.distance_weight = float(distance_weight)
        if self.distance_weight < 0 or self.identity_weight < 0 or self.cycle_weight < 0:
            raise ValueError("`cycle_weight`, `identity_weight` and `distance_weight` must be "
                             f">= 0, got {cycle_weight}, {identity_weight}, {distance_weight}.")
        self.loss_name = loss
        self.gan_generator_loss, self.gan_discriminator_loss = losses_lib.get_gan_losses(loss)
        self.position_init = position_init
        self.positions_adapted = None
        if generator == "pixel_mixing":
            for net in (self.generator_g, self.generator_f):
                net.get_layer("positions").trainable = bool(position_trainable)
            if position_init == "match":  # saved with the weights: a loaded model is adapted
                self.positions_adapted = self.add_weight(
                    shape=(), initializer="zeros", trainable=False, name="positions_adapted")
                # `adapt` warm-starts G and F at the matched solution, so the adversarial phase
                # refines it: the four networks' default rate is 4 times lower than the
                # paper's (an instance attribute; bench in zoo/cyclegan_digits.py)
                specs = dict(type(self).optimizer_specs)
                for name in specs:
                    specs[name] = (specs[name][0],
                                   lambda: optimizers_lib.Adam(5e-5, beta_1=0.5))
                self.optimizer_specs = specs
        self.pool_x = ImagePool(self, pool_size, self.sample_shape, "pool_x", self.seed_generator)
        self.pool_y = ImagePool(self, pool_size, self.sample_shape, "pool_y", self.seed_generator)
        self.record_hyperparameters(
            image_size=image_size, channels=channels, base_filters=base_filters,
            num_residual_blocks=num_residual_blocks, num_downsamplings=num_downsamplings,
            d_layers=d_layers, cycle_weight=self.cycle_weight,
            identity_weight=self.identity_weight, distance_weight=self.distance_weight,
            loss=loss, pool_size=int(pool_size), norm=norm, layout=layout,
            generator=generator, position_mode=position_mode,
            position_rate=float(position_rate), position_init=position_init,
            position_trainable=bool(position_trainable), seed=seed)
        self._finish_init()

    def adapt(self, data, max_images=1000, restarts=64, warm_steps=500, seed=0):
        """Sets the pixel-mixing generators' position maps from unpaired data and warm-starts G
        and F on the matched maps (`kerasgen.models.matching.adapt`). Called by `fit` on its
        training data when `position_init="match"` and the model is not adapted yet, in the way
        Keras preprocessing layers `adapt` to data before training. Returns G's permutation."""
        dst = matching.adapt(self, data, max_images=max_images, restarts=restarts,
                             warm_steps=warm_steps, seed=seed)
        if self.positions_adapted is not None:
            self.positions_adapted.assign(1.0)
        return dst

    def fit(self, x=None, *args, **kwargs):
        if (self.positions_adapted is not None and float(self.positions_adapted.numpy()) == 0.0
                and x is not None):
            self.adapt(x)
        return super().fit(x, *args, **kwargs)

    def translation_losses(self, x, y, training=True):
        g, f = self.generator_g, self.generator_f
        d_x, d_y = self.discriminator_x, self.discriminator_y
        fake_y, fake_x = g(x, training=training), f(y, training=training)
        cycle_x, cycle_y = f(fake_y, training=training), g(fake_x, training=training)
        cycle = tf.reduce_mean(tf.abs(cycle_x - x)) + tf.reduce_mean(tf.abs(cycle_y - y))
        identity = tf.constant(0.0)
        if self.identity_weight > 0:
            identity = (tf.reduce_mean(tf.abs(g(y, training=training) - y))
                        + tf.reduce_mean(tf.abs(f(x, training=training) - x)))
        shared = self.cycle_weight * (cycle + self.identity_weight * identity)
        distance = tf.constant(0.0)
        if self.distance_weight > 0:
            distance = (losses_lib.distance_preservation_loss(x, fake_y)
                        + losses_lib.distance_preservation_loss(y, fake_x))
            shared = shared + self.distance_weight * distance
        # the discriminators see a history of fakes while training (the pools change state,
        # so held-out evaluation uses the new fakes alone)
        history_x = self.pool_x.query(tf.stop_gradient(fake_x)) if training else fake_x
        history_y = self.pool_y.query(tf.stop_gradient(fake_y)) if training else fake_y
        return {
            "g_loss": self.gan_generator_loss(d_y(fake_y, training=training)) + shared,
            "f_loss": self.gan_generator_loss(d_x(fake_x, training=training)) + shared,
            "dx_loss": 0.5 * self.gan_discriminator_loss(d_x(x, training=training),
                                                         d_x(history_x, training=training)),
            "dy_loss": 0.5 * self.gan_discriminator_loss(d_y(y, training=training),
                                                         d_y(history_y, training=training)),
            "cycle_loss": cycle,
            "identity_loss": identity,
            "distance_loss": distance,
        }
