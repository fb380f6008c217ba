"""Evaluation metrics, one package.

* `modes`: mode coverage of Gaussian mixtures (PacGAN protocol).
* `features`: Fréchet distance, KID, precision/recall, density/coverage on feature arrays.
* `extractors`: the digits classifier and InceptionV3 feature extractors, and `image_metrics`.
* `mnist_classifier`: the 28 px MNIST classifier (features for the metrics, class shares).
* `image_quality`: full-reference PSNR, SSIM (`tf.image`, luma, border crop) and sharpness
  (gradient magnitude relative to the truth; Mathieu et al.'s sharpness difference).

The VAE's importance-weighted log-likelihood is `kerasgen.models.VAE.log_likelihood`.
"""

from kerasgen.metrics.extractors import (digits_extractor, get_extractor,  # noqa: F401
                                         image_metrics, inception_extractor)
from kerasgen.metrics.features import (density_coverage, frechet_distance, kid,  # noqa: F401
                                       precision_recall)
from kerasgen.metrics.image_quality import (gradient_magnitude, luma, psnr,  # noqa: F401
                                            quality_metrics, relative_sharpness,
                                            sharpness_difference, ssim)
from kerasgen.metrics.mnist_classifier import (class_shares, classify_mnist,  # noqa: F401
                                               mnist_extractor)
from kerasgen.metrics.modes import ModeCoverage, mode_coverage  # noqa: F401
