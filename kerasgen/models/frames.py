"""Next-frame prediction: MSE vs adversarial training (Mathieu, Couprie & LeCun, 2016,
"Deep multi-scale video prediction beyond mean square error", arXiv:1511.05440).

A predictor G maps k context frames X = (Y_1, ..., Y_k) to the next frame Yhat_{k+1} = G(X).

* **FramePredictor** minimizes  lambda_p l_2(Yhat, Y) + lambda_gdl l_gdl(Yhat, Y)  with l_2 the
  mean squared error and l_gdl the gradient difference loss (`kerasgen.losses.
  gradient_difference_loss`, 0 by default: plain MSE). Under uncertainty the MSE optimum is the
  conditional mean of the possible futures, a blur, and roll-outs blur further.
* **FrameGAN** adds an adversarial loss: a discriminator D judges (context, next frame) sequences
  -- the true next frame against the predicted one -- and the predictor minimizes
  lambda_adv L_adv + lambda_p l_2 + lambda_gdl l_gdl, with the non-saturating L_adv =
  -log D(X, G(X)). Mathieu et al. use lambda_adv = 0.05, lambda_p = lambda_gdl = 1 and report
  sharper predictions (their sharpness difference) with better PSNR than the l_2 model; they use
  a multi-scale G and D, here both are single-scale.

Predictor: the k frames stacked along channels, a small U-Net (3x3 convolutions with ReLU,
stride-2 down-sampling, transposed-convolution up-sampling with skip connections) and a linear
output, clipped to [-1, 1] by `predict_frames` and the export (a tanh output saturates at the
background value -1 and stalls training). Discriminator: the k + 1 frames stacked, stride-2 convolutions with LeakyReLU(0.2), one
logit. Multi-step roll-outs feed predictions back as context (`predict_frames(context, steps)`).
"""

import numpy as np
import tensorflow as tf
import keras

from kerasgen import losses as losses_lib
from kerasgen import optimizers as optimizers_lib
from kerasgen.models.translation import TranslationModel
from kerasgen.utils import check_positive_int


def _stack_frames(x, k, size, channels):
    """(k, H, W, C) -> (H, W, k C): frames side by side along channels."""
    x = keras.layers.Permute((2, 3, 1, 4))(x)
    return keras.layers.Reshape((size, size, k * channels))(x)


def frame_predictor(context_frames=4, image_size=32, channels=1, base_filters=32,
                    num_downsamplings=2, name="predictor"):
    """U-Net from k context frames (k, H, W, C) to the next frame (H, W, C) (linear output).

    Example:
        >>> frame_predictor(4, 16, 1, base_filters=4).output_shape
        (None, 16, 16, 1)
    """
    if image_size % 2 ** num_downsamplings:
        raise ValueError(f"`image_size` {image_size} must be divisible by "
                         f"2^num_downsamplings = {2 ** num_downsamplings}.")
    x_in = keras.Input((context_frames, image_size, image_size, channels), name="context")
    h = _stack_frames(x_in, context_frames, image_size, channels)
    h = keras.layers.Conv2D(base_filters, 3, padding="same", activation="relu")(h)
    skips = []
    filters = base_filters
    for _ in range(num_downsamplings):
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
        skips.append(h)
        filters *= 2
        h = keras.layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu")(h)
    h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    for skip in reversed(skips):
        filters //= 2
        h = keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same",
                                         activation="relu")(h)
        h = keras.layers.Concatenate()([h, skip])
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
    # a linear output: a tanh saturates at the background (-1), where most pixels are, and
    # stalls training; predictions are clipped to [-1, 1] when they are used
    out = keras.layers.Conv2D(channels, 3, padding="same", dtype="float32", name="next_frame")(h)
    return keras.Model(x_in, out, name=name)


def frame_discriminator(context_frames=4, image_size=32, channels=1, base_filters=32,
                        num_layers=3, name="discriminator"):
    """Judges a (context, next frame) sequence: inputs [(k, H, W, C), (H, W, C)] -> one logit.

    Example:
        >>> frame_discriminator(4, 16, 1, base_filters=4).output_shape
        (None, 1)
    """
    context = keras.Input((context_frames, image_size, image_size, channels), name="context")
    frame = keras.Input((image_size, image_size, channels), name="frame")
    h = keras.layers.Concatenate()([_stack_frames(context, context_frames, image_size,
                                                  channels), frame])
    filters = base_filters
    for _ in range(num_layers):
        h = keras.layers.Conv2D(filters, 4, strides=2, padding="same")(h)
        h = keras.layers.LeakyReLU(0.2)(h)
        filters *= 2
    h = keras.layers.Flatten()(h)
    logit = keras.layers.Dense(1, dtype="float32", name="logit")(h)
    return keras.Model([context, frame], logit, name=name)


@keras.saving.register_keras_serializable(package="kerasgen")
class FramePredictor(TranslationModel):
    """Next-frame predictor trained with the MSE (and optionally the gradient difference loss).

    Args:
        context_frames: k, the frames seen.
        image_size, channels: the frames (square, [-1, 1]).
        base_filters: U-Net width; `num_downsamplings` its depth.
        gdl_weight: lambda_gdl (0: MSE only).
        gdl_alpha: the exponent alpha of the gradient difference loss (1).
        predictor: a network to use instead.
        seed: int or None.

    Batches are `(context, next_frame)` pairs (`kerasgen.data.moving_digits`); the verb is
    `predict_frames(context, steps)`, the export signature `context` -> `next_frame`.

    Example:
        >>> model = FramePredictor(context_frames=2, image_size=16, base_filters=4)
        >>> model.compile()   # Adam(1e-3, beta_1=0.5)
        >>> data = kerasgen.data.moving_digits(context_frames=2, canvas_size=16, batch_size=4,
        ...                                    num_sequences=8, seed=0)
        >>> history = model.fit(data, verbose=0)
        >>> model.predict_frames(np.zeros((3, 2, 16, 16, 1)), steps=5).shape
        (3, 5, 16, 16, 1)
    """

    optimizer_specs = {
        "g_optimizer": (("predictor",), lambda: optimizers_lib.Adam(1e-3, beta_1=0.5)),
    }
    loss_names = ("g_loss", "mse", "gdl")
    optimizer_losses = {"g_optimizer": "g_loss"}
    directions = {"next": "predictor"}

    def __init__(self, context_frames=4, image_size=32, channels=1, base_filters=32,
                 num_downsamplings=2, gdl_weight=0.0, gdl_alpha=1.0, predictor=None, seed=None,
                 **kwargs):
        super().__init__(seed=seed, **kwargs)
        hyperparameters = self._init_predictor(context_frames, image_size, channels,
                                               base_filters, num_downsamplings, gdl_weight,
                                               gdl_alpha, predictor)
        self.record_hyperparameters(**hyperparameters, seed=seed)
        self._finish_init()

    def _init_predictor(self, context_frames, image_size, channels, base_filters,
                        num_downsamplings, gdl_weight, gdl_alpha, predictor):
        self.context_frames = check_positive_int(context_frames, "context_frames")
        self.image_size = check_positive_int(image_size, "image_size")
        self.channels = check_positive_int(channels, "channels")
        self.gdl_weight = float(gdl_weight)
        self.gdl_alpha = float(gdl_alpha)
        self.predictor = self.network("predictor", predictor, lambda: frame_predictor(
            context_frames, image_size, channels, base_filters, num_downsamplings))
        self.sample_shape = (self.image_size, self.image_size, self.channels)
        self.context_shape = (self.context_frames,) + self.sample_shape
        return dict(context_frames=self.context_frames, image_size=self.image_size,
                    channels=self.channels, base_filters=int(base_filters),
                    num_downsamplings=int(num_downsamplings), gdl_weight=self.gdl_weight,
                    gdl_alpha=self.gdl_alpha)

    def initialize_from(self, preset):
        """Copies the predictor weights of a trained FramePredictor/FrameGAN preset (a recipe
        name or a preset directory): an adversarial model fine-tuned from the MSE model, as
        SRGAN starts from SRResNet (Ledig et al. 2017). Raises ValueError when they differ."""
        self.copy_network_from(preset, "predictor", (FramePredictor, FrameGAN),
                               "a FramePredictor or FrameGAN",
                               "context_frames, image_size, channels, base_filters, "
                               "num_downsamplings")

    # -- the verb
    verb_hint = "predicts frames: use model.predict_frames(context, steps)"

    def predict_frames(self, context, steps=1, batch_size=64):
        """Rolls the predictor out for `steps` frames, feeding each prediction back as context.

        Args:
            context: (N, T, H, W, C) frames with T >= k (the last k are used), or one sequence
                (T, H, W, C); float32 in [-1, 1] or uint8 in [0, 255] (mapped onto [-1, 1]: both
                give the same result); other values, NaN or infinity raise a ValueError naming
                the range.
            steps: frames to predict.

        Returns:
            NumPy array (N, steps, H, W, C) in [-1, 1], or (steps, H, W, C) for one sequence.
        """
        steps = check_positive_int(steps, "steps")
        k = self.context_frames
        context, single = self.prepare_images(context, ("T",) + tuple(self.sample_shape),
                                              "context")
        if context.shape[1] < k:
            raise ValueError(f"{type(self).__name__} expects `context` of shape (batch, >= {k}, "
                             f"{', '.join(map(str, self.sample_shape))}), got "
                             f"{context.shape}.")
        window = tf.constant(context[:, -k:])
        outputs = []
        for _ in range(steps):
            frame = tf.concat([self.predictor(window[i:i + batch_size], training=False)
                               for i in range(0, int(window.shape[0]), batch_size)], axis=0)
            frame = tf.clip_by_value(frame, -1.0, 1.0)
            outputs.append(frame)
            window = tf.concat([window[:, 1:], frame[:, None]], axis=1)
        out = tf.stack(outputs, axis=1).numpy()
        return out[0] if single else out

    def translate(self, x, direction="next", batch_size=64):
        """One next frame per context (see `predict_frames`: same inputs and ranges)."""
        self.translator(direction)
        out = self.predict_frames(x, 1, batch_size)
        return out[:, 0] if out.ndim == 5 else out[0]

    # -- training
    def split_pair(self, data):
        if not (isinstance(data, (tuple, list)) and len(data) == 2):
            raise ValueError(f"{type(self).__name__} trains on (context, next_frame) batches "
                             "(kerasgen.data.moving_digits).")
        context, target = (tf.cast(t, tf.float32) for t in data)
        self.check_batch(context, self.context_shape, "context")
        self.check_batch(target, self.sample_shape, "next_frame")
        return context, target

    def content_losses(self, predicted, target):
        mse = tf.reduce_mean(tf.square(predicted - target))
        gdl = losses_lib.gradient_difference_loss(predicted, target, self.gdl_alpha)
        return mse, gdl, mse + self.gdl_weight * gdl

    def translation_losses(self, context, target, training=True):
        predicted = self.predictor(context, training=training)
        mse, gdl, content = self.content_losses(predicted, target)
        return {"g_loss": content, "mse": mse, "gdl": gdl}

    # -- export
    def serving_endpoints(self):
        spec = tf.TensorSpec((None,) + self.context_shape, tf.float32, name="context")
        def next_frame(context):
            return {"next_frame": tf.clip_by_value(self.predictor(context, training=False),
                                                   -1.0, 1.0)}

        return {"next": (next_frame, [spec])}


@keras.saving.register_keras_serializable(package="kerasgen")
class FrameGAN(FramePredictor):
    """Next-frame predictor trained adversarially (plus MSE and gradient difference losses).

    Args (besides FramePredictor's; `gdl_weight` defaults to 1 here, as in the paper):
        adversarial_weight: lambda_adv (0.05).
        d_filters: discriminator width; `d_layers` its stride-2 layers.
        discriminator: a network to use instead.

    Example:
        >>> model = FrameGAN(context_frames=2, image_size=16, base_filters=4, d_filters=4)
        >>> model.compile()   # Adam(1e-3, 0.5) for the predictor, Adam(2e-4, 0.5) for D
        >>> data = kerasgen.data.moving_digits(context_frames=2, canvas_size=16, batch_size=4,
        ...                                    num_sequences=8, seed=0)
        >>> sorted(model.fit(data, verbose=0).history)
        ['adversarial_loss', 'd_loss', 'g_loss', 'gdl', 'mse']
    """

    optimizer_specs = {
        "g_optimizer": (("predictor",), lambda: optimizers_lib.Adam(1e-3, beta_1=0.5)),
        "d_optimizer": (("discriminator",), lambda: optimizers_lib.Adam(2e-4, beta_1=0.5)),
    }
    loss_names = ("g_loss", "d_loss", "mse", "gdl", "adversarial_loss")
    optimizer_losses = {"g_optimizer": "g_loss", "d_optimizer": "d_loss"}

    def __init__(self, context_frames=4, image_size=32, channels=1, base_filters=32,
                 num_downsamplings=2, gdl_weight=1.0, gdl_alpha=1.0, adversarial_weight=0.05,
                 d_filters=32, d_layers=3, predictor=None, discriminator=None, seed=None,
                 **kwargs):
        TranslationModel.__init__(self, seed=seed, **kwargs)
        hyperparameters = self._init_predictor(context_frames, image_size, channels,
                                               base_filters, num_downsamplings, gdl_weight,
                                               gdl_alpha, predictor)
        self.adversarial_weight = float(adversarial_weight)
        self.discriminator = self.network("discriminator", discriminator,
                                          lambda: frame_discriminator(
                                              context_frames, image_size, channels, d_filters,
                                              d_layers))
        self.record_hyperparameters(**hyperparameters,
                                    adversarial_weight=self.adversarial_weight,
                                    d_filters=int(d_filters), d_layers=int(d_layers), seed=seed)
        self._finish_init()

    def translation_losses(self, context, target, training=True):
        predicted = self.predictor(context, training=training)
        mse, gdl, content = self.content_losses(predicted, target)
        # D judges the frame as it is used (clipped to [-1, 1]): values outside the range get
        # no adversarial gradient, only the content losses' pull back
        fake_logits = self.discriminator([context, tf.clip_by_value(predicted, -1.0, 1.0)],
                                         training=training)
        real_logits = self.discriminator([context, target], training=training)
        adversarial = losses_lib.non_saturating_generator_loss(fake_logits)
        return {"g_loss": content + self.adversarial_weight * adversarial,
                "d_loss": losses_lib.discriminator_loss(real_logits, fake_logits),
                "mse": mse, "gdl": gdl, "adversarial_loss": adversarial}
