"""Train a zoo recipe: `python -m kerasgen.train --recipe=NAME --model_dir=DIR`.

Intentionally short: the logic is `kerasgen.training.train_and_evaluate`. Re-running with the same
`--model_dir` resumes from its newest checkpoint. The final preset is written to DIR/preset and
`kerasgen.load(DIR)` loads it.
"""

import sys

from absl import app, flags

FLAGS = flags.FLAGS
flags.DEFINE_string("recipe", None, "Zoo recipe name (see kerasgen.list_models()).")
flags.DEFINE_string("model_dir", None, "Directory for checkpoints, logs, samples and the preset.")
flags.DEFINE_string("data", None, "Data location override (image folder or tfds data_dir).")
flags.DEFINE_integer("steps", None, "Total training steps (default: the recipe's).")
flags.DEFINE_integer("batch_size", None, "Global batch size (default: the recipe's).")
flags.DEFINE_enum("strategy", "default", ["default", "mirrored", "multi_worker", "tpu"],
                  "Distribution strategy.")
flags.DEFINE_string("tpu", None, "TPU name or address for --strategy=tpu.")
flags.DEFINE_integer("seed", 0, "Random seed.")
flags.DEFINE_integer("checkpoint_every", None, "Steps between checkpoints (default 500).")
flags.DEFINE_integer("steps_per_execution", None,
                     "Train steps per graph call (default: the recipe's, else 1); the same "
                     "updates, less per-step overhead for small models.")
flags.DEFINE_integer("verbose", 1, "Keras verbosity: 0 silent, 1 progress bar, 2 one line/epoch.")
flags.mark_flags_as_required(["recipe", "model_dir"])


def main(argv):
    del argv
    from kerasgen import training

    try:
        _, info = training.train_and_evaluate(
            FLAGS.recipe, FLAGS.model_dir, steps=FLAGS.steps, batch_size=FLAGS.batch_size,
            strategy=FLAGS.strategy, seed=FLAGS.seed, data=FLAGS.data,
            checkpoint_every=FLAGS.checkpoint_every, verbose=FLAGS.verbose, tpu=FLAGS.tpu,
            steps_per_execution=FLAGS.steps_per_execution)
    except (ValueError, FileNotFoundError, training.NonFiniteLossError) as e:
        print(f"kerasgen.train: error: {e}", file=sys.stderr)
        return 1
    print(f"Trained {info['recipe']} to step {info['steps']} ({info['steps_this_run']} steps in "
          f"{info['wall_time_s']} s this run); "
          f"preset written to {info['model_dir']}/preset")
    return 0


if __name__ == "__main__":
    app.run(main)
