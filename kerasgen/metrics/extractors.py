"""Feature extractors for the sample-quality metrics, and `image_metrics`.

* `digits_extractor()`: the 128-d `features` layer of a small CNN trained on the digits' train and
  val splits (97.1 % test accuracy); its weights ship beside this module, in
  `kerasgen/metrics/weights/digits_classifier` (the metric's own network, not a zoo model), and
  `python -m kerasgen.cli.train_digits_classifier` re-creates them. It lets the digits models be
  judged offline.
* `mnist_extractor()` (in `mnist_classifier.py`): the same for 28 px MNIST, trained on the 4,000
  training digits; weights in `kerasgen/metrics/weights/mnist_classifier`.
* `inception_extractor()`: InceptionV3's 2048-d pool features, the FID network.
* `image_metrics(real, fake, extractor)`: FD, KID, precision/recall and density/coverage of two
  image sets through an extractor.
"""

import numpy as np

from kerasgen.metrics.features import density_coverage, frechet_distance, kid, precision_recall

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


def digits_classifier_dir():
    """The folder of the shipped digits classifier's weights (inside this package)."""
    import os

    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights", DIGITS_CLASSIFIER)


def train_digits_classifier(out_dir=None, epochs=60, seed=0, verbose=0):
    """Trains the digits feature extractor on the train+val splits; returns (model, test accuracy).

    With `out_dir`, writes `model.weights.h5` and `metadata.json` (with the test accuracy) there,
    atomically. `python -m kerasgen.cli.train_digits_classifier` re-creates the shipped weights.
    """
    import json

    import keras

    from kerasgen import data as data_lib
    from kerasgen.utils import write_atomically

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
                           "command": "python -m kerasgen.cli.train_digits_classifier"}, f, indent=1)

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

        path = os.path.join(digits_classifier_dir(), "model.weights.h5")
        if not os.path.isfile(path):
            raise FileNotFoundError(f"The digits classifier weights are missing at {path!r}; "
                                    "re-create them with `python -m kerasgen.cli.train_digits_classifier`.")
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
    """"digits", "mnist" (the 28 px MNIST classifier, `kerasgen.metrics.mnist_classifier`),
    "inception", or any callable images -> features."""
    if callable(extractor):
        return extractor
    from kerasgen.metrics.mnist_classifier import mnist_extractor

    table = {"digits": digits_extractor, "mnist": mnist_extractor,
             "inception": inception_extractor}
    if extractor not in table:
        raise ValueError(f"Unknown feature extractor {extractor!r}; expected 'digits', "
                         "'mnist', 'inception' or a callable.")
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
