"""Export a model for TF Serving: `python -m kerasgen.cli.export --model=NAME|DIR
--export_dir=DIR/1` (TF Serving expects numbered version directories under the model's base)."""

import os

from absl import flags

from kerasgen import cli

FLAGS = flags.FLAGS
flags.DEFINE_string("model", None, "Recipe name or preset directory.")
flags.DEFINE_string("export_dir", None, "Versioned export directory, e.g. exports/dcgan/1.")
flags.mark_flags_as_required(["model", "export_dir"])


def main(argv):
    del argv
    from kerasgen.cli import fail

    version = os.path.basename(os.path.normpath(FLAGS.export_dir))
    if not version.isdigit():
        return fail("export", f"--export_dir must end in a version number "
                              f"(e.g. {FLAGS.export_dir}/1), got {FLAGS.export_dir!r}.")
    import kerasgen

    try:
        model = kerasgen.load(FLAGS.model)
        model.export(FLAGS.export_dir)
    except (ValueError, FileNotFoundError) as e:
        return fail("export", e)
    print(f"Exported {FLAGS.model} to {FLAGS.export_dir} "
          f"(signatures: {', '.join(['serving_default'] + list(model.serving_endpoints()))})")
    return 0


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
