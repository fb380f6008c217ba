"""(low-resolution, high-resolution) pairs: the natural photographs bundled in the scikit-image and
scikit-learn wheels, or a TensorFlow Datasets super-resolution set such as DIV2K."""

import os

import numpy as np
import tensorflow as tf

from kerasgen.data.pipeline import AUTOTUNE
from kerasgen.utils import check_positive_int


#: sample images. Split by image: the test images are never seen in training.
NATURAL_IMAGES = {
    "train": ("rocket", "hubble_deep_field", "immunohistochemistry", "retina", "motorcycle",
              "brick", "grass", "gravel", "coins", "moon", "page", "text", "cell", "china",
              "flower"),
    "test": ("astronaut", "camera", "chelsea", "coffee"),
}
_SKIMAGE_FILES = {
    "astronaut": "astronaut.png", "camera": "camera.png", "chelsea": "chelsea.png",
    "coffee": "coffee.png", "rocket": "rocket.jpg", "hubble_deep_field": "hubble_deep_field.jpg",
    "immunohistochemistry": "ihc.png", "retina": "retina.jpg", "motorcycle":
    "motorcycle_left.png", "brick": "brick.png", "grass": "grass.png", "gravel": "gravel.png",
    "coins": "coins.png", "moon": "moon.png", "page": "page.png", "text": "text.png",
    "cell": "cell.png",
}
_NATURAL_CACHE = {}


def natural_image(name):
    """One bundled natural image as a uint8 RGB array (H, W, 3); grey images are repeated.

    Example:
        >>> natural_image("astronaut").shape
        (512, 512, 3)
    """
    if name not in _NATURAL_CACHE:
        if name in ("china", "flower"):
            from sklearn.datasets import load_sample_image

            image = load_sample_image(f"{name}.jpg")
        elif name in _SKIMAGE_FILES:
            try:
                import skimage.data
            except ImportError as e:
                raise ImportError("The bundled natural images need scikit-image "
                                  "(pip install scikit-image).") from e
            path = os.path.join(os.path.dirname(skimage.data.__file__), _SKIMAGE_FILES[name])
            if not os.path.isfile(path):
                raise FileNotFoundError(f"{path!r} is not in this scikit-image wheel; kerasgen "
                                        "reads only the bundled images and never downloads.")
            from PIL import Image

            with Image.open(path) as im:
                image = np.asarray(im.convert("RGB"))
        else:
            known = sorted(NATURAL_IMAGES["train"] + NATURAL_IMAGES["test"])
            raise ValueError(f"Unknown natural image {name!r}; expected one of {known}.")
        _NATURAL_CACHE[name] = np.asarray(image, dtype=np.uint8)
    return _NATURAL_CACHE[name]


def natural_images(split="train"):
    """The bundled natural images of a split as a list of uint8 RGB arrays of various sizes."""
    if split not in NATURAL_IMAGES:
        raise ValueError(f"Unknown natural-images split {split!r}; expected one of "
                         f"{sorted(NATURAL_IMAGES)}.")
    return [natural_image(name) for name in NATURAL_IMAGES[split]]


def downscale(images, scale):
    """Bicubic downsampling with antialiasing (as MATLAB's imresize), quantized to 8 bits.

    `images` (N, H, W, C) in [-1, 1] with H and W multiples of `scale`; returns (N, H/s, W/s, C).
    """
    images = tf.convert_to_tensor(images, tf.float32)
    h, w = int(images.shape[1]), int(images.shape[2])
    if h % scale or w % scale:
        raise ValueError(f"Image size {(h, w)} is not a multiple of the scale {scale}.")
    small = tf.image.resize((images + 1.0) / 2.0, (h // scale, w // scale), method="bicubic",
                            antialias=True)
    return tf.round(tf.clip_by_value(small, 0.0, 1.0) * 255.0) / 127.5 - 1.0


def bicubic_upscale(images, scale):
    """Bicubic upsampling by `scale` (the super-resolution baseline), clipped to [-1, 1]."""
    images = tf.convert_to_tensor(images, tf.float32)
    h, w = int(images.shape[1]), int(images.shape[2])
    up = tf.image.resize(images, (h * scale, w * scale), method="bicubic")
    return tf.clip_by_value(up, -1.0, 1.0)


def super_resolution(split="train", scale=4, patch_size=96, batch_size=16, seed=None,
                     repeat=False, num_patches=None, min_patch_std=0.0):
    """(low-resolution, high-resolution) pairs of the bundled natural images, in [-1, 1].

    Training patches are random `patch_size` crops (HR) of a uniformly chosen training image,
    with random horizontal and vertical flips and 90-degree rotations; the LR input is the patch
    downscaled by `scale` (`downscale`: bicubic with antialiasing, 8-bit). The stream is endless
    unless `num_patches` is given; it is seeded. The test images are evaluated whole
    (`kerasgen.evaluation`), never cropped here.

    Args:
        split: "train" or "test" (test crops are for quick checks only).
        scale: the upscaling factor (4 in the paper).
        patch_size: HR crop side, a multiple of `scale` (96 in the paper).
        num_patches: None for an endless stream, else the number of patches.
        min_patch_std: crops whose standard deviation (in 8-bit levels, 0-255) is below this
            are drawn again: flat sky, blank paper and dark background teach the network
            nothing but cost a step (0: keep every crop).

    Example:
        >>> lr, hr = next(iter(super_resolution(scale=4, patch_size=32, batch_size=2, seed=0)))
        >>> lr.shape, hr.shape
        (TensorShape([2, 8, 8, 3]), TensorShape([2, 32, 32, 3]))
    """
    scale = check_positive_int(scale, "scale")
    patch_size = check_positive_int(patch_size, "patch_size")
    if patch_size % scale:
        raise ValueError(f"`patch_size` {patch_size} must be a multiple of `scale` {scale}.")
    min_patch_std = float(min_patch_std)
    if not 0.0 <= min_patch_std < 128.0:
        raise ValueError(f"`min_patch_std` must be in [0, 128) 8-bit levels, got "
                         f"{min_patch_std}.")
    images = [im for im in natural_images(split) if min(im.shape[:2]) >= patch_size]
    if not images:
        raise ValueError(f"No {split} image is at least {patch_size} px on each side.")

    def patches():
        rng = np.random.default_rng(seed)
        count = rejected = 0
        while num_patches is None or count < num_patches:
            im = images[rng.integers(len(images))]
            y = rng.integers(im.shape[0] - patch_size + 1)
            x = rng.integers(im.shape[1] - patch_size + 1)
            patch = im[y:y + patch_size, x:x + patch_size]
            if min_patch_std and patch.std() < min_patch_std:
                rejected += 1
                if rejected >= 1000:
                    raise ValueError(f"1000 {split} crops in a row had a standard deviation "
                                     f"below `min_patch_std` {min_patch_std}; lower it.")
                continue
            rejected = 0
            if rng.random() < 0.5:
                patch = patch[:, ::-1]
            if rng.random() < 0.5:
                patch = patch[::-1]
            patch = np.rot90(patch, rng.integers(4))
            count += 1
            yield np.ascontiguousarray(patch)

    ds = tf.data.Dataset.from_generator(
        patches, output_signature=tf.TensorSpec((patch_size, patch_size, 3), tf.uint8))
    if repeat and num_patches is not None:
        ds = ds.repeat()
    ds = ds.batch(check_positive_int(batch_size, "batch_size"))

    def pair(hr):
        hr = tf.cast(hr, tf.float32) / 127.5 - 1.0
        return downscale(hr, scale), hr

    return ds.map(pair, num_parallel_calls=AUTOTUNE).prefetch(AUTOTUNE)


def super_resolution_tfds(name="div2k/bicubic_x4", split="train", scale=4, patch_size=96,
                          batch_size=16, seed=None, data_dir=None, download=True, repeat=False):
    """(LR, HR) random aligned crops of a tfds super-resolution dataset (`lr`/`hr` features),
    e.g. DIV2K (Agustsson & Timofte 2017) with its bicubic x4 LR images, in [-1, 1], with flips.

    Raises:
        RuntimeError: the dataset is neither in `data_dir` nor downloadable; the message says
            how to prepare it (`tfds build div2k/bicubic_x4 --data_dir=DIR`, then `--data=DIR`).
    """
    import tensorflow_datasets as tfds

    if patch_size % scale:
        raise ValueError(f"`patch_size` {patch_size} must be a multiple of `scale` {scale}.")
    try:
        ds = tfds.load(name, split=split, data_dir=data_dir, download=download,
                       shuffle_files=True)
    except Exception as e:  # offline: DatasetNotFoundError, or a failed download
        raise RuntimeError(
            f"tfds dataset {name!r} could not be loaded from data_dir={data_dir!r} "
            f"({type(e).__name__}: {str(e)[:200]}). Prepare it where there is internet with "
            f"`tfds build {name} --data_dir=DIR` and pass --data=DIR; the offline alternative "
            "is the bundled natural images (recipes srresnet_natural, srgan_natural).") from e
    lr_size = patch_size // scale
    seed_pair = (0 if seed is None else int(seed), 1)

    def crop(index, example):
        s = tf.random.experimental.stateless_fold_in(seed_pair, index)
        lr, hr = example["lr"], example["hr"]
        shape = tf.shape(lr)
        y = tf.random.stateless_uniform((), s, 0, shape[0] - lr_size + 1, tf.int32)
        x = tf.random.stateless_uniform((), s[::-1], 0, shape[1] - lr_size + 1, tf.int32)
        lr = lr[y:y + lr_size, x:x + lr_size]
        hr = hr[y * scale:(y + lr_size) * scale, x * scale:(x + lr_size) * scale]
        flip = tf.random.stateless_uniform((), s + 1) < 0.5
        lr, hr = tf.cond(flip, lambda: (lr[:, ::-1], hr[:, ::-1]), lambda: (lr, hr))
        return tf.cast(lr, tf.float32) / 127.5 - 1.0, tf.cast(hr, tf.float32) / 127.5 - 1.0

    ds = ds.enumerate().map(crop, num_parallel_calls=AUTOTUNE)
    if repeat:
        ds = ds.repeat()
    return ds.shuffle(256, seed=seed).batch(batch_size).prefetch(AUTOTUNE)

