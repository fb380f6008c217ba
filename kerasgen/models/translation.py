"""The shared base of the image-to-image families (pix2pix, CycleGAN).

A translation model maps images of one domain to another with one generator per direction
(`directions = {"x2y": "generator"}` for pix2pix; CycleGAN adds `"y2x": "generator_f"`). It has no
latent to sample; its verb is `translate(x, direction)`, its export has one signature per
direction (the first is also `serving_default`), and it trains on `(x, y)` batches: aligned pairs
for pix2pix, independently drawn images of the two domains for CycleGAN.

A family implements `translation_losses(x, y, training)`, returning every reported loss; each
optimizer then minimizes the loss `optimizer_losses[optimizer_name]` names, all from one
persistent tape, and `test_step` reports the same losses on held-out pairs without updating.
"""

import tensorflow as tf

from kerasgen.models.base import GenerativeModel


class TranslationModel(GenerativeModel):
    """Base of pix2pix and CycleGAN (see the module docstring)."""

    latent_dim = None
    #: {direction: generator attribute}
    directions = {"x2y": "generator"}
    #: {optimizer name: the reported loss it minimizes}
    optimizer_losses = {}

    # -- translation
    def translator(self, direction):
        if direction not in self.directions:
            raise ValueError(f"`direction` must be one of {', '.join(map(repr, self.directions))}"
                             f" for {type(self).__name__}, got {direction!r}.")
        return getattr(self, self.directions[direction])

    @property
    def input_shape_(self):
        return tuple(self.translator("x2y").input_shape[1:])

    def translate(self, x, direction="x2y", batch_size=64):
        """Translates images with the generator of `direction`; returns a NumPy array.

        Args:
            x: a batch (n, H, W, C) or one image (H, W, C), float32 in [-1, 1] or uint8 in
                [0, 255] (mapped onto [-1, 1], so both give the same result); other values,
                NaN or infinity raise a ValueError naming the range.
            direction: one of the model's `directions` ("x2y"; CycleGAN also "y2x").
            batch_size: images per generator call.

        Returns:
            float32 in [-1, 1], (n, H', W', C') or (H', W', C') as `x` came.
        """
        net = self.translator(direction)
        x, single = self.prepare_images(x, tuple(net.input_shape[1:]), "x")
        out = tf.concat([net(x[i:i + batch_size], training=False)
                         for i in range(0, len(x), batch_size)], axis=0).numpy()
        return out[0] if single else out

    def generate(self, num_samples, seed=None, batch_size=256):
        raise NotImplementedError(
            f"{type(self).__name__} {self.verb_hint} and has no latent to sample.")

    #: what `generate` answers instead: the family's own verb (and its script, if any)
    @property
    def verb_hint(self):
        directions = ", ".join(map(repr, self.directions))
        return (f"translates images: use model.translate(x, direction=...) with direction in "
                f"{directions}, or python -m kerasgen.cli.translate --model=NAME "
                f"--input=FILE --out=FILE")

    def call(self, x, training=False):
        return self.translator("x2y")(x, training=training)

    # -- training
    def split_pair(self, data):
        if not (isinstance(data, (tuple, list)) and len(data) == 2):
            raise ValueError(f"{type(self).__name__} trains on (x, y) batches of the two "
                             "domains (aligned pairs for pix2pix; kerasgen.data.unpaired for "
                             "CycleGAN).")
        x, y = data
        self.check_batch(x, self.input_shape_, "x")
        self.check_batch(y, self.sample_shape, "y")
        return tf.cast(x, tf.float32), tf.cast(y, tf.float32)

    def translation_losses(self, x, y, training=True):
        raise NotImplementedError

    def train_step(self, data):
        x, y = self.split_pair(data)
        with tf.GradientTape(persistent=True) as tape:
            logs = self.translation_losses(x, y, training=True)
        for optimizer_name, loss_name in self.optimizer_losses.items():
            self.minimize(tape, logs[loss_name], optimizer_name)
        del tape
        return self.report(logs)

    def compute_losses(self, data, training=False):
        return self.translation_losses(*self.split_pair(data), training=training)

    # -- export
    def serving_endpoints(self):
        def endpoint(net):
            spec = tf.TensorSpec((None,) + tuple(net.input_shape[1:]), tf.float32, name="x")
            return (lambda x: {"translated": net(x, training=False)}, [spec])

        return {direction: endpoint(getattr(self, attr))
                for direction, attr in self.directions.items()}
