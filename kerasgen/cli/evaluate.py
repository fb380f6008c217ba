"""Measure a model with its recipe's metrics: `python -m kerasgen.cli.evaluate --model=NAME|DIR`.

The recipe's `evaluation` spec chooses the metrics (see `kerasgen.evaluation`); the figures,
beside their reference, are printed as JSON after a one-line summary.
"""

import json

from absl import flags

from kerasgen import cli

FLAGS = flags.FLAGS
flags.DEFINE_string("model", None, "Recipe name or preset directory.")
flags.DEFINE_integer("seed", 0, "Sampling seed.")
flags.mark_flag_as_required("model")


def main(argv):
    del argv
    from kerasgen import evaluation
    from kerasgen.cli import fail

    try:
        figures, spec = evaluation.evaluate_preset(FLAGS.model, seed=FLAGS.seed)
    except (ValueError, FileNotFoundError) as e:
        return fail("evaluate", e)
    print(f"{FLAGS.model}: {evaluation.summary(figures, spec)}")
    print(json.dumps({"model": FLAGS.model, **figures}, indent=1))
    return 0


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
