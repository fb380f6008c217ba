"""CycleGAN through the public API, as a new user would, on a mapping of your choice.

    python bench/cyclegan_public_api.py transpose
    python bench/cyclegan_public_api.py '{"name": "shift", "dy": -3, "dx": 1}' [--steps 3000]

Builds the `cyclegan_digits` architecture without weights (`kerasgen.load(..., weights=None)`),
compiles it with the family's defaults (`compile()`), fits it for `--steps` steps on unpaired
disjoint halves of the digits translated by the mapping (`fit` runs `CycleGAN.adapt` first), and
prints the held-out L1 to the truth beside the identity baseline, with wall and CPU time.
"""

import argparse
import json
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mapping", help="a name of kerasgen.data.IMAGE_MAPPINGS or a JSON dict")
    parser.add_argument("--steps", type=int, default=3000)
    args = parser.parse_args()
    import kerasgen

    mapping = json.loads(args.mapping) if args.mapping.lstrip().startswith("{") else args.mapping
    model = kerasgen.load("cyclegan_digits", weights=None)
    model.compile()
    data = kerasgen.data.digits_translation(mapping, image_size=16, batch_size=32, seed=0,
                                            repeat=True)
    wall, cpu = time.time(), time.process_time()
    model.fit(data, steps_per_epoch=args.steps, epochs=1, verbose=0)
    wall, cpu = time.time() - wall, time.process_time() - cpu
    test = kerasgen.data.digits_images("test", 16)
    truth = kerasgen.data.image_mapping(mapping)(test)
    print(f"public API, {kerasgen.data.mapping_name(mapping)}: L1 "
          f"{np.abs(model.translate(test) - truth).mean():.4f} identity "
          f"{np.abs(test - truth).mean():.4f} wall {wall:.0f} s cpu {cpu:.0f} s")


if __name__ == "__main__":
    main()
