"""Evaluation of a trained model by its recipe's `evaluation` spec (one registry lookup).

A recipe says how it is measured, e.g. `"evaluation": {"kind": "image_metrics", "split": "test"}`.
Kinds:

* `image_metrics`: FD, KID, precision/recall, density/coverage of generated digits against a
  digits split, with the shipped digits classifier as feature extractor; reported beside the
  *floor*, the same metrics between the test and train splits (what a perfect model scores).
* `mode_coverage`: the PacGAN protocol on a 2-D toy mixture (`kerasgen.metrics.mode_coverage`).
* `log_likelihood`: IWAE estimate of the test NLL of a VAE (`model.log_likelihood`).
* `translation`: L1 between a translation model's output and the known transform of the input.
"""

import numpy as np

from kerasgen import data as data_lib


def _digits_images(split, image_size):
    images, _ = data_lib.load_digits_array(split, raw=False)
    images = images[..., None]
    if image_size != 8:
        import tensorflow as tf

        images = (tf.clip_by_value(tf.image.resize((images + 1) / 2, (image_size, image_size),
                                                   antialias=True), 0, 1) * 2 - 1).numpy()
    return images


def evaluate_image_metrics(model, split="test", num_samples=None, seed=0, **_):
    from kerasgen import feature_metrics

    real = _digits_images(split, 8)
    fake = model.generate(num_samples or len(real), seed=seed)
    size = min(len(real), 1000)
    result = feature_metrics.image_metrics(real, fake, kid_subset_size=size)
    floor = feature_metrics.image_metrics(real, _digits_images("train", 8), kid_subset_size=size)
    result.update({f"floor_{k}": v for k, v in floor.items()})
    return result


def evaluate_mode_coverage(model, mixture, num_samples=2500, seed=0, **_):
    from kerasgen import metrics

    result = metrics.mode_coverage(model.generate(num_samples, seed=seed), mixture)
    return {"modes": result.modes, "high_quality": result.high_quality,
            "reverse_kl": result.reverse_kl, "counts": result.counts.tolist(),
            "num_samples": num_samples}


def evaluate_log_likelihood(model, split="test", num_samples=1000, **_):
    images, _ = data_lib.load_digits_array(split, raw=True)
    x = images[..., None]
    ll = model.log_likelihood(x, num_samples=num_samples)
    elbo = model.elbo(x) if hasattr(model, "elbo") else None
    out = {"nll_nats": float(-np.mean(ll)), "iwae_samples": num_samples}
    if elbo is not None:
        out["neg_elbo_nats"] = float(-np.mean(elbo))
    return out


def evaluate_translation(model, transform="invert", split="test", image_size=16, **_):
    images = next(iter(data_lib.digits(split, image_size=image_size, batch_size=2000,
                                       shuffle=False))).numpy()
    truth = data_lib.DIGIT_TRANSFORMS[transform](images)
    translated = model.translate(images, "x2y")
    out = {"l1_to_truth": float(np.mean(np.abs(translated - truth)))}
    if hasattr(model, "generator_f"):
        out["cycle_l1"] = float(np.mean(np.abs(model.translate(translated, "y2x") - images)))
    return out


EVALUATORS = {
    "translation": evaluate_translation,
    "image_metrics": evaluate_image_metrics,
    "mode_coverage": evaluate_mode_coverage,
    "log_likelihood": evaluate_log_likelihood,
}


def evaluate(model, spec):
    """Runs the evaluator a spec names; returns a dict of figures."""
    spec = dict(spec or {})
    kind = spec.pop("kind", None)
    if kind not in EVALUATORS:
        raise ValueError(f"Unknown evaluation kind {kind!r}; expected one of "
                         f"{sorted(EVALUATORS)}.")
    return EVALUATORS[kind](model, **spec)
