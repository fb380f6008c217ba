"""SRResNet and SRGAN: the contract, the sub-pixel layer, losses by hand, bad input, the bundled
images and their split, the VGG content loss and its offline error."""

import os

import numpy as np
import pytest
import tensorflow as tf
import keras

import kerasgen
from contract import ContractTests
from kerasgen import data as data_lib
from kerasgen.data import photos as sr_data


def _pairs(batch_size, seed=0, scale=2, patch=16):
    rng = np.random.default_rng(seed)
    hr = rng.uniform(-1, 1, (batch_size, patch, patch, 3)).astype("float32")
    return data_lib.downscale(hr, scale).numpy(), hr


class SuperResolutionContract(ContractTests):
    supports_generate = False

    def make_x(self, batch_size, seed=0):
        return _pairs(batch_size, seed)

    def dataset(self, num_batches=2, seed=0, with_noise=False, model=None):
        return super().dataset(num_batches, seed, with_noise=False)  # nothing random to feed

    def serving_inputs(self, model):
        return {"lr": _pairs(3, seed=5)[0]}

    def reference_output(self, model):
        return model.upscale(_pairs(2, seed=7)[0])


class TestSRResNetContract(SuperResolutionContract):
    def make_model(self, seed=0):
        # no batch norm here, so one strategy step equals one single-device step
        return kerasgen.SRResNet(scale=2, filters=4, num_residual_blocks=1, batch_norm=False,
                                 outer_kernel=3, seed=seed)


class TestSRGANContract(SuperResolutionContract):
    def make_model(self, seed=0):
        return kerasgen.SRGAN(scale=2, filters=4, num_residual_blocks=1, batch_norm=False,
                              outer_kernel=3, patch_size=16, d_filters=2, d_dense_units=4,
                              content_loss="mse", seed=seed)


def test_sub_pixel_upsampling_places_channels_by_hand():
    x = np.arange(8, dtype="float32").reshape(1, 1, 1, 8)  # r = 2, C = 2
    y = kerasgen.models.SubPixelUpsampling(2)(x).numpy()
    assert y.shape == (1, 2, 2, 2)
    # depth_to_space: channel block (i, j) goes to pixel (i, j)
    np.testing.assert_array_equal(y[0, :, :, 0], [[0, 2], [4, 6]])
    np.testing.assert_array_equal(y[0, :, :, 1], [[1, 3], [5, 7]])


def test_srresnet_losses_by_hand_with_a_fixed_generator():
    """A generator that returns nearest-neighbour upsampling: the content loss is the MSE to
    HR computed by hand, and the reported PSNR is 10 log10(4 / MSE) on [-1, 1]."""
    lr_in = keras.Input((None, None, 3))
    nearest = keras.Model(lr_in, keras.layers.UpSampling2D(2)(lr_in))
    model = kerasgen.SRResNet(scale=2, generator=nearest)
    lr, hr = _pairs(2, seed=3)
    logs = model.compute_losses((lr, hr))
    mse = np.mean((np.repeat(np.repeat(lr, 2, 1), 2, 2) - hr) ** 2)
    np.testing.assert_allclose(float(logs["content_loss"]), mse, rtol=1e-5)
    np.testing.assert_allclose(float(logs["psnr"]), 10 * np.log10(4 / mse), rtol=1e-5)


def test_srgan_generator_loss_is_content_plus_weighted_adversarial():
    model = kerasgen.SRGAN(scale=2, filters=4, num_residual_blocks=1, patch_size=16,
                           d_filters=2, d_dense_units=4, content_loss="mse",
                           adversarial_weight=0.25)
    logs = model.compute_losses(_pairs(2, seed=1))
    np.testing.assert_allclose(float(logs["g_loss"]), float(logs["content_loss"])
                               + 0.25 * float(logs["adversarial_loss"]), rtol=1e-5)
    assert float(logs["d_loss"]) > 0


def test_bad_input_is_refused_with_the_shape():
    model = kerasgen.SRResNet(scale=4, filters=4, num_residual_blocks=1)
    assert model.min_input_size == 9
    with pytest.raises(ValueError, match=r"at least 9x9 pixels, got \(1, 8, 20, 3\)"):
        model.upscale(np.zeros((1, 8, 20, 3)))
    with pytest.raises(ValueError, match=r"SRResNet expects `images` of shape \(H, W, 3\) or "
                       r"\(batch, H, W, 3\); got shape \(2, 16, 16, 1\)"):
        model.upscale(np.zeros((2, 16, 16, 1)))
    assert model.upscale(np.zeros((10, 12, 3))).shape == (40, 48, 3)  # one image
    with pytest.raises(ValueError, match=r"hr.*4 times larger.*\(2, 8, 8, 3\).*\(2, 16, 16, 3\)"):
        model.compute_losses((np.zeros((2, 8, 8, 3), "float32"),
                              np.zeros((2, 16, 16, 3), "float32")))
    gan = kerasgen.SRGAN(scale=2, filters=4, num_residual_blocks=1, patch_size=16, d_filters=2,
                         d_dense_units=4, content_loss="mse")
    with pytest.raises(ValueError, match=r"`hr` batches of shape \(batch,\) \+ \(16, 16, 3\)"):
        gan.compute_losses(_pairs(2, patch=32))
    with pytest.raises(ValueError, match="content_loss"):
        kerasgen.SRGAN(content_loss="l1")
    with pytest.raises(ValueError, match="power of two"):
        kerasgen.SRResNet(scale=3)


def test_upscale_takes_uint8_and_refuses_values_outside_the_range():
    model = kerasgen.SRResNet(scale=2, filters=4, num_residual_blocks=1, seed=0)
    pixels = np.random.default_rng(0).integers(0, 256, (2, 10, 12, 3)).astype(np.uint8)
    scaled = pixels.astype(np.float32) / 127.5 - 1.0
    np.testing.assert_allclose(model.upscale(pixels), model.upscale(scaled), atol=1e-2)
    np.testing.assert_allclose(model.upscale(pixels[0]), model.upscale(scaled)[0], atol=1e-2)
    with pytest.raises(ValueError, match=r"SRResNet expects `images` as float32 in \[-1, 1\] or "
                       r"uint8 in \[0, 255\]; got float64 values in \[0, 255\]"):
        model.upscale(pixels.astype(np.float64))
    with pytest.raises(ValueError, match=r"\[-1, 1\].*got 360 NaN or infinite value"):
        model.upscale(np.full((10, 12, 3), np.nan))
    with pytest.raises(ValueError, match=r"got an empty batch of shape \(0, 10, 12, 3\)"):
        model.upscale(scaled[:0])
    with pytest.raises(NotImplementedError, match=r"SRResNet super-resolves images: use "
                       r"model\.upscale\(images\), or python -m kerasgen\.cli\.translate"):
        model.generate(4)


def test_bundled_images_are_split_by_image_and_never_downloaded():
    train, test = data_lib.NATURAL_IMAGES["train"], data_lib.NATURAL_IMAGES["test"]
    assert not set(train) & set(test)
    import skimage.data

    folder = os.path.dirname(skimage.data.__file__)
    for name in train + test:
        if name not in ("china", "flower"):  # scikit-learn's
            assert os.path.isfile(os.path.join(folder, sr_data._SKIMAGE_FILES[name])), name
    images = data_lib.natural_images("test")
    assert [im.shape for im in images] == [(512, 512, 3), (512, 512, 3), (300, 451, 3),
                                           (400, 600, 3)]
    with pytest.raises(ValueError, match="Unknown natural image 'lily'"):
        data_lib.natural_image("lily")


def test_super_resolution_pairs_are_seeded_and_consistent():
    a = next(iter(data_lib.super_resolution(scale=4, patch_size=32, batch_size=3, seed=5)))
    b = next(iter(data_lib.super_resolution(scale=4, patch_size=32, batch_size=3, seed=5)))
    np.testing.assert_array_equal(a[1], b[1])
    lr, hr = a
    assert lr.shape == (3, 8, 8, 3) and hr.shape == (3, 32, 32, 3)
    # LR is the bicubic antialiased downscale of HR, on 8-bit levels
    np.testing.assert_allclose(lr, data_lib.downscale(hr, 4), atol=1e-6)
    np.testing.assert_allclose((lr.numpy() + 1) * 127.5, np.round((lr.numpy() + 1) * 127.5),
                               atol=1e-3)
    with pytest.raises(ValueError, match="multiple of `scale`"):
        data_lib.super_resolution(scale=4, patch_size=30)


def test_vgg_content_loss_runs_with_given_weights_and_offline_error_is_clear(tmp_path,
                                                                            monkeypatch):
    from kerasgen.models import superres

    weights = str(tmp_path / "vgg19_notop.weights.h5")  # random weights: no download here
    keras.applications.VGG19(include_top=False, weights=None).save_weights(weights)
    model = kerasgen.SRGAN(scale=2, filters=4, num_residual_blocks=1, patch_size=32,
                           d_filters=2, d_dense_units=4, content_loss="vgg22",
                           vgg_weights=weights)
    lr, hr = _pairs(2, patch=32)
    logs = model.compute_losses((lr, hr))
    assert float(logs["content_loss"]) > 0
    assert float(logs["content_loss"]) != pytest.approx(float(np.mean(
        (model.upscale(lr) - hr) ** 2)))  # feature, not pixel, distance
    assert not any("vgg" in w.path for w in model.weights)  # the frozen VGG is not saved

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure: no internet")

    from keras.src.applications import vgg19

    monkeypatch.setattr(vgg19.file_utils, "get_file", offline)  # as without internet
    with pytest.raises(RuntimeError, match=superres.VGG19_WEIGHTS_FILE + ".*content_loss='mse'"):
        superres.vgg_feature_extractor("vgg54", "imagenet")


def test_srgan_recipe_on_div2k_gives_a_clear_error_offline(tmp_path):
    with pytest.raises(RuntimeError, match=r"div2k.*tfds build.*--data=DIR"):
        data_lib.super_resolution_tfds(data_dir=str(tmp_path), download=False)


def test_initialize_from_copies_the_generator(tmp_path):
    source = kerasgen.SRResNet(scale=2, filters=4, num_residual_blocks=1, seed=1)
    path = source.save_to_preset(str(tmp_path / "srresnet"))
    gan = kerasgen.SRGAN(scale=2, filters=4, num_residual_blocks=1, patch_size=16, d_filters=2,
                         d_dense_units=4, content_loss="mse", seed=2)
    gan.initialize_from(path)
    lr = _pairs(1, patch=32)[0]
    np.testing.assert_allclose(gan.upscale(lr), source.upscale(lr), atol=1e-6)
    other = kerasgen.SRGAN(scale=2, filters=8, num_residual_blocks=1, patch_size=16,
                           d_filters=2, d_dense_units=4, content_loss="mse")
    with pytest.raises(ValueError, match="does not match"):
        other.initialize_from(path)


def test_global_residual_adds_the_bicubic_baseline():
    model = kerasgen.SRResNet(scale=4, filters=4, num_residual_blocks=1, global_residual=True,
                              outer_kernel=3)
    last = [layer for layer in model.generator.layers
            if isinstance(layer, keras.layers.Conv2D)][-1]
    last.set_weights([np.zeros_like(w) for w in last.get_weights()])
    lr = _pairs(2, scale=4, patch=48)[0]
    # a zero residual leaves exactly the bicubic upsampling (the baseline), clipped to [-1, 1]
    np.testing.assert_allclose(model.upscale(lr), data_lib.bicubic_upscale(lr, 4), atol=1e-5)


def test_espcn_upsampling_keeps_every_convolution_at_the_low_resolution():
    model = kerasgen.SRResNet(scale=4, filters=4, num_residual_blocks=2, batch_norm=False,
                              global_residual=True, outer_kernel=3, upsampling="espcn")
    convs = [layer for layer in model.generator.layers if isinstance(layer, keras.layers.Conv2D)]
    probe = keras.Model(model.generator.input, [layer.output for layer in convs])
    shapes = [tuple(t.shape) for t in probe(np.zeros((1, 6, 5, 3), "float32"))]
    assert all(shape[1:3] == (6, 5) for shape in shapes)  # nothing runs at 24 x 20
    assert shapes[-1][-1] == 3 * 16  # C scale^2 channels, one depth-to-space by 4
    convs[-1].set_weights([np.zeros_like(w) for w in convs[-1].get_weights()])
    lr = _pairs(2, scale=4, patch=48)[0]
    np.testing.assert_allclose(model.upscale(lr), data_lib.bicubic_upscale(lr, 4), atol=1e-5)
    again = kerasgen.SRResNet.from_config(model.get_config())
    assert again.get_config()["upsampling"] == "espcn"
    with pytest.raises(ValueError, match="upsampling"):
        kerasgen.SRResNet(scale=4, filters=4, num_residual_blocks=1, upsampling="bilinear")


def test_l1_pixel_loss_is_the_mean_absolute_error():
    model = kerasgen.SRResNet(scale=2, filters=4, num_residual_blocks=1, batch_norm=False,
                              outer_kernel=3, pixel_loss="l1", seed=0)
    model.compile(g_optimizer=keras.optimizers.SGD(0.0))
    lr, hr = _pairs(2, seed=3)
    logs = model.fit(tf.data.Dataset.from_tensors((lr, hr)), verbose=0).history
    sr = np.asarray(model.generator(lr))  # unclipped, as in training
    np.testing.assert_allclose(logs["content_loss"][0], np.mean(np.abs(sr - hr)), rtol=1e-5)
    mse = np.mean(np.square(sr - hr))
    np.testing.assert_allclose(logs["psnr"][0], 10 * np.log10(4.0 / mse), rtol=1e-4)
    with pytest.raises(ValueError, match="pixel_loss"):
        kerasgen.SRResNet(scale=2, filters=4, num_residual_blocks=1, pixel_loss="huber")


def test_flat_crops_are_drawn_again():
    def stds(min_patch_std):
        pairs = data_lib.super_resolution(scale=4, patch_size=32, batch_size=64, seed=0,
                                          num_patches=64, min_patch_std=min_patch_std)
        _, hr = next(iter(pairs))
        return np.std(np.round((hr.numpy() + 1.0) * 127.5), axis=(1, 2, 3))

    assert stds(0.0).min() < 8.0  # some bundled crops are flat (moon, cell, page margins)
    assert stds(8.0).min() >= 8.0
    # a threshold no crop meets ends the stream with the argument named (tf.data wraps the
    # generator's ValueError in its own error type)
    with pytest.raises(tf.errors.InvalidArgumentError, match="min_patch_std"):
        next(iter(data_lib.super_resolution(scale=4, patch_size=32, batch_size=1, seed=0,
                                            min_patch_std=127.0)))
    with pytest.raises(ValueError, match="min_patch_std"):
        data_lib.super_resolution(scale=4, patch_size=32, min_patch_std=-1)


def test_bicubic_chroma_keeps_the_networks_luma_and_the_bicubic_colour():
    """chroma='bicubic': Y(output) = Y(network), and output - bicubic is grey (dY on R, G and B),
    so a grey photo comes out exactly grey whatever the network's colour noise; the evaluation's
    grey_chroma figure reads 0 for it (by hand: |R-G| + |B-G| of the upscaled grey image)."""
    from kerasgen import evaluation
    from kerasgen.models.superres import LUMA_WEIGHTS, srresnet_generator

    rng = np.random.default_rng(0)
    lr = rng.uniform(-1, 1, (1, 8, 10, 3)).astype("float32")
    plain = srresnet_generator(scale=2, filters=4, num_residual_blocks=1, outer_kernel=3,
                               global_residual=True)
    grey_out = srresnet_generator(scale=2, filters=4, num_residual_blocks=1, outer_kernel=3,
                                  global_residual=True, chroma="bicubic")
    plain.set_weights([w + rng.normal(0, 0.1, w.shape).astype("float32")
                       for w in plain.get_weights()])
    grey_out.set_weights(plain.get_weights())  # the chroma layers hold no weights
    network, out = plain(lr).numpy(), grey_out(lr).numpy()
    bicubic = keras.layers.UpSampling2D(2, interpolation="bicubic")(lr).numpy()
    luma = lambda x: x @ np.array(LUMA_WEIGHTS, np.float32)  # noqa: E731
    np.testing.assert_allclose(luma(out), luma(network), atol=1e-5)
    diff = out - bicubic
    np.testing.assert_allclose(diff[..., 0], diff[..., 1], atol=1e-5)
    np.testing.assert_allclose(diff[..., 2], diff[..., 1], atol=1e-5)
    grey = np.repeat(lr[..., :1], 3, axis=-1)
    assert np.abs(np.ptp(grey_out(grey).numpy(), axis=-1)).max() < 1e-5
    assert np.abs(np.ptp(plain(grey).numpy(), axis=-1)).max() > 1e-3
    # the figure: 0 with the bicubic chroma, |R-G| + |B-G| in levels of 255 without
    model = kerasgen.SRResNet(scale=4, filters=4, num_residual_blocks=1, outer_kernel=3,
                              global_residual=True, chroma="bicubic")
    assert evaluation.grey_chroma(model) < 1e-3
    model = kerasgen.SRResNet(scale=4, filters=4, num_residual_blocks=1, outer_kernel=3,
                              global_residual=True)
    model.generator.set_weights([w + rng.normal(0, 0.1, w.shape).astype("float32")
                                 for w in model.generator.get_weights()])
    hr, lr_images = evaluation.super_resolution_images("test", 4)
    camera = [l for h, l in zip(hr, lr_images) if np.ptp(h, axis=-1).max() == 0]
    assert len(camera) == 1  # the bundled test split holds one grey photo
    up = (np.clip(model.generator(camera[0]).numpy(), -1, 1).astype(np.float64) + 1) * 127.5
    by_hand = (np.abs(up[..., 0] - up[..., 1]) + np.abs(up[..., 2] - up[..., 1])).mean()
    assert by_hand > 0.1
    np.testing.assert_allclose(evaluation.grey_chroma(model), by_hand, rtol=1e-4)
    # the evaluation reads it off the images it upscaled for PSNR
    np.testing.assert_allclose(evaluation.evaluate_super_resolution(model)["grey_chroma"],
                               by_hand, rtol=1e-4)
    with pytest.raises(ValueError, match="chroma='bicubic'.*RGB.*channels=1"):
        kerasgen.SRResNet(channels=1, chroma="bicubic")
    with pytest.raises(ValueError, match="`chroma` must be 'learned' or 'bicubic'"):
        kerasgen.SRResNet(chroma="grey")
