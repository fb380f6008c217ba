"""Write a picture of samples: `python -m kerasgen.cli.sample --model=NAME|DIR --num=64 --seed=0
--out=grid.png`. Image models give a grid; 2-D toy models a scatter plot over the data's modes."""

from absl import flags

from kerasgen import cli

FLAGS = flags.FLAGS
flags.DEFINE_string("model", None, "Recipe name or preset directory.")
flags.DEFINE_integer("num", 64, "Number of samples.")
flags.DEFINE_integer("seed", 0, "Latent seed.")
flags.DEFINE_string("out", "samples.png", "Output image; its extension names the format "
                    "(.png, .jpg, .pdf, .svg, ...).")
flags.mark_flag_as_required("model")


def main(argv):
    del argv
    import kerasgen
    from kerasgen import evaluation
    from kerasgen.cli import fail

    try:
        model = kerasgen.load(FLAGS.model)
        samples = model.generate(FLAGS.num, seed=FLAGS.seed)
        reference = evaluation.reference_points(FLAGS.model)
        path = kerasgen.figures.save_samples(
            samples, FLAGS.out, reference=reference,
            value_range=getattr(model, "value_range", (-1.0, 1.0)),
            title=f"{FLAGS.model}: {FLAGS.num} samples, seed {FLAGS.seed}")
    except (ValueError, FileNotFoundError, NotImplementedError) as e:
        return fail("sample", e)
    print(f"Wrote {FLAGS.num} samples of {FLAGS.model} to {path}")
    return 0


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
