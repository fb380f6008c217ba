"""Input pipeline throughput: `kerasgen.data.image_folder` decoding a folder of generated 64 px
JPEGs, against what DCGAN-64 training consumes per second (from bench/results/speed.json when
that benchmark has run), and the end-to-end check of bench/speed.py (training fed by the digits
pipeline vs by an in-memory batch). The pipeline must not be the bottleneck.

    python bench/pipeline.py [--num_images 2000] [--batch_size 128]
"""

import argparse
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Timer, markdown_table, median, write_result  # noqa: E402


def make_folder(directory, num_images, size=80, seed=0):
    from PIL import Image

    rng = np.random.default_rng(seed)
    for i in range(num_images):
        # smooth random colour fields (JPEG-friendly), bigger than 64 px so crop+resize runs
        base = rng.uniform(0, 255, size=(5, 5, 3))
        image = Image.fromarray(base.astype(np.uint8)).resize((size, size + 16), Image.BILINEAR)
        image.save(os.path.join(directory, f"img_{i:05d}.jpg"), quality=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--num_images", type=int, default=2000)
    parser.add_argument("--batch_size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import kerasgen

    with tempfile.TemporaryDirectory() as folder:
        make_folder(folder, args.num_images)
        rates = {}
        for check in ("full", "header"):
            with Timer() as t:
                kerasgen.data.image_folder(folder, image_size=64, check=check)
            rates[f"check_{check}"] = args.num_images / t.seconds
        for cache in (False, True):
            ds = kerasgen.data.image_folder(folder, image_size=64, batch_size=args.batch_size,
                                            cache=cache, check="none")
            times = []
            for _ in range(args.repeats):
                with Timer() as t:
                    n = sum(int(b.shape[0]) for b in ds)
                times.append(t.seconds)
            # with cache, the first pass decodes and fills the cache; later passes read memory
            rates["cached" if cache else "decode"] = n / median(times[1:] if cache else times)
    consumption, feeds = None, []
    speed_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "speed.json")
    if os.path.exists(speed_path):
        import json

        speed = json.load(open(speed_path))
        consumption = speed.get("dcgan64_images_per_s")
        feeds = speed.get("pipeline") or []
    rows = [["up-front file check, check='full' (PIL decode)", f"{rates['check_full']:.0f}"],
            ["up-front file check, check='header'", f"{rates['check_header']:.0f}"],
            ["image_folder decode (JPEG 80x96 -> crop -> 64x64)", f"{rates['decode']:.0f}"],
            ["image_folder, cache=True (after first epoch)", f"{rates['cached']:.0f}"]]
    if consumption:
        rows.append(["DCGAN-64 training consumption (bench/speed.py)", f"{consumption:.0f}"])
    print(markdown_table(["pipeline", "images/s"], rows))
    verdict = None
    if consumption:
        verdict = rates["decode"] / consumption
        print(f"decode / consumption = {verdict:.1f}x "
              f"({'not the bottleneck' if verdict > 1 else 'BOTTLENECK'})")
    if feeds:
        print("\nEnd to end (bench/speed.py --part pipeline): DCGAN-16 trained from the digits "
              "pipeline vs from one in-memory batch:")
        print(markdown_table(["fed by", "images/s", "vs in-memory"],
                             [[f["feed"], f"{f['images_per_s']:.0f}",
                               f"{f['relative_to_in_memory']:.2f}"] for f in feeds]))
    write_result("pipeline", {"decode_images_per_s": rates["decode"],
                              "check_full_images_per_s": rates["check_full"],
                              "check_header_images_per_s": rates["check_header"],
                              "cached_images_per_s": rates["cached"],
                              "dcgan64_consumption_images_per_s": consumption,
                              "headroom": verdict, "num_images": args.num_images,
                              "batch_size": args.batch_size})


if __name__ == "__main__":
    main()
