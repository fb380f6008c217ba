"""Moving digits: 8x8 digits bouncing on a canvas, for next-frame prediction."""

import numpy as np
import tensorflow as tf

from kerasgen.data.sklearn_digits import load_digits_array
from kerasgen.data.pipeline import AUTOTUNE
from kerasgen.utils import check_positive_int


def _bounce(start, velocity, steps, extent):
    """Positions start + v t reflected into [0, extent] (a triangle wave), rounded to pixels."""
    u = start[..., None] + velocity[..., None] * np.arange(steps)
    folded = extent - np.abs(np.mod(u, 2 * extent) - extent)
    return np.rint(folded).astype(np.int64)


def moving_digits_array(split="train", num_sequences=256, sequence_length=10, num_digits=1,
                        canvas_size=32, speed=(1.5, 3.0), seed=0):
    """Sequences of 8x8 digits bouncing on a canvas, as a float32 array in [-1, 1].

    Each digit starts at a uniform position with a uniform direction and a speed in `speed`
    pixels per frame; it moves in a straight line and bounces off the canvas walls (positions are
    rounded to whole pixels, so a speed of 1.5 moves 1, 2, 1, 2 ... pixels). With speeds of at
    least 1.5 (the default) one coordinate changes by at least a pixel every frame, except
    rarely at a bounce. Several digits
    combine by their maximum. Digits are drawn from the split of `kerasgen.data.digits`
    ("train": the first 1000 images, "test": the last 447), so train and test sequences use
    different digit images.

    Returns:
        (num_sequences, sequence_length, canvas_size, canvas_size, 1) float32, background -1.

    Example:
        >>> seq = moving_digits_array("test", num_sequences=2, sequence_length=3, seed=0)
        >>> seq.shape, float(seq.min()), float(seq.max()) <= 1.0
        ((2, 3, 32, 32, 1), -1.0, True)
    """
    num_sequences = check_positive_int(num_sequences, "num_sequences")
    sequence_length = check_positive_int(sequence_length, "sequence_length")
    num_digits = check_positive_int(num_digits, "num_digits")
    canvas_size = check_positive_int(canvas_size, "canvas_size")
    if canvas_size < 8:
        raise ValueError(f"`canvas_size` must be >= 8 (the digits are 8x8), got {canvas_size}.")
    lo, hi = (float(s) for s in speed)
    if not 0 <= lo <= hi:
        raise ValueError(f"`speed` must be (low, high) with 0 <= low <= high, got {speed!r}.")
    digits_images, _ = load_digits_array(split, raw=True)
    digits_images = digits_images.astype(np.float32) / 16.0
    rng = np.random.default_rng(seed)
    extent = canvas_size - 8
    canvas = np.zeros((num_sequences, sequence_length, canvas_size, canvas_size), np.float32)
    n_idx = np.arange(num_sequences)[:, None, None, None]
    t_idx = np.arange(sequence_length)[None, :, None, None]
    offsets = np.arange(8)
    for _ in range(num_digits):
        picks = digits_images[rng.integers(len(digits_images), size=num_sequences)]
        start = rng.uniform(0, extent, size=(num_sequences, 2))
        angle = rng.uniform(0, 2 * np.pi, size=num_sequences)
        speeds = rng.uniform(lo, hi, size=num_sequences)
        velocity = np.stack([np.sin(angle), np.cos(angle)], -1) * speeds[:, None]
        pos = _bounce(start, velocity, sequence_length, extent)  # (n, 2, T)
        rows = pos[:, 0, :, None, None] + offsets[:, None]  # (n, T, 8, 1): canvas rows
        cols = pos[:, 1, :, None, None] + offsets[None, :]  # (n, T, 1, 8): canvas columns
        layer = np.zeros_like(canvas)
        layer[n_idx, t_idx, rows, cols] = picks[:, None]
        canvas = np.maximum(canvas, layer)
    return (canvas * 2.0 - 1.0)[..., None]


def moving_digits(split="train", context_frames=4, batch_size=32, num_sequences=None,
                  sequence_length=None, num_digits=1, canvas_size=32, speed=(1.5, 3.0),
                  seed=None, repeat=False):
    """Moving digits for next-frame prediction as a tf.data pipeline.

    With `num_sequences=None` the training stream is endless: chunks of 1,024 new sequences are
    generated on the fly from `seed`. Each element is `(context, next_frame)`: `context` the
    first `context_frames` frames (k, H, W, 1) and `next_frame` the one after; with
    `sequence_length` longer than k + 1 (for multi-step evaluation) each element is the whole
    sequence instead.

    Args:
        split: "train" or "test" digit images (see `moving_digits_array`).
        context_frames: k, the frames the model sees.
        num_sequences: a finite dataset of that many sequences, or None for an endless stream.
        sequence_length: frames per sequence (default k + 1).

    Example:
        >>> context, target = next(iter(moving_digits(batch_size=4, seed=0)))
        >>> context.shape, target.shape
        (TensorShape([4, 4, 32, 32, 1]), TensorShape([4, 32, 32, 1]))
    """
    context_frames = check_positive_int(context_frames, "context_frames")
    length = int(sequence_length or context_frames + 1)
    if length <= context_frames:
        raise ValueError(f"`sequence_length` ({length}) must exceed `context_frames` "
                         f"({context_frames}).")
    kwargs = dict(split=split, sequence_length=length, num_digits=num_digits,
                  canvas_size=canvas_size, speed=speed)

    def as_example(seq):
        if length == context_frames + 1:
            return seq[:context_frames], seq[context_frames]
        return seq

    if num_sequences is not None:
        ds = tf.data.Dataset.from_tensor_slices(
            moving_digits_array(num_sequences=num_sequences, seed=seed, **kwargs))
        if repeat:
            ds = ds.repeat()
    else:
        shape = (length, canvas_size, canvas_size, 1)

        def chunks():
            chunk_seed = np.random.SeedSequence(seed)
            while True:
                chunk_seed, child = chunk_seed.spawn(2)
                yield moving_digits_array(num_sequences=1024, seed=child, **kwargs)

        ds = tf.data.Dataset.from_generator(
            chunks, output_signature=tf.TensorSpec((None,) + shape, tf.float32)).unbatch()
        ds = ds.shuffle(1024, seed=seed)
    ds = ds.map(as_example, num_parallel_calls=AUTOTUNE)
    return ds.batch(check_positive_int(batch_size, "batch_size")).prefetch(AUTOTUNE)
