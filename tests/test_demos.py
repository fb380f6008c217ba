"""The lecture's demonstrations: the optimal discriminator and W vs JS on parallel lines."""

import numpy as np

from kerasgen import demos


def test_trained_discriminator_approaches_the_optimal_one():
    result = demos.optimal_discriminator(steps=800, seed=0)
    error = np.abs(result["learned"] - result["optimal"])
    weight = result["weight"]
    assert (error * weight).sum() / weight.sum() < 0.04   # density-weighted mean error
    assert error[weight > 0.05].max() < 0.12             # everywhere the densities matter
    # D* crosses 1/2 where the densities are equal; where both matter, the learned D crosses
    # within 0.2 of that point
    bulk = weight > 0.05
    x = result["x"][bulk]
    cross_opt = x[np.argmin(np.abs(result["optimal"][bulk] - 0.5))]
    cross_learned = x[np.argmin(np.abs(result["learned"][bulk] - 0.5))]
    assert abs(cross_opt - cross_learned) < 0.2


def test_wasserstein_grows_with_theta_while_js_saturates():
    result = demos.parallel_lines(thetas=(0.0, 0.5, 1.0, 2.0), steps=300, seed=0)
    w, js = result["w_estimate"], result["js_estimate"]
    assert np.all(np.diff(w) > 0), w                          # monotone in |theta|
    assert abs(w[0]) < 0.02 * w[-1]                           # W(P_0, P_0) = 0
    assert 1.6 < w[2] / w[1] < 2.4, w                         # about linear: W(1) ~ 2 W(0.5)
    assert abs(js[0]) < 0.02                                   # JS(P_0, P_0) = 0
    assert np.all(np.abs(js[1:] - np.log(2)) < 0.01), js       # saturated at log 2
    assert np.ptp(js[1:]) < 0.005                              # no signal about theta
