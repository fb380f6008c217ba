"""Re-create the shipped digits feature extractor: `python -m kerasgen.cli.train_digits_classifier`
(writes `kerasgen/metrics/weights/digits_classifier`; see `kerasgen.metrics.extractors`)."""

from absl import flags

from kerasgen import cli

FLAGS = flags.FLAGS
flags.DEFINE_string("out_dir", None, "Output directory (default: the shipped location).")
flags.DEFINE_integer("seed", 0, "Random seed.")


def main(argv):
    del argv
    from kerasgen.metrics import extractors

    out_dir = FLAGS.out_dir or extractors.digits_classifier_dir()
    _, accuracy = extractors.train_digits_classifier(out_dir, seed=FLAGS.seed)
    print(f"digits classifier test accuracy: {accuracy:.4f} (written to {out_dir})")
    return 0


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
