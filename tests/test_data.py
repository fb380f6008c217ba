"""tf.data builders: digits, toy mixtures, image folders (real files), tfds (mock data), NumPy."""

import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from kerasgen import data


def _all(ds):
    return np.concatenate([np.asarray(b) for b in ds], axis=0)


# ------------------------------------------------------------------------------------ digits
def test_digits_splits_follow_tomczak_sizes_and_order():
    from sklearn.datasets import load_digits

    originals = load_digits().images
    sizes = {}
    for split in ("train", "val", "test"):
        raw = _all(data.digits(split, raw=True, batch_size=500))
        sizes[split] = len(raw)
        assert raw.dtype == np.int32 and raw.min() >= 0 and raw.max() <= 16
    assert sizes == {"train": 1000, "val": 350, "test": 447}
    test_raw = _all(data.digits("test", raw=True, batch_size=1000))[..., 0]
    np.testing.assert_array_equal(test_raw, originals[1350:])


def test_digits_scaled_resized_and_channels():
    x = _all(data.digits("val", image_size=16, batch_size=100, channels=3))
    assert x.shape == (350, 16, 16, 3)
    assert x.min() >= -1.0 and x.max() <= 1.0
    x8 = _all(data.digits("val", batch_size=100))
    raw = _all(data.digits("val", batch_size=100, raw=True))
    np.testing.assert_allclose(x8, raw / 8.0 - 1.0, atol=1e-6)  # 0 -> -1, 16 -> +1
    images, labels = next(iter(data.digits("train", batch_size=10, with_labels=True,
                                           shuffle=False)))
    assert images.shape == (10, 8, 8, 1) and labels.shape == (10,)


def test_digits_bad_arguments():
    with pytest.raises(ValueError, match="split"):
        data.digits("training")
    with pytest.raises(ValueError, match="image_size"):
        data.digits(image_size=0)
    with pytest.raises(ValueError, match="channels"):
        data.digits(channels=2)


# ------------------------------------------------------------------------------------ toy
def test_toy_mixture_definitions():
    ring = data.toy_mixture("ring8")
    angles = np.arctan2(ring.means[:, 1], ring.means[:, 0]) % (2 * np.pi)
    np.testing.assert_allclose(np.sort(angles), 2 * np.pi * np.arange(8) / 8, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(ring.means, axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(ring.std, 0.01)
    grid = data.toy_mixture("grid25")
    assert sorted(set(grid.means[:, 0].tolist())) == [-4, -2, 0, 2, 4] and grid.num_modes == 25
    np.testing.assert_array_equal(grid.std, 0.05)
    np.testing.assert_allclose(grid.weights, 1 / 25)
    with pytest.raises(ValueError, match="grid9"):
        data.toy_mixture("grid9")


def test_any_mixture_of_isotropic_gaussians():
    custom = data.toy_mixture({"means": [[0, 0, 0], [5, 5, 5]], "std": [0.1, 0.3],
                               "weights": [3, 1]})
    assert custom.means.shape == (2, 3)
    np.testing.assert_allclose(custom.weights, [0.75, 0.25])
    pair = data.toy_mixture(([[1.0, 2.0]], 0.5))
    assert pair.num_modes == 1 and pair.std.tolist() == [0.5]
    x = _all(data.toy(custom, batch_size=1000, seed=3).take(4))
    near_first = np.linalg.norm(x, axis=1) < 2.0
    assert x.shape == (4000, 3)
    assert abs(near_first.mean() - 0.75) < 0.03  # the weights are honoured
    assert abs(x[near_first].std() - 0.1) < 0.01 and abs(x[~near_first].std() - 0.3) < 0.03
    for bad, match in (({"means": [[0, 0]]}, "std"), ({"means": [[0, 0]], "std": -1}, "positive"),
                       ({"means": [0, 0], "std": 1}, "means"),
                       ({"means": [[0, 0]], "std": 1, "weights": [1, 2]}, "weights")):
        with pytest.raises(ValueError, match=match):
            data.toy_mixture(bad)


@pytest.mark.parametrize("name", ["ring8", "grid25"])
def test_toy_stream_statistics(name):
    mixture = data.toy_mixture(name)
    means, std = mixture.means, mixture.std[0]
    for ds in (data.toy(name, batch_size=500, seed=1), data.toy(name, 500, num_samples=4000)):
        x = _all(ds.take(8))
        assert x.shape == (4000, 2)
        d = np.linalg.norm(x[:, None] - means[None], axis=-1)
        nearest = d.argmin(1)
        residual = x - means[nearest]
        assert abs(residual.std() - std) < 0.1 * std
        counts = np.bincount(nearest, minlength=len(means))
        assert counts.min() > 0.5 * 4000 / len(means)



def test_toy_stream_is_seeded_and_yields_points_or_batches():
    first = _all(data.toy("ring8", batch_size=64, seed=5).take(3))
    again = _all(data.toy("ring8", batch_size=64, seed=5).take(3))
    other = _all(data.toy("ring8", batch_size=64, seed=6).take(3))
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)
    assert not np.allclose(first[:64], first[64:128])  # each batch a fresh draw
    points = list(data.toy("ring8", batch_size=None, seed=5).take(3))
    assert [tuple(p.shape) for p in points] == [(2,)] * 3
    with pytest.raises(ValueError, match="batch_size"):
        data.toy("ring8", batch_size=0)

# ------------------------------------------------------------------------------------ folders
def _write(path, array, fmt):
    Image.fromarray(array).save(path, format=fmt)


def test_image_folder_reads_every_format_crops_and_scales(tmp_path):
    wide = np.zeros((20, 40, 3), np.uint8)
    wide[:, 10:30] = 255  # the central 20x20 square is white, the sides black
    _write(tmp_path / "a.png", wide, "PNG")
    _write(tmp_path / "b.jpg", wide, "JPEG")
    _write(tmp_path / "c.bmp", wide, "BMP")
    _write(tmp_path / "d.gif", wide, "GIF")
    os.makedirs(tmp_path / "sub")
    _write(tmp_path / "sub" / "e.png", np.full((8, 8, 3), 255, np.uint8), "PNG")
    (tmp_path / "notes.txt").write_text("not an image, ignored by extension")
    x = _all(data.image_folder(tmp_path, image_size=10, batch_size=2, shuffle=False))
    assert x.shape == (5, 10, 10, 3)
    np.testing.assert_allclose(x, 1.0, atol=0.05)  # centre crop keeps only the white square
    grey = _all(data.image_folder(tmp_path, image_size=(6, 4), channels=1, batch_size=8))
    assert grey.shape == (5, 6, 4, 1)


def test_image_folder_corrupt_file_is_named_or_skipped(tmp_path):
    _write(tmp_path / "good.png", np.zeros((8, 8, 3), np.uint8), "PNG")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is no jpeg")
    good = tmp_path / "good.png"
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(good.read_bytes()[:30])
    with pytest.raises(ValueError, match="broken.jpg"):
        data.image_folder(tmp_path, image_size=8)
    with pytest.warns(UserWarning, match="truncated.png"):
        ds = data.image_folder(tmp_path, image_size=8, on_error="skip")
    assert _all(ds).shape == (1, 8, 8, 3)
    # without the up-front check, bad files are dropped inside the pipeline
    unchecked = data.image_folder(tmp_path, image_size=8, on_error="skip", check="none")
    assert _all(unchecked).shape == (1, 8, 8, 3)
    with pytest.raises(ValueError, match="check"):
        data.image_folder(tmp_path, check="some")


def test_image_folder_empty_or_missing(tmp_path):
    with pytest.raises(ValueError, match="No image files"):
        data.image_folder(tmp_path)
    with pytest.raises(FileNotFoundError, match="nowhere"):
        data.image_folder(tmp_path / "nowhere")


# ------------------------------------------------------------------------------------ tfds
def test_from_tfds_with_mock_data():
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=12):
        ds = data.from_tfds("mnist", split="train", image_size=16, batch_size=4, channels=3)
        x = _all(ds)
    assert x.shape == (12, 16, 16, 3)
    assert x.min() >= -1.0 and x.max() <= 1.0


# ------------------------------------------------------------------------------------ numpy
def test_from_numpy_and_unpaired():
    arr = np.arange(12, dtype=np.uint8).reshape(6, 2) * 20
    x = _all(data.from_numpy(arr, batch_size=4, shuffle=False, value_range=(0, 255)))
    np.testing.assert_allclose(x, arr / 255.0 * 2 - 1, atol=1e-6)
    with pytest.raises(ValueError, match="empty"):
        data.from_numpy(np.zeros((0, 2)))
    ds_x = tf.data.Dataset.range(3)
    ds_y = tf.data.Dataset.range(10, 17)
    pairs = list(data.unpaired(ds_x, ds_y, seed=0).take(7).as_numpy_iterator())
    assert sorted(p[1] for p in pairs) == list(range(10, 17))
    assert {p[0] for p in pairs} <= {0, 1, 2}
