"""Where the conv models' step time goes, and the layer forms tried against it (#17).

    python bench/speed_levers.py --part profile [--cases CycleGAN-32,DCGAN-16]
    python bench/speed_levers.py --part step [--repeats 5]
    python bench/speed_levers.py --part layers

`profile`: one `fit` of the peer bench's model (`bench/peer_torch.py`, batch 64, float32) under
TensorFlow's profiler; the op times of the trace (TensorFlow's XSpace protobuf, summed over the
2 compute threads) are grouped by the kind of layer that made them, convolutions by kernel
size and channels. It shows what a step spends beside
the convolutions.

`step`: CycleGAN-32's whole train step with its padding and normalization layers swapped, the
variants built in one process and timed in alternating order (median step time over 6 steps
per repeat; speed-up = the default's step time / the variant's, median of the repeats):
  * upper bounds (they change the network, so they are not candidates): no instance norm, zero
    padding instead of reflection;
  * forms that compute the same thing: reflection padding by TF's `MirrorPad` (kerasgen's
    `ReflectionPadding2D` gathers the flattened pixels instead since this bench), and instance
    norm with a hand-written gradient that makes fewer passes over the activations
    (`one_pass_instance_norm` below).

`layers`: forward + backward of single layers at the peer models' shapes, TensorFlow's forms
against PyTorch's (2 threads each, median of 40 calls, ms): instance norm, reflection padding,
and the 1-channel stride-2 transposed convolution of DCGAN-16's `to_image` with its sub-pixel
equivalent (a 3x3 convolution to 4 channels and a depth-to-space).
"""

import argparse
import collections
import glob
import os
import re
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, median, median_ms  # noqa: E402

EPSILON = 1e-5


# --------------------------------------------------------------------------- layer forms
def one_pass_instance_norm(x, gamma, beta):
    """Instance norm over H, W of NHWC `x`, with a gradient written to reuse `x - mean`.

    Forward: mean, x - mean, its mean square, then one scale and shift. Backward:
    dx = a dy + c1 (x - mean) + c0 per (image, channel), with the two sums it needs.
    """
    import tensorflow as tf

    @tf.custom_gradient
    def norm(x, gamma, beta):
        mean = tf.reduce_mean(x, [1, 2], keepdims=True)
        d = x - mean
        inv = tf.math.rsqrt(tf.reduce_mean(tf.square(d), [1, 2], keepdims=True) + EPSILON)
        a = inv * gamma

        def grad(dy):
            count = tf.cast(tf.shape(x)[1] * tf.shape(x)[2], x.dtype)
            sum_dy = tf.reduce_sum(dy, [1, 2], keepdims=True)
            sum_dy_d = tf.reduce_sum(dy * d, [1, 2], keepdims=True)
            dx = dy * a + (d * (-a * inv * inv * sum_dy_d / count) - a * sum_dy / count)
            return dx, tf.reduce_sum(sum_dy_d * inv, [0, 1, 2]), tf.reduce_sum(sum_dy, [0, 1, 2])

        return d * a + beta, grad

    return norm(x, gamma, beta)


def transposed_fused_instance_norm(x, gamma, beta):
    """Instance norm as TF's fused batch norm over (1, H, W, N*C): two transposes around it."""
    import tensorflow as tf

    n, h, w, c = x.shape
    xt = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, n * c])
    y = tf.compat.v1.nn.fused_batch_norm(xt, tf.ones([n * c]), tf.zeros([n * c]),
                                         epsilon=EPSILON, is_training=True)[0]
    return tf.transpose(tf.reshape(y, [h, w, n, c]), [2, 0, 1, 3]) * gamma + beta


# phase a of the output row 2m + a, input row m + d -> kernel row (SAME, kernel 4, stride 2)
_SUBPIXEL_TAP = {(0, -1): 3, (0, 0): 1, (1, 0): 2, (1, 1): 0}


def subpixel_transposed_conv(x, kernel):
    """`conv2d_transpose(x, kernel, stride 2, SAME)` for a 4x4 kernel, as a 3x3 convolution to
    4 * C_out channels (one per output phase) followed by depth-to-space."""
    import tensorflow as tf

    _, _, c_out, c_in = kernel.shape
    zeros = tf.zeros([c_in, c_out], kernel.dtype)
    rows = []
    for d in (-1, 0, 1):
        cols = []
        for e in (-1, 0, 1):
            phases = []
            for a in (0, 1):
                for b in (0, 1):
                    ky, kx = _SUBPIXEL_TAP.get((a, d)), _SUBPIXEL_TAP.get((b, e))
                    phases.append(zeros if ky is None or kx is None
                                  else tf.transpose(kernel[ky, kx]))
            cols.append(tf.concat(phases, -1))
        rows.append(tf.stack(cols))
    return tf.nn.depth_to_space(tf.nn.conv2d(x, tf.stack(rows), 1, "SAME"), 2)


# --------------------------------------------------------------------------- profile
def profile(case, steps=4):
    """ms per step of each layer kind in one traced fit (ops summed over threads)."""
    import tensorflow as tf
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    import peer_torch
    from speed import repeated, warm_up

    build, batch_fn, _ = peer_torch.cases()[case]
    model = build()
    data = repeated(batch_fn())
    warm_up(model, data)
    logdir = tempfile.mkdtemp(prefix="kerasgen_profile_")
    try:
        tf.profiler.experimental.start(logdir)
        model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
        tf.profiler.experimental.stop()
        space = xplane_pb2.XSpace()
        with open(glob.glob(f"{logdir}/**/*.xplane.pb", recursive=True)[0], "rb") as f:
            space.ParseFromString(f.read())
    finally:
        shutil.rmtree(logdir, ignore_errors=True)
    layer_kind = {}
    for network in model.networks().values():
        for layer in network.layers:
            kind = type(layer).__name__
            kernel = getattr(layer, "kernel", None)
            if kernel is not None and len(kernel.shape) == 4:  # convolutions by shape
                kh, kw, a, b = kernel.shape
                c_in, c_out = (b, a) if kind == "Conv2DTranspose" else (a, b)
                kind += f" {kh}x{kw} {c_in}->{c_out}"
            layer_kind[layer.name] = kind
    totals = collections.Counter()
    for plane in space.planes:
        meta = plane.event_metadata
        for line in plane.lines:
            if not line.name.startswith(("tf_Compute", "tf_numa")):
                continue
            for event in line.events:
                name = meta[event.metadata_id].name
                if any(s in name for s in ("ExecutorState", "Threadpool", "Memory")):
                    continue
                kind = "other (losses, optimizer, pools)"
                for part in name.split(":")[0].split("/"):
                    base = part if part in layer_kind else re.sub(r"_\d+$", "", part)
                    if base in layer_kind:
                        kind = layer_kind[base]
                        break
                totals[kind] += event.duration_ps / 1e9 / steps
    return totals


# --------------------------------------------------------------------------- step
def step_table(repeats):
    import keras
    import tensorflow as tf

    import peer_torch
    from kerasgen.models import image_to_image as cyclegan
    from kerasgen.models import layers as kl
    from speed import repeated, warm_up

    class Norm(keras.layers.Layer):
        def __init__(self, form, affine, **kwargs):
            super().__init__(**kwargs)
            self.form, self.affine = form, affine

        def build(self, shape):
            if self.affine:
                self.gamma = self.add_weight(shape=shape[-1:], initializer="ones", name="gamma")
                self.beta = self.add_weight(shape=shape[-1:], initializer="zeros", name="beta")

        def call(self, x):
            if self.form == "none":
                return x
            c = x.shape[-1]
            gamma, beta = (self.gamma, self.beta) if self.affine else (tf.ones([c]), tf.zeros([c]))
            return one_pass_instance_norm(x, gamma, beta)

    keras_norm, gather_pad = cyclegan.instance_norm, kl.ReflectionPadding2D.call
    norms = {"keras": keras_norm}
    for form in ("none", "one_pass"):
        norms[form] = (lambda form: lambda name=None, norm="instance", affine=True:
                       Norm(form, affine, name=name))(form)

    def fixed_pad(mode):
        return lambda self, x: tf.pad(x, [[0, 0], [self.padding] * 2, [self.padding] * 2,
                                          [0, 0]], mode=mode)

    pads = {"gather": gather_pad, "mirror": fixed_pad("REFLECT"), "zero": fixed_pad("CONSTANT")}
    variants = {"default (GroupNormalization, reflection padding by gather)": ("keras", "gather"),
                "before: reflection padding by MirrorPad": ("keras", "mirror"),
                "one-pass instance norm": ("one_pass", "gather"),
                "bound: no instance norm": ("none", "gather"),
                "bound: zero padding": ("keras", "zero"),
                "bound: neither": ("none", "zero")}
    batch = peer_torch.cases()["CycleGAN-32"][1]()
    built = {}
    try:
        for label, (norm, pad) in variants.items():
            cyclegan.instance_norm, kl.ReflectionPadding2D.call = norms[norm], pads[pad]
            model = peer_torch.cases()["CycleGAN-32"][0]()
            data = repeated(batch)
            warm_up(model, data)
            built[label] = (model, data)
    finally:
        cyclegan.instance_norm, kl.ReflectionPadding2D.call = keras_norm, gather_pad
    times = {label: [] for label in variants}
    for r in range(repeats):
        for label in (list(variants) if r % 2 == 0 else list(variants)[::-1]):
            times[label].append(peer_torch.time_keras(*built[label], 6))
    base = times[list(variants)[0]]
    rows = []
    for label in variants:
        ratios = [b / t for b, t in zip(base, times[label])]
        rows.append([label, f"{1e3 * median(times[label]):.0f}", f"{median(ratios):.3f}x",
                     f"{np.percentile(ratios, 25):.3f} .. {np.percentile(ratios, 75):.3f}"])
    print(f"CycleGAN-32 train step, batch 64, float32, {repeats} interleaved repeats")
    print(markdown_table(["variant", "step ms", "speed-up", "quartiles"], rows))


# --------------------------------------------------------------------------- layers
def layers_table(calls=40):
    import tensorflow as tf
    import torch

    from kerasgen.models import layers as kl

    torch.set_num_threads(2)

    def timed(fn):
        return median_ms(fn, calls, warmup=3)

    def tf_ms(forward, x, weights=()):
        @tf.function(autograph=False)
        def step(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = forward(x)
                loss = tf.reduce_sum(y * y)
            grads = tape.gradient(loss, [x] + list(weights))
            return tf.add_n([tf.reduce_sum(g) for g in grads])

        return timed(lambda: step(x).numpy())

    def torch_ms(module, shape_nchw):
        xt = torch.randn(*shape_nchw, requires_grad=True)

        def step():
            xt.grad = None
            module.zero_grad()
            y = module(xt)
            (y * y).sum().backward()

        return timed(step)

    rows = []
    for shape in ((64, 32, 32, 32), (64, 8, 8, 128)):
        n, h, w, c = shape
        x = tf.random.normal(shape)
        gamma, beta = tf.Variable(tf.ones([c])), tf.Variable(tf.zeros([c]))
        import keras
        layer = keras.layers.GroupNormalization(groups=-1, epsilon=EPSILON)
        layer.build(shape)
        forms = {"Keras GroupNormalization(groups=-1)": (lambda x: layer(x),
                                                         layer.trainable_weights),
                 "one-pass custom gradient": (lambda x: one_pass_instance_norm(x, gamma, beta),
                                              [gamma, beta]),
                 "fused batch norm on (1, H, W, N*C)": (
                     lambda x: transposed_fused_instance_norm(x, gamma, beta), [gamma, beta])}
        for label, (fn, weights) in forms.items():
            rows.append(["instance norm", str(shape), label, f"{tf_ms(fn, x, weights):.2f}"])
        rows.append(["instance norm", str(shape), "PyTorch GroupNorm(C, C)",
                     f"{torch_ms(torch.nn.GroupNorm(c, c, eps=EPSILON), (n, c, h, w)):.2f}"])
    for shape, p in (((64, 8, 8, 128), 1), ((64, 32, 32, 32), 3)):
        n, h, w, c = shape
        x = tf.random.normal(shape)
        pads = {"tf.pad REFLECT (MirrorPad)": lambda x: tf.pad(
            x, [[0, 0], [p, p], [p, p], [0, 0]], mode="REFLECT"),
            "one gather (kerasgen's ReflectionPadding2D)": kl.ReflectionPadding2D(p)}
        for label, fn in pads.items():
            rows.append([f"reflection pad {p}", str(shape), label, f"{tf_ms(fn, x):.2f}"])
        rows.append([f"reflection pad {p}", str(shape), "PyTorch ReflectionPad2d",
                     f"{torch_ms(torch.nn.ReflectionPad2d(p), (n, c, h, w)):.2f}"])
    for shape, c_out in (((64, 8, 8, 128), 1), ((64, 32, 32, 64), 3)):
        n, h, w, c = shape
        x = tf.random.normal(shape)
        kernel = tf.Variable(tf.random.normal((4, 4, c_out, c)) * 0.05)
        forms = {"conv2d_transpose": lambda x: tf.nn.conv2d_transpose(
            x, kernel, [n, 2 * h, 2 * w, c_out], 2, "SAME"),
            "sub-pixel 3x3 conv + depth_to_space": lambda x: subpixel_transposed_conv(x, kernel)}
        for label, fn in forms.items():
            rows.append([f"transposed conv 4x4/2 to {c_out}", str(shape), label,
                         f"{tf_ms(fn, x, [kernel]):.2f}"])
        rows.append([f"transposed conv 4x4/2 to {c_out}", str(shape), "PyTorch ConvTranspose2d",
                     f"{torch_ms(torch.nn.ConvTranspose2d(c, c_out, 4, 2, 1), (n, c, h, w)):.2f}"])
    print(f"forward + backward of one layer, ms (loss sum(y^2); 2 threads each; median of {calls})")
    print(markdown_table(["layer", "input (N, H, W, C)", "form", "ms"], rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("profile", "step", "layers"), required=True)
    parser.add_argument("--cases", default="CycleGAN-32,DCGAN-16")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.part == "profile":
        for case in args.cases.split(","):
            totals = profile(case)
            total = sum(totals.values())
            rows = [[kind, f"{ms:.1f}", f"{100 * ms / total:.1f}%"]
                    for kind, ms in totals.most_common()]
            print(f"{case}: op time per step by layer kind, ms summed over threads "
                  f"(total {total:.0f})")
            print(markdown_table(["layer kind", "ms", "share"], rows))
    elif args.part == "step":
        step_table(args.repeats)
    else:
        layers_table()


if __name__ == "__main__":
    main()
