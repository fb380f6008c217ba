"""The lecture's demonstration figures: `python -m kerasgen.cli.demos --out_dir=docs` writes
`optimal_discriminator.png` and `w_vs_js.png` (see `kerasgen.demos`)."""

from absl import flags

from kerasgen import cli

FLAGS = flags.FLAGS
flags.DEFINE_string("out_dir", "docs", "Directory for the figures.")
flags.DEFINE_integer("seed", 0, "Random seed.")


def main(argv):
    del argv
    from kerasgen import demos

    for path in demos.draw_figures(FLAGS.out_dir, seed=FLAGS.seed):
        print(path)
    return 0


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
