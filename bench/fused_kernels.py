"""Before/after of kerasgen's fused TensorFlow kernels on the peer bench's conv models.

    python bench/fused_kernels.py [--cases DCGAN-16,DCGAN-64,pix2pix-32,CycleGAN-32]
                                  [--repeats 7] [--result fused_kernels]

`kerasgen.models.layers.BatchNormalization` runs TF's fused batch norm in training mode (Keras 3
normalizes with moments + elementwise ops); `kerasgen.optimizers.Adam` updates each variable with
TF's fused `ApplyAdam` (Keras 3: about ten elementwise ops per variable). Both compute what the
Keras code computes (`tests/test_fused_kernels.py`). Each case (the networks of
`bench/peer_torch.py`, batch 64, float32) is built four times in one process, with the same
initial weights: Keras's layer and optimizer ("before"), each kernel alone, and both (kerasgen's
default, "after"). The variants take turns, the order alternating between repeats; a repeat's
figure is each variant's median step time over `steps` steps, and the speed-ups are medians
(quartiles) of the per-repeat ratios to "before".

    python bench/fused_kernels.py --instance_norm

Why CycleGAN-32 gains little: its generators normalize per instance (Keras
`GroupNormalization(groups=-1)`, no fused TF kernel exists for it in channels-last layout). The
option times one forward + backward pass of instance norm at CycleGAN-32's shapes: Keras's
layer, the same statistics written with `tf.nn.moments`, with a hand-written gradient
(`tf.custom_gradient`), and XLA-compiled, against PyTorch's `GroupNorm(C, C)` (2 threads each,
median of 30).
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, median, median_ms, write_result  # noqa: E402

VARIANTS = ("before: Keras BN + Keras Adam", "fused BN", "fused Adam",
            "after: fused BN + fused Adam (default)")
STEPS = {"DCGAN-16": 30, "DCGAN-64": 6, "pix2pix-32": 30, "CycleGAN-32": 6}


def build(case, fused_bn, fused_adam):
    """The peer bench's model for `case`, with or without each fused kernel."""
    import keras

    import peer_torch
    from kerasgen.models import dcgan, image_to_image

    modules = (dcgan, image_to_image)
    saved = [m.BatchNormalization for m in modules]
    if not fused_bn:
        for m in modules:
            m.BatchNormalization = keras.layers.BatchNormalization
    try:
        keras.utils.set_random_seed(0)
        model = peer_torch.cases()[case][0]()
    finally:
        for m, layer in zip(modules, saved):
            m.BatchNormalization = layer
    if not fused_adam:  # the same optimizers as Keras's class
        model.compile(**{name: keras.optimizers.Adam.from_config(
            getattr(model, name).get_config()) for name in model.optimizer_specs})
    return model


def instance_norm_table(repeats=30):
    import keras
    import tensorflow as tf
    import torch

    torch.set_num_threads(2)

    def moments_norm(x, gamma, beta):
        mean, var = tf.nn.moments(x, [1, 2], keepdims=True)
        return (x - mean) * (tf.math.rsqrt(var + 1e-5) * gamma) + beta

    @tf.custom_gradient
    def hand_gradient_norm(x, gamma, beta):
        mean, var = tf.nn.moments(x, [1, 2], keepdims=True)
        inv = tf.math.rsqrt(var + 1e-5)
        xhat = (x - mean) * inv

        def grad(dy):
            d = dy * gamma
            dx = inv * (d - tf.reduce_mean(d, [1, 2], keepdims=True)
                        - xhat * tf.reduce_mean(d * xhat, [1, 2], keepdims=True))
            return dx, tf.reduce_sum(dy * xhat, [0, 1, 2]), tf.reduce_sum(dy, [0, 1, 2])

        return xhat * gamma + beta, grad

    xla_norm = tf.function(moments_norm, jit_compile=True)

    def timed(fn):
        return median_ms(fn, repeats)

    rows = []
    for shape in ((64, 32, 32, 32), (64, 16, 16, 64), (64, 8, 8, 128)):
        x = tf.random.normal(shape)
        channels = shape[-1]
        layer = keras.layers.GroupNormalization(groups=-1, epsilon=1e-5)
        layer.build(shape)
        gamma, beta = tf.Variable(tf.ones([channels])), tf.Variable(tf.zeros([channels]))
        variants = {"Keras GroupNormalization": lambda x: layer(x),
                    "tf.nn.moments": lambda x: moments_norm(x, gamma, beta),
                    "hand-written gradient": lambda x: hand_gradient_norm(x, gamma, beta),
                    "XLA": lambda x: xla_norm(x, gamma, beta)}
        row = [f"{shape}"]
        for fn in variants.values():
            @tf.function(autograph=False)
            def step(x, fn=fn):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    loss = tf.reduce_sum(fn(x) * x)
                return tape.gradient(loss, x)

            row.append(f"{timed(lambda: step(x).numpy()):.2f}")
        xt = torch.randn(shape[0], channels, shape[1], shape[2], requires_grad=True)
        norm = torch.nn.GroupNorm(channels, channels, eps=1e-5)

        def torch_step():
            (norm(xt) * xt).sum().backward()

        row.append(f"{timed(torch_step):.2f}")
        rows.append(row)
    print("instance norm, forward + backward, ms (batch 64, float32, 2 threads, median of "
          f"{repeats})")
    print(markdown_table(["shape (N, H, W, C)"] + list(variants) + ["PyTorch GroupNorm(C, C)"],
                         rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default=",".join(STEPS))
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--result", default="fused_kernels",
                        help="name of the bench/results JSON")
    parser.add_argument("--instance_norm", action="store_true",
                        help="only the instance-norm timing (see above)")
    args = parser.parse_args()
    if args.instance_norm:
        return instance_norm_table()
    import peer_torch
    from speed import repeated, timed_fit, warm_up

    rows, raw = [], {}
    for case in args.cases.split(","):
        batch = peer_torch.cases()[case][1]()
        models = {}
        for i, name in enumerate(VARIANTS):
            model = build(case, fused_bn=i in (1, 3), fused_adam=i in (2, 3))
            data = repeated(batch)
            warm_up(model, data)
            models[name] = (model, data)
        times = {name: [] for name in VARIANTS}
        for r in range(args.repeats):
            for name in (VARIANTS if r % 2 == 0 else VARIANTS[::-1]):
                model, data = models[name]
                times[name].append(median(timed_fit(model, data, STEPS[case])))
        base = times[VARIANTS[0]]
        raw[case] = {"step_s": times, "steps": STEPS[case], "repeats": args.repeats}
        for name in VARIANTS:
            ratios = [b / t for b, t in zip(base, times[name])]
            rows.append([case, name, f"{64 / median(times[name]):.1f}",
                         f"{median(ratios):.3f}x",
                         f"{np.percentile(ratios, 25):.3f} .. {np.percentile(ratios, 75):.3f}"])
            print(" | ".join(rows[-1]), flush=True)
    print("\nbatch 64, float32; speed-up = before's step time / the variant's, median of "
          f"{args.repeats} interleaved repeats (quartiles)")
    print(markdown_table(["model", "variant", "images/s", "speed-up", "quartiles"], rows))
    write_result(args.result, raw)


if __name__ == "__main__":
    main()
