"""Image grids: turn a batch of samples into one picture (PNG) or a TensorBoard image."""

import os

import numpy as np

from kerasgen.models.base import write_atomically


def to_uint8(images, value_range=(-1.0, 1.0)):
    """Maps images from `value_range` to uint8 0..255 (values outside are clipped)."""
    lo, hi = value_range
    images = (np.asarray(images, dtype=np.float32) - lo) / (hi - lo)
    return np.clip(np.round(images * 255.0), 0, 255).astype(np.uint8)


def image_grid(images, ncols=None, value_range=(-1.0, 1.0), padding=1):
    """Tiles a batch (N, H, W[, C]) into one uint8 image (rows*H, cols*W, C) with padding.

    Args:
        images: array of N images; C is 1 or 3 (or absent for grey).
        ncols: images per row (default: ceil(sqrt(N))).
        value_range: the images' value range, mapped to 0..255.
        padding: pixels of white between images.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"image_grid expects images of shape (N, H, W, 1|3), got {images.shape}.")
    n, h, w, c = images.shape
    if n == 0:
        raise ValueError("image_grid got no images.")
    ncols = int(ncols or int(np.ceil(np.sqrt(n))))
    nrows = int(np.ceil(n / ncols))
    grid = np.full((nrows * (h + padding) + padding, ncols * (w + padding) + padding, c), 255,
                   dtype=np.uint8)
    images = to_uint8(images, value_range)
    for i in range(n):
        r, col = divmod(i, ncols)
        y, x = padding + r * (h + padding), padding + col * (w + padding)
        grid[y:y + h, x:x + w] = images[i]
    return grid


def save_image(array, path, scale=1):
    """Writes a uint8 image (H, W[, C]) as PNG atomically; `scale` enlarges it (nearest)."""
    from PIL import Image

    array = np.asarray(array)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    image = Image.fromarray(array)
    if scale != 1:
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    write_atomically(path, lambda tmp: image.save(tmp, format="PNG"))
    return os.fspath(path)


def save_image_grid(images, path, ncols=None, value_range=(-1.0, 1.0), scale=None, padding=1):
    """Saves a batch of images as one PNG grid; small images are enlarged to be visible."""
    grid = image_grid(images, ncols=ncols, value_range=value_range, padding=padding)
    if scale is None:
        scale = max(1, 256 // max(grid.shape[0], grid.shape[1]) or 1)
    return save_image(grid, path, scale=scale)
