"""Train a zoo recipe: `python -m kerasgen.cli.train --recipe=NAME --model_dir=DIR`.

Intentionally short: the logic is `kerasgen.training.train_and_evaluate`. Re-running with the same
`--model_dir` resumes from its newest checkpoint. Training ends by evaluating the model with the
recipe's metrics (printed beside their reference) and writing a preset to DIR/preset (or
`--preset_dir`) whose metadata holds this command and the figures reached; `kerasgen.load(DIR)`
loads it.
"""

import shlex
import sys

from absl import flags

from kerasgen import cli

FLAGS = flags.FLAGS
flags.DEFINE_string("recipe", None, "Zoo recipe name (see kerasgen.list_models()).")
flags.DEFINE_string("model_dir", None, "Directory for checkpoints, logs, samples and the preset.")
flags.DEFINE_string("preset_dir", None, "Where the final preset goes (default: MODEL_DIR/preset).")
flags.DEFINE_bool("preset_optimizer", True,
                  "Keep the optimizers' state in the preset (for fine-tuning); --nopreset_optimizer "
                  "writes the networks alone, as the shipped presets do.")
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
flags.DEFINE_bool("evaluate", True, "Evaluate with the recipe's metrics at the end.")
flags.DEFINE_integer("verbose", 1, "Keras verbosity: 0 silent, 1 progress bar, 2 one line/epoch.")
flags.mark_flags_as_required(["recipe", "model_dir"])


def main(argv):
    del argv
    from kerasgen import training
    from kerasgen.callbacks import NonFiniteLossError
    from kerasgen.cli import fail

    command = "python -m kerasgen.cli.train " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    try:
        _, info = training.train_and_evaluate(
            FLAGS.recipe, FLAGS.model_dir, steps=FLAGS.steps, batch_size=FLAGS.batch_size,
            strategy=FLAGS.strategy, seed=FLAGS.seed, data=FLAGS.data,
            checkpoint_every=FLAGS.checkpoint_every, verbose=FLAGS.verbose, tpu=FLAGS.tpu,
            steps_per_execution=FLAGS.steps_per_execution, evaluate=FLAGS.evaluate,
            preset_dir=FLAGS.preset_dir, preset_optimizer=FLAGS.preset_optimizer,
            command=command)
    except (ValueError, FileNotFoundError, NonFiniteLossError) as e:
        return fail("train", e)
    print(f"Trained {info['recipe']} to step {info['steps']} ({info['steps_this_run']} steps in "
          f"{info['wall_time_s']} s this run); preset written to {info['preset_dir']}")
    return 0


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
