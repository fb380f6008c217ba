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
    if scale is None:  # enlarge small grids (8 px digits) to a viewable size
        scale = max(1, 512 // max(grid.shape[0], grid.shape[1]))
    return save_image(grid, path, scale=scale)


def scatter_plot(points, path, reference=None, size=512, extent=None):
    """Draws 2-D points (N, 2) as a PNG scatter plot, with optional reference points (modes) in red.

    Pure NumPy + PIL, so it works without matplotlib.
    """
    from PIL import Image, ImageDraw

    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"scatter_plot expects points of shape (N, 2), got {points.shape}.")
    allpts = points if reference is None else np.concatenate([points, reference])
    if extent is None:
        lo, hi = allpts.min(), allpts.max()
        pad = 0.1 * (hi - lo + 1e-9)
        extent = (lo - pad, hi + pad)
    lo, hi = extent
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)

    def to_px(p):
        return (p - lo) / (hi - lo) * (size - 1)

    for x, y in to_px(points):
        draw.point((x, size - 1 - y), fill=(30, 60, 160))
    if reference is not None:
        for x, y in to_px(np.asarray(reference, dtype=np.float64)):
            draw.ellipse((x - 3, size - 4 - y, x + 3, size + 2 - y), outline=(220, 30, 30))
    write_atomically(path, lambda tmp: image.save(tmp, format="PNG"))
    return os.fspath(path)


def save_samples(samples, path, **kwargs):
    """Saves samples as a picture: an image grid, or a scatter plot for 2-D points."""
    samples = np.asarray(samples)
    if samples.ndim == 2 and samples.shape[1] == 2:
        return scatter_plot(samples, path, **kwargs)
    return save_image_grid(samples, path, **kwargs)


_COLOURS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (255, 127, 14), (148, 103, 189)]


def line_plot(x, series, path, title="", size=(560, 360), y_range=None):
    """Draws named curves `series = {label: y values}` over `x` as a PNG (pure PIL).

    Enough for the lecture figures (optimal discriminator, W vs JS) without matplotlib.
    """
    from PIL import Image, ImageDraw

    x = np.asarray(x, dtype=np.float64)
    width, height = size
    left, right, top, bottom = 50, 15, 30, 35
    ys = np.concatenate([np.asarray(v, dtype=np.float64) for v in series.values()])
    y_lo, y_hi = y_range or (float(ys.min()), float(ys.max()))
    if y_hi - y_lo < 1e-12:
        y_hi = y_lo + 1.0
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)

    def px(xv, yv):
        u = left + (xv - x.min()) / (x.max() - x.min() + 1e-12) * (width - left - right)
        v = height - bottom - (yv - y_lo) / (y_hi - y_lo) * (height - top - bottom)
        return u, v

    draw.rectangle((left, top, width - right, height - bottom), outline=(0, 0, 0))
    for frac in (0.0, 0.5, 1.0):
        yv = y_lo + frac * (y_hi - y_lo)
        draw.text((3, px(x.min(), yv)[1] - 6), f"{yv:.2f}", fill=(0, 0, 0))
        xv = x.min() + frac * (x.max() - x.min())
        draw.text((px(xv, y_lo)[0] - 12, height - bottom + 5), f"{xv:.2f}", fill=(0, 0, 0))
    draw.text((left, 8), title, fill=(0, 0, 0))
    for i, (label, values) in enumerate(series.items()):
        colour = _COLOURS[i % len(_COLOURS)]
        points = [px(a, b) for a, b in zip(x, np.asarray(values, dtype=np.float64))]
        draw.line(points, fill=colour, width=2)
        draw.text((width - right - 190, top + 8 + 14 * i), label, fill=colour)
    write_atomically(path, lambda tmp: image.save(tmp, format="PNG"))
    return os.fspath(path)
