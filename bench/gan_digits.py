"""DCGAN and WGAN-GP on the digits at 16 px: sample grids and digits metrics beside the floor.

    python bench/gan_digits.py [--steps 3000] [--save_dir DIR]

Metrics use the shipped digits classifier's features (FD, KID, precision/recall k=3,
density/coverage k=5) between 447 generated images and the 447 test digits; the floor is the same
metric between the test and train splits.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, write_result  # noqa: E402

MODELS = {
    "dcgan_digits": ("DCGAN", {"image_size": 16, "channels": 1, "latent_dim": 32,
                               "base_filters": 32, "ema": 0.999}, {}, 64),
    "wgangp_digits": ("WGANGP", {"architecture": "dcgan", "image_size": 16, "channels": 1,
                                 "latent_dim": 32, "base_filters": 32, "ema": 0.999}, {}, 64),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=4000,
                        help="DCGAN steps; WGAN-GP takes 2.5x as many critic steps")
    parser.add_argument("--only", default=None)
    parser.add_argument("--save_dir", default=None)
    args = parser.parse_args()
    import keras

    import kerasgen
    from kerasgen import evaluation

    rows, result = [], {}
    floor = None
    for name, (family, kwargs, compile_kwargs, batch) in MODELS.items():
        if args.only and name not in args.only.split(","):
            continue
        keras.utils.set_random_seed(0)
        model = getattr(kerasgen.models, family)(seed=0, **kwargs)
        model.compile(**compile_kwargs)
        data = kerasgen.data.digits("train", image_size=16, batch_size=batch, repeat=True,
                                    seed=0, drop_remainder=True)
        start = time.time()
        steps = args.steps if family == "DCGAN" else int(2.5 * args.steps)
        model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
        wall = time.time() - start
        m = evaluation.evaluate_image_metrics(model, seed=0)
        floor = {k[6:]: v for k, v in m.items() if k.startswith("floor_")}
        figure = f"docs/{name}.png"
        kerasgen.images.save_image_grid(model.generate(64, seed=0), figure, ncols=8)
        rows.append([f"{family} 16 px ({steps} steps)", f"{m['fd']:.1f}", f"{m['kid']:.2f}",
                     f"{m['precision']:.2f} / {m['recall']:.2f}",
                     f"{m['density']:.2f} / {m['coverage']:.2f}", f"{wall:.0f}", figure])
        result[name] = dict(m, wall_s=wall, steps=steps)
        if args.save_dir:
            kerasgen.save_preset(model, os.path.join(args.save_dir, name),
                                 include_optimizer=False, metadata={
                "recipe": name, "dataset": "sklearn digits train split, 16 px",
                "metric": {k: v for k, v in m.items() if not k.startswith("floor_")},
                "command": f"python bench/gan_digits.py --only {name} --save_dir "
                           f"{args.save_dir}"})
    if floor:
        rows.append(["floor: test vs train digits", f"{floor['fd']:.1f}", f"{floor['kid']:.2f}",
                     f"{floor['precision']:.2f} / {floor['recall']:.2f}",
                     f"{floor['density']:.2f} / {floor['coverage']:.2f}", "-", "-"])
    print(markdown_table(["model", "FD", "KID", "precision / recall", "density / coverage",
                          "train wall s", "samples"], rows))
    write_result("gan_digits", result)


if __name__ == "__main__":
    main()
