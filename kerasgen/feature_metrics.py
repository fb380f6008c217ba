"""Sample-quality metrics on feature arrays, and the feature extractors that produce them.

All functions take two arrays of features, shape (n, d), computed in float64 with NumPy/SciPy.

* Fréchet distance (Heusel et al. 2017, "FID" with Inception features):
  ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)). The trace of the matrix square root is
  computed as the sum of square roots of the eigenvalues of S_a^(1/2) S_b S_a^(1/2), a symmetric
  positive semi-definite matrix with the same eigenvalues as S_a S_b (stable and real).
* KID (Bińkowski et al. 2018): the unbiased estimate of MMD^2 with the cubic polynomial kernel
  k(x, y) = (x.y / d + 1)^3, averaged over random subsets.
* Precision / recall (Kynkäänniemi et al. 2019): the real (fake) manifold is the union of balls
  around each real (fake) feature with radius the distance to its k-th nearest neighbour;
  precision = fraction of fake features inside the real manifold, recall = fraction of real
  features inside the fake manifold. k = 3.
* Density / coverage (Naeem et al. 2020), k = 5: density = (1 / kM) sum_j sum_i
  1[Y_j in B(X_i, NND_k(X_i))]; coverage = (1 / N) sum_i 1[exists j: Y_j in B(X_i, NND_k(X_i))].
"""

import collections

import numpy as np

PrecisionRecall = collections.namedtuple("PrecisionRecall", ["precision", "recall"])
DensityCoverage = collections.namedtuple("DensityCoverage", ["density", "coverage"])
KID = collections.namedtuple("KID", ["mean", "std"])


def _features(x, name):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"`{name}` must be a 2-D array of features (n, d), got shape {x.shape}.")
    if len(x) < 2:
        raise ValueError(f"`{name}` needs at least 2 feature vectors, got {len(x)}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"`{name}` contains NaN or infinite values.")
    return x


def _check_pair(a, b, names=("a", "b")):
    a, b = _features(a, names[0]), _features(b, names[1])
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"Feature sizes differ: `{names[0]}` has {a.shape[1]}, "
                         f"`{names[1]}` has {b.shape[1]}.")
    return a, b


def _sqrt_psd(matrix):
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def frechet_distance(a, b):
    """Fréchet distance between Gaussians fitted to two feature sets (FID on Inception features)."""
    a, b = _check_pair(a, b)
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    cov_a, cov_b = np.atleast_2d(cov_a), np.atleast_2d(cov_b)
    root_a = _sqrt_psd(cov_a)
    middle = root_a @ cov_b @ root_a
    eig = np.linalg.eigvalsh((middle + middle.T) / 2.0)
    trace_sqrt = np.sqrt(np.clip(eig, 0.0, None)).sum()
    diff = mu_a - mu_b
    return float(diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_sqrt)


def _polynomial_kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def mmd2_unbiased(x, y):
    """Unbiased MMD^2 of two samples with the cubic polynomial kernel."""
    m, n = len(x), len(y)
    k_xx, k_yy, k_xy = _polynomial_kernel(x, x), _polynomial_kernel(y, y), _polynomial_kernel(x, y)
    sum_xx = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    sum_yy = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return float(sum_xx + sum_yy - 2.0 * k_xy.mean())


def kid(a, b, num_subsets=100, subset_size=1000, seed=0):
    """Kernel Inception Distance: mean and std of unbiased MMD^2 over random subsets."""
    a, b = _check_pair(a, b)
    size = min(subset_size, len(a), len(b))
    rng = np.random.default_rng(seed)
    values = [mmd2_unbiased(a[rng.choice(len(a), size, replace=False)],
                            b[rng.choice(len(b), size, replace=False)])
              for _ in range(num_subsets)]
    return KID(float(np.mean(values)), float(np.std(values)))


def _sq_norms(x):
    return np.einsum("ij,ij->i", x, x)


def pairwise_distances(x, y, chunk=2048):
    """Euclidean distances (len(x), len(y)), computed in row chunks to bound memory."""
    out = np.empty((len(x), len(y)), dtype=np.float64)
    y_norms = _sq_norms(y)
    for i in range(0, len(x), chunk):
        block = x[i:i + chunk]
        d2 = _sq_norms(block)[:, None] + y_norms[None, :] - 2.0 * block @ y.T
        out[i:i + chunk] = np.sqrt(np.clip(d2, 0.0, None))
    return out


def knn_radii(x, k, chunk=2048):
    """Distance from each point of x to its k-th nearest *other* point of x."""
    if k >= len(x):
        raise ValueError(f"`k`={k} must be smaller than the number of points ({len(x)}).")
    radii = np.empty(len(x))
    norms = _sq_norms(x)
    for i in range(0, len(x), chunk):
        block = x[i:i + chunk]
        d2 = np.clip(norms[i:i + chunk, None] + norms[None, :] - 2.0 * block @ x.T, 0.0, None)
        # index k (0-based) skips the point itself at distance 0
        radii[i:i + chunk] = np.sqrt(np.partition(d2, k, axis=1)[:, k])
    return radii


def _inside_counts(points, centres, radii, chunk=2048):
    """For each point, how many balls B(centre_i, radius_i) contain it."""
    counts = np.zeros(len(points), dtype=np.int64)
    for i in range(0, len(points), chunk):
        d = pairwise_distances(points[i:i + chunk], centres)
        counts[i:i + chunk] = (d <= radii[None, :]).sum(axis=1)
    return counts


def precision_recall(real, fake, k=3):
    """Improved precision and recall (Kynkäänniemi et al. 2019) with k-NN manifolds."""
    real, fake = _check_pair(real, fake, ("real", "fake"))
    precision = float(np.mean(_inside_counts(fake, real, knn_radii(real, k)) > 0))
    recall = float(np.mean(_inside_counts(real, fake, knn_radii(fake, k)) > 0))
    return PrecisionRecall(precision, recall)


def density_coverage(real, fake, k=5):
    """Density and coverage (Naeem et al. 2020) with k-NN balls around the real features."""
    real, fake = _check_pair(real, fake, ("real", "fake"))
    radii = knn_radii(real, k)
    density = float(_inside_counts(fake, real, radii).sum() / (k * len(fake)))
    # coverage: real points whose own ball contains at least one fake point
    nearest_fake = np.empty(len(real))
    for i in range(0, len(real), 2048):
        nearest_fake[i:i + 2048] = pairwise_distances(real[i:i + 2048], fake).min(axis=1)
    coverage = float(np.mean(nearest_fake <= radii))
    return DensityCoverage(density, coverage)


# ---------------------------------------------------------------------------------- extractors
DIGITS_CLASSIFIER = "digits_classifier"


def digits_classifier(num_classes=10):
    """A small CNN for 8x8 digits in [-1, 1]; its 128-unit `features` layer feeds the metrics."""
    import keras

    x = keras.Input((8, 8, 1), name="image")
    h = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    h = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(h)
    h = keras.layers.MaxPooling2D()(h)
    h = keras.layers.Conv2D(64, 3, padding="same", activation="relu")(h)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dense(128, activation="relu", name="features")(h)
    h = keras.layers.Dropout(0.3)(h)
    logits = keras.layers.Dense(num_classes, name="logits")(h)
    return keras.Model(x, logits, name="digits_classifier")


def _digits_classifier_dir():
    from kerasgen import presets

    return presets.shipped_preset_dir(DIGITS_CLASSIFIER)


def train_digits_classifier(out_dir=None, epochs=60, seed=0, verbose=0):
    """Trains the digits feature extractor on the train+val splits; returns (model, test accuracy).

    With `out_dir`, writes `model.weights.h5` and `metadata.json` (with the test accuracy) there,
    atomically. `python -m kerasgen.feature_metrics` re-creates the shipped weights.
    """
    import json

    import keras

    from kerasgen import data as data_lib
    from kerasgen.models.base import write_atomically

    keras.utils.set_random_seed(seed)
    x_tr, y_tr = data_lib.load_digits_array("train", raw=False)
    x_va, y_va = data_lib.load_digits_array("val", raw=False)
    x_te, y_te = data_lib.load_digits_array("test", raw=False)
    x_fit = np.concatenate([x_tr, x_va])[..., None]
    y_fit = np.concatenate([y_tr, y_va])
    model = digits_classifier()
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x_fit, y_fit, batch_size=64, epochs=epochs, verbose=verbose, shuffle=True)
    accuracy = float(np.mean(np.argmax(model.predict(x_te[..., None], verbose=0), 1) == y_te))
    if out_dir is not None:
        def writer(tmp):
            import os

            os.makedirs(tmp)
            clean = digits_classifier()  # the weights alone, without optimizer state
            clean.set_weights(model.get_weights())
            clean.save_weights(os.path.join(tmp, "model.weights.h5"))
            with open(os.path.join(tmp, "metadata.json"), "w") as f:
                json.dump({"test_accuracy": accuracy, "train": "digits train+val (1350)",
                           "test": "digits test (447)", "epochs": epochs, "seed": seed,
                           "command": "python -m kerasgen.feature_metrics"}, f, indent=1)

        write_atomically(out_dir, writer)
    return model, accuracy


_EXTRACTORS = {}


def digits_extractor():
    """Returns a function images -> 128-d features from the shipped digits classifier.

    Images of any size and 1 or 3 channels in [-1, 1] are converted to grey and resized to 8x8.
    """
    if "digits" not in _EXTRACTORS:
        import os

        import keras

        path = os.path.join(_digits_classifier_dir(), "model.weights.h5")
        if not os.path.isfile(path):
            raise FileNotFoundError(f"The digits classifier weights are missing at {path!r}; "
                                    "re-create them with `python -m kerasgen.feature_metrics`.")
        model = digits_classifier()
        model.load_weights(path)
        _EXTRACTORS["digits"] = keras.Model(model.input, model.get_layer("features").output)
    net = _EXTRACTORS["digits"]

    def extract(images, batch_size=512):
        import tensorflow as tf

        images = np.asarray(images, dtype=np.float32)
        if images.ndim == 3:
            images = images[..., None]
        if images.shape[-1] == 3:
            images = images.mean(axis=-1, keepdims=True)
        if images.shape[1:3] != (8, 8):
            images = tf.image.resize(images, (8, 8), method="area", antialias=True).numpy()
        return net.predict(images, batch_size=batch_size, verbose=0)

    return extract


INCEPTION_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"


def inception_extractor(weights="imagenet"):
    """Returns a function images -> 2048-d InceptionV3 pool features (the FID network).

    Images in [-1, 1] (Inception's own input range), any size, 1 or 3 channels, are resized to
    299x299. `weights="imagenet"` has Keras fetch its ImageNet weights once into
    `~/.keras/models/` (a path to that file works too; `None` gives random weights, as the tests
    use, since nothing can be downloaded there). These are Keras's InceptionV3 weights, not the
    2015 TensorFlow graph of the original FID code, so values are comparable between kerasgen
    runs but close to, not equal to, published FIDs.
    """
    import keras
    import tensorflow as tf

    try:
        net = keras.applications.InceptionV3(include_top=False, pooling="avg", weights=weights,
                                             input_shape=(299, 299, 3))
    except Exception as e:  # a failed download surfaces as a bare Exception from get_file
        if weights != "imagenet":
            raise
        raise RuntimeError(
            f"The InceptionV3 ImageNet weights for FID could not be loaded ({e}). Offline, put "
            f"{INCEPTION_WEIGHTS_FILE} in ~/.keras/models/ or pass its path as `weights=`; or "
            "use extractor='digits' for the digits models.") from e

    def extract(images, batch_size=64):
        outputs = []
        for i in range(0, len(images), batch_size):
            batch = np.asarray(images[i:i + batch_size], dtype=np.float32)
            if batch.ndim == 3:
                batch = batch[..., None]
            if batch.shape[-1] == 1:
                batch = np.repeat(batch, 3, axis=-1)
            batch = tf.image.resize(batch, (299, 299), method="bilinear").numpy()
            outputs.append(net.predict(batch, verbose=0))
        return np.concatenate(outputs)

    return extract


def get_extractor(extractor):
    """"digits", "inception", or any callable images -> features."""
    if callable(extractor):
        return extractor
    table = {"digits": digits_extractor, "inception": inception_extractor}
    if extractor not in table:
        raise ValueError(f"Unknown feature extractor {extractor!r}; expected 'digits', "
                         "'inception' or a callable.")
    return table[extractor]()


def image_metrics(real_images, fake_images, extractor="digits", kid_subset_size=1000):
    """FD, KID, precision/recall (k=3) and density/coverage (k=5) of two image sets."""
    extract = get_extractor(extractor)
    real, fake = extract(real_images), extract(fake_images)
    kid_value = kid(real, fake, subset_size=kid_subset_size)
    pr = precision_recall(real, fake, k=3)
    dc = density_coverage(real, fake, k=5)
    return {"fd": frechet_distance(real, fake), "kid": kid_value.mean, "kid_std": kid_value.std,
            "precision": pr.precision, "recall": pr.recall, "density": dc.density,
            "coverage": dc.coverage}


if __name__ == "__main__":
    _, acc = train_digits_classifier(_digits_classifier_dir(), verbose=0)
    print(f"digits classifier test accuracy: {acc:.4f} (written to {_digits_classifier_dir()})")
