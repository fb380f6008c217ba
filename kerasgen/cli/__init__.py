"""Command-line entry points, each a thin absl script around one library function.

| module (also a console script)            | library function                              |
| ----------------------------------------- | --------------------------------------------- |
| `python -m kerasgen.cli.train` (`kerasgen-train`)       | `kerasgen.training.train_and_evaluate` |
| `python -m kerasgen.cli.sample` (`kerasgen-sample`)     | `kerasgen.load(...).generate`, `kerasgen.figures.save_samples` |
| `python -m kerasgen.cli.evaluate` (`kerasgen-evaluate`) | `kerasgen.evaluation.evaluate_preset`  |
| `python -m kerasgen.cli.export` (`kerasgen-export`)     | `GenerativeModel.export`               |
| `python -m kerasgen.cli.demos` (`kerasgen-demos`)       | `kerasgen.demos.draw_figures`          |
| `python -m kerasgen.cli.convert` (`kerasgen-convert`)   | `kerasgen.recipes.convert_recipe`      |
| `python -m kerasgen.cli.translate` (`kerasgen-translate`) | `kerasgen.image_files.translate_file` |
| `python -m kerasgen.cli.train_digits_classifier`        | `kerasgen.metrics.extractors.train_digits_classifier` |
| `python -m kerasgen.cli.studio` (`kerasgen-studio`)     | `kerasgen.studio.serve` (needs the `studio` extra) |

A script prints one line `kerasgen.<script>: error: ...` and exits 1 on bad input (a ValueError or
FileNotFoundError from the library), never a traceback. Each parses its flags before TensorFlow is
imported (`run`), so a mistyped flag is answered at once.
"""

import sys


def run(main):
    """`absl.app.run(main)`, importing the library (and TensorFlow, quietly) after the flags are
    parsed: `kerasgen/__init__.py` defers it when a script starts (`_started_as_script`)."""
    from absl import app, flags, logging

    def start(argv):
        if not flags.FLAGS["verbosity"].present:
            # absl's default (INFO) would show TensorFlow's own INFO lines, e.g. the SavedModel
            # writer's temporary paths; `-v 0` / `--verbosity=0` brings them back
            logging.set_verbosity(logging.WARNING)
        from kerasgen import backend

        backend.filter_stderr()  # TensorFlow's run-time C++ notes (backend.RUNTIME_NOISE)
        import kerasgen

        kerasgen._import_library()
        return main(argv)

    app.run(start)


def fail(script, error):
    """Prints one clear error line for a script and returns the exit status 1."""
    print(f"kerasgen.{script}: error: {error}", file=sys.stderr)
    return 1
