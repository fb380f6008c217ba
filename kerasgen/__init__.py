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

import os as _os
import sys as _sys

from kerasgen.version import __version__  # noqa: F401
from kerasgen import backend as _backend


_loading = []  # non-empty while _import_library runs (the submodules it imports are not names)


def _import_library():
    """Imports TensorFlow (quietly, `kerasgen.backend`) and the library's public names."""
    if _loading:
        return
    _loading.append(True)
    _backend.check_backend()
    from kerasgen import (callbacks, convert, data, figures, losses, metrics,  # noqa: F401
                          models, optimizers, recipes)
    from kerasgen.models import (DCGAN, GAN, VAE, WGAN, WGANGP, CycleGAN,  # noqa: F401
                                 DensityModel, GenerativeModel, MixtureModel, NADE, Pix2Pix, RBM)
    from kerasgen.models import SRGAN, FrameGAN, FramePredictor, SRResNet  # noqa: F401
    from kerasgen.models import GSN, Flow, PixelCNN  # noqa: F401
    from kerasgen.preset_format import save_preset  # noqa: F401
    from kerasgen.recipes import list_models, load  # noqa: F401

    globals().update({k: v for k, v in locals().items() if not k.startswith("_")})


def _started_as_script():
    """True when this import is the parent package of a `kerasgen.cli` script starting
    (`python -m kerasgen.cli.X` or a `kerasgen-X` console script): the script parses its flags
    first and imports TensorFlow after (`kerasgen.cli.run`), so a mistyped flag answers at once.
    """
    argv = list(getattr(_sys, "orig_argv", ()))
    if "-m" in argv[:-1] and argv[argv.index("-m") + 1].startswith("kerasgen.cli."):
        return True
    return bool(_sys.argv) and _os.path.basename(_sys.argv[0]).startswith("kerasgen-")


if _started_as_script():
    _backend.check_backend_name()  # the wrong-backend error still comes first, and cheaply

    def __getattr__(name):
        if name.startswith("__") or _loading:
            raise AttributeError(f"module 'kerasgen' has no attribute {name!r}")
        _import_library()
        try:
            return globals()[name]
        except KeyError:
            raise AttributeError(f"module 'kerasgen' has no attribute {name!r}") from None
else:
    _import_library()
