"""Unpaired translation with a known answer: CycleGAN (and pix2pix, paired) on the digits.

    python bench/cyclegan_digits.py [--transform invert|flip] [--steps 3000] [--save_dir DIR]

Domain X = the digits at 16 px in [-1, 1]; domain Y = T(digits) for a fixed invertible transform T
(colour inversion x -> -x, or a horizontal flip). CycleGAN trains on *disjoint*, independently
shuffled halves of the training split (X from the first 500 images, Y = T of the other 500), so
no pair is ever seen. On the 447 held-out test digits we report the mean L1 between G(x) and the
truth T(x) on the [-1, 1] scale, the cycle L1 |F(G(x)) - x|, and wall time. pix2pix trains on the
aligned pairs (x, T(x)) of all 1000 training digits and is scored the same way.
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, write_result  # noqa: E402

def digits16(split):
    import kerasgen

    return next(iter(kerasgen.data.digits(split, image_size=16, batch_size=2000,
                                          shuffle=False))).numpy()


CYCLEGAN = {"image_size": 16, "channels": 1, "base_filters": 16, "num_residual_blocks": 2,
            "d_layers": 2, "identity_weight": 0.0, "pool_size": 50}
PIX2PIX = {"image_size": 16, "in_channels": 1, "out_channels": 1, "base_filters": 16,
           "d_layers": 2}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transform", default="invert", choices=["invert", "flip"])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--norm", default="instance", choices=["instance", "none"])
    parser.add_argument("--save_dir", default=None)
    parser.add_argument("--figure", default="docs/cyclegan_digits.png")
    args = parser.parse_args()
    import keras

    import kerasgen

    keras.utils.set_random_seed(0)
    T = kerasgen.data.DIGIT_TRANSFORMS[args.transform]
    train, test = digits16("train"), digits16("test")
    unpaired = kerasgen.data.digits_translation(args.transform, 16, args.batch_size, seed=0,
                                                repeat=True)
    rows, result = [], {"transform": args.transform}
    model = kerasgen.CycleGAN(seed=0, **dict(CYCLEGAN, norm=args.norm))
    model.compile(**{name: kerasgen.models.adam_with_linear_decay(args.steps)
                     for name in model.optimizer_specs})
    start = time.time()
    model.fit(unpaired, steps_per_epoch=args.steps, epochs=1, verbose=0)
    wall = time.time() - start
    translated = model.translate(test, "x2y")
    l1 = float(np.mean(np.abs(translated - T(test))))
    cycle = float(np.mean(np.abs(model.translate(translated, "y2x") - test)))
    rows.append([f"CycleGAN (unpaired halves, norm={args.norm}, {args.steps} steps)", f"{l1:.4f}", f"{cycle:.4f}",
                 f"{wall:.0f}"])
    result["cyclegan"] = {"l1_to_truth": l1, "cycle_l1": cycle, "wall_s": wall,
                          "steps": args.steps}
    p2p = kerasgen.Pix2Pix(seed=0, **PIX2PIX)
    p2p.compile()
    paired = kerasgen.data.digits_translation(args.transform, 16, args.batch_size, paired=True,
                                              seed=0, repeat=True)
    start = time.time()
    p2p.fit(paired, steps_per_epoch=args.steps // 2, epochs=1, verbose=0)
    p_wall = time.time() - start
    p_l1 = float(np.mean(np.abs(p2p.translate(test) - T(test))))
    rows.append([f"pix2pix (aligned pairs, {args.steps // 2} steps)", f"{p_l1:.4f}", "-",
                 f"{p_wall:.0f}"])
    result["pix2pix"] = {"l1_to_truth": p_l1, "wall_s": p_wall, "steps": args.steps // 2}
    print(f"transform T = {args.transform}; 447 held-out test digits, 16 px, [-1, 1] scale")
    print(markdown_table(["model", "mean L1(G(x), T(x))", "cycle L1", "train wall s"], rows))
    print("goal: L1 to the truth <= 0.05 within 600 s")
    if args.figure:
        grid = np.concatenate([test[:8], translated[:8], T(test[:8]),
                               p2p.translate(test[:8])])
        kerasgen.images.save_image_grid(grid, args.figure, ncols=8)
        print(f"figure (rows: input, CycleGAN G(x), truth T(x), pix2pix): {args.figure}")
    write_result("cyclegan_digits", result)
    if args.save_dir:
        kerasgen.save_preset(model, os.path.join(args.save_dir, "cyclegan_digits"),
                             include_optimizer=False, metadata={
            "recipe": "cyclegan_digits", "dataset": f"sklearn digits 16 px, T = {args.transform}",
            "metric": result["cyclegan"],
            "command": f"python bench/cyclegan_digits.py --norm {args.norm} --save_dir "
                       f"{args.save_dir}"})


if __name__ == "__main__":
    main()
