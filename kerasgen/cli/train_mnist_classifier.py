"""Re-create the shipped 28 px MNIST feature extractor: `python -m kerasgen.cli.train_mnist_classifier`
(writes `kerasgen/metrics/weights/mnist_classifier`; see `kerasgen.metrics.mnist_classifier`)."""

from absl import app, flags

FLAGS = flags.FLAGS
flags.DEFINE_string("out_dir", None, "Output directory (default: the shipped location).")
flags.DEFINE_integer("seed", 0, "Random seed.")


def main(argv):
    del argv
    from kerasgen.metrics import mnist_classifier

    out_dir = FLAGS.out_dir or mnist_classifier.mnist_classifier_dir()
    _, accuracy = mnist_classifier.train_mnist_classifier(out_dir, seed=FLAGS.seed)
    print(f"MNIST classifier test accuracy: {accuracy:.4f} (written to {out_dir})")
    return 0


def run():
    app.run(main)


if __name__ == "__main__":
    run()
