"""Before/after of kerasgen's fused TensorFlow kernels on the peer bench's conv models.

    python bench/fused_kernels.py [--cases DCGAN-16,DCGAN-64,pix2pix-32,CycleGAN-32]
                                  [--repeats 7]

`kerasgen.models.layers.BatchNormalization` runs TF's fused batch norm in training mode (Keras 3
normalizes with moments + elementwise ops); `kerasgen.optimizers.Adam` updates each variable with
TF's fused `ApplyAdam` (Keras 3: about ten elementwise ops per variable). Both compute what the
Keras code computes (`tests/test_fused_kernels.py`). Each case (the networks of
`bench/peer_torch.py`, batch 64, float32) is built four times in one process, with the same
initial weights: Keras's layer and optimizer ("before"), each kernel alone, and both (kerasgen's
default, "after"). The variants take turns, the order alternating between repeats; a repeat's
figure is each variant's median step time over `steps` steps, and the speed-ups are medians
(quartiles) of the per-repeat ratios to "before".
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, median, write_result  # noqa: E402

VARIANTS = ("before: Keras BN + Keras Adam", "fused BN", "fused Adam",
            "after: fused BN + fused Adam (default)")
STEPS = {"DCGAN-16": 30, "DCGAN-64": 6, "pix2pix-32": 30, "CycleGAN-32": 6}


def build(case, fused_bn, fused_adam):
    """The peer bench's model for `case`, with or without each fused kernel."""
    import keras

    import peer_torch
    from kerasgen.models import cyclegan, gan, pix2pix

    modules = (gan, pix2pix, cyclegan)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", default=",".join(STEPS))
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
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
    write_result("fused_kernels", raw)


if __name__ == "__main__":
    main()
