"""The shared base of the image-to-image families (pix2pix, CycleGAN).

A translation model maps images of one domain to another with one generator per direction
(`directions = {"x2y": "generator"}` for pix2pix; CycleGAN adds `"y2x": "generator_f"`). It has no
latent to sample; its verb is `translate(x, direction)`, its export has one signature per
direction (the first is also `serving_default`), and it trains on `(x, y)` batches: aligned pairs
for pix2pix, independently drawn images of the two domains for CycleGAN.

A family implements `translation_losses(x, y, training)`, returning every reported loss; each
optimizer then minimizes the loss `optimizer_losses[optimizer_name]` names, all from one
persistent tape, and `test_step` reports the same losses on held-out pairs without updating.

Any image size: the generators are fully convolutional and built with free height and width
(`kerasgen.models.image_to_image`), and each takes the sizes that are multiples of
`size_multiple(direction)` (2^num_downsamplings for the ResNet generator, 2^depth for the U-Net).
`translate` and the exported signatures (`x`: `[None, None, None, C]`) pad other sizes by
reflection to the next admissible height and width (`pad_to_multiple`, half on each side) and
crop the output back (`crop`), so an image of any size comes back at its size. The reference
implementation's test script (github.com/junyanz/pytorch-CycleGAN-and-pix2pix, `test.py` with
`--preprocess none`, `data/base_dataset.py` `__make_power_2`) instead resizes to the nearest
multiple of 4; padding keeps every input pixel as it is. A network built for one size only (the
pixel-mixing generator, or a network passed in with a fixed `keras.Input` size) takes that size.
"""

import tensorflow as tf

from kerasgen.models.base import GenerativeModel


def _reflect(n, size, before):
    """Indices into n pixels of `size` pixels padded by reflection, `before` of them first:
    reflection about the first and last pixel, repeated (period 2(n - 1)) when the padding
    exceeds the image."""
    period = tf.maximum(2 * (n - 1), 1)
    i = tf.math.floormod(tf.range(size) - before, period)
    return tf.where(i >= n, period - i, i)


def pad_to_multiple(x, multiple, minimum=0):
    """Pads images `(batch, H, W, C)` by reflection to the next height and width that are
    multiples of `multiple` and at least `minimum`, half before and half after (the odd pixel
    after), as NumPy's `np.pad(mode="reflect")` does; returns the padded images and the box `(top, left, H, W)`
    that `crop` cuts back out. Works on dynamic shapes (tf ops: the serving graph's sizes are
    known only when it runs).

    Example:
        >>> x = np.arange(3, dtype="float32").reshape(1, 1, 3, 1)
        >>> padded, box = pad_to_multiple(x, 4)
        >>> padded[0, :, :, 0].numpy().tolist()
        [[0.0, 1.0, 2.0, 1.0], [0.0, 1.0, 2.0, 1.0], [0.0, 1.0, 2.0, 1.0], [0.0, 1.0, 2.0, 1.0]]
        >>> [int(v) for v in box]
        [1, 0, 1, 3]
    """
    x = tf.convert_to_tensor(x)
    multiple = int(multiple)
    offsets, sizes = [], []
    for axis in (1, 2):
        n = x.shape[axis] if x.shape[axis] is not None else tf.shape(x)[axis]
        total = (-n) % multiple
        if minimum:
            total = (tf.maximum(n + total, minimum) - n if not isinstance(n, int)
                     else max(n + total, int(minimum)) - n)
        before = total // 2
        offsets.append(before)
        sizes.append(n)
        if not (isinstance(n, int) and total == 0):
            x = tf.gather(x, _reflect(n, n + total, before), axis=axis)
    return x, tuple(offsets) + tuple(sizes)


def crop(y, box):
    """Cuts the box `(top, left, H, W)` of `pad_to_multiple` out of images `(batch, ., ., C)`."""
    top, left, h, w = box
    return y[:, top:top + h, left:left + w, :]


class TranslationModel(GenerativeModel):
    """Base of pix2pix and CycleGAN (see the module docstring)."""

    def copy_network_from(self, preset, network, families, expected, architecture):
        """Copies `network`'s weights from a trained preset (a recipe name or a preset
        directory) of one of `families` (classes, which `expected` names for the error): how a
        fine-tuned model starts from the one trained first. Raises ValueError naming the preset
        when its family or the network's shapes (`architecture` lists the arguments that set
        them) differ."""
        from kerasgen import preset_format

        source = preset_format.load_preset(preset)
        if not isinstance(source, families):
            raise ValueError(f"Preset {preset!r} holds a {type(source).__name__}, not "
                             f"{expected}.")
        theirs, ours = getattr(source, network).get_weights(), getattr(self, network).get_weights()
        if [w.shape for w in theirs] != [w.shape for w in ours]:
            raise ValueError(f"The {network} of preset {preset!r} does not match this model's "
                             f"architecture ({architecture}).")
        getattr(self, network).set_weights(theirs)

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

    #: the generators' admissible sizes: multiples of `generator_size_multiple`, at least
    #: `generator_min_size` (set by the family from its hyper-parameters); None: only the
    #: networks' built input size
    generator_size_multiple = None
    generator_min_size = 0

    def size_multiple(self, direction="x2y"):
        """The height and width the generator of `direction` takes are multiples of this; None
        when it takes only the size it was built for (its `keras.Input` fixes it)."""
        net = self.translator(direction)
        if None not in tuple(net.input_shape[1:3]) or self.generator_size_multiple is None:
            return None
        return int(self.generator_size_multiple)

    @property
    def input_shape_(self):
        """The shape of one training input: the generator's, at the training size."""
        shape = tuple(self.translator("x2y").input_shape[1:])
        return tuple(self.sample_shape[:2]) + shape[2:] if None in shape[:2] else shape

    def translate_batch(self, x, direction="x2y"):
        """Translates one batch (a tensor, also inside a tf.function): images of any height and
        width are padded by reflection to the generator's next admissible size, translated in
        inference mode and cropped back (see the module docstring)."""
        net = self.translator(direction)
        multiple = self.size_multiple(direction)
        if multiple is None:
            return net(x, training=False)
        padded, box = pad_to_multiple(x, multiple, self.generator_min_size)
        return crop(net(padded, training=False), box)

    def translate(self, x, direction="x2y", batch_size=64):
        """Translates images with the generator of `direction`; returns a NumPy array.

        Args:
            x: a batch (n, H, W, C) or one image (H, W, C), float32 in [-1, 1] or uint8 in
                [0, 255] (mapped onto [-1, 1], so both give the same result); other values,
                NaN or infinity raise a ValueError naming the range. Any H and W when the
                generator is fully convolutional (see `size_multiple`: padded by reflection to
                its next admissible size and cropped back), else its built size.
            direction: one of the model's `directions` ("x2y"; CycleGAN also "y2x").
            batch_size: images per generator call.

        Returns:
            float32 in [-1, 1], (n, H', W', C') or (H', W', C') as `x` came.
        """
        net = self.translator(direction)
        expected = tuple(net.input_shape[1:])
        if self.size_multiple(direction) is not None:
            expected = (None, None) + expected[2:]
        x, single = self.prepare_images(x, expected, "x")
        x = tf.convert_to_tensor(x, tf.float32)
        out = tf.concat([self.translate_batch(x[i:i + batch_size], direction)
                         for i in range(0, int(x.shape[0]), batch_size)], axis=0).numpy()
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
        def endpoint(direction):
            net = self.translator(direction)
            shape = tuple(net.input_shape[1:])
            if self.size_multiple(direction) is not None:
                shape = (None, None) + shape[2:]
            spec = tf.TensorSpec((None,) + shape, tf.float32, name="x")
            return (lambda x: {"translated": self.translate_batch(x, direction)}, [spec])

        return {direction: endpoint(direction) for direction in self.directions}
