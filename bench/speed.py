"""Training speed and peak memory of each family, and kerasgen's overhead over plain Keras.

    python bench/speed.py                 # every family, float32 and mixed_bfloat16, + overhead
    python bench/speed.py --family DCGAN  # one family (used internally: one process per family,
                                          # so each peak RSS is that family's own)

Data is a fixed in-memory batch repeated, so the input pipeline is not measured here (see
bench/pipeline.py). Images/s = batch size x steps / wall time, the median of several timed
windows after a warm-up that includes tracing.

Overhead: the DCGAN-64 networks trained by `kerasgen.DCGAN.fit` versus the same networks in a
plain hand-written `keras.Model.train_step` (the keras-io pattern, written below), interleaved in
one process, median of the per-repeat ratios.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, median, peak_rss_mib, write_result  # noqa: E402

BATCH = 64


def _images(size, channels=1, n=BATCH, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(n, size, size, channels)).astype("float32")


def family_cases():
    """name -> (build_model(), batch_of_data). Families not in this kerasgen are skipped."""
    import kerasgen
    from kerasgen import models

    cases = {
        "GAN (MLP, 8x8 digits)": (
            lambda: kerasgen.GAN(latent_dim=16, sample_shape=(8, 8, 1), hidden_units=(256, 256),
                                 output_activation="tanh"),
            lambda: _images(8)),
    }
    cases["DCGAN (64x64x3)"] = (lambda: models.DCGAN(image_size=64, channels=3),
                                lambda: _images(64, 3))
    cases["WGAN-GP (DCGAN arch., 32x32x1)"] = (
        lambda: models.WGANGP(architecture="dcgan", image_size=32, channels=1),
        lambda: _images(32, 1))
    cases["VAE (MLP, 8x8 digits, 17 levels)"] = (
        lambda: models.VAE(input_shape=(8, 8, 1), latent_dim=16, likelihood="categorical",
                           num_levels=17),
        lambda: np.random.default_rng(0).integers(0, 17, size=(BATCH, 8, 8, 1)).astype("int32"))
    cases["CycleGAN (32x32x1, 32 filters, 6 blocks)"] = (
        lambda: models.CycleGAN(image_size=32, channels=1, base_filters=32,
                                num_residual_blocks=6),
        lambda: (_images(32, 1), _images(32, 1, seed=1)))
    cases["pix2pix (32x32x1, 32 filters)"] = (
        lambda: models.Pix2Pix(image_size=32, in_channels=1, out_channels=1, base_filters=32),
        lambda: (_images(32, 1), _images(32, 1, seed=1)))
    return cases


def time_fit(model, batch, steps=30, windows=3, **compile_kwargs):
    import tensorflow as tf

    model.compile(**compile_kwargs)
    data = tf.data.Dataset.from_tensors(batch).repeat()
    model.fit(data, steps_per_epoch=5, epochs=1, verbose=0)  # warm-up, tracing
    rates = []
    for _ in range(windows):
        start = time.perf_counter()
        model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
        rates.append(BATCH * steps / (time.perf_counter() - start))
    return median(rates)


def run_family(name, policy):
    import keras

    keras.mixed_precision.set_global_policy(policy)
    build, batch = family_cases()[name]
    rate = time_fit(build(), batch())
    return {"family": name, "policy": policy, "images_per_s": rate, "peak_rss_mib": peak_rss_mib()}


# ------------------------------------------------------------------------------ overhead
def plain_keras_dcgan(generator, discriminator, latent_dim):
    """The keras-io DCGAN pattern, hand-written: the baseline kerasgen is compared with."""
    import keras
    import tensorflow as tf

    class PlainGAN(keras.Model):
        def __init__(self):
            super().__init__()
            self.generator, self.discriminator = generator, discriminator
            self.d_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
            self.g_opt = keras.optimizers.Adam(2e-4, beta_1=0.5)
            self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
            self.d_tracker = keras.metrics.Mean(name="d_loss")
            self.g_tracker = keras.metrics.Mean(name="g_loss")

        @property
        def metrics(self):
            return [self.d_tracker, self.g_tracker]

        def train_step(self, real):
            n = tf.shape(real)[0]
            z = keras.random.normal((n, latent_dim))
            with tf.GradientTape() as tape:
                fake = self.generator(z, training=True)
                real_logits = self.discriminator(real, training=True)
                fake_logits = self.discriminator(fake, training=True)
                d_loss = (self.bce(tf.ones_like(real_logits), real_logits)
                          + self.bce(tf.zeros_like(fake_logits), fake_logits))
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_opt.apply_gradients(zip(grads, self.discriminator.trainable_variables))
            z = keras.random.normal((n, latent_dim))
            with tf.GradientTape() as tape:
                fake_logits = self.discriminator(self.generator(z, training=True), training=True)
                g_loss = self.bce(tf.ones_like(fake_logits), fake_logits)
            grads = tape.gradient(g_loss, self.generator.trainable_variables)
            self.g_opt.apply_gradients(zip(grads, self.generator.trainable_variables))
            self.d_tracker.update_state(d_loss)
            self.g_tracker.update_state(g_loss)
            return {m.name: m.result() for m in self.metrics}

    model = PlainGAN()
    model.d_opt.build(discriminator.trainable_variables)
    model.g_opt.build(generator.trainable_variables)
    model.built = True
    return model


def overhead(repeats=5, steps=20, image_size=64):
    import keras
    import tensorflow as tf
    from kerasgen import models

    ours = models.DCGAN(image_size=image_size, channels=3)
    ours.compile()
    plain = plain_keras_dcgan(models.DCGAN(image_size=image_size, channels=3).generator,
                              models.DCGAN(image_size=image_size, channels=3).discriminator,
                              ours.latent_dim)
    plain.compile(optimizer=None)
    data = tf.data.Dataset.from_tensors(_images(image_size, 3)).repeat()
    for m in (ours, plain):
        m.fit(data, steps_per_epoch=3, epochs=1, verbose=0)
    ratios, rates = [], {"kerasgen": [], "plain": []}
    for _ in range(repeats):
        t = {}
        for label, m in (("kerasgen", ours), ("plain", plain)):
            start = time.perf_counter()
            m.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
            t[label] = time.perf_counter() - start
            rates[label].append(BATCH * steps / t[label])
        ratios.append(t["kerasgen"] / t["plain"])
    return {"overhead_ratio_median": median(ratios), "ratios": ratios,
            "kerasgen_images_per_s": median(rates["kerasgen"]),
            "plain_images_per_s": median(rates["plain"])}


def options(image_size=64, steps=20, windows=3):
    """What makes the DCGAN step faster: jit_compile and steps_per_execution."""
    from kerasgen import models

    rows = []
    for label, kwargs in (("graph (default)", {}),
                          ("jit_compile=True", {"jit_compile": True}),
                          ("steps_per_execution=10", {"steps_per_execution": 10})):
        try:
            rate = time_fit(models.DCGAN(image_size=image_size, channels=3),
                            _images(image_size, 3), steps=steps, windows=windows, **kwargs)
            rows.append({"option": label, "images_per_s": rate})
        except Exception as e:  # report, do not hide, an option that fails
            rows.append({"option": label, "error": f"{type(e).__name__}: {str(e)[:120]}"})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--family", default=None)
    parser.add_argument("--policy", default="float32")
    args = parser.parse_args()
    if args.family:
        print(json.dumps(run_family(args.family, args.policy)))
        return
    names = list(family_cases())
    results = []
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    for name in names:
        for policy in ("float32", "mixed_bfloat16"):
            out = subprocess.run([sys.executable, __file__, "--family", name, "--policy", policy],
                                 capture_output=True, text=True, env=env)
            if out.returncode != 0:
                results.append({"family": name, "policy": policy,
                                "error": out.stderr.strip().splitlines()[-1][:200]})
            else:
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    rows = [[r["family"], r["policy"], f"{r['images_per_s']:.0f}" if "images_per_s" in r else
             r["error"], f"{r['peak_rss_mib']:.0f}" if "peak_rss_mib" in r else ""]
            for r in results]
    print(markdown_table(["family", "policy", f"train images/s (batch {BATCH})",
                          "peak RSS MiB"], rows))
    over = overhead()
    if over:
        print(f"\nDCGAN-64 kerasgen vs plain Keras train_step: time ratio median "
              f"{over['overhead_ratio_median']:.3f} (overhead "
              f"{(over['overhead_ratio_median'] - 1) * 100:+.1f}%), per repeat "
              f"{', '.join(f'{r:.3f}' for r in over['ratios'])}")
    opts = options()
    if opts:
        print()
        print(markdown_table(["DCGAN-64 option", "images/s"],
                             [[o["option"], f"{o['images_per_s']:.0f}" if "images_per_s" in o
                               else o["error"]] for o in opts]))
    dcgan = [r for r in results if r["family"].startswith("DCGAN") and r["policy"] == "float32"
             and "images_per_s" in r]
    write_result("speed", {"batch_size": BATCH, "families": results, "overhead": over,
                           "options": opts,
                           "dcgan64_images_per_s": dcgan[0]["images_per_s"] if dcgan else None})


if __name__ == "__main__":
    main()
