"""Mode coverage (PacGAN protocol) on true and collapsed samples."""

import numpy as np
import pytest

from kerasgen import data, metrics


def test_true_samples_reach_the_ceiling():
    result = metrics.mode_coverage(data.toy_samples("grid25", 2500, seed=0), "grid25")
    assert result.modes == 25
    # 3 std in 2-D keeps P(chi2_2 <= 9) = 1 - exp(-4.5) = 98.9% of the samples
    assert abs(result.high_quality - (1 - np.exp(-4.5))) < 0.01
    assert result.reverse_kl < 0.02
    ring = metrics.mode_coverage(data.toy_samples("ring8", 2500, seed=1), "ring8")
    assert ring.modes == 8 and ring.high_quality > 0.97


def test_collapsed_samples():
    grid = data.toy_mixture("grid25")
    means, std = grid.means, grid.std[0]
    collapsed = means[7] + std * np.random.default_rng(0).normal(size=(2500, 2)) * 0.5
    result = metrics.mode_coverage(collapsed, "grid25")
    assert result.modes == 1
    assert np.isclose(result.reverse_kl, np.log(25))
    assert result.counts[7] == result.counts.sum()


def test_hand_counted_example():
    ring = data.toy_mixture("ring8")
    means, std = ring.means, ring.std[0]
    samples = np.array([means[0], means[0], means[1], means[1] + 10 * std, [5.0, 5.0]])
    result = metrics.mode_coverage(samples, "ring8")
    assert result.modes == 2 and np.isclose(result.high_quality, 3 / 5)
    p = np.array([2 / 3, 1 / 3])
    assert np.isclose(result.reverse_kl, np.sum(p * np.log(p * 8)))
    far = metrics.mode_coverage(np.full((3, 2), 9.0), "ring8")
    assert far.modes == 0 and far.reverse_kl == float("inf")
    with pytest.raises(ValueError, match="samples"):
        metrics.mode_coverage(np.zeros((3, 3)), "ring8")


def test_other_mixtures_per_mode_std_and_weights():
    mixture = {"means": [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]], "std": [0.1, 1.0, 0.1],
               "weights": [0.5, 0.25, 0.25]}
    # 0.5 lies within 3 std of mode 1 (std 1) but not of mode 0 (std 0.1)
    samples = np.array([[0.05, 0.0], [0.5, 0.0], [10.5, 0.0], [12.0, 0.0], [0.0, 9.5]])
    result = metrics.mode_coverage(samples, mixture)
    assert result.counts.tolist() == [1, 2, 0] and result.modes == 2
    assert np.isclose(result.high_quality, 3 / 5)
    p = np.array([1 / 3, 2 / 3])  # against the mixture's weights, not uniform ones
    assert np.isclose(result.reverse_kl, np.sum(p * np.log(p / np.array([0.5, 0.25]))))
    true = metrics.mode_coverage(data.toy_samples(mixture, 3000, seed=0), mixture)
    assert true.modes == 3 and true.reverse_kl < 0.01 and true.high_quality > 0.97
