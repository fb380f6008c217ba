"""The density-model contract shared by the explicit families (mixtures, NADE, RBM, VAE).

An explicit density model assigns every example x a log-probability log p(x), reported in nats
per example. For discrete data (the 17 grey levels of the digits, binary pixels) p is a
probability mass, so -log p(x) is a code length and models are compared on held-out data by their
negative log-likelihood (NLL)

    NLL = -(1/n) sum_i log p(x_i),   standard error  sd_i(log p(x_i)) / sqrt(n).

Some families give log p(x) exactly (a mixture sums its components; NADE multiplies its
conditionals, Larochelle & Murray 2011); others only estimate it: the VAE by importance sampling
(Burda et al. 2016, a stochastic lower bound), the RBM up to its log partition function, which
annealed importance sampling estimates (Salakhutdinov & Murray 2008). `log_prob_report` says
which, by `method`, and carries the estimator's own standard error beside the sampling error of
the mean over examples.

`DensityModel` adds to `GenerativeModel`:

* `log_prob(x)` (NumPy, nats per example) and `log_prob_report(x)` (NLL, its standard error, the
  method, whether it is exact);
* `check_input(x)`: a wrong shape or a value outside the model's support (`support`: the integer
  levels 0..num_levels-1, the binary values {0, 1}, or real values) is refused with a
  `ValueError` naming the value, where it is and what is accepted;
* `sample(num_samples, seed)`: draws in the data's support (`generate` may return a family's
  picture instead, e.g. the VAE's likelihood mean);
* a `log_prob` serving signature (`x` -> `log_prob`) beside the family's others.
"""

import math

import numpy as np
import tensorflow as tf

from kerasgen.models.base import GenerativeModel
from kerasgen.utils import check_positive_int

SUPPORTS = ("categorical", "binary", "real")


def logmeanexp_standard_error(log_w):
    """`(log mean exp(log_w), its standard error)` for importance weights given as logs.

    The standard error of log(mean w) by the delta method, sd(w) / (sqrt(n) mean(w)), computed
    on weights scaled by their maximum so that nothing overflows.

    Example:
        >>> value, se = logmeanexp_standard_error(np.log([1.0, 3.0]))
        >>> round(float(value), 4), round(float(se), 4)
        (0.6931, 0.5)
    """
    log_w = np.asarray(log_w, dtype=np.float64)
    top = np.max(log_w)
    w = np.exp(log_w - top)
    mean = w.mean()
    se = w.std(ddof=1) / (math.sqrt(len(w)) * mean) if len(w) > 1 else float("nan")
    return float(top + np.log(mean)), float(se)


class DensityModel(GenerativeModel):
    """Base of the explicit density families (see the module docstring for the contract).

    Subclasses set `sample_shape`, `support` ("categorical", "binary" or "real") and, for
    "categorical", `num_levels`; they implement `_log_prob_batch(x)` (a float32 tensor (batch,)
    of log p(x) for a checked batch) and `sample`. Estimating families override
    `log_prob_method` and `log_prob_report`.
    """

    support = "real"
    num_levels = None
    #: how `log_prob` is computed: "exact", or the estimator's name
    log_prob_method = "exact"

    # ------------------------------------------------------------------ input checks
    @property
    def value_range(self):
        if self.support == "categorical":
            return (0.0, float(self.num_levels - 1))
        if self.support == "binary":
            return (0.0, 1.0)
        return (-1.0, 1.0)

    def check_input(self, x, name="x"):
        """Returns `x` as a NumPy array after checking its shape and support.

        Raises:
            ValueError: naming the shape, or the first value outside the support, its index and
                what the model accepts.
        """
        x = np.asarray(x)
        expected = tuple(self.sample_shape)
        if x.ndim != len(expected) + 1 or tuple(x.shape[1:]) != expected:
            raise ValueError(f"{type(self).__name__} expects `{name}` of shape (batch,) + "
                             f"{expected}, got {x.shape}.")
        if x.dtype == object or not (np.issubdtype(x.dtype, np.number)
                                     or x.dtype == np.bool_):
            raise ValueError(f"`{name}` must hold numbers, got dtype {x.dtype}.")
        x = x.astype(np.float64) if x.dtype == np.bool_ else x
        if self.support == "real":
            bad = ~np.isfinite(x)
            accepted = "finite real values"
        else:
            hi = self.num_levels - 1 if self.support == "categorical" else 1
            bad = ~np.isfinite(x) | (x != np.round(x)) | (x < 0) | (x > hi)
            accepted = (f"the integer levels 0..{hi}" if self.support == "categorical"
                        else "the binary values 0 and 1")
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(f"`{name}` holds the value {float(x[index]):g} at index {index}, "
                             f"outside the support of this {type(self).__name__}: it accepts "
                             f"{accepted}.")
        return x

    def _graph_support_check(self, x):
        """In-graph assertions of the support (what `check_input` says, inside `fit`)."""
        if self.support == "real":
            return x
        hi = self.num_levels - 1 if self.support == "categorical" else 1
        xf = tf.cast(x, tf.float32)
        accepted = (f"integer levels 0..{hi}" if self.support == "categorical"
                    else "binary values 0 and 1")
        checks = [
            tf.debugging.assert_greater_equal(xf, 0.0, message=f"{type(self).__name__}: "
                                              f"a value below 0; it accepts {accepted}"),
            tf.debugging.assert_less_equal(xf, float(hi), message=f"{type(self).__name__}: "
                                           f"a value above {hi}; it accepts {accepted}"),
        ]
        with tf.control_dependencies(checks):
            return tf.identity(x)

    # ------------------------------------------------------------------ log-probabilities
    def _log_prob_batch(self, x):
        raise NotImplementedError

    def log_prob(self, x, batch_size=500):
        """log p(x) per example, in nats, as a NumPy array of shape (n,).

        Args:
            x: a batch (n,) + sample_shape in the model's support.
            batch_size: examples evaluated at once.
        """
        x = self.check_input(x)
        batch_size = check_positive_int(batch_size, "batch_size")
        out = [np.asarray(self._log_prob_batch(tf.constant(x[i:i + batch_size], tf.float32)))
               for i in range(0, len(x), batch_size)]
        return np.concatenate(out).astype(np.float64)

    def log_prob_report(self, x, **kwargs):
        """The NLL of `x` in nats per example with its standard error and the method.

        Returns a dict: `nll_nats`, `nll_standard_error` (the spread over examples, and for
        estimates the estimator's own error, added in quadrature), `method`, `exact`,
        `num_examples`.
        """
        log_p = self.log_prob(x, **kwargs)
        return {"nll_nats": float(-np.mean(log_p)),
                "nll_standard_error": float(np.std(log_p, ddof=1) / math.sqrt(len(log_p))),
                "method": self.log_prob_method, "exact": self.log_prob_method == "exact",
                "num_examples": int(len(log_p))}

    # ------------------------------------------------------------------ sampling and serving
    def sample(self, num_samples, seed=None):
        """`num_samples` draws x ~ p(x) in the data's support (NumPy float32): by default
        `generate`, whose latents are the uniforms `generate_from_latents` transforms."""
        return self.generate(num_samples, seed=seed)

    #: the name of the `sample` signature's input: "u" for uniforms, "z" for a flow's base draws
    latent_name = "u"

    def serving_endpoints(self):
        """`log_prob` (x -> nats) and `sample` (latents of shape (n, latent_dim) named
        `latent_name` -> samples), for the families whose `generate_from_latents` maps their
        latents to exact draws."""

        def sample(latents):
            return {"samples": self.generate_from_latents(latents)}

        spec = tf.TensorSpec((None, self.latent_dim), tf.float32, name=self.latent_name)
        return {"log_prob": self.log_prob_endpoint(), "sample": (sample, [spec])}

    def log_prob_endpoint(self):
        """`(fn, [spec])` of the `log_prob` serving signature: `x` -> `log_prob` (nats)."""

        def serve(x):
            return {"log_prob": self._log_prob_batch(tf.cast(x, tf.float32))}

        spec = tf.TensorSpec((None,) + tuple(self.sample_shape), tf.float32, name="x")
        return serve, [spec]
