"""Single-image super-resolution: SRResNet and SRGAN (Ledig et al., 2017, arXiv:1609.04802).

A generator G maps a low-resolution image I_LR (H, W, C) to an estimate of the high-resolution
image I_HR (rH, rW, C), r = 4 by default.

* **SRResNet** minimizes the pixel-wise MSE  l_MSE = mean (I_HR - G(I_LR))^2,  which maximizes
  PSNR but averages the plausible textures into a blur.
* **SRGAN** minimizes the perceptual loss  l_SR = l_content + 1e-3 l_adv  with the non-saturating
  adversarial loss l_adv = -log D(G(I_LR)) of a discriminator D trained to tell HR patches from
  super-resolved ones. The content loss is the MSE between VGG19 feature maps (`"vgg54"`: the
  4th convolution before the 5th max-pooling; `"vgg22"`; ImageNet weights, features rescaled
  by 1/12.75 as in the paper) or, where those weights cannot be had, the pixel MSE (`"mse"`:
  the paper's SRGAN-MSE variant). The paper initializes G from a trained SRResNet (recipes say
  `"init_from"`; `initialize_from(preset)` does it).

Generator: a 9x9 convolution and PReLU, B residual blocks (3x3 conv, batch norm, PReLU, 3x3
conv, batch norm, skip), a 3x3 conv + batch norm with a long skip over the blocks, then log2(r)
sub-pixel upsampling steps (a 3x3 convolution to 4x the channels, `tf.nn.depth_to_space` by 2
(Shi et al. 2016), PReLU) and a 9x9 convolution to C channels with tanh (images in [-1, 1]).
B = 16 and 64 filters in the paper. It is fully convolutional: any input size works.
Discriminator: eight 3x3 convolutions with LeakyReLU(0.2), 64 -> 512 filters doubling every
second layer, strides alternating 1 and 2 (batch norm after all but the first), then
Dense(1024), LeakyReLU and Dense(1) (a logit) on `patch_size` HR crops (96 in the paper).
Adam(1e-4, beta_1 0.9) for both networks.

Paper figures (Set5, x4, PSNR dB / SSIM): bicubic 28.43 / 0.8211, SRResNet 32.05 / 0.9019,
SRGAN 29.40 / 0.8472 -- the GAN trades PSNR for sharper, more realistic textures.
"""

import math

import numpy as np
import tensorflow as tf
import keras

from kerasgen import losses as losses_lib
from kerasgen import optimizers as optimizers_lib
from kerasgen.models.layers import BatchNormalization
from kerasgen.models.translation import TranslationModel

VGG19_WEIGHTS_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
VGG_LAYERS = {"vgg22": "block2_conv2", "vgg54": "block5_conv4"}


@keras.saving.register_keras_serializable(package="kerasgen")
class SubPixelUpsampling(keras.layers.Layer):
    """Rearranges channel blocks into space (`tf.nn.depth_to_space`): (H, W, r^2 C) -> (rH, rW, C).

    Example:
        >>> x = np.arange(4, dtype="float32").reshape(1, 1, 1, 4)
        >>> SubPixelUpsampling(2)(x)[0, :, :, 0].numpy()
        array([[0., 1.],
               [2., 3.]], dtype=float32)
    """

    def __init__(self, block_size=2, **kwargs):
        super().__init__(**kwargs)
        self.block_size = int(block_size)

    def call(self, x):
        return tf.nn.depth_to_space(x, self.block_size)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        r = self.block_size
        return (b, None if h is None else h * r, None if w is None else w * r, c // (r * r))

    def get_config(self):
        return dict(super().get_config(), block_size=self.block_size)


#: BT.601 luma weights of R, G, B (the Y of YCbCr, which the PSNR/SSIM figures are taken on)
LUMA_WEIGHTS = (0.299, 0.587, 0.114)


@keras.saving.register_keras_serializable(package="kerasgen")
class BicubicChroma(keras.layers.Layer):
    """`[estimate, bicubic]` (N, H, W, 3) -> the estimate's BT.601 luma with the bicubic
    upsampling's chroma: `bicubic + (Y(estimate) - Y(bicubic))` on every channel (luma and
    chroma are linear in RGB and the weights sum to 1, so adding dY to R, G and B changes Y only).

    The network then super-resolves the luma alone, as SRCNN (Dong et al. 2014) does on the Y
    channel with Cb and Cr upscaled bicubically: a grey input stays exactly grey.

    Example:
        >>> grey = np.full((1, 2, 2, 3), 0.5, "float32")
        >>> coloured = grey + np.array([0.2, -0.1, 0.0], "float32")
        >>> BicubicChroma()([coloured, grey])[0, 0, 0].numpy().round(4)
        array([0.5011, 0.5011, 0.5011], dtype=float32)
    """

    def call(self, inputs):
        estimate, bicubic = inputs
        weights = tf.constant(LUMA_WEIGHTS, dtype=estimate.dtype)
        luma = lambda x: tf.reduce_sum(x * weights, axis=-1, keepdims=True)  # noqa: E731
        return bicubic + (luma(estimate) - luma(bicubic))

    def compute_output_shape(self, input_shapes):
        return input_shapes[1]


def _check_scale(scale):
    if not isinstance(scale, int) or scale < 2 or scale & (scale - 1):
        raise ValueError(f"`scale` must be a power of two >= 2 (2, 4, 8), got {scale!r}.")
    return int(math.log2(scale))


UPSAMPLING = ("steps", "espcn")


def srresnet_generator(scale=4, channels=3, filters=64, num_residual_blocks=16, batch_norm=True,
                       outer_kernel=9, global_residual=False, upsampling="steps",
                       chroma="learned", name="generator"):
    """The SRResNet generator, fully convolutional: (None, None, C) -> (None, None, C).

    `upsampling="steps"` is the paper's: log2(scale) sub-pixel steps (a 3x3 convolution to 4x
    the channels and a depth-to-space by 2 each), then an `outer_kernel` convolution to C
    channels at the high resolution. `upsampling="espcn"` (not in the paper) keeps every
    convolution at the low resolution and ends with a 3x3 convolution to C scale^2 channels and
    one depth-to-space by `scale` (ESPCN, Shi et al. 2016): at x4 the paper's tail, run on 4x
    and 16x the pixels, costs more than 16 residual blocks of the same width, so the same CPU
    time buys a wider, deeper body.

    `global_residual=True` (not in the paper) adds the bicubic upsampling of the input to a
    linear output layer initialized near zero (N(0, 0.01)), so the network starts close to
    bicubic and learns the missing detail (the global residual learning of VDSR, Kim et al.
    2016): much faster to train on a small budget. Otherwise the output is tanh, as in the paper.

    `chroma="bicubic"` (RGB only; not in the paper) keeps the network's luma and takes the
    colour (chroma) from the bicubic upsampling (`BicubicChroma`): the network's colour noise,
    which an adversarial loss amplifies into speckle on grey areas, cannot reach the output.

    Example:
        >>> g = srresnet_generator(scale=4, channels=3, filters=8, num_residual_blocks=1)
        >>> g(np.zeros((1, 6, 5, 3), "float32")).shape
        TensorShape([1, 24, 20, 3])
    """
    steps = _check_scale(scale)
    if upsampling not in UPSAMPLING:
        raise ValueError(f"`upsampling` must be one of {UPSAMPLING}, got {upsampling!r}.")
    if chroma not in ("learned", "bicubic"):
        raise ValueError(f"`chroma` must be 'learned' or 'bicubic', got {chroma!r}.")
    if chroma == "bicubic" and channels != 3:
        raise ValueError(f"`chroma='bicubic'` keeps the luma of RGB images; got channels="
                         f"{channels}.")

    def norm(h):
        return BatchNormalization()(h) if batch_norm else h

    def prelu(h):
        return keras.layers.PReLU(shared_axes=[1, 2])(h)

    lr = keras.Input((None, None, channels), name="lr")
    h = prelu(keras.layers.Conv2D(filters, outer_kernel, padding="same")(lr))
    skip = h
    for _ in range(num_residual_blocks):
        r = prelu(norm(keras.layers.Conv2D(filters, 3, padding="same")(h)))
        r = norm(keras.layers.Conv2D(filters, 3, padding="same")(r))
        h = keras.layers.Add()([h, r])
    h = norm(keras.layers.Conv2D(filters, 3, padding="same")(h))
    h = keras.layers.Add()([h, skip])
    if upsampling == "steps":
        for _ in range(steps):
            h = keras.layers.Conv2D(filters * 4, 3, padding="same")(h)
            h = prelu(SubPixelUpsampling(2)(h))
        out_channels, out_kernel = channels, outer_kernel
    else:
        out_channels, out_kernel = channels * scale * scale, 3
    if global_residual:
        h = keras.layers.Conv2D(out_channels, out_kernel, padding="same", dtype="float32",
                                kernel_initializer=keras.initializers.RandomNormal(0.0, 0.01))(h)
        if upsampling == "espcn":
            h = SubPixelUpsampling(scale, dtype="float32")(h)
        bicubic = keras.layers.UpSampling2D(scale, interpolation="bicubic", dtype="float32")(lr)
        hr = keras.layers.Add(dtype="float32", name="hr")([bicubic, h])
    else:
        h = keras.layers.Conv2D(out_channels, out_kernel, padding="same")(h)
        if upsampling == "espcn":
            h = SubPixelUpsampling(scale)(h)
        hr = keras.layers.Activation("tanh", dtype="float32", name="hr")(h)
    if chroma == "bicubic":
        bicubic = keras.layers.UpSampling2D(scale, interpolation="bicubic", dtype="float32",
                                            name="bicubic_chroma_source")(lr)
        hr = BicubicChroma(dtype="float32", name="bicubic_chroma")([hr, bicubic])
    return keras.Model(lr, hr, name=name)


def srgan_discriminator(patch_size=96, channels=3, base_filters=64, dense_units=1024,
                        batch_norm=True, name="discriminator"):
    """The SRGAN discriminator on (patch_size, patch_size, C) HR crops; one logit per crop.

    Example:
        >>> srgan_discriminator(32, base_filters=4, dense_units=8).output_shape
        (None, 1)
    """
    if patch_size % 16:
        raise ValueError(f"`patch_size` must be a multiple of 16 (four stride-2 layers), got "
                         f"{patch_size}.")
    x = keras.Input((patch_size, patch_size, channels), name="hr")
    h = keras.layers.LeakyReLU(0.2)(keras.layers.Conv2D(base_filters, 3, padding="same")(x))
    for i in range(1, 8):
        filters = base_filters * 2 ** (i // 2)
        h = keras.layers.Conv2D(filters, 3, strides=1 + i % 2, padding="same",
                                use_bias=not batch_norm)(h)
        if batch_norm:
            h = BatchNormalization()(h)
        h = keras.layers.LeakyReLU(0.2)(h)
    h = keras.layers.Flatten()(h)
    h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(dense_units)(h))
    logit = keras.layers.Dense(1, dtype="float32", name="logit")(h)
    return keras.Model(x, logit, name=name)


def vgg_feature_extractor(layer="vgg54", weights="imagenet"):
    """VGG19 up to `layer` ("vgg22" or "vgg54"), frozen, taking images in [-1, 1].

    `weights="imagenet"` has Keras load its ImageNet weights (from `~/.keras/models/` or the
    internet); a path to that file works too; None gives random weights (for tests only).

    Raises:
        RuntimeError: the ImageNet weights cannot be had; the message names the file, where to
            put it and the `content_loss="mse"` alternative.
    """
    if layer not in VGG_LAYERS:
        raise ValueError(f"`content_loss` VGG layer must be one of {sorted(VGG_LAYERS)}, got "
                         f"{layer!r}.")
    try:
        vgg = keras.applications.VGG19(include_top=False, weights=weights,
                                       input_shape=(None, None, 3))
    except Exception as e:  # a failed download surfaces as a bare Exception from get_file
        if weights != "imagenet":
            raise
        raise RuntimeError(
            f"The VGG19 ImageNet weights for SRGAN's content loss could not be loaded ({e}). "
            f"Offline, put {VGG19_WEIGHTS_FILE} in ~/.keras/models/ or pass its path as "
            "`vgg_weights=`; or use content_loss='mse' (the paper's SRGAN-MSE variant).") from e
    features = keras.Model(vgg.input, vgg.get_layer(VGG_LAYERS[layer]).output,
                           name=f"vgg19_{layer}")
    features.trainable = False
    return features


@keras.saving.register_keras_serializable(package="kerasgen")
class SRResNet(TranslationModel):
    """SRResNet: a super-resolution generator trained with the pixel MSE (the PSNR baseline).

    Args:
        scale: upscaling factor, a power of two (4).
        channels: image channels (3).
        filters: generator width (64 in the paper).
        num_residual_blocks: B (16 in the paper).
        batch_norm: batch norm in the networks (as in the paper).
        outer_kernel: kernel size of the generator's first and last convolutions (9).
        global_residual: add the bicubic upsampling to the output (see `srresnet_generator`;
            False in the paper). Outputs are clipped to [-1, 1] by `upscale` and the export.
        upsampling: "steps" (the paper's sub-pixel steps) or "espcn" (every convolution at
            the low resolution, one depth-to-space at the end; see `srresnet_generator`).
        chroma: "learned" (the paper's) or "bicubic" (the network's luma, the bicubic
            upsampling's colour; see `srresnet_generator`).
        pixel_loss: "mse" (the paper's) or "l1" (EDSR's, Lim et al. 2017: the mean absolute
            error, which they found trains to a higher PSNR than the MSE).
        generator: a network to use instead.
        seed: int or None.

    Batches are `(lr, hr)` pairs with `hr` `scale` times larger (`kerasgen.data.
    super_resolution`); the verb is `upscale(images)`, the export signature `lr` -> `hr`.

    Example:
        >>> model = SRResNet(scale=2, filters=8, num_residual_blocks=1)
        >>> model.compile()   # Adam(1e-4, beta_1=0.9)
        >>> pairs = kerasgen.data.super_resolution(scale=2, patch_size=16, batch_size=2, seed=0)
        >>> history = model.fit(pairs.take(2), verbose=0)
        >>> model.upscale(np.zeros((3, 10, 12, 3))).shape
        (3, 20, 24, 3)
    """

    optimizer_specs = {
        "g_optimizer": (("generator",), lambda: optimizers_lib.Adam(1e-4, beta_1=0.9)),
    }
    loss_names = ("content_loss", "psnr")
    optimizer_losses = {"g_optimizer": "content_loss"}
    directions = {"lr2hr": "generator"}

    def __init__(self, scale=4, channels=3, filters=64, num_residual_blocks=16, batch_norm=True,
                 outer_kernel=9, global_residual=False, upsampling="steps", pixel_loss="mse",
                 chroma="learned", generator=None, seed=None, **kwargs):
        if pixel_loss not in ("mse", "l1"):
            raise ValueError(f"`pixel_loss` must be 'mse' or 'l1', got {pixel_loss!r}.")
        super().__init__(seed=seed, **kwargs)
        hyperparameters = self._init_generator(scale, channels, filters, num_residual_blocks,
                                               batch_norm, outer_kernel, global_residual,
                                               upsampling, generator, chroma)
        self.pixel_loss = pixel_loss
        self.record_hyperparameters(**hyperparameters, pixel_loss=pixel_loss, seed=seed)
        self._finish_init()

    def _init_generator(self, scale, channels, filters, num_residual_blocks, batch_norm,
                        outer_kernel, global_residual, upsampling, generator, chroma="learned"):
        """Builds the generator; returns its flat hyper-parameters."""
        _check_scale(scale)
        self.scale = int(scale)
        self.channels = int(channels)
        self.outer_kernel = int(outer_kernel)
        self.generator = self.network("generator", generator, lambda: srresnet_generator(
            scale, channels, filters, num_residual_blocks, batch_norm, outer_kernel,
            global_residual, upsampling, chroma))
        self.sample_shape = (None, None, self.channels)
        return dict(scale=self.scale, channels=self.channels, filters=int(filters),
                    num_residual_blocks=int(num_residual_blocks), batch_norm=bool(batch_norm),
                    outer_kernel=self.outer_kernel, global_residual=bool(global_residual),
                    upsampling=upsampling, chroma=chroma)

    # -- the verb
    verb_hint = ("super-resolves images: use model.upscale(images), or python -m "
                 "kerasgen.cli.translate --model=NAME --input=FILE --out=FILE")

    @property
    def min_input_size(self):
        """The smallest LR side accepted: the first convolution's kernel (smaller inputs would be
        mostly zero padding)."""
        return self.outer_kernel

    def check_images(self, images, name="images"):
        """Raises ValueError naming the shape unless `images` is (N, H, W, C) LR input."""
        shape = tuple(images.shape)
        if len(shape) != 4 or shape[-1] != self.channels:
            raise ValueError(f"{type(self).__name__} expects `{name}` of shape (batch, height, "
                             f"width, {self.channels}), got {shape}.")
        if min(shape[1], shape[2]) < self.min_input_size:
            raise ValueError(f"{type(self).__name__} expects `{name}` at least "
                             f"{self.min_input_size}x{self.min_input_size} pixels, got {shape}.")

    def upscale(self, images, batch_size=16):
        """Super-resolves low-resolution images; returns a NumPy array.

        Args:
            images: (N, H, W, C) or one image (H, W, C), H and W at least `min_input_size`,
                float32 in [-1, 1] or uint8 in [0, 255] (mapped onto [-1, 1]: both give the same
                result); other values, NaN or infinity raise a ValueError naming the range.
            batch_size: images per generator call.

        Returns:
            float32 in [-1, 1], (N, scale H, scale W, C) or (scale H, scale W, C) as given.
        """
        images, single = self.prepare_images(images, (None, None, self.channels))
        self.check_images(images)
        out = np.concatenate([
            np.asarray(self.generator(images[i:i + batch_size], training=False))
            for i in range(0, len(images), batch_size)])
        out = np.clip(out, -1.0, 1.0)
        return out[0] if single else out

    def translate(self, x, direction="lr2hr", batch_size=16):
        self.translator(direction)
        return self.upscale(x, batch_size)

    def initialize_from(self, preset):
        """Copies the generator weights of a trained SRResNet/SRGAN preset (a recipe name or a
        preset directory): how the paper starts SRGAN. Raises ValueError when they differ."""
        self.copy_network_from(preset, "generator", (SRResNet, SRGAN),
                               "an SRResNet or SRGAN generator",
                               "scale, channels, filters, blocks, batch_norm, upsampling")

    # -- training
    def split_pair(self, data):
        if not (isinstance(data, (tuple, list)) and len(data) == 2):
            raise ValueError(f"{type(self).__name__} trains on (lr, hr) batches "
                             "(kerasgen.data.super_resolution).")
        lr, hr = (tf.cast(t, tf.float32) for t in data)
        self.check_batch(lr, (None, None, self.channels), "lr")
        self.check_batch(hr, (None, None, self.channels), "hr")
        if (lr.shape[1] is not None and hr.shape[1] is not None
                and (hr.shape[1] != self.scale * lr.shape[1]
                     or hr.shape[2] != self.scale * lr.shape[2])):
            raise ValueError(f"{type(self).__name__} (scale {self.scale}) expects `hr` "
                             f"{self.scale} times larger than `lr`, got {tuple(lr.shape)} and "
                             f"{tuple(hr.shape)}.")
        return lr, hr

    def pixel_losses(self, sr, hr):
        mse = tf.reduce_mean(tf.square(tf.cast(sr, tf.float32) - hr))
        # PSNR of the batch on the [-1, 1] scale (peak-to-peak 2), RGB
        psnr = 10.0 * tf.math.log(4.0 / tf.maximum(mse, 1e-10)) / tf.math.log(10.0)
        return mse, psnr

    def translation_losses(self, lr, hr, training=True):
        sr = self.generator(lr, training=training)
        mse, psnr = self.pixel_losses(sr, hr)
        if self.pixel_loss == "l1":
            return {"content_loss": tf.reduce_mean(tf.abs(tf.cast(sr, tf.float32) - hr)),
                    "psnr": psnr}
        return {"content_loss": mse, "psnr": psnr}

    # -- export
    def serving_endpoints(self):
        spec = tf.TensorSpec((None, None, None, self.channels), tf.float32, name="lr")
        return {"lr2hr": (lambda lr: {"hr": tf.clip_by_value(self.generator(lr, training=False),
                                                             -1.0, 1.0)}, [spec])}


@keras.saving.register_keras_serializable(package="kerasgen")
class SRGAN(SRResNet):
    """SRGAN: the SRResNet generator trained with a content loss plus an adversarial loss.

    Args (besides SRResNet's):
        patch_size: the HR crop side the discriminator judges (96 in the paper).
        d_filters: discriminator width (64), `d_dense_units` its dense layer (1024).
        content_loss: "vgg54" (the paper's SRGAN-VGG54), "vgg22", or "mse" (SRGAN-MSE, no
            ImageNet weights needed); it replaces SRResNet's `pixel_loss`.
        adversarial_weight: weight of the adversarial loss (1e-3).
        vgg_weights: "imagenet" or a path to the VGG19 notop weights file.
        discriminator: a network to use instead.
        (`chroma="bicubic"` keeps colour speckle, which the adversarial loss breeds on grey
        areas, out of the output: see `srresnet_generator`.)

    Example:
        >>> model = SRGAN(scale=2, filters=8, num_residual_blocks=1, patch_size=16,
        ...               d_filters=4, d_dense_units=8, content_loss="mse")
        >>> model.compile()
        >>> pairs = kerasgen.data.super_resolution(scale=2, patch_size=16, batch_size=2, seed=0)
        >>> history = model.fit(pairs.take(2), verbose=0)
        >>> sorted(history.history)
        ['adversarial_loss', 'content_loss', 'd_loss', 'g_loss', 'psnr']
    """

    optimizer_specs = {
        "g_optimizer": (("generator",), lambda: optimizers_lib.Adam(1e-4, beta_1=0.9)),
        "d_optimizer": (("discriminator",), lambda: optimizers_lib.Adam(1e-4, beta_1=0.9)),
    }
    loss_names = ("g_loss", "d_loss", "content_loss", "adversarial_loss", "psnr")
    optimizer_losses = {"g_optimizer": "g_loss", "d_optimizer": "d_loss"}

    def __init__(self, scale=4, channels=3, filters=64, num_residual_blocks=16, batch_norm=True,
                 outer_kernel=9, global_residual=False, upsampling="steps", patch_size=96,
                 d_filters=64,
                 d_dense_units=1024, content_loss="vgg54", adversarial_weight=1e-3,
                 vgg_weights="imagenet", chroma="learned", generator=None, discriminator=None,
                 seed=None, **kwargs):
        if content_loss not in ("mse",) + tuple(VGG_LAYERS):
            raise ValueError(f"`content_loss` must be 'mse', 'vgg22' or 'vgg54', got "
                             f"{content_loss!r}.")
        TranslationModel.__init__(self, seed=seed, **kwargs)
        hyperparameters = self._init_generator(scale, channels, filters, num_residual_blocks,
                                               batch_norm, outer_kernel, global_residual,
                                               upsampling, generator, chroma)
        self.pixel_loss = "mse"
        self.patch_size = int(patch_size)
        self.content_loss = content_loss
        self.adversarial_weight = float(adversarial_weight)
        self.vgg_weights = vgg_weights
        self.discriminator = self.network("discriminator", discriminator,
                                          lambda: srgan_discriminator(
                                              self.patch_size, self.channels, d_filters,
                                              d_dense_units, batch_norm))
        vgg = None
        if content_loss != "mse":
            if self.channels != 3:
                raise ValueError(f"A VGG content loss needs RGB images (channels=3), got "
                                 f"channels={self.channels}; use content_loss='mse'.")
            vgg = vgg_feature_extractor(content_loss, vgg_weights)
        # Not tracked: the frozen VGG is rebuilt from `vgg_weights`, never saved with the model.
        object.__setattr__(self, "vgg", vgg)
        self.record_hyperparameters(
            **hyperparameters, patch_size=self.patch_size, d_filters=int(d_filters),
            d_dense_units=int(d_dense_units), content_loss=content_loss,
            adversarial_weight=self.adversarial_weight, vgg_weights=vgg_weights, seed=seed)
        self._finish_init()

    def content(self, sr, hr, mse):
        if self.vgg is None:
            return mse

        def features(x):  # [-1, 1] -> VGG19's caffe preprocessing of [0, 255] RGB
            return self.vgg(keras.applications.vgg19.preprocess_input((x + 1.0) * 127.5))

        # the paper rescales the feature maps by 1/12.75
        diff = (tf.cast(features(sr), tf.float32) - tf.cast(features(hr), tf.float32)) / 12.75
        return tf.reduce_mean(tf.square(diff))

    def split_pair(self, data):
        lr, hr = super().split_pair(data)
        self.check_batch(hr, (self.patch_size, self.patch_size, self.channels), "hr")
        return lr, hr

    def translation_losses(self, lr, hr, training=True):
        sr = self.generator(lr, training=training)
        mse, psnr = self.pixel_losses(sr, hr)
        content = self.content(sr, hr, mse)
        fake_logits = self.discriminator(sr, training=training)
        real_logits = self.discriminator(hr, training=training)
        adversarial = losses_lib.non_saturating_generator_loss(fake_logits)
        return {"g_loss": content + self.adversarial_weight * adversarial,
                "d_loss": losses_lib.discriminator_loss(real_logits, fake_logits),
                "content_loss": content, "adversarial_loss": adversarial, "psnr": psnr}
