"""Feature-space metrics against independent references, and the feature extractors."""

import json
import os

import numpy as np
import pytest
import scipy.linalg
from scipy.spatial.distance import cdist

from kerasgen import data
from kerasgen.metrics import extractors, features as fm


def test_frechet_distance_matches_scipy_sqrtm_reference():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(600, 32))
    b = rng.normal(size=(500, 32)) @ rng.normal(size=(32, 32)) * 0.3 + 0.5
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(s_a @ s_b).real  # the classic (independent) computation
    reference = ((mu_a - mu_b) ** 2).sum() + np.trace(s_a + s_b - 2 * covmean)
    value = fm.frechet_distance(a, b)
    assert abs(value - reference) / reference < 1e-6
    assert abs(fm.frechet_distance(a, a)) < 1e-8
    # 1-D Gaussians by hand: (mu1 - mu2)^2 + (s1 - s2)^2
    x = np.array([[0.0], [2.0]])  # mean 1, unbiased var 2
    y = np.array([[3.0], [5.0], [7.0]])  # mean 5, var 4
    assert np.isclose(fm.frechet_distance(x, y), 16 + (np.sqrt(2) - 2) ** 2)


def test_mmd_by_hand_and_kid_unbiased():
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([[1.0, 1.0], [0.0, 0.0]])
    k = lambda u, v: (u @ v / 2 + 1) ** 3  # noqa: E731
    expected = (2 * k(x[0], x[1])) / 2 + (2 * k(y[0], y[1])) / 2 - 2 * np.mean(
        [k(u, v) for u in x for v in y])
    assert np.isclose(fm.mmd2_unbiased(x, y), expected)
    rng = np.random.default_rng(1)
    same = fm.kid(rng.normal(size=(3000, 16)), rng.normal(size=(3000, 16)), num_subsets=50,
                  subset_size=500)
    assert abs(same.mean) < 3 * same.std / np.sqrt(50) + 1e-4  # mean ~ 0: unbiased
    shifted = fm.kid(rng.normal(size=(2000, 16)), rng.normal(size=(2000, 16)) + 0.5,
                     num_subsets=20, subset_size=500)
    assert shifted.mean > 10 * same.std
    # a test set smaller than subset_size (447 digits): the subsets still differ, so the std is
    # a spread, not ~0 from drawing the whole set every time
    small = fm.kid(rng.normal(size=(447, 16)), rng.normal(size=(447, 16)) + 0.2, num_subsets=20)
    assert small.std > 1e-3 * abs(small.mean) and small.std > 1e-6


def test_precision_recall_density_coverage_match_brute_force():
    rng = np.random.default_rng(2)
    real, fake = rng.normal(size=(700, 20)), rng.normal(size=(600, 20)) * 1.3 + 0.2
    d_rr, d_ff, d_rf = cdist(real, real), cdist(fake, fake), cdist(real, fake)
    r3, f3 = np.sort(d_rr, 1)[:, 3], np.sort(d_ff, 1)[:, 3]
    pr = fm.precision_recall(real, fake, k=3)
    assert pr.precision == pytest.approx((d_rf <= r3[:, None]).any(0).mean())
    assert pr.recall == pytest.approx((d_rf <= f3[None, :]).any(1).mean())
    r5 = np.sort(d_rr, 1)[:, 5]
    dc = fm.density_coverage(real, fake, k=5)
    assert dc.density == pytest.approx((d_rf <= r5[:, None]).sum() / (5 * len(fake)))
    assert dc.coverage == pytest.approx((d_rf.min(1) <= r5).mean())


@pytest.mark.slow  # 24 s: the published anchor, in the extended tier
def test_published_sanity_anchor_standard_normal_1000d():
    """Naeem et al.'s example: 10,000 vs 10,000 samples of N(0, I) in 1000-D, k=5, gives
    precision 0.477, recall 0.471, density 1.056, coverage 0.974 "(may fluctuate)". Over
    independent draws we measured density 0.91-1.07 and coverage 0.956-0.974 (bench/), so
    the tolerances below are the draw-to-draw spread, not a fit to one draw."""
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(10000, 1000)), rng.normal(size=(10000, 1000))
    pr = fm.precision_recall(real, fake, k=5)
    dc = fm.density_coverage(real, fake, k=5)
    assert abs(pr.precision - 0.477) < 0.05 and abs(pr.recall - 0.471) < 0.05
    assert abs(dc.density - 1.0) < 0.15 and abs(dc.coverage - 0.974) < 0.03


def test_bad_feature_arrays_are_named():
    with pytest.raises(ValueError, match="`b`"):
        fm.frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="`real`"):
        fm.precision_recall(np.zeros(5), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="NaN"):
        fm.density_coverage(np.full((5, 2), np.nan), np.zeros((5, 2)))


def test_shipped_digits_classifier_accuracy_and_features():
    meta = json.load(open(os.path.join(extractors.digits_classifier_dir(), "metadata.json")))
    extract = extractors.digits_extractor()
    x_te, y_te = data.load_digits_array("test", raw=False)
    net = extractors.digits_classifier()
    net.load_weights(os.path.join(extractors.digits_classifier_dir(), "model.weights.h5"))
    accuracy = np.mean(np.argmax(net.predict(x_te[..., None], verbose=0), 1) == y_te)
    assert accuracy == pytest.approx(meta["test_accuracy"]) and accuracy > 0.95
    feats = extract(x_te)
    assert feats.shape == (447, 128)
    # resized RGB inputs go through the same path
    big = np.repeat(np.repeat(np.repeat(x_te[:4, :, :, None], 2, 1), 2, 2), 3, -1)
    assert extract(big).shape == (4, 128)


def test_digits_floor_is_far_below_noise():
    x_tr, _ = data.load_digits_array("train", raw=False)
    x_te, _ = data.load_digits_array("test", raw=False)
    noise = np.random.default_rng(0).uniform(-1, 1, size=x_te.shape).astype(np.float32)
    floor = extractors.image_metrics(x_te, x_tr, kid_subset_size=400)
    bad = extractors.image_metrics(x_te, noise, kid_subset_size=400)
    assert floor["fd"] < 0.1 * bad["fd"]
    assert floor["coverage"] > 0.8 > bad["coverage"]


def test_inception_path_and_pluggable_extractor():
    extract = extractors.get_extractor(lambda images: np.asarray(images).reshape(len(images), -1))
    x = np.random.default_rng(0).uniform(-1, 1, size=(40, 4, 4, 1))
    metrics = extractors.image_metrics(x, x + 0.01, extractor=extract, kid_subset_size=20)
    assert metrics["fd"] < 1e-2 and metrics["coverage"] == 1.0
    # InceptionV3 architecture as the FID extractor; weights=None because none can be
    # downloaded here (weights="imagenet" is the standard FID set-up).
    features = extractors.inception_extractor(weights=None)(x[:2])
    assert features.shape == (2, 2048)
    with pytest.raises(ValueError, match="extractor"):
        extractors.get_extractor("vgg")


def test_inception_weights_that_cannot_be_fetched_give_a_clear_error(monkeypatch):
    from keras.src.applications import inception_v3

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://example.invalid: None -- offline")

    monkeypatch.setattr(inception_v3.file_utils, "get_file", offline)
    with pytest.raises(RuntimeError, match=extractors.INCEPTION_WEIGHTS_FILE) as info:
        extractors.get_extractor("inception")
    assert "extractor='digits'" in str(info.value)
