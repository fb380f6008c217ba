"""Learning-rate schedules and optimizer helpers of the papers.

* `linear_decay`: constant for `constant_steps`, then linear to 0 over `decay_steps` (CycleGAN and
  pix2pix: 100 epochs constant, 100 epochs of decay).
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


def adam_with_linear_decay(total_steps, learning_rate=2e-4, beta_1=0.5):
    """Adam whose rate is constant for half of `total_steps`, then decays linearly to 0."""
    half = int(total_steps) // 2
    return keras.optimizers.Adam(linear_decay(learning_rate, half, int(total_steps) - half),
                                 beta_1=beta_1)
