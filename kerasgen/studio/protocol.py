"""The studio's request protocol: parsing and bounding what a JSON request may ask, and images
as PNG data URLs. Every malformed field raises `BadRequest`, which the server answers with a 4xx
whose JSON body `{"error": ...}` names the field."""

import base64
import binascii
import io
import json
import math

import numpy as np


class BadRequest(ValueError):
    """A request the studio refuses, with the HTTP status to answer (400 unless said)."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


# ------------------------------------------------------------------------------- validation
def reject_constant(name):
    raise BadRequest(f"{name} is not a valid JSON number; send finite numbers.")


def parse_json(body):
    """Strict JSON: a top-level object; NaN/Infinity, invalid UTF-8 and deep nesting refused.

    Example:
        >>> parse_json(b'{"seed": 3}')
        {'seed': 3}
        >>> parse_json(b'{"seed": NaN}')
        Traceback (most recent call last):
        ...
        kerasgen.studio.protocol.BadRequest: NaN is not a valid JSON number; send finite numbers.
    """
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=reject_constant)
    except BadRequest:
        raise
    except UnicodeDecodeError:
        raise BadRequest("The request body is not UTF-8 text.") from None
    except RecursionError:
        raise BadRequest("The JSON is nested too deeply.") from None
    except ValueError as e:  # JSONDecodeError, and integers too long to convert
        raise BadRequest(f"The request body is not valid JSON: {e}") from None
    if not isinstance(value, dict):
        raise BadRequest(f"The request body must be a JSON object, got {type(value).__name__}.")
    return value


def check_fields(payload, required=(), optional=()):
    missing = [k for k in required if k not in payload]
    if missing:
        raise BadRequest(f"Missing field(s): {', '.join(missing)}.")
    unknown = sorted(set(payload) - set(required) - set(optional))
    if unknown:
        raise BadRequest(f"Unknown field(s): {', '.join(unknown)}; expected "
                         f"{', '.join(list(required) + list(optional))}.")


def int_field(payload, name, low, high, default=None):
    value = payload.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"`{name}` must be an integer in [{low}, {high}], got "
                         f"{type(value).__name__}.")
    if not low <= value <= high:
        raise BadRequest(f"`{name}` must be in [{low}, {high}], got {value}.")
    return value


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def latent_field(payload, name, latent_dim):
    value = payload.get(name)
    if (not isinstance(value, list) or len(value) != latent_dim
            or not all(is_number(v) for v in value)):
        raise BadRequest(f"`{name}` must be a list of {latent_dim} finite numbers.")
    if any(abs(v) > 100 for v in value):
        raise BadRequest(f"`{name}` values must lie in [-100, 100].")
    return np.asarray(value, np.float32)


def strokes_field(payload, limits):
    strokes = payload.get("strokes")
    if not isinstance(strokes, list) or not strokes:
        raise BadRequest("`strokes` must be a non-empty list of strokes.")
    if len(strokes) > limits.max_strokes:
        raise BadRequest(f"At most {limits.max_strokes} strokes per request, got {len(strokes)}.")
    for i, stroke in enumerate(strokes):
        points = stroke.get("points") if isinstance(stroke, dict) else None
        if isinstance(points, list) and len(points) > limits.max_points:
            raise BadRequest(f"stroke {i}: at most {limits.max_points} points, got "
                             f"{len(points)}.")
    return strokes


# ------------------------------------------------------------------------------- images
def image_to_data_url(image, value_range=(-1.0, 1.0)):
    """One sample (H, W, C) in `value_range` as a PNG data URL."""
    from PIL import Image

    from kerasgen.image_files import to_uint8

    pixels = to_uint8(image, value_range)
    pixels = pixels[..., 0] if pixels.shape[-1] == 1 else pixels
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def image_from_request(value, sample_shape, value_range, max_side):
    """A PNG/JPEG data URL (any size up to `max_side`, resized) or a nested list of numbers of
    exactly `sample_shape`, as float32 in `value_range`."""
    from PIL import Image

    lo, hi = value_range
    if isinstance(value, list):
        try:
            array = np.asarray(value, np.float32)
        except (TypeError, ValueError):
            raise BadRequest("`image` as a list must be a nested list of numbers.") from None
        if array.shape != tuple(sample_shape):
            raise BadRequest(f"`image` as a list must have shape {tuple(sample_shape)}, got "
                             f"{array.shape}.")
        if not np.all(np.isfinite(array)) or array.min() < lo or array.max() > hi:
            raise BadRequest(f"`image` values must be finite and in [{lo:g}, {hi:g}].")
        return array
    prefix = "base64,"
    if not isinstance(value, str) or not value.startswith("data:image/") or prefix not in value:
        raise BadRequest("`image` must be a data URL (data:image/png;base64,...) or a nested "
                         "list of numbers.")
    try:
        raw = base64.b64decode(value.split(prefix, 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("`image` is not valid base64.") from None
    try:
        with Image.open(io.BytesIO(raw), formats=["PNG", "JPEG"]) as im:
            width, height = im.size  # read from the header, before any decoding
            if width > max_side or height > max_side:
                raise BadRequest(f"`image` is {width}x{height}; at most {max_side}x{max_side} "
                                 "pixels are accepted.", status=413)
            h, w, c = sample_shape
            im = im.convert("L" if c == 1 else "RGB").resize((w, h), Image.Resampling.BOX)
            array = np.asarray(im, np.float32).reshape(h, w, c) / 255.0
    except BadRequest:
        raise
    except (OSError, ValueError, Image.DecompressionBombError) as e:
        raise BadRequest(f"`image` could not be read as a PNG or JPEG: {e}") from None
    return (lo + (hi - lo) * array).astype(np.float32)


# ------------------------------------------------------------------------------- studio
