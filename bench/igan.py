"""iGAN on a shipped digits GAN: projection of held-out digits, and edits by a few strokes.

    python bench/igan.py [--model dcgan_digits] [--num 200] [--encoder_steps 2000]

Projection (Zhu et al. 2016, Sec. 3.2): each of the first `--num` test digits (16 px, never
seen in training) is projected by the encoder alone, by optimization from one random start, and
by the hybrid (encoder start, then optimization); the error is the mean squared pixel error in
[-1, 1] units, beside the error of the nearest training digit (the best a model that memorized
its training set could do).

Edits: for each test digit x of class a, a target class b != a is drawn (seeded). The "strokes"
are the `k` pixels where x differs most from the nearest class-b training digit, painted with
that digit's values (a person turning a 1 into a 7 draws the bar, not the whole 7). The edit
is judged by the shipped digits classifier (`kerasgen.metrics.extractors.digits_classifier`,
97.1 % test accuracy, on 8x8 area-downsampled images): the share of results it assigns to b,
for the iGAN edit (optimize z from the projection of x to match the strokes) against pasting the
same strokes onto the pixels; also the change outside the strokes.
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, write_result  # noqa: E402


def classifier():
    """The shipped digits classifier as images (any size, [-1, 1]) -> class probabilities."""
    from kerasgen.metrics import extractors

    model = extractors.digits_classifier()
    model.load_weights(os.path.join(extractors.digits_classifier_dir(), "model.weights.h5"))

    def probabilities(images):
        import tensorflow as tf

        small = tf.image.resize(np.asarray(images, np.float32), (8, 8), method="area",
                                antialias=True)
        return tf.nn.softmax(model.predict(small, batch_size=512, verbose=0)).numpy()

    return probabilities


def mean_se(values):
    values = np.asarray(values, np.float64)
    return f"{values.mean():.4f} ± {values.std(ddof=1) / np.sqrt(len(values)):.4f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="dcgan_digits", help="zoo name or preset directory")
    parser.add_argument("--num", type=int, default=200, help="held-out digits")
    parser.add_argument("--encoder_steps", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=300, help="projection updates")
    parser.add_argument("--edit_steps", type=int, default=200)
    parser.add_argument("--pixels", default="16,32", help="stroke sizes k (pixels of 256)")
    parser.add_argument("--smooth_weight", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--figure", default="docs/igan_digits.png",
                        help="examples of the first stroke size: digit, pasted strokes, edit")
    args = parser.parse_args()
    import keras

    import kerasgen
    from kerasgen import editing

    keras.utils.set_random_seed(args.seed)
    model = kerasgen.load(args.model)
    size = model.sample_shape[0]
    load = lambda split: tuple(np.stack(a) for a in zip(*kerasgen.data.digits(  # noqa: E731
        split, image_size=size, batch_size=None, with_labels=True,
        shuffle=False).as_numpy_iterator()))
    x_train, y_train = load("train")
    x_test, y_test = load("test")
    x, y = x_test[:args.num], y_test[:args.num]
    flat_train = x_train.reshape(len(x_train), -1)
    distances = ((x.reshape(len(x), -1)[:, None] - flat_train[None]) ** 2).mean(-1)
    nearest = distances.min(1)

    start = time.time()
    encoder = editing.train_encoder(model, steps=args.encoder_steps, seed=args.seed)
    encoder_s = time.time() - start
    rows, result = [], {"model": args.model, "num": len(x), "encoder_steps": args.encoder_steps,
                        "encoder_train_s": encoder_s}
    rows.append(["nearest training digit (1000)", "-", mean_se(nearest), "-", "-"])
    result["nearest_train_mse"] = float(nearest.mean())
    projections = {}
    for name, kwargs in [("encoder alone", {"encoder": encoder, "steps": 0}),
                         ("optimization, random start", {"steps": args.steps}),
                         ("hybrid: encoder, then optimization",
                          {"encoder": encoder, "steps": args.steps})]:
        editing.project(model, x[:2], **kwargs)  # trace outside the timing
        start = time.time()
        z, reconstruction = editing.project(model, x, **kwargs)
        seconds = (time.time() - start) / len(x)
        error = ((reconstruction - x) ** 2).reshape(len(x), -1).mean(-1)
        projections[name] = (z, reconstruction)
        rows.append([name, kwargs["steps"], mean_se(error),
                     f"{np.mean(error < nearest):.2f}", f"{1000 * seconds:.1f}"])
        result[name] = {"mse": float(error.mean()), "share_below_nearest":
                        float(np.mean(error < nearest)), "ms_per_image": 1000 * seconds}
    print(f"Projection of {len(x)} held-out test digits ({args.model}, {size} px; encoder "
          f"trained {args.encoder_steps} steps in {encoder_s:.0f} s; wall times on a shared "
          "CPU):\n")
    print(markdown_table(["method", "updates", "MSE to the digit (mean ± s.e.)",
                          "share closer than the nearest training digit", "ms / image"], rows))

    probabilities = classifier()
    rng = np.random.default_rng(args.seed)
    b = (y + rng.integers(1, 10, len(y))) % 10  # a class other than the digit's own
    templates = np.stack([
        x_train[np.flatnonzero(y_train == cls)[np.argmin(distances[i, y_train == cls])]]
        for i, cls in enumerate(b)])
    z_start, projected = projections["hybrid: encoder, then optimization"]
    p_projected = probabilities(projected)[np.arange(len(x)), b]
    edit_rows = []
    for k in [int(v) for v in args.pixels.split(",")]:
        gap = np.abs(templates - x).reshape(len(x), -1)
        mask = np.zeros_like(gap)
        np.put_along_axis(mask, np.argsort(-gap, axis=1)[:, :k], 1.0, axis=1)
        mask = mask.reshape(x.shape)
        pasted = editing.paste(x, mask, templates)
        start = time.time()
        edited = []
        for i in range(len(x)):  # one edit at a time, as the studio does
            edited.append(editing.edit(model, z=z_start[i], mask=mask[i], target=templates[i],
                                       steps=args.edit_steps,
                                       smooth_weight=args.smooth_weight)[1])
        seconds = (time.time() - start) / len(x)
        edited = np.stack(edited)
        if args.figure and k == int(args.pixels.split(",")[0]):
            n = min(12, len(x))
            kerasgen.figures.image_rows(
                {"test digit": x[:n], "strokes pasted": pasted[:n], "iGAN edit": edited[:n]},
                args.figure, column_titles=[f"{a} -> {c}" for a, c in zip(y[:n], b[:n])],
                title=f"{args.model}: edits by the {k} most different pixels")
        outside = 1.0 - mask
        for name, images, ms in [("unedited (projection)", projected, None),
                                 ("strokes pasted on the pixels", pasted, None),
                                 ("iGAN edit", edited, 1000 * seconds)]:
            p = probabilities(images)
            share = np.mean(p.argmax(1) == b)
            p_b = p[np.arange(len(x)), b]
            change = (((images - x) ** 2) * outside).sum((1, 2, 3)) / outside.sum((1, 2, 3))
            stroke_error = (((images - templates) ** 2) * mask).sum((1, 2, 3)) / k
            edit_rows.append([k, name, f"{share:.2f}", f"{p_b.mean():.2f}",
                              f"{stroke_error.mean():.3f}", f"{change.mean():.3f}",
                              "-" if ms is None else f"{ms:.0f}"])
            result[f"edit_k{k}_{name}"] = {
                "share_target_class": float(share), "mean_p_target": float(p_b.mean()),
                "stroke_mse": float(stroke_error.mean()), "mse_outside": float(change.mean()),
                "ms_per_edit": ms}
    print(f"\nEdits: {len(x)} held-out digits, each toward a random other class by its k most "
          f"different pixels to the nearest training digit of that class; {args.edit_steps} "
          f"updates, smooth_weight {args.smooth_weight}. Mean P(target) of the unedited "
          f"projections: {p_projected.mean():.2f}.\n")
    print(markdown_table(["k pixels", "result", "share classified as the target class",
                          "mean P(target)", "MSE on the strokes", "MSE outside the strokes",
                          "ms / edit"], edit_rows))
    if args.figure:
        print(f"\nexamples (k = {args.pixels.split(',')[0]}): {args.figure}")
    write_result("igan", result)


if __name__ == "__main__":
    main()
