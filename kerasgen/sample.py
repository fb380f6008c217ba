"""Write a grid of samples: `python -m kerasgen.sample --model=NAME|DIR --num=64 --seed=0
--out=grid.png`. Toy 2-D models are drawn as a scatter plot over the data's modes."""

import sys

from absl import app, flags

FLAGS = flags.FLAGS
flags.DEFINE_string("model", None, "Recipe name or preset directory.")
flags.DEFINE_integer("num", 64, "Number of samples.")
flags.DEFINE_integer("seed", 0, "Latent seed.")
flags.DEFINE_string("out", "samples.png", "Output PNG path.")
flags.mark_flag_as_required("model")


def main(argv):
    del argv
    import kerasgen

    try:
        model = kerasgen.load(FLAGS.model)
        samples = model.generate(FLAGS.num, seed=FLAGS.seed)
        path = kerasgen.images.save_samples(samples, FLAGS.out)
    except (ValueError, FileNotFoundError) as e:
        print(f"kerasgen.sample: error: {e}", file=sys.stderr)
        return 1
    print(f"Wrote {FLAGS.num} samples of {FLAGS.model} to {path}")
    return 0


if __name__ == "__main__":
    app.run(main)
