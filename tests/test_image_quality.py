"""PSNR, SSIM and sharpness (kerasgen.metrics.image_quality) and the gradient difference loss,
against values computed by hand."""

import numpy as np
import pytest

from kerasgen import losses
from kerasgen.metrics import image_quality as iq


def test_psnr_of_a_constant_offset_by_hand():
    a = np.full((2, 8, 8, 1), -1.0, np.float32)
    b = a + 0.2  # 0.1 on the [0, 1] scale: MSE 0.01, PSNR 20 dB
    np.testing.assert_allclose(iq.psnr(a, b), [20.0, 20.0], atol=1e-4)
    # on [0, 1] directly, an offset of 0.5: MSE 0.25, PSNR 10 log10(4) = 6.0206 dB
    np.testing.assert_allclose(iq.psnr(np.zeros((1, 4, 4)), np.full((1, 4, 4), 0.5),
                                       value_range=(0, 1)), [6.0206], atol=1e-3)


def test_psnr_on_luma_of_rgb_by_hand():
    # a difference of 0.2 in red only: luma differs by 0.299 * 0.2 on [0, 1]
    a = np.zeros((1, 6, 6, 3), np.float32)
    b = a.copy()
    b[..., 0] = 0.2
    expected = -20 * np.log10(0.299 * 0.2)
    np.testing.assert_allclose(iq.psnr(a, b, value_range=(0, 1)), [expected], atol=1e-3)
    # on all three channels instead, MSE is 0.04 / 3
    np.testing.assert_allclose(iq.psnr(a, b, value_range=(0, 1), y_channel=False),
                               [-10 * np.log10(0.04 / 3)], atol=1e-3)


def test_border_crop_ignores_the_border():
    a = np.zeros((1, 12, 12, 1), np.float32)
    b = a.copy()
    b[:, :2] = 1.0  # differs only in the top two rows
    assert np.isinf(iq.psnr(a, b, value_range=(0, 1), crop_border=2)[0])
    # without the crop: MSE = 24 / 144
    np.testing.assert_allclose(iq.psnr(a, b, value_range=(0, 1)), [-10 * np.log10(24 / 144)],
                               atol=1e-4)
    with pytest.raises(ValueError, match="crop_border=6"):
        iq.psnr(a, b, crop_border=6)


def test_ssim_identical_and_constant_images_by_hand():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (2, 16, 16, 3)).astype(np.float32)
    np.testing.assert_allclose(iq.ssim(x, x), [1.0, 1.0], atol=1e-5)
    # two constant images: no variance, so SSIM is the luminance term alone,
    # (2 mu_x mu_y + C1) / (mu_x^2 + mu_y^2 + C1), C1 = 0.01^2
    mx, my, c1 = 0.2, 0.6, 0.01 ** 2
    expected = (2 * mx * my + c1) / (mx ** 2 + my ** 2 + c1)
    got = iq.ssim(np.full((1, 16, 16, 1), mx), np.full((1, 16, 16, 1), my), value_range=(0, 1))
    np.testing.assert_allclose(got, [expected], rtol=5e-4)  # float32 variances of ~1e-8


def test_sharpness_by_hand():
    ramp = np.tile(np.arange(4) * 0.1, (1, 4, 1))[..., None]  # 0.1 per column, last column 0
    np.testing.assert_allclose(iq.gradient_magnitude(ramp, value_range=(0, 1)), [0.075],
                               atol=1e-6)
    # half the contrast: half as sharp as the reference
    np.testing.assert_allclose(iq.relative_sharpness(ramp / 2, ramp, value_range=(0, 1)), [0.5],
                               atol=1e-6)
    # Mathieu's sharpness difference: identical gradients -> large; flat vs ramp: 10 dB
    np.testing.assert_allclose(iq.sharpness_difference(np.zeros_like(ramp), ramp,
                                                       value_range=(0, 1)), [10.0], atol=1e-4)
    # a shift keeps every gradient: no gradient difference (float32 round-off only)
    assert iq.sharpness_difference(ramp + 0.3, ramp, value_range=(0, 1))[0] > 60


def test_blur_lowers_sharpness_but_not_below_zero():
    import tensorflow as tf

    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (1, 32, 32, 1)).astype(np.float32)
    blurred = tf.nn.avg_pool2d(x, 3, 1, "SAME").numpy()
    rel = iq.relative_sharpness(blurred, x)[0]
    assert 0.0 < rel < 0.6
    assert iq.sharpness_difference(blurred, x)[0] < iq.sharpness_difference(x * 0.99, x)[0]


def test_shape_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"\(1, 8, 8, 1\) vs \(1, 8, 9, 1\)"):
        iq.psnr(np.zeros((1, 8, 8, 1)), np.zeros((1, 8, 9, 1)))
    with pytest.raises(ValueError, match="1 or 3 channels"):
        iq.psnr(np.zeros((1, 8, 8, 2)), np.zeros((1, 8, 8, 2)))


def test_gradient_difference_loss_by_hand():
    target = np.array([[0.0, 2.0, 2.0], [0.0, 0.0, 1.0]], np.float32)[None, :, :, None]
    predicted = np.zeros_like(target)
    # rows (vertical differences): |0-0|, |0-2|, |1-2| -> mean (0 + 2 + 1) / 3 = 1
    # columns: row 0: |2-0|, |2-2|; row 1: |0-0|, |1-0| -> mean (2 + 0 + 0 + 1) / 4 = 0.75
    assert np.isclose(float(losses.gradient_difference_loss(predicted, target)), 1.75)
    # alpha = 2 squares each term: rows (0 + 4 + 1) / 3, columns (4 + 0 + 0 + 1) / 4
    assert np.isclose(float(losses.gradient_difference_loss(predicted, target, alpha=2.0)),
                      5 / 3 + 5 / 4)
    # the loss only sees gradients: an offset costs nothing
    assert float(losses.gradient_difference_loss(target + 1.0, target)) == 0.0
