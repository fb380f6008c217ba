"""Draw a VAE's learned manifold: `python -m kerasgen.cli.manifold --model=NAME|DIR
--num_per_side=20 --out=manifold.png`: the decoder's mean over a grid of the prior's quantiles
(5 % to 95 %) of two latent dimensions, as Kingma & Welling's Fig. 4 (exact for a 2-D latent)."""

from absl import app, flags

FLAGS = flags.FLAGS
flags.DEFINE_string("model", None, "Recipe name or preset directory of a VAE.")
flags.DEFINE_integer("num_per_side", 20, "Images per side of the grid.")
flags.DEFINE_string("out", "manifold.png", "Output PNG path.")
flags.mark_flag_as_required("model")


def main(argv):
    del argv
    import kerasgen
    from kerasgen.cli import fail

    try:
        model = kerasgen.load(FLAGS.model)
        if not hasattr(model, "latent_manifold"):
            raise ValueError(f"{FLAGS.model!r} is a {type(model).__name__}; the learned "
                             "manifold is drawn for a VAE.")
        images = model.latent_manifold(FLAGS.num_per_side)
        path = kerasgen.figures.save_image_grid(
            images, FLAGS.out, ncols=FLAGS.num_per_side,
            value_range=getattr(model, "value_range", (-1.0, 1.0)),
            title=f"{FLAGS.model}: learned manifold (z quantiles 5-95 %)")
    except (ValueError, FileNotFoundError) as e:
        return fail("manifold", e)
    print(f"Wrote the {FLAGS.num_per_side}x{FLAGS.num_per_side} manifold of {FLAGS.model} "
          f"to {path}")
    return 0


def run():
    app.run(main)


if __name__ == "__main__":
    run()
