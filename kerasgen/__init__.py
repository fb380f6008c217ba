"""kerasgen: a TensorFlow/Keras model zoo of classic generative models.

Every family is a `keras.Model` that trains with `model.fit`, saves with `model.save`, exports a
SavedModel for TF Serving with `model.export`, and trains under `tf.distribute` strategies.
kerasgen needs Keras 3 with the TensorFlow backend (checked on import, see `kerasgen.backend`).

Example:
    >>> import kerasgen
    >>> model = kerasgen.load("dcgan_digits")      # shipped weights, offline
    >>> model.generate(64, seed=0).shape
    (64, 16, 16, 1)
"""

from kerasgen.version import __version__  # noqa: F401
from kerasgen import backend as _backend

_backend.check_backend()

from kerasgen import (callbacks, convert, data, figures, losses, metrics,  # noqa: E402,F401
                      models, optimizers, recipes)
from kerasgen.models import (DCGAN, GAN, VAE, WGAN, WGANGP, CycleGAN,  # noqa: E402,F401
                             DensityModel, GenerativeModel, MixtureModel, NADE, Pix2Pix, RBM)
from kerasgen.models import (SRGAN, FrameGAN, FramePredictor, SRResNet)  # noqa: E402,F401
from kerasgen.preset_format import save_preset  # noqa: E402,F401
from kerasgen.recipes import list_models, load  # noqa: E402,F401
