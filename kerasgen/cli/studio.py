"""The iGAN studio in a browser: `python -m kerasgen.cli.studio --model=NAME|DIR [--port=8000]`
serves a local page (127.0.0.1 by default) where you sample, draw strokes and see the edit stay
on the GAN's manifold, with the interpolation from the start. Needs `pip install
"kerasgen[studio]"`. See `kerasgen.studio` for the API and the limits."""

from absl import flags

from kerasgen import cli

FLAGS = flags.FLAGS
flags.DEFINE_string("model", None, "Recipe name or preset directory of a GAN-family image model.")
flags.DEFINE_string("host", "127.0.0.1", "Address to listen on (127.0.0.1: this machine only).")
flags.DEFINE_integer("port", 8000, "Port (0 picks a free one; the address is printed).")
flags.DEFINE_integer("encoder_steps", 1000,
                     "Steps to train the projection encoder at start-up (0: no encoder).")
flags.DEFINE_integer("max_jobs", 2, "Optimizations running at once; more get 429.")
flags.DEFINE_integer("max_steps", 300, "Largest optimization steps one request may ask for.")
flags.DEFINE_float("time_limit", 10.0, "Seconds one job may optimize.")
flags.DEFINE_float("smooth_weight", 0.05, "How strongly an edit keeps the latent near its start.")
flags.mark_flag_as_required("model")


def main(argv):
    del argv
    from kerasgen.cli import fail

    try:
        import kerasgen
        from kerasgen import editing, studio

        studio.require_aiohttp()  # before minutes of loading and encoder training
        limits = studio.Limits(max_jobs=FLAGS.max_jobs, max_steps=FLAGS.max_steps,
                               default_steps=min(100, FLAGS.max_steps),
                               time_limit=FLAGS.time_limit)
        model = kerasgen.load(FLAGS.model)
        server = studio.Studio(model, name=FLAGS.model, limits=limits,
                               smooth_weight=FLAGS.smooth_weight)  # checks the model first
        if FLAGS.encoder_steps:
            print(f"kerasgen studio: training the projection encoder ({FLAGS.encoder_steps} "
                  "steps)", flush=True)
            server.encoder = editing.train_encoder(model, steps=FLAGS.encoder_steps)
        server.warm_up()
    except (ValueError, FileNotFoundError, ImportError) as e:
        return fail("studio", e)
    studio.serve(server, host=FLAGS.host, port=FLAGS.port)
    return 0


def run():
    cli.run(main)


if __name__ == "__main__":
    run()
