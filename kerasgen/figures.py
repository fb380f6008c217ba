"""Figures people read: sample grids, scatter plots over a mixture's modes, curves, and rows of
images side by side (translation, super-resolution, frame prediction), drawn with matplotlib.

Every function writes its figure atomically (a temporary file renamed into place), in the format
the path's extension names (PNG, JPEG, PDF, SVG, ...; PNG without one), and returns its path.
`image_grid` tiles a batch into one uint8 array without matplotlib, for TensorBoard.
"""

import os

import numpy as np

from kerasgen.image_files import image_format, to_uint8  # noqa: F401  (to_uint8 is public here)
from kerasgen.utils import write_atomically


def _as_images(images):
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"Expected images of shape (N, H, W[, 1|3]), got {images.shape}.")
    if len(images) == 0:
        raise ValueError("Got no images.")
    return images


def image_grid(images, ncols=None, value_range=(-1.0, 1.0), padding=1):
    """Tiles a batch (N, H, W[, C]) into one uint8 image (rows*H, cols*W, C) with white padding.

    Example:
        >>> image_grid(np.zeros((6, 8, 8)), ncols=3).shape
        (19, 28, 1)
    """
    images = _as_images(images)
    n, h, w, c = images.shape
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


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


#: file extension -> matplotlib format: a figure is written in the format its path names
FIGURE_FORMATS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".pdf": "pdf", ".svg": "svg",
                  ".tif": "tiff", ".tiff": "tiff", ".webp": "webp"}


def _save(fig, path, dpi=100):

    plt = _pyplot()
    try:
        fmt = image_format(path, FIGURE_FORMATS).lower()  # ValueError on an unknown extension
        write_atomically(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi,
                                                       bbox_inches="tight"))
    finally:
        plt.close(fig)
    return os.fspath(path)


def _show(ax, image):
    if image.shape[-1] == 1:
        ax.imshow(image[..., 0], cmap="gray", vmin=0, vmax=255, interpolation="nearest")
    else:
        ax.imshow(image, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])


def save_image_grid(images, path, ncols=None, value_range=(-1.0, 1.0), title=None,
                    inches_per_image=0.8):
    """Saves a batch of images as one PNG grid (matplotlib), with a title when given.

    Small images (8 px digits) are drawn with nearest-neighbour interpolation at a readable size.
    """
    grid = image_grid(images, ncols=ncols, value_range=value_range)
    n = len(_as_images(images))
    ncols = int(ncols or int(np.ceil(np.sqrt(n))))
    nrows = int(np.ceil(n / ncols))
    plt = _pyplot()
    width = max(4.0, min(14.0, ncols * inches_per_image))
    fig, ax = plt.subplots(figsize=(width, width * nrows / ncols + (0.5 if title else 0.1)))
    _show(ax, grid)
    if title:
        ax.set_title(title, fontsize=12)
    return _save(fig, path)


def scatter_plot(points, path, reference=None, title=None, extent=None, labels=("x1", "x2")):
    """Draws 2-D points (N, 2) as a scatter plot, with optional reference points (the modes).

    Example:
        >>> import tempfile, os
        >>> out = os.path.join(tempfile.mkdtemp(), "s.png")
        >>> os.path.exists(scatter_plot(np.random.randn(50, 2), out, reference=[[0, 0]]))
        True
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"scatter_plot expects points of shape (N, 2), got {points.shape}.")
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.scatter(points[:, 0], points[:, 1], s=3, alpha=0.5, color="tab:blue",
               label=f"samples ({len(points)})")
    if reference is not None:
        reference = np.asarray(reference, dtype=np.float64)
        ax.scatter(reference[:, 0], reference[:, 1], s=60, facecolors="none",
                   edgecolors="tab:red", linewidths=1.5, label=f"modes ({len(reference)})")
    if extent is not None:
        ax.set_xlim(*extent)
        ax.set_ylim(*extent)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.legend(loc="upper right", fontsize=9)
    if title:
        ax.set_title(title)
    return _save(fig, path)


def save_samples(samples, path, reference=None, title=None, **kwargs):
    """Saves samples as a picture: an image grid, or a scatter plot for 2-D points."""
    samples = np.asarray(samples)
    if samples.ndim == 2 and samples.shape[1] == 2:
        return scatter_plot(samples, path, reference=reference, title=title)
    return save_image_grid(samples, path, title=title, **kwargs)


def line_plot(x, series, path, title="", xlabel="x", ylabel="", y_range=None):
    """Draws named curves `series = {label: y values}` over `x`, with axis labels and a legend."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, values in series.items():
        ax.plot(np.asarray(x), np.asarray(values), label=label, linewidth=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if y_range is not None:
        ax.set_ylim(*y_range)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title)
    return _save(fig, path)


def image_rows(rows, path, value_range=(-1.0, 1.0), title=None, column_titles=None,
               inches_per_image=1.2):
    """Rows of images side by side, each row labelled: `rows = {label: images (N, H, W[, C])}`.

    The figure of translations (input / model / truth), super-resolution crops and frame
    predictions (ground truth / MSE / adversarial over several steps).
    """
    labels = list(rows)
    data = [to_uint8(_as_images(rows[k]), value_range) for k in labels]
    ncols = max(len(d) for d in data)
    plt = _pyplot()
    fig, axes = plt.subplots(len(labels), ncols, squeeze=False,
                             figsize=(ncols * inches_per_image + 1.2,
                                      len(labels) * inches_per_image + (0.5 if title else 0.1)))
    for r, (label, images) in enumerate(zip(labels, data)):
        for c in range(ncols):
            ax = axes[r][c]
            if c < len(images):
                _show(ax, images[c])
            else:
                ax.axis("off")
            if c == 0:
                ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
            if r == 0 and column_titles is not None and c < len(column_titles):
                ax.set_title(column_titles[c], fontsize=9)
    if title:
        fig.suptitle(title, fontsize=12)
    return _save(fig, path)
