"""Layers and initializers shared by the families' network builders.

* `gan_initializer()`: N(0, 0.02), the weight initialization of DCGAN (Radford et al. 2016),
  also used by pix2pix and CycleGAN's reference implementations.
* `ReflectionPadding2D`: reflection padding (Keras has zero padding only), used by the CycleGAN
  ResNet generator before its 7x7 and 3x3 convolutions.
* `instance_norm()`: instance normalization as Keras's `GroupNormalization(groups=-1)` (one group
  per channel), a maintained Keras layer, or an identity when `norm="none"`.
"""

import keras


def gan_initializer():
    """N(0, 0.02) weights (Radford et al. 2016)."""
    return keras.initializers.RandomNormal(0.0, 0.02)


@keras.saving.register_keras_serializable(package="kerasgen")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by reflection.

    Example:
        >>> import numpy as np
        >>> x = np.arange(3, dtype="float32").reshape(1, 1, 3, 1)
        >>> ReflectionPadding2D(1)(np.tile(x, (1, 3, 1, 1)))[0, 0, :, 0].numpy()
        array([1., 0., 1., 2., 1.], dtype=float32)
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(padding)

    def call(self, x):
        p = self.padding
        return keras.ops.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        p = 2 * self.padding
        return (b, None if h is None else h + p, None if w is None else w + p, c)

    def get_config(self):
        return dict(super().get_config(), padding=self.padding)


def instance_norm(name=None, norm="instance"):
    """Instance norm (Keras GroupNormalization with one group per channel), or none."""
    if norm == "none":
        return keras.layers.Identity(name=name)
    if norm != "instance":
        raise ValueError(f"`norm` must be 'instance' or 'none', got {norm!r}.")
    return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
