"""Image files in and out: read a PNG/JPEG as uint8 pixels, write an image in the format its
extension names, and translate one file with an image-to-image model (`translate_file`, the
library function of `python -m kerasgen.cli.translate`).

Pixels travel as uint8 (0..255) from the file to the model's verb, which maps them onto the
model's range itself (`kerasgen.utils.check_images`), so a file and the same image given in the
model's units give the same result.
"""

import os

import numpy as np

from kerasgen.utils import write_atomically


def to_uint8(images, value_range=(-1.0, 1.0)):
    """Maps images from `value_range` to uint8 0..255 (values outside are clipped)."""
    lo, hi = value_range
    images = (np.asarray(images, dtype=np.float32) - lo) / (hi - lo)
    return np.clip(np.round(images * 255.0), 0, 255).astype(np.uint8)

#: file extension -> Pillow format name, for the images kerasgen writes
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP", ".gif": "GIF",
                 ".tif": "TIFF", ".tiff": "TIFF", ".webp": "WEBP"}


def image_format(path, formats=IMAGE_FORMATS):
    """The format `path`'s extension names (PNG when it has none), or a ValueError listing the
    accepted extensions.

    Example:
        >>> image_format("out/x.JPG"), image_format("grid")
        ('JPEG', 'PNG')
    """
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if not ext:
        return "PNG"
    if ext not in formats:
        raise ValueError(f"Cannot write {os.fspath(path)!r}: unknown image extension {ext!r}; "
                         f"use one of {', '.join(sorted(formats))}.")
    return formats[ext]


def read_image(path, channels=3):
    """An image file (PNG, JPEG, BMP, GIF, TIFF, WebP; any size) as uint8 (H, W, channels).

    Raises FileNotFoundError naming a missing file and ValueError naming one that is not an
    image.
    """
    from PIL import Image

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No image file at {path!r}.")
    if channels not in (1, 3):
        raise ValueError(f"`channels` must be 1 or 3, got {channels!r}.")
    try:
        with Image.open(path) as im:
            im = im.convert("L" if channels == 1 else "RGB")
            pixels = np.asarray(im, np.uint8)
    except (OSError, ValueError, Image.DecompressionBombError) as e:
        raise ValueError(f"Could not read {path!r} as an image: {e}") from None
    return pixels.reshape(pixels.shape[:2] + (channels,))


def write_image(image, path, value_range=(-1.0, 1.0)):
    """Writes one image (H, W[, 1|3]) in `value_range` (or uint8) to `path`, atomically, in the
    format its extension names (`image_format`); returns the path."""
    from PIL import Image


    fmt = image_format(path)
    image = np.asarray(image)
    pixels = image if image.dtype == np.uint8 else to_uint8(image, value_range)
    if pixels.ndim == 3 and pixels.shape[-1] == 1:
        pixels = pixels[..., 0]
    if pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[-1] != 3):
        raise ValueError(f"Expected one image (H, W), (H, W, 1) or (H, W, 3), got {image.shape}.")
    write_atomically(path, lambda tmp: Image.fromarray(pixels).save(tmp, format=fmt))
    return os.fspath(path)


def translate_file(model, input_path, out_path, direction=None):
    """Translates one image file with an image-to-image model and writes the result.

    The image is read at its own size when the model is convolutional (SRResNet, SRGAN, and
    CycleGAN/pix2pix networks without a fixed input size); a model built for one size gets the
    image resized to it (bicubic), which the returned dict reports as `resized_to`.

    Args:
        model: a CycleGAN, Pix2Pix, SRResNet or SRGAN (anything with `translate` and
            `directions`).
        input_path: the image to read (PNG, JPEG, ...).
        out_path: where the result goes; its extension names the format (.png, .jpg, ...).
        direction: one of `model.directions` (default: the first, e.g. "x2y" or "lr2hr").

    Returns:
        dict: `direction`, `input_size` (H, W), `resized_to` (H, W or None), `output_size`,
        `path`.
    """
    name = type(model).__name__
    directions = getattr(model, "directions", None)
    if not directions or not hasattr(model, "translator"):
        raise ValueError(f"{name} is not an image-to-image model; translate works with "
                         "CycleGAN, Pix2Pix, SRResNet and SRGAN models.")
    if hasattr(model, "predict_frames"):
        raise ValueError(f"{name} predicts a frame from {model.context_frames} context frames, "
                         "not from one image; use model.predict_frames(context, steps) in "
                         "Python.")
    direction = direction or next(iter(directions))
    net = model.translator(direction)  # ValueError naming the directions
    image_format(out_path)  # refuse an unknown extension before any work
    height, width, channels = tuple(net.input_shape[1:])
    pixels = read_image(input_path, channels)
    input_size = pixels.shape[:2]
    resized_to = None
    if height is not None and width is not None and input_size != (height, width):
        from PIL import Image

        mode = "L" if channels == 1 else "RGB"
        resized = Image.fromarray(pixels[..., 0] if channels == 1 else pixels, mode).resize(
            (width, height), Image.Resampling.BICUBIC)
        pixels = np.asarray(resized, np.uint8).reshape(height, width, channels)
        resized_to = (height, width)
    out = model.translate(pixels, direction)
    path = write_image(out, out_path, (-1.0, 1.0))
    return {"direction": direction, "input_size": tuple(input_size), "resized_to": resized_to,
            "output_size": tuple(out.shape[:2]), "path": path}
