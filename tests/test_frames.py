"""Next-frame prediction: the contract, moving digits (motion, bounces, split), losses by hand,
roll-outs and bad input."""

import numpy as np
import pytest
import keras

import kerasgen
from contract import ContractTests
from kerasgen import data as data_lib
from kerasgen.data import frames as moving_digits_lib


def _clips(batch_size, seed=0, k=2, size=16):
    seq = data_lib.moving_digits_array("train", batch_size, k + 1, canvas_size=size, seed=seed)
    return seq[:, :k], seq[:, k]


class FrameContract(ContractTests):
    supports_generate = False

    def make_x(self, batch_size, seed=0):
        return _clips(batch_size, seed)

    def dataset(self, num_batches=2, seed=0, with_noise=False, model=None):
        return super().dataset(num_batches, seed, with_noise=False)  # nothing random to feed

    def serving_inputs(self, model):
        return {"context": _clips(3, seed=5)[0]}

    def reference_output(self, model):
        return model.predict_frames(_clips(2, seed=7)[0], steps=2)


class TestFramePredictorContract(FrameContract):
    def make_model(self, seed=0):
        return kerasgen.FramePredictor(context_frames=2, image_size=16, base_filters=4,
                                       num_downsamplings=1, gdl_weight=0.5, seed=seed)


class TestFrameGANContract(FrameContract):
    def make_model(self, seed=0):
        return kerasgen.FrameGAN(context_frames=2, image_size=16, base_filters=4,
                                 num_downsamplings=1, d_filters=2, d_layers=2, seed=seed)


def test_moving_digits_move_in_straight_lines_and_bounce():
    # one digit at constant speed: the bounding box of the lit pixels moves by the velocity,
    # rounded, and stays on the canvas
    seq = data_lib.moving_digits_array("test", num_sequences=20, sequence_length=30, seed=1,
                                       speed=(2.0, 2.0))
    assert seq.shape == (20, 30, 32, 32, 1)
    assert seq.min() == -1.0 and seq.max() <= 1.0
    positions = moving_digits_lib._bounce(np.array([[0.0, 5.0]]), np.array([[3.0, -2.0]]), 12, 24)
    # rows: 0, 3, ..., 24 then back 21, 18; columns: 5, 3, 1 then bounce at 0 -> 1, 3, ...
    np.testing.assert_array_equal(positions[0, 0], [0, 3, 6, 9, 12, 15, 18, 21, 24, 21, 18, 15])
    np.testing.assert_array_equal(positions[0, 1], [5, 3, 1, 1, 3, 5, 7, 9, 11, 13, 15, 17])
    # the same digit image in every frame: the sum of its pixels is constant
    totals = (seq[..., 0] + 1).sum(axis=(2, 3))
    np.testing.assert_allclose(totals, totals[:, :1].repeat(30, axis=1), rtol=1e-5)


def test_moving_digits_train_and_test_use_different_digit_images():
    def digit_images(split):
        seq = data_lib.moving_digits_array(split, num_sequences=200, sequence_length=1, seed=0)
        crops = set()
        for frame in seq[:, 0, :, :, 0]:
            ys, xs = np.nonzero(frame > -1)
            y0, x0 = ys.min(), xs.min()
            crops.add(np.round((frame[y0:y0 + 8, x0:x0 + 8] + 1) * 8).astype(int).tobytes())
        return crops

    train_images = {np.pad(im, ((0, 8), (0, 8)))[
        np.nonzero(im)[0].min():np.nonzero(im)[0].min() + 8,
        np.nonzero(im)[1].min():np.nonzero(im)[1].min() + 8].tobytes()
        for im in data_lib.load_digits_array("train")[0].astype(int)}
    test_crops = digit_images("test")
    assert len(test_crops & train_images) <= 2  # a few digits are drawn identically twice
    assert len(digit_images("train") & train_images) >= 150


def test_moving_digits_pipeline_yields_context_and_next_frame():
    ds = data_lib.moving_digits("test", context_frames=3, batch_size=5, num_sequences=10, seed=2)
    context, target = next(iter(ds))
    seq = data_lib.moving_digits_array("test", num_sequences=10, sequence_length=4, seed=2)
    np.testing.assert_array_equal(context, seq[:5, :3])
    np.testing.assert_array_equal(target, seq[:5, 3])
    long = next(iter(data_lib.moving_digits("test", context_frames=3, sequence_length=8,
                                            batch_size=2, num_sequences=2, seed=0)))
    assert long.shape == (2, 8, 32, 32, 1)
    with pytest.raises(ValueError, match="sequence_length"):
        data_lib.moving_digits(context_frames=4, sequence_length=4)


def test_losses_by_hand_with_a_copy_last_frame_predictor():
    context_in = keras.Input((2, 16, 16, 1))
    copy_last = keras.Model(context_in, keras.layers.Lambda(lambda c: c[:, -1])(context_in))
    model = kerasgen.FramePredictor(context_frames=2, image_size=16, gdl_weight=0.5,
                                    predictor=copy_last)
    context, target = _clips(4, seed=3)
    logs = model.compute_losses((context, target))
    mse = np.mean((context[:, -1] - target) ** 2)
    gdl = float(kerasgen.losses.gradient_difference_loss(context[:, -1], target))
    np.testing.assert_allclose(float(logs["mse"]), mse, rtol=1e-5)
    np.testing.assert_allclose(float(logs["g_loss"]), mse + 0.5 * gdl, rtol=1e-5)
    # the roll-out of "copy the last frame" repeats it
    rolled = model.predict_frames(context, steps=3)
    np.testing.assert_array_equal(rolled, np.repeat(context[:, -1:], 3, axis=1))


def test_rollout_feeds_predictions_back():
    model = kerasgen.FramePredictor(context_frames=2, image_size=16, base_filters=4,
                                    num_downsamplings=1, seed=0)
    context = _clips(3, seed=1)[0]
    two = model.predict_frames(context, steps=2)
    first = model.predict_frames(context, steps=1)
    second = model.predict_frames(np.concatenate([context, first], axis=1), steps=1)
    np.testing.assert_allclose(two[:, :1], first, atol=1e-6)
    np.testing.assert_allclose(two[:, 1:], second, atol=1e-5)


def test_predict_frames_takes_uint8_and_refuses_values_outside_the_range():
    model = kerasgen.FramePredictor(context_frames=2, image_size=16, base_filters=4,
                                    num_downsamplings=1, seed=0)
    pixels = np.random.default_rng(0).integers(0, 256, (2, 3, 16, 16, 1)).astype(np.uint8)
    scaled = pixels.astype(np.float32) / 127.5 - 1.0
    np.testing.assert_allclose(model.predict_frames(pixels, steps=2),
                               model.predict_frames(scaled, steps=2), atol=1e-2)
    one = model.predict_frames(pixels[0], steps=2)  # one sequence without the batch axis
    assert one.shape == (2, 16, 16, 1)
    assert model.translate(pixels[0]).shape == (16, 16, 1)
    with pytest.raises(ValueError, match=r"FramePredictor expects `context` as float32 in "
                       r"\[-1, 1\] or uint8 in \[0, 255\]; got float32 values in \[0, 255\]"):
        model.predict_frames(pixels.astype(np.float32))
    with pytest.raises(ValueError, match="got 1536 NaN or infinite value"):
        model.predict_frames(np.full((2, 3, 16, 16, 1), np.inf))
    with pytest.raises(ValueError, match=r"got an empty batch of shape \(0, 3, 16, 16, 1\)"):
        model.predict_frames(scaled[:0])
    with pytest.raises(NotImplementedError, match=r"FramePredictor predicts frames: use "
                       r"model\.predict_frames\(context, steps\) and has no latent"):
        model.generate(4)


def test_bad_context_is_refused_with_the_shape():
    model = kerasgen.FramePredictor(context_frames=3, image_size=16, base_filters=4,
                                    num_downsamplings=1)
    with pytest.raises(ValueError, match=r"\(batch, >= 3, 16, 16, 1\), got \(2, 2, 16, 16, 1\)"):
        model.predict_frames(np.zeros((2, 2, 16, 16, 1)))
    with pytest.raises(ValueError, match=r"FramePredictor expects `context` of shape \(T, 16, 16, 1\) or "
                       r"\(batch, T, 16, 16, 1\); got shape \(2, 3, 32, 32, 1\)"):
        model.predict_frames(np.zeros((2, 3, 32, 32, 1)))
    with pytest.raises(ValueError, match="steps"):
        model.predict_frames(np.zeros((2, 3, 16, 16, 1)), steps=0)


def test_initialize_from_copies_the_predictor(tmp_path):
    source = kerasgen.FramePredictor(context_frames=2, image_size=16, base_filters=4,
                                     num_downsamplings=1, seed=1)
    path = source.save_to_preset(str(tmp_path / "mse"))
    gan = kerasgen.FrameGAN(context_frames=2, image_size=16, base_filters=4, num_downsamplings=1,
                            d_filters=2, d_layers=2, seed=2)
    context = _clips(2, seed=3)[0]
    assert not np.allclose(gan.predict_frames(context), source.predict_frames(context))
    gan.initialize_from(path)
    np.testing.assert_allclose(gan.predict_frames(context, steps=2),
                               source.predict_frames(context, steps=2), atol=1e-6)
    wider = kerasgen.FrameGAN(context_frames=2, image_size=16, base_filters=8,
                              num_downsamplings=1, d_filters=2, d_layers=2)
    with pytest.raises(ValueError, match=r"predictor of preset .*mse.* does not match"):
        wider.initialize_from(path)
    toy_gan = kerasgen.GAN(latent_dim=2, sample_shape=(2,), hidden_units=(4,))
    other = toy_gan.save_to_preset(str(tmp_path / "gan"))
    with pytest.raises(ValueError, match="holds a GAN, not a FramePredictor"):
        gan.initialize_from(other)
