"""CycleGAN and pix2pix: contract, losses by hand, image pool, LR schedule, data layouts."""

import os

import numpy as np
import pytest
import tensorflow as tf
import keras
from PIL import Image

import kerasgen
from contract import ContractTests
from kerasgen.models.cyclegan import ImagePool
from kerasgen.optimizers import linear_decay


def _digits16(n, seed=0):
    images, _ = kerasgen.data.load_digits_array("train", raw=False)
    x = images[seed * n:(seed + 1) * n, :, :, None]
    return tf.image.resize(x, (16, 16)).numpy().astype("float32")


class TranslationContract(ContractTests):
    supports_generate = False

    def make_x(self, batch_size, seed=0):
        x = _digits16(batch_size, seed)
        return x, -x  # (x, y): y = colour inversion of x

    def serving_inputs(self, model):
        return {"x": _digits16(3, seed=5)}

    def reference_output(self, model):
        return model.translate(_digits16(4, seed=7))


class TestCycleGANContract(TranslationContract):
    supports_fixed_noise = True  # deterministic when the pools are off

    def make_model(self, seed=0, pool_size=0):
        # no downsampling (the default two add nothing these checks need; the ResNet test
        # below builds them): a smaller graph to trace in every item, first fit 4.5 -> 3.4 s
        return kerasgen.CycleGAN(image_size=16, channels=1, base_filters=4,
                                 num_downsamplings=0, num_residual_blocks=1, d_layers=2,
                                 pool_size=pool_size, seed=seed)

    def dataset(self, num_batches=2, seed=0, with_noise=False, model=None):
        # CycleGAN draws no noise: the (x, y) batches are the whole input
        return super().dataset(num_batches, seed, with_noise=False)


class TestPix2PixContract(TranslationContract):
    def make_model(self, seed=0):
        # no dropout or batch norm here, so one strategy step equals one single-device step
        return kerasgen.Pix2Pix(image_size=16, in_channels=1, out_channels=1, base_filters=4,
                                d_layers=2, dropout=0.0, batch_norm=False, seed=seed)

    def dataset(self, num_batches=2, seed=0, with_noise=False, model=None):
        return super().dataset(num_batches, seed, with_noise=False)


def test_cyclegan_losses_by_hand_with_identity_generators():
    """With G = F = identity, cycle and identity losses are 0; with G = F = negation, the
    cycle loss is 0 and the identity loss is 2 E|2y| ... computed by hand."""
    def fixed(sign, name):
        x = keras.Input((4, 4, 1))
        return keras.Model(x, keras.layers.Lambda(lambda t: sign * t)(x), name=name)

    model = kerasgen.CycleGAN(image_size=4, channels=1, base_filters=2, d_layers=1, pool_size=0,
                              generator_g=fixed(-1.0, "g"), generator_f=fixed(-1.0, "f"))
    model.compile(g_optimizer=keras.optimizers.SGD(0.0), f_optimizer=keras.optimizers.SGD(0.0),
                  dx_optimizer=keras.optimizers.SGD(0.0), dy_optimizer=keras.optimizers.SGD(0.0))
    x = np.random.default_rng(0).uniform(-1, 1, (2, 4, 4, 1)).astype("float32")
    y = np.random.default_rng(1).uniform(-1, 1, (2, 4, 4, 1)).astype("float32")
    logs = model.fit(tf.data.Dataset.from_tensors((x, y)), verbose=0).history
    assert np.isclose(logs["cycle_loss"][0], 0.0, atol=1e-6)  # F(G(x)) = x exactly
    expected_identity = np.mean(np.abs(-y - y)) + np.mean(np.abs(-x - x))
    assert np.isclose(logs["identity_loss"][0], expected_identity, rtol=1e-5)


def test_image_pool_fills_then_swaps_half():
    model = kerasgen.CycleGAN(image_size=4, channels=1, base_filters=2, d_layers=1, pool_size=4,
                              num_residual_blocks=0, num_downsamplings=1)
    pool = ImagePool(model, 4, (1,), "test_pool", keras.random.SeedGenerator(0))
    first = pool.query(tf.constant([[1.0], [2.0], [3.0]]))
    np.testing.assert_array_equal(first.numpy(), [[1.0], [2.0], [3.0]])  # filling: returned
    second = pool.query(tf.constant([[4.0], [5.0]]))  # 4 fills the last slot; 5 may swap
    assert second.numpy()[0, 0] == 4.0 and int(pool.count.numpy()) == 4
    stored_before = set(pool.images.numpy()[:, 0])
    assert stored_before >= {1.0, 2.0, 3.0} - {second.numpy()[1, 0]}
    returned_old = 0
    for i in range(400):
        out = pool.query(tf.constant([[100.0 + i]])).numpy()[0, 0]
        returned_old += out != 100.0 + i
    assert 150 < returned_old < 250  # probability 1/2 of returning a stored image


def test_linear_decay_schedule():
    schedule = linear_decay(2e-4, constant_steps=100, decay_steps=100)
    values = [float(schedule(s)) for s in (0, 99, 100, 150, 200, 300)]
    np.testing.assert_allclose(values, [2e-4, 2e-4, 2e-4, 1e-4, 0.0, 0.0], atol=1e-9)
    opt = kerasgen.optimizers.adam_with_linear_decay(1000)
    assert np.isclose(float(opt.learning_rate), 2e-4) and opt.beta_1 == 0.5


def test_translate_directions_and_bad_input():
    model = kerasgen.CycleGAN(image_size=16, channels=1, base_filters=4, num_residual_blocks=1,
                              d_layers=2)
    x = _digits16(3)
    assert model.translate(x, "x2y").shape == (3, 16, 16, 1)
    np.testing.assert_allclose(model.translate(x, "y2x"), model.generator_f(x).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="direction"):
        model.translate(x, "sideways")
    with pytest.raises(ValueError, match=r"\(H, W, 1\).*\(3, 16, 16, 3\)"):
        model.translate(np.repeat(x, 3, axis=-1))  # any size, but one channel
    with pytest.raises(NotImplementedError, match="translate"):
        model.generate(4)
    model.compile()
    with pytest.raises(ValueError, match="unpaired"):
        model.fit(tf.data.Dataset.from_tensors(x), verbose=0)
    p2p = kerasgen.Pix2Pix(image_size=16, in_channels=1, out_channels=3, base_filters=4,
                           d_layers=2)
    assert p2p.translate(x).shape == (3, 16, 16, 3)
    with pytest.raises(ValueError, match="x2y"):
        p2p.translate(x, "y2x")


def test_translate_takes_uint8_and_refuses_values_outside_the_range():
    model = kerasgen.CycleGAN(image_size=16, channels=1, base_filters=4, num_residual_blocks=1,
                              d_layers=2, seed=0)
    pixels = np.random.default_rng(0).integers(0, 256, (2, 16, 16, 1)).astype(np.uint8)
    scaled = pixels.astype(np.float32) / 127.5 - 1.0
    for direction in ("x2y", "y2x"):
        np.testing.assert_allclose(model.translate(pixels, direction),
                                   model.translate(scaled, direction), atol=1e-2)
    one = model.translate(pixels[0])  # one image without the batch axis
    assert one.shape == (16, 16, 1)
    np.testing.assert_allclose(one, model.translate(scaled)[0], atol=1e-2)
    range_message = r"CycleGAN expects `x` as float32 in \[-1, 1\] or uint8 in \[0, 255\]; "
    with pytest.raises(ValueError, match=range_message + r"got float32 values in \[0, 255\]\. "
                       r"Pass 0\.\.255 pixels as uint8, or scale them to \[-1, 1\] first"):
        model.translate(pixels.astype(np.float32))
    with pytest.raises(ValueError, match=range_message + "got 1 NaN or infinite value"):
        model.translate(np.where(np.arange(256).reshape(16, 16, 1) == 3, np.nan, scaled[0]))
    with pytest.raises(ValueError, match=r"got an empty batch of shape \(0, 16, 16, 1\)"):
        model.translate(scaled[:0])
    p2p = kerasgen.Pix2Pix(image_size=16, in_channels=1, out_channels=3, base_filters=4,
                           d_layers=2)
    np.testing.assert_allclose(p2p.translate(pixels), p2p.translate(scaled), atol=1e-2)
    with pytest.raises(ValueError, match=r"Pix2Pix expects `x` as float32 in \[-1, 1\]"):
        p2p.translate(scaled * 2.0)


def test_export_has_a_signature_per_direction(tmp_path):
    model = kerasgen.CycleGAN(image_size=16, channels=1, base_filters=4, num_residual_blocks=1,
                              d_layers=2)
    model.export(str(tmp_path / "e"))
    loaded = tf.saved_model.load(str(tmp_path / "e"))
    assert {"x2y", "y2x", "serving_default"} <= set(loaded.signatures)
    x = _digits16(2)
    np.testing.assert_allclose(loaded.signatures["y2x"](x=tf.constant(x))["translated"].numpy(),
                               model.translate(x, "y2x"), atol=1e-5)
    # any height and width is taken (padded and cropped back); a wrong channel count or rank is
    # refused by name, before the convolutions run
    serve = loaded.signatures["serving_default"]
    np.testing.assert_allclose(serve(x=tf.constant(x[:, :8, :12]))["translated"].numpy(),
                               model.translate(x[:, :8, :12]), atol=1e-5)
    expected = (r"CycleGAN signature `x2y`: input `x` must be float32 of shape "
                r"\[batch, any, any, 1\]; got shape\] ")
    for bad, shown in ((np.repeat(x, 3, axis=-1), r"\[2 16 16 3\]"), (x[0], r"\[16 16 1\]")):
        with pytest.raises(tf.errors.InvalidArgumentError, match=expected + shown):
            serve(x=tf.constant(bad))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="expected to be a float tensor but is a uint8 tensor"):
        serve(x=tf.constant(x.astype(np.uint8)))


def _reflect_padded(x, multiple, minimum=0):
    pads = [(0, 0)]
    for n in x.shape[1:3]:
        total = max(-(-n // multiple) * multiple, minimum) - n
        pads.append((total // 2, total - total // 2))
    return np.pad(x, pads + [(0, 0)], mode="reflect"), pads


@pytest.mark.parametrize("layout", ["kerasgen", "pytorch"])
def test_translate_takes_any_size_by_reflection_padding(tmp_path, layout):
    """Sizes the generators take (multiples of 2^downsamplings / 2^depth) go straight through;
    others are padded by reflection (NumPy's "reflect") to the next one and cropped back, in
    `translate` and in the exported signature, whose input is [None, None, None, C]."""
    cyclegan = kerasgen.CycleGAN(image_size=16, channels=3, base_filters=4,
                                 num_residual_blocks=1, d_layers=2, layout=layout)
    pix2pix = kerasgen.Pix2Pix(image_size=16, base_filters=4, d_layers=2, layout=layout)
    assert cyclegan.generator_g.input_shape == (None, None, None, 3)
    assert cyclegan.sample_shape == pix2pix.sample_shape == cyclegan.input_shape_ == (16, 16, 3)
    assert (cyclegan.size_multiple(), pix2pix.size_multiple()) == (4, 16)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 13, 22, 3)).astype("float32")
    for model, net, multiple, minimum in ((cyclegan, cyclegan.generator_f, 4, 8),
                                          (pix2pix, pix2pix.generator, 16, 0)):
        direction = "y2x" if model is cyclegan else "x2y"
        padded, (_, (top, _), (left, _)) = _reflect_padded(x, multiple, minimum)
        expected = net(padded, training=False).numpy()[:, top:top + 13, left:left + 22]
        out = model.translate(x, direction)
        assert out.shape == x.shape
        np.testing.assert_allclose(out, expected, atol=1e-6)
        square = x[:, :12, :12]  # admissible for the ResNet: no padding
        if model is cyclegan:
            np.testing.assert_array_equal(model.translate(square, direction),
                                          net(square, training=False).numpy())
    tiny = x[:, :1, :3]  # padding larger than the image: reflected again (period 2(n - 1))
    assert cyclegan.translate(tiny).shape == pix2pix.translate(tiny).shape == (2, 1, 3, 3)
    loaded = tf.saved_model.load(cyclegan.export(str(tmp_path / "e" / "1")))
    signature = loaded.signatures["y2x"]
    assert signature.structured_input_signature[1]["x"].shape.as_list() == [None, None, None, 3]
    np.testing.assert_allclose(signature(x=tf.constant(x))["translated"].numpy(),
                               cyclegan.translate(x, "y2x"), atol=1e-5)


def test_a_generator_built_for_one_size_takes_only_that_size():
    """The pixel-mixing generator maps each of its image_size^2 positions: no other size."""
    model = kerasgen.CycleGAN(image_size=8, channels=1, base_filters=4, d_layers=1,
                              generator="pixel_mixing")
    assert model.size_multiple() is None
    assert model.translate(np.zeros((1, 8, 8, 1))).shape == (1, 8, 8, 1)
    with pytest.raises(ValueError, match=r"\(8, 8, 1\) or \(batch, 8, 8, 1\); got shape \(1, 8, 12, 1\)"):
        model.translate(np.zeros((1, 8, 12, 1)))


def _write_images(folder, names, value):
    os.makedirs(folder, exist_ok=True)
    for n in names:
        Image.fromarray(np.full((12, 12, 3), value, np.uint8)).save(os.path.join(folder, n))


def test_cyclegan_folder_layout_and_unpaired(tmp_path):
    _write_images(tmp_path / "trainA", ["a1.png", "a2.png", "a3.png"], 0)
    _write_images(tmp_path / "trainB", ["b1.jpg"], 255)
    ds_a, ds_b = kerasgen.data.cyclegan_folders(tmp_path, "train", image_size=8)
    pairs = list(kerasgen.data.unpaired(ds_a, ds_b).batch(3).as_numpy_iterator())
    x, y = pairs[0]
    assert x.shape == (3, 8, 8, 3) and np.allclose(x, -1) and np.allclose(y, 1, atol=0.02)
    with pytest.raises(FileNotFoundError, match="testA"):
        kerasgen.data.cyclegan_folders(tmp_path, "test", image_size=8)
    x, y = next(iter(kerasgen.data.unpaired_folders(tmp_path, image_size=8, direction="BtoA")))
    assert np.allclose(x, 1, atol=0.02) and np.allclose(y, -1)  # x from trainB
    with pytest.raises(ValueError, match="`direction` must be 'AtoB' or 'BtoA', got 'AB'"):
        kerasgen.data.unpaired_folders(tmp_path, image_size=8, direction="AB")


def test_paired_folders_for_pix2pix(tmp_path):
    _write_images(tmp_path / "in", ["1.png", "2.png"], 0)
    _write_images(tmp_path / "out", ["1.png", "2.png"], 255)
    x, y = next(iter(kerasgen.data.paired_folders(tmp_path / "in", tmp_path / "out", 8,
                                                  batch_size=2)))
    assert x.shape == y.shape == (2, 8, 8, 3) and np.allclose(x, -1) and np.allclose(y, 1)
    _write_images(tmp_path / "out", ["3.png"], 255)
    with pytest.raises(ValueError, match="3.png"):
        kerasgen.data.paired_folders(tmp_path / "in", tmp_path / "out", 8)


def test_cycle_gan_tfds_names_with_mock_data():
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=6):
        a = kerasgen.data.from_tfds("cycle_gan/horse2zebra", split="trainA", image_size=16,
                                    batch_size=None, shuffle=False)
        b = kerasgen.data.from_tfds("cycle_gan/horse2zebra", split="trainB", image_size=16,
                                    batch_size=None, shuffle=False)
        x, y = next(iter(kerasgen.data.unpaired(a, b).batch(6)))
    assert x.shape == y.shape == (6, 16, 16, 3)


def test_position_map_matches_numpy_and_learns_a_permutation():
    from kerasgen.models.layers import PositionMap

    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 2)).astype("float32")
    layer = PositionMap(5, rate=4.0)
    np.testing.assert_allclose(layer(x).numpy(), x, atol=1e-6)  # identity at initialization
    m = rng.normal(size=(5, 5)).astype("float32")
    layer.kernel.assign(m / 4.0)  # stored divided by `rate`
    np.testing.assert_allclose(layer(x).numpy(), np.einsum("bpf,pq->bqf", x, m), atol=1e-5)
    soft = PositionMap(5, mode="softmax", rate=2.0)
    soft.build((None, 5, 2))
    soft.kernel.assign(m / 2.0)
    e = np.exp(m - m.max(0))
    np.testing.assert_allclose(soft.matrix().numpy(), e / e.sum(0), atol=1e-6)
    # the layer alone, trained by gradient descent on pairs (x, x[:, perm]), finds the permutation
    perm = np.array([3, 0, 4, 1, 2])
    model = keras.Sequential([keras.Input((5, 2)), PositionMap(5, rate=5.0)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    data = rng.normal(size=(256, 5, 2)).astype("float32")
    model.fit(data, data[:, perm], epochs=60, batch_size=64, verbose=0)
    learned = model.layers[0].matrix().numpy()
    np.testing.assert_array_equal(learned.argmax(0), perm)
    with pytest.raises(ValueError, match="mode"):
        PositionMap(5, mode="dense")
    with pytest.raises(ValueError, match="rate"):
        PositionMap(5, rate=0)


def test_pixel_mixing_generator_represents_flips_and_intensity_maps():
    from kerasgen.models.matching import pixel_mixing_generator

    g = pixel_mixing_generator(4, 1, filters=3, depth=1)
    assert g.get_layer("positions").matrix().shape == (16, 16)
    # with the position map set to a horizontal flip, the generator's output is a pointwise
    # function of the flipped input: equal pixels in the flipped image give equal outputs
    flip = np.arange(16).reshape(4, 4)[:, ::-1].ravel()
    m = np.zeros((16, 16), "float32")
    m[flip, np.arange(16)] = 1.0
    g.get_layer("positions").kernel.assign(m)
    x = np.random.default_rng(1).choice([-1.0, 0.0, 1.0], size=(2, 4, 4, 1)).astype("float32")
    out = g(x).numpy()
    flipped = x[:, :, ::-1]
    for value in (-1.0, 0.0, 1.0):
        sel = out[flipped == value]
        assert sel.size == 0 or np.ptp(sel) < 1e-6
    model = kerasgen.models.CycleGAN(image_size=8, channels=1, base_filters=4, d_layers=1,
                                     generator="pixel_mixing", position_rate=3.0)
    assert model.generator_g.get_layer("positions").rate == 3.0
    with pytest.raises(ValueError, match="generator"):
        kerasgen.models.CycleGAN(image_size=8, channels=1, generator="mlp")


def test_match_values_finds_direction_and_channel_order():
    from kerasgen.models.matching import match_values

    rng = np.random.default_rng(0)
    # three channels with different histograms, a background atom at -1 in each
    x = np.where(rng.uniform(size=(4000, 3)) < 0.7, -1.0,
                 rng.uniform([-0.5, 0.0, 0.5], [0.0, 0.5, 1.0], (4000, 3)))
    y = -x[rng.permutation(4000)][:, [2, 0, 1]]  # inverted, channels permuted, unpaired
    assert match_values(x, y) == [(2, True), (0, True), (1, True)]
    assert match_values(x, x[::-1] ** 3) == [(0, False), (1, False), (2, False)]


def test_cyclegan_adapt_recovers_a_rotation_and_an_inversion_from_unpaired_images():
    from kerasgen.models.matching import match_positions

    rng = np.random.default_rng(0)

    def images(n):  # smooth, anisotropic and skewed towards -1 (like a background)
        u = 1 / (1 + np.exp(-0.3 * rng.normal(size=(n, 6, 6, 1)).cumsum(1).cumsum(2)))
        return (2 * u ** 3 - 1).astype("float32")

    rot = kerasgen.data.image_mapping({"name": "rot90", "k": 1})
    x, y = images(400), -rot(images(400))  # rotated and inverted, other images: unpaired
    lit = -np.ones((36, 6, 6, 1), "float32")  # where a single lit pixel lands
    lit.reshape(36, 36)[np.arange(36), np.arange(36)] = 1.0
    truth = rot(lit).reshape(36, 36).argmax(1)
    np.testing.assert_array_equal(match_positions(x, y, restarts=8), truth)

    model = kerasgen.models.CycleGAN(image_size=6, channels=1, base_filters=8, d_layers=1,
                                     generator="pixel_mixing", position_init="match",
                                     position_trainable=False, seed=0)
    model.adapt((x, y), restarts=8, warm_steps=300)
    assert float(model.positions_adapted.numpy()) == 1.0
    test = images(200)
    baseline = np.abs(test - (-rot(test))).mean()
    assert np.abs(model.translate(test) - (-rot(test))).mean() < 0.5 * baseline
    assert np.abs(model.translate(-rot(test), direction="y2x") - test).mean() < 0.5 * baseline
    # fit adapts a model that is not adapted yet, once; the matched map stays fixed
    fresh = kerasgen.models.CycleGAN(image_size=6, channels=1, base_filters=4, d_layers=1,
                                     generator="pixel_mixing", position_init="match",
                                     position_trainable=False, seed=0)
    fresh.compile()
    # the warm-started networks refine at a quarter of the paper's rate
    rates = {name: float(keras.ops.convert_to_numpy(getattr(fresh, name).learning_rate))
             for name in ("g_optimizer", "f_optimizer", "dx_optimizer", "dy_optimizer")}
    assert rates == pytest.approx({"g_optimizer": 5e-5, "f_optimizer": 5e-5,
                                   "dx_optimizer": 5e-5, "dy_optimizer": 5e-5})
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(200)
    fresh.fit(data, verbose=0)
    assert float(fresh.positions_adapted.numpy()) == 1.0
    kernel = fresh.generator_g.get_layer("positions").kernel.numpy().copy()
    np.testing.assert_array_equal(kernel.argmax(1), truth)
    fresh.fit(data, verbose=0)  # trained, not matched again
    np.testing.assert_array_equal(fresh.generator_g.get_layer("positions").kernel, kernel)
    with pytest.raises(ValueError, match="position_init"):
        kerasgen.models.CycleGAN(image_size=8, channels=1, position_init="match")
    with pytest.raises(ValueError, match="pixel_mixing"):
        kerasgen.models.CycleGAN(image_size=8, channels=1, base_filters=4, d_layers=1).adapt(
            (x, y))
