"""Translate an image file: `python -m kerasgen.cli.translate --model=NAME|DIR --input=FILE
--out=FILE [--direction=x2y|y2x|lr2hr]` with a CycleGAN, pix2pix, SRResNet or SRGAN model.

Reads PNG/JPEG (any size: convolutional models take the image's own size, a model built for one
size gets it resized) and writes the result in the format `--out`'s extension names (.png, .jpg,
...). The library function is `kerasgen.image_files.translate_file`.
"""

from absl import flags

from kerasgen import cli

FLAGS = flags.FLAGS
flags.DEFINE_string("model", None, "Recipe name or preset directory of an image-to-image model.")
flags.DEFINE_string("input", None, "Image file to translate (PNG, JPEG, ...).")
flags.DEFINE_string("out", None, "Where the result goes; the extension names the format.")
flags.DEFINE_string("direction", None, "x2y or y2x (CycleGAN), x2y (pix2pix), lr2hr "
                    "(SRResNet, SRGAN); default: the model's first.")
flags.mark_flags_as_required(["model", "input", "out"])


def main(argv):
    del argv
    import kerasgen
    from kerasgen import image_files
    from kerasgen.cli import fail

    try:
        image_files.image_format(FLAGS.out)
        model = kerasgen.load(FLAGS.model)
        info = image_files.translate_file(model, FLAGS.input, FLAGS.out, FLAGS.direction)
    except (ValueError, FileNotFoundError) as e:
        return fail("translate", e)
    resized = (f", resized to {info['resized_to'][0]}x{info['resized_to'][1]} (the model's size)"
               if info["resized_to"] else "")
    print(f"Translated {FLAGS.input} ({info['input_size'][0]}x{info['input_size'][1]}{resized}) "
          f"with {FLAGS.model} ({info['direction']}) to {info['path']} "
          f"({info['output_size'][0]}x{info['output_size'][1]})")
    return 0


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
