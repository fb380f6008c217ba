"""Full-reference image quality: PSNR, SSIM and sharpness, with TensorFlow's library functions.

Images are compared on the [0, 1] scale (kerasgen's images live in [-1, 1]: `value_range` says
so). For colour images the super-resolution papers measure on the luma channel only; here luma is
`tf.image.rgb_to_yuv`'s Y = 0.299 R + 0.587 G + 0.114 B in [0, 1] (grey images are their own
luma), and `crop_border` pixels are removed from each side first, as in Ledig et al. (2017), who
crop a strip as wide as the scale factor.

* PSNR = 10 log10(MAX^2 / MSE) dB with MAX = 1 (`tf.image.psnr`). The SR papers' MATLAB
  `rgb2ycbcr` luma is 16/255 + (219/255) Y on the same [0, 1] scale, so their PSNR of the same
  images is higher by 20 log10(255/219) = 1.32 dB; differences between methods (the gain over
  bicubic) are the same in both conventions.
* SSIM (Wang et al. 2004) with an 11x11 Gaussian window, sigma 1.5, K1 = 0.01, K2 = 0.03
  (`tf.image.ssim`).
* Sharpness: the mean gradient magnitude sqrt(dx^2 + dy^2) of the forward differences
  (`tf.image.image_gradients`; the last row and column have zero gradient). `relative_sharpness`
  divides it by the reference image's, so 1 means as sharp as the truth and a blurry prediction
  scores below 1.
* Sharpness difference of Mathieu et al. (2016, arXiv:1511.05440, eq. 13), in dB, higher is better:

      SharpDiff(Y, Yhat) = 10 log10( MAX^2 / mean_ij | (|d_i Y| + |d_j Y|) - (|d_i Yhat| + |d_j Yhat|) | ),

  with d_i, d_j the vertical and horizontal differences. It compares the gradients of the
  prediction with the truth's, as their gradient-difference loss does during training
  (`kerasgen.losses.gradient_difference_loss`).

Every function returns one value per image (a NumPy array), so means and standard errors over
images or seeds are the caller's.
"""

import numpy as np
import tensorflow as tf


def to_unit(images, value_range=(-1.0, 1.0)):
    """Maps images from `value_range` to [0, 1] (float32 tensor, (N, H, W, C))."""
    lo, hi = value_range
    images = tf.convert_to_tensor(images, tf.float32)
    if images.shape.rank == 3:
        images = images[..., None]
    if images.shape.rank != 4:
        raise ValueError(f"Expected images of shape (N, H, W[, C]), got {tuple(images.shape)}.")
    return (images - lo) / (hi - lo)


def luma(images, value_range=(-1.0, 1.0)):
    """The Y channel (`tf.image.rgb_to_yuv`) on [0, 1] of RGB images; grey images unchanged.

    Example:
        >>> round(float(luma(np.ones((1, 2, 2, 3)) * [1.0, -1.0, -1.0])[0, 0, 0, 0]), 4)  # red
        0.299
    """
    images = to_unit(images, value_range)
    channels = images.shape[-1]
    if channels == 1:
        return images
    if channels != 3:
        raise ValueError(f"Expected 1 or 3 channels, got images of shape {tuple(images.shape)}.")
    return tf.image.rgb_to_yuv(images)[..., :1]


def _prepare(images, reference, value_range, crop_border, y_channel):
    a = luma(images, value_range) if y_channel else to_unit(images, value_range)
    b = luma(reference, value_range) if y_channel else to_unit(reference, value_range)
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(f"Images and reference differ in shape: {tuple(a.shape)} vs "
                         f"{tuple(b.shape)}.")
    c = int(crop_border)
    if c:
        if min(a.shape[1], a.shape[2]) <= 2 * c:
            raise ValueError(f"crop_border={c} leaves nothing of images {tuple(a.shape)}.")
        a, b = a[:, c:-c, c:-c], b[:, c:-c, c:-c]
    return a, b


def psnr(images, reference, value_range=(-1.0, 1.0), crop_border=0, y_channel=True):
    """Peak signal-to-noise ratio in dB per image (`tf.image.psnr` on [0, 1]).

    Args:
        images, reference: (N, H, W[, C]) arrays in `value_range`.
        crop_border: pixels removed from each side before comparing (the SR scale factor).
        y_channel: compare the luma of RGB images (the SR papers' protocol).

    Example:
        >>> psnr(np.full((1, 4, 4, 1), -1.0), np.full((1, 4, 4, 1), -0.8)).round(2)  # 0.1 apart
        array([20.], dtype=float32)
    """
    a, b = _prepare(images, reference, value_range, crop_border, y_channel)
    return tf.image.psnr(a, b, max_val=1.0).numpy()


def ssim(images, reference, value_range=(-1.0, 1.0), crop_border=0, y_channel=True,
         filter_size=11):
    """Structural similarity per image (`tf.image.ssim` on [0, 1], 11x11 Gaussian window).

    Images smaller than the window are compared with a window as large as the image.
    """
    a, b = _prepare(images, reference, value_range, crop_border, y_channel)
    size = min(filter_size, int(a.shape[1]), int(a.shape[2]))
    return tf.image.ssim(a, b, max_val=1.0, filter_size=size).numpy()


def gradient_magnitude(images, value_range=(-1.0, 1.0), y_channel=True):
    """Mean gradient magnitude per image on [0, 1] (forward differences), averaged over channels.

    Example:
        >>> ramp = np.tile(np.arange(4) * 0.1, (1, 4, 1))[..., None]  # steps of 0.1 to the right
        >>> gradient_magnitude(ramp, value_range=(0, 1)).round(3)   # the last column has none
        array([0.075], dtype=float32)
    """
    x = luma(images, value_range) if y_channel else to_unit(images, value_range)
    dy, dx = tf.image.image_gradients(x)
    return tf.reduce_mean(tf.sqrt(dx ** 2 + dy ** 2), axis=[1, 2, 3]).numpy()


def relative_sharpness(images, reference, value_range=(-1.0, 1.0), crop_border=0,
                       y_channel=True):
    """Mean gradient magnitude of each image over its reference's (1 = as sharp as the truth)."""
    a, b = _prepare(images, reference, value_range, crop_border, y_channel)
    ga = gradient_magnitude(a, value_range=(0.0, 1.0), y_channel=False)
    gb = gradient_magnitude(b, value_range=(0.0, 1.0), y_channel=False)
    return (ga / np.maximum(gb, 1e-12)).astype(np.float32)


def sharpness_difference(images, reference, value_range=(-1.0, 1.0), crop_border=0,
                         y_channel=True):
    """Mathieu et al. (2016)'s sharpness difference in dB per image (higher = closer gradients).

    Example:
        >>> ramp = np.tile(np.arange(4) * 0.1, (1, 4, 1))[..., None]  # steps of 0.1
        >>> flat = np.zeros_like(ramp)                                 # mean error 0.1
        >>> sharpness_difference(flat, ramp, value_range=(0, 1)).round(2)
        array([10.], dtype=float32)
    """
    a, b = _prepare(images, reference, value_range, crop_border, y_channel)

    def grads(x):
        di = tf.abs(x[:, 1:, :-1] - x[:, :-1, :-1])
        dj = tf.abs(x[:, :-1, 1:] - x[:, :-1, :-1])
        return di + dj

    err = tf.reduce_mean(tf.abs(grads(b) - grads(a)), axis=[1, 2, 3])
    return (10.0 * np.log10(1.0 / np.maximum(err.numpy(), 1e-12))).astype(np.float32)


def quality_metrics(images, reference, value_range=(-1.0, 1.0), crop_border=0, y_channel=True,
                    max_psnr=100.0):
    """Dict of per-image arrays: psnr, ssim, relative_sharpness, sharpness_difference.

    PSNR is capped at `max_psnr` dB, so that an exact copy (infinite PSNR) leaves means finite.
    """
    kwargs = dict(value_range=value_range, crop_border=crop_border, y_channel=y_channel)
    return {"psnr": np.minimum(psnr(images, reference, **kwargs), max_psnr),
            "ssim": ssim(images, reference, **kwargs),
            "relative_sharpness": relative_sharpness(images, reference, **kwargs),
            "sharpness_difference": sharpness_difference(images, reference, **kwargs)}
