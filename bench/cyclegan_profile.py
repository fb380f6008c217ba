"""What a CycleGAN-32 train step spends its time on: the image pools and the identity terms.

    python bench/cyclegan_profile.py [--repeats 4] [--steps 6]

The paper-style CycleGAN of `bench/speed.py` (32x32x1, 32 filters, 6 residual blocks, batch 64,
Adam 2e-4 for the four networks) is timed as it is (image pools of 50, identity weight 0.5),
without the pools (`pool_size=0`) and without the identity terms (`identity_weight=0`: kerasgen
then skips G(y) and F(x) and their backward passes). The variants alternate in order over the
repeats; each repeat's figure is the median step time of `--steps` steps after a warm-up.
"""

import argparse
import json
import statistics
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speed  # noqa: E402

CASES = {"default (pool 50, identity 0.5)": {}, "pool_size=0": {"pool_size": 0},
         "identity_weight=0": {"identity_weight": 0.0}}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--steps", type=int, default=6)
    args = parser.parse_args()
    from kerasgen import models

    built = {}
    for name, overrides in CASES.items():
        model = models.CycleGAN(image_size=32, channels=1, base_filters=32,
                                num_residual_blocks=6, **overrides)
        model.compile()
        data = speed.repeated((speed._images(32, 1), speed._images(32, 1, seed=1)))
        speed.warm_up(model, data)
        built[name] = (model, data)
    times = {name: [] for name in CASES}
    for r in range(args.repeats):
        for name in (list(CASES) if r % 2 == 0 else list(CASES)[::-1]):
            model, data = built[name]
            times[name].append(statistics.median(speed.timed_fit(model, data, args.steps)))
    base = times["default (pool 50, identity 0.5)"]
    print("| CycleGAN-32 variant | median step s | images/s (batch 64) | speed-up vs default "
          "(median of per-repeat ratios) |")
    print("|---|---|---|---|")
    for name, values in times.items():
        step = statistics.median(values)
        ratio = statistics.median([b / v for b, v in zip(base, values)])
        print(f"| {name} | {step:.3f} | {speed.BATCH / step:.1f} | {ratio:.3f} |")
    print(json.dumps({k: [round(v, 4) for v in vs] for k, vs in times.items()}))


if __name__ == "__main__":
    main()
