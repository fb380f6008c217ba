"""Known invertible mappings of images in [-1, 1] (N, H, W, C), the ground truth of the
translation benchmarks: the translators must find them from unpaired or paired examples."""

import numpy as np


def _gamma(x, gamma):
    return 2.0 * np.power(np.clip((x + 1.0) / 2.0, 0.0, 1.0), gamma) - 1.0


def _affine(x, scale, offset):
    return scale * x + offset


def _shift(x, dy, dx):
    return np.roll(x, (int(dy), int(dx)), axis=(-3, -2))


def _permute_channels(x, order):
    order = list(order)
    if x.shape[-1] != len(order) or sorted(order) != list(range(len(order))):
        raise ValueError(f"`order` {order} must permute the {x.shape[-1]} channels of the "
                         f"images.")
    return x[..., order]


#: invertible mappings of images (N, H, W, C) in [-1, 1]: name -> (function, default parameters)
IMAGE_MAPPINGS = {
    "invert": (lambda x: -x, {}),
    "gamma": (_gamma, {"gamma": 0.5}),
    "affine": (_affine, {"scale": 0.6, "offset": -0.3}),
    "hflip": (lambda x: x[..., :, ::-1, :], {}),
    "vflip": (lambda x: x[..., ::-1, :, :], {}),
    "rot90": (lambda x, k=1: np.rot90(x, k, axes=(-3, -2)), {"k": 1}),
    "transpose": (lambda x: np.swapaxes(x, -3, -2), {}),
    "shift": (_shift, {"dy": 2, "dx": 3}),
    "permute_channels": (_permute_channels, {"order": [1, 2, 0]}),
}


def image_mapping(mapping):
    """A known invertible mapping of images in [-1, 1], as a function of NumPy arrays.

    Args:
        mapping: a name of `IMAGE_MAPPINGS` ("invert", "gamma", "affine", "hflip", "vflip",
            "rot90", "transpose", "shift", "permute_channels"), or a dict `{"name": ...,
            **parameters}` (e.g. `{"name": "gamma", "gamma": 2.0}`, `{"name": "rot90", "k": 3}`,
            `{"name": "shift", "dy": -1, "dx": 2}` (cyclic), `{"name": "affine", "scale": 0.5,
            "offset": 0.2}`, `{"name": "permute_channels", "order": [2, 0, 1]}`).

    Example:
        >>> f = image_mapping({"name": "gamma", "gamma": 2.0})
        >>> f(np.array([[[[-1.0], [0.0], [1.0]]]])).ravel().tolist()
        [-1.0, -0.5, 1.0]
    """
    spec = {"name": mapping} if isinstance(mapping, str) else dict(mapping or {})
    name = spec.pop("name", None)
    if name not in IMAGE_MAPPINGS:
        raise ValueError(f"Unknown image mapping {name!r}; expected one of "
                         f"{', '.join(sorted(IMAGE_MAPPINGS))} (a name or a dict with 'name').")
    function, defaults = IMAGE_MAPPINGS[name]
    unknown = sorted(set(spec) - set(defaults))
    if unknown:
        raise ValueError(f"Image mapping {name!r} takes {sorted(defaults) or 'no parameters'}; "
                         f"got {unknown}.")
    params = dict(defaults, **spec)
    return lambda images: np.ascontiguousarray(
        function(np.asarray(images, np.float32), **params), dtype=np.float32)


def mapping_name(mapping):
    """A short label of a mapping spec, e.g. 'gamma(gamma=2.0)'."""
    if isinstance(mapping, str):
        return mapping
    spec = dict(mapping)
    name = spec.pop("name")
    return f"{name}({', '.join(f'{k}={v}' for k, v in sorted(spec.items()))})" if spec else name

