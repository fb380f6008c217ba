"""Learning-rate schedules and optimizer helpers of the papers.

* `linear_decay`: constant for `constant_steps`, then linear to 0 over `decay_steps` (CycleGAN and
  pix2pix: 100 epochs constant, 100 epochs of decay).
* `Adam`: Keras's Adam whose dense update on TensorFlow is TF's fused `ApplyAdam` kernel (one op
  per variable instead of about ten); the same update, the same slots and config.
* `deserialize(config)`: Keras's, giving kerasgen's `Adam` where the config names Keras's.
* `adam_with_linear_decay(total_steps)`: Adam(2e-4, beta_1 0.5) with that schedule over
  `total_steps`, constant for the first half.
"""

import tensorflow as tf
import keras


@keras.saving.register_keras_serializable(package="kerasgen", name="linear_decay")
class linear_decay(keras.optimizers.schedules.LearningRateSchedule):  # noqa: N801
    """Constant learning rate for `constant_steps`, then linear decay to 0 over `decay_steps`.

    Example:
        >>> schedule = linear_decay(1.0, constant_steps=10, decay_steps=10)
        >>> [round(float(schedule(s)), 2) for s in (0, 10, 15, 20, 30)]
        [1.0, 1.0, 0.5, 0.0, 0.0]
    """

    def __init__(self, initial_learning_rate, constant_steps, decay_steps):
        self.initial_learning_rate = float(initial_learning_rate)
        self.constant_steps = int(constant_steps)
        self.decay_steps = int(decay_steps)

    def __call__(self, step):
        step = tf.cast(step, tf.float32)
        frac = (step - self.constant_steps) / max(self.decay_steps, 1)
        return self.initial_learning_rate * tf.clip_by_value(1.0 - frac, 0.0, 1.0)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "constant_steps": self.constant_steps, "decay_steps": self.decay_steps}


@keras.saving.register_keras_serializable(package="kerasgen", name="Adam")
class Adam(keras.optimizers.Adam):
    """`keras.optimizers.Adam` whose update runs TensorFlow's fused `ApplyAdam` kernel.

    Keras 3 writes Adam's update as about ten elementwise ops per variable, each a pass over the
    variable's memory; TF's `ResourceApplyAdam` does the same update in one (multithreaded)
    pass: m += (g - m)(1 - beta_1), v += (g^2 - v)(1 - beta_2),
    w -= lr sqrt(1 - beta_2^t) / (1 - beta_1^t) m / (sqrt(v) + epsilon), which is Keras's
    formula term for term. On this project's 2-core CPU it made pix2pix-32's train step 1.06x and
    DCGAN-16's 1.03x faster (`python bench/fused_kernels.py`). AMSGrad, sparse gradients and
    other backends run Keras's code. The families' default optimizers and the recipes' "Adam"
    are this class; a `keras.optimizers.Adam` passed to `compile()` is used as it is.

    Example:
        >>> import numpy as np
        >>> w, w_keras = keras.Variable(np.ones(3, "float32")), keras.Variable(np.ones(3, "float32"))
        >>> grad = np.array([0.5, -1.0, 2.0], "float32")
        >>> ours, theirs = Adam(0.1, beta_1=0.5), keras.optimizers.Adam(0.1, beta_1=0.5)
        >>> for _ in range(3):
        ...     ours.apply([grad], [w]); theirs.apply([grad], [w_keras])
        >>> bool(np.allclose(w.numpy(), w_keras.numpy(), atol=1e-6))
        True
    """

    def update_step(self, gradient, variable, learning_rate):
        if (self.amsgrad or keras.backend.backend() != "tensorflow"
                or isinstance(gradient, tf.IndexedSlices)):
            return super().update_step(gradient, variable, learning_rate)
        index = self._get_variable_index(variable)
        if isinstance(variable, keras.Variable):
            variable = variable.value
        m, v = self._momentums[index].value, self._velocities[index].value
        dtype = variable.dtype
        step = tf.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        tf.raw_ops.ResourceApplyAdam(
            var=variable.handle, m=m.handle, v=v.handle, beta1_power=tf.pow(beta_1, step),
            beta2_power=tf.pow(beta_2, step), lr=tf.cast(learning_rate, dtype), beta1=beta_1,
            beta2=beta_2, epsilon=tf.cast(self.epsilon, dtype),
            grad=tf.cast(gradient, dtype))


def deserialize(config):
    """`keras.optimizers.deserialize`, with Keras's Adam given as kerasgen's (same config).

    Recipes name "Adam", and presets saved before kerasgen's Adam existed hold Keras's: both
    train with the fused update this way.
    """
    optimizer = keras.optimizers.deserialize(config)
    if type(optimizer) is keras.optimizers.Adam:
        optimizer = Adam.from_config(optimizer.get_config())
    return optimizer


def adam_with_linear_decay(total_steps, learning_rate=2e-4, beta_1=0.5):
    """Adam whose rate is constant for half of `total_steps`, then decays linearly to 0."""
    half = int(total_steps) // 2
    return Adam(linear_decay(learning_rate, half, int(total_steps) - half),
                                 beta_1=beta_1)
