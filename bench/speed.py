"""Training speed and peak memory of each family, kerasgen's overhead over plain Keras, and what
makes a step faster.

    python bench/speed.py                  # everything below (about 15 min on 2 CPU cores)
    python bench/speed.py --part overhead  # one part: families, overhead, options, pipeline
    python bench/speed.py --family "DCGAN (64x64x3)" --policy mixed_bfloat16   # one process
    python bench/speed.py --gpu            # on a GPU machine: DCGAN-64, batch 128, float32 vs
                                           # mixed_float16 / mixed_bfloat16, with the device name

How it is measured. A Keras callback times every train step (`on_train_batch_begin` to
`on_train_batch_end`; TF runs a step synchronously on CPU, so the interval is the step). A rate is
batch size / the *median* step time after a warm-up that includes tracing: the median ignores the
steps that a neighbour's job on the shared machine slowed down. Each family and policy runs in a
process of its own, so its peak RSS is its own.

Overhead. The DCGAN networks trained by `kerasgen.DCGAN.fit` against the same networks (same
builders, same initial weights) in a plain hand-written `keras.Model.train_step` (the keras-io
pattern, written below). Both live in one process and take turns: each repeat times a block of
steps of each, the order alternating between repeats, and gives one ratio of median step times;
the figure is the median of the per-repeat ratios. Measured for DCGAN-64 (the paper's size) and
DCGAN-16 (the digits recipe's size: small steps, where per-step Python overhead shows most).
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
OVERHEAD_LIMIT = 1.03


def _images(size, channels=1, n=BATCH, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, size=(n, size, size, channels)).astype("float32")


def family_cases():
    """name -> (build_model(), batch_of_data)."""
    import kerasgen
    from kerasgen import models

    return {
        "GAN (MLP, 8x8 digits)": (
            lambda: kerasgen.GAN(latent_dim=16, sample_shape=(8, 8, 1), hidden_units=(256, 256),
                                 output_activation="tanh"),
            lambda: _images(8)),
        "DCGAN (64x64x3)": (lambda: models.DCGAN(image_size=64, channels=3),
                            lambda: _images(64, 3)),
        "WGAN-GP (DCGAN arch., 32x32x1)": (
            lambda: models.WGANGP(architecture="dcgan", image_size=32, channels=1),
            lambda: _images(32, 1)),
        "VAE (MLP, 8x8 digits, 17 levels)": (
            lambda: models.VAE(input_shape=(8, 8, 1), latent_dim=16, likelihood="categorical",
                               num_levels=17),
            lambda: np.random.default_rng(0).integers(0, 17, size=(BATCH, 8, 8, 1))
            .astype("int32")),
        "CycleGAN (32x32x1, 32 filters, 6 blocks)": (
            lambda: models.CycleGAN(image_size=32, channels=1, base_filters=32,
                                    num_residual_blocks=6),
            lambda: (_images(32, 1), _images(32, 1, seed=1))),
        "pix2pix (32x32x1, 32 filters)": (
            lambda: models.Pix2Pix(image_size=32, in_channels=1, out_channels=1, base_filters=32),
            lambda: (_images(32, 1), _images(32, 1, seed=1))),
    }


# ------------------------------------------------------------------------------ timing
def step_timer(budget_s=None):
    """A callback recording each train step's wall time; stops `fit` once `budget_s` is spent."""
    import keras

    class StepTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times = []
            self.start = None

        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_begin(self, batch, logs=None):
            self._t = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            self.times.append(time.perf_counter() - self._t)
            if budget_s is not None and time.perf_counter() - self.start > budget_s:
                self.model.stop_training = True

    return StepTimer()


def timed_fit(model, data, steps, budget_s=None):
    """Runs `steps` train steps (fewer if `budget_s` runs out); returns the per-step times.

    With `steps_per_execution=n` Keras calls the callbacks once per n steps, so each recorded
    time is divided by n: the result is always seconds per train step.
    """
    timer = step_timer(budget_s)
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[timer])
    per_call = getattr(model, "steps_per_execution", 1) or 1
    return [t / per_call for t in timer.times]


def repeated(batch):
    import tensorflow as tf

    return tf.data.Dataset.from_tensors(batch).repeat().prefetch(2)


def warm_up(model, data, steps=3):
    per_call = getattr(model, "steps_per_execution", 1) or 1
    model.fit(data, steps_per_epoch=steps * per_call, epochs=1, verbose=0)


# ------------------------------------------------------------------------------ families
def run_family(name, policy, budget_s=25.0, max_steps=400, min_steps=8):
    import keras

    keras.mixed_precision.set_global_policy(policy)
    build, batch = family_cases()[name]
    model = build()
    model.compile()
    data = repeated(batch())
    warm_up(model, data)
    times = timed_fit(model, data, max_steps, budget_s)
    if len(times) < min_steps:
        times += timed_fit(model, data, min_steps - len(times))
    step = median(times)
    return {"family": name, "policy": policy, "images_per_s": BATCH / step,
            "median_step_ms": step * 1e3, "steps_timed": len(times),
            "peak_rss_mib": peak_rss_mib()}


def families():
    results = []
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    for name in family_cases():
        for policy in ("float32", "mixed_bfloat16"):
            out = subprocess.run([sys.executable, __file__, "--family", name, "--policy", policy],
                                 capture_output=True, text=True, env=env)
            if out.returncode != 0:
                results.append({"family": name, "policy": policy,
                                "error": out.stderr.strip().splitlines()[-1][:200]})
            else:
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    by_key = {(r["family"], r["policy"]): r for r in results}
    rows = []
    for r in results:
        if "error" in r:
            rows.append([r["family"], r["policy"], r["error"], "", "", ""])
            continue
        base = by_key.get((r["family"], "float32"), {})
        speedup = (f"{r['images_per_s'] / base['images_per_s']:.2f}x"
                   if "images_per_s" in base else "")
        rows.append([r["family"], r["policy"], f"{r['images_per_s']:.0f}",
                     f"{r['median_step_ms']:.1f}", speedup, f"{r['peak_rss_mib']:.0f}"])
    print(markdown_table(["family", "policy", f"train images/s (batch {BATCH})",
                          "median step ms", "vs float32", "peak RSS MiB"], rows))
    return results


# ------------------------------------------------------------------------------ overhead
def plain_keras_dcgan(generator, discriminator, latent_dim):
    """The keras-io DCGAN pattern, hand-written: the baseline kerasgen is compared with.

    It uses kerasgen's optimizer class (Keras's Adam with TF's fused update), as kerasgen's
    DCGAN does, so that the ratio measures the train step's overhead, not the optimizer's
    kernel (`bench/fused_kernels.py` measures that).
    """
    import keras
    import tensorflow as tf

    from kerasgen.optimizers import Adam

    class PlainGAN(keras.Model):
        def __init__(self):
            super().__init__()
            self.generator, self.discriminator = generator, discriminator
            self.d_opt = Adam(2e-4, beta_1=0.5)
            self.g_opt = Adam(2e-4, beta_1=0.5)
            self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
            self.seeds = keras.random.SeedGenerator(0)
            self.d_tracker = keras.metrics.Mean(name="d_loss")
            self.g_tracker = keras.metrics.Mean(name="g_loss")

        @property
        def metrics(self):
            return [self.d_tracker, self.g_tracker]

        def train_step(self, real):
            n = tf.shape(real)[0]
            z = keras.random.normal((n, latent_dim), seed=self.seeds)
            with tf.GradientTape() as tape:
                fake = self.generator(z, training=True)
                real_logits = self.discriminator(real, training=True)
                fake_logits = self.discriminator(fake, training=True)
                d_loss = (self.bce(tf.ones_like(real_logits), real_logits)
                          + self.bce(tf.zeros_like(fake_logits), fake_logits))
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_opt.apply_gradients(zip(grads, self.discriminator.trainable_variables))
            z = keras.random.normal((n, latent_dim), seed=self.seeds)
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


def overhead_ratio(image_size, channels, repeats, steps):
    """kerasgen.DCGAN vs the plain loop on the same networks; median of per-repeat ratios."""
    import keras
    from kerasgen import models

    ours = models.DCGAN(image_size=image_size, channels=channels, seed=0)
    ours.compile()
    twin = models.DCGAN(image_size=image_size, channels=channels, seed=0)
    twin.generator.set_weights(ours.generator.get_weights())
    twin.discriminator.set_weights(ours.discriminator.get_weights())
    plain = plain_keras_dcgan(twin.generator, twin.discriminator, ours.latent_dim)
    plain.compile(optimizer=None)
    data = repeated(_images(image_size, channels))
    contenders = {"kerasgen": ours, "plain": plain}
    for m in contenders.values():
        warm_up(m, data)
    ratios, step_ms = [], {"kerasgen": [], "plain": []}
    for r in range(repeats):
        order = ("kerasgen", "plain") if r % 2 == 0 else ("plain", "kerasgen")
        t = {label: median(timed_fit(contenders[label], data, steps)) for label in order}
        ratios.append(t["kerasgen"] / t["plain"])
        for label in t:
            step_ms[label].append(t[label] * 1e3)
    keras.backend.clear_session()
    return {"case": f"DCGAN-{image_size} ({image_size}x{image_size}x{channels}, batch {BATCH})",
            "ratio_median": median(ratios), "ratios": ratios,
            "ratio_quartiles": [float(np.percentile(ratios, 25)),
                                float(np.percentile(ratios, 75))],
            "kerasgen_step_ms": median(step_ms["kerasgen"]),
            "plain_step_ms": median(step_ms["plain"]), "repeats": repeats,
            "steps_per_repeat": steps}


def overhead():
    # 15 interleaved repeats: with 7 the quartiles spanned +-3 %, as wide as the goal
    cases = [overhead_ratio(64, 3, repeats=15, steps=8), overhead_ratio(16, 1, repeats=15,
                                                                          steps=60)]
    rows = [[c["case"], f"{c['kerasgen_step_ms']:.1f}", f"{c['plain_step_ms']:.1f}",
             f"{c['ratio_median']:.3f}",
             f"{c['ratio_quartiles'][0]:.3f} .. {c['ratio_quartiles'][1]:.3f}",
             f"{(c['ratio_median'] - 1) * 100:+.1f}%",
             "yes" if c["ratio_median"] <= OVERHEAD_LIMIT else "NO"] for c in cases]
    print("kerasgen.DCGAN.fit vs the same networks in a plain hand-written Keras train_step, "
          "interleaved in one process (order alternating), step-time ratio per repeat:")
    print(markdown_table(["case", "kerasgen ms/step", "plain ms/step", "ratio (median)",
                          "ratio quartiles", "overhead",
                          f"<= {(OVERHEAD_LIMIT - 1) * 100:.0f}%"], rows))
    print("per-repeat ratios: " + "; ".join(
        f"{c['case'].split(' ')[0]}: " + ", ".join(f"{r:.3f}" for r in c["ratios"])
        for c in cases))
    return cases


# ------------------------------------------------------------------------------ options
def _option_models():
    import kerasgen
    from kerasgen import models

    return {
        "DCGAN-64": (lambda: models.DCGAN(image_size=64, channels=3, seed=0), _images(64, 3), 6),
        "GAN-MLP": (lambda: kerasgen.GAN(latent_dim=16, sample_shape=(8, 8, 1),
                                          hidden_units=(256, 256), output_activation="tanh",
                                          seed=0), _images(8), 200),
        # n_critic=5: steps_per_execution=10 runs mixed critic/generator steps unrolled
        "WGAN-GP-MLP (toy)": (lambda: models.WGANGP(latent_dim=2, sample_shape=(2,),
                                                     hidden_units=(256, 256, 256), seed=0),
                              np.random.default_rng(0).normal(size=(BATCH, 2)).astype("float32"),
                              200),
    }


OPTIONS = (
    ("graph (tf.function, the default)", {}),
    ("eager (run_eagerly=True)", {"run_eagerly": True}),
    ("jit_compile=True (XLA)", {"jit_compile": True}),
    ("steps_per_execution=10", {"steps_per_execution": 10}),
)


def options(repeats=3):
    """Step options, each a model of its own, timed in turns; speed relative to the default."""
    rows, results = [], []
    for case, (build, batch, steps) in _option_models().items():
        contenders, trace_s = {}, {}
        for label, kwargs in OPTIONS:
            try:
                model = build()
                model.compile(**kwargs)
                data = repeated(batch)
                start = time.perf_counter()
                warm_up(model, data)  # traces the train function(s): a one-off cost per run
                trace_s[label] = time.perf_counter() - start
                contenders[label] = (model, data)
            except Exception as e:  # report, do not hide, an option that fails
                results.append({"case": case, "option": label,
                                "error": f"{type(e).__name__}: {str(e)[:120]}"})
        times = {label: [] for label in contenders}
        for r in range(repeats):
            labels = list(contenders) if r % 2 == 0 else list(contenders)[::-1]
            for label in labels:
                model, data = contenders[label]
                n = max(2, steps // 4) if model.run_eagerly else steps
                spe = getattr(model, "steps_per_execution", 1) or 1
                n = max(spe, (n // spe) * spe)
                times[label].append(median(timed_fit(model, data, n)))
        base = median(times[OPTIONS[0][0]])
        for label in contenders:
            step = median(times[label])
            results.append({"case": case, "option": label, "images_per_s": BATCH / step,
                            "relative_to_default": base / step,
                            "first_calls_s": trace_s[label]})
            rows.append([case, label, f"{BATCH / step:.0f}", f"{base / step:.2f}x",
                         f"{trace_s[label]:.1f}"])
        for r in results:
            if r["case"] == case and "error" in r:
                rows.append([case, r["option"], r["error"], "", ""])
    print(markdown_table(["model", "option", f"images/s (batch {BATCH})", "vs default",
                          "first 3 calls s (tracing)"], rows))
    return results


# ------------------------------------------------------------------------------ input pipeline
def pipeline(steps=60, repeats=3):
    """DCGAN-16 on the digits as `kerasgen.cli.train` feeds it, against an in-memory batch.

    `kerasgen.data.digits` caches the decoded, resized images and prefetches batches; the variant
    without cache and prefetch resizes every image every epoch, in the training thread's turn.
    """
    import tensorflow as tf
    from kerasgen import data as data_lib, models

    images, _ = data_lib.load_digits_array("train", raw=False)

    def uncached():
        def prep(x):
            x = tf.image.resize((x[..., None] + 1) / 2, (16, 16), antialias=True)
            return tf.clip_by_value(x, 0, 1) * 2 - 1
        return (tf.data.Dataset.from_tensor_slices(images).shuffle(len(images)).map(prep)
                .batch(BATCH, drop_remainder=True).repeat())

    feeds = {
        "in-memory batch, repeated (upper bound)": lambda: repeated(
            data_lib.digits("train", image_size=16, batch_size=BATCH, repeat=True)
            .take(1).get_single_element()),
        "kerasgen.data.digits (cache + prefetch)": lambda: data_lib.digits(
            "train", image_size=16, batch_size=BATCH, repeat=True),
        "same map without cache or prefetch": uncached,
    }
    contenders = {}
    for label, feed in feeds.items():
        model = models.DCGAN(image_size=16, channels=1, latent_dim=32, base_filters=32, seed=0)
        model.compile()
        data = feed()
        warm_up(model, data)
        contenders[label] = (model, data)
    times = {label: [] for label in contenders}
    for r in range(repeats):
        for label in (list(contenders) if r % 2 == 0 else list(contenders)[::-1]):
            model, data = contenders[label]
            times[label].append(median(timed_fit(model, data, steps)))
    base = median(times[next(iter(times))])
    results, rows = [], []
    for label in contenders:
        step = median(times[label])
        results.append({"feed": label, "images_per_s": BATCH / step,
                        "relative_to_in_memory": base / step})
        rows.append([label, f"{BATCH / step:.0f}", f"{base / step:.2f}"])
    print(markdown_table(["DCGAN-16 digits (recipe dcgan_digits' size) fed by",
                          f"images/s (batch {BATCH})", "vs in-memory"], rows))
    return results


# ------------------------------------------------------------------------------ GPU
def gpu(batch=128, steps=50):
    """DCGAN-64 images/s at batch 128 on the first GPU, float32 and mixed precision."""
    import keras
    import tensorflow as tf
    from kerasgen import models

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        raise SystemExit("bench/speed.py --gpu: no GPU is visible to TensorFlow.")
    name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)
    rows, results = [], []
    for policy in ("float32", "mixed_float16", "mixed_bfloat16"):
        keras.mixed_precision.set_global_policy(policy)
        model = models.DCGAN(image_size=64, channels=3, seed=0)
        model.compile()
        data = repeated(_images(64, 3, n=batch))
        warm_up(model, data, steps=5)
        step = median(timed_fit(model, data, steps))
        results.append({"device": name, "policy": policy, "batch_size": batch,
                        "images_per_s": batch / step, "median_step_ms": step * 1e3})
        rows.append([name, policy, f"{batch / step:.0f}", f"{step * 1e3:.1f}"])
        keras.backend.clear_session()
    keras.mixed_precision.set_global_policy("float32")
    print(markdown_table(["device", "policy", f"DCGAN-64 train images/s (batch {batch})",
                          "median step ms"], rows))
    return results


def decisions(option_results, threshold=1.05):
    """Prints which options measured faster and which recipes use them (read from the zoo)."""
    from kerasgen import recipes

    faster = {}
    for r in option_results:
        if r.get("relative_to_default", 0) >= threshold:
            faster.setdefault(r["option"], []).append(f"{r['case']} {r['relative_to_default']:.2f}x")
    spe_recipes = sorted(name for name, recipe in recipes.recipes().items()
                         if (recipe.get("compile") or {}).get("steps_per_execution", 1) > 1)
    print(f"\nFaster than the default by >= {(threshold - 1) * 100:.0f}%: " + ("; ".join(
        f"{option}: {', '.join(cases)}" for option, cases in faster.items()) or "none"))
    slower = sorted({r["option"] for r in option_results} - set(faster) - {OPTIONS[0][0]})
    print("Kept: steps_per_execution in the recipes " + ", ".join(spe_recipes) + " (python -m "
          "kerasgen.cli.train uses the recipe's value; --steps_per_execution overrides it). "
          "Not faster on any model here, so not used: " + (", ".join(slower) or "none") + ".")
    return {"faster": faster, "steps_per_execution_recipes": spe_recipes}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--family", default=None, help="time one family in this process")
    parser.add_argument("--policy", default="float32")
    parser.add_argument("--part", default="families,overhead,options,pipeline",
                        help="comma-separated parts to run")
    parser.add_argument("--gpu", action="store_true", help="DCGAN-64 batch 128 on a GPU")
    args = parser.parse_args()
    if args.family:
        print(json.dumps(run_family(args.family, args.policy)))
        return
    if args.gpu:
        write_result("speed_gpu", {"results": gpu()})
        return
    parts = args.part.split(",")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "speed.json")
    payload = json.load(open(path)) if os.path.exists(path) else {}
    payload["batch_size"] = BATCH
    for part, fn in (("families", families), ("overhead", overhead), ("options", options),
                     ("pipeline", pipeline)):
        if part in parts:
            print(f"\n### {part}\n", flush=True)
            payload[part] = fn()
    if "options" in parts:
        payload["kept"] = decisions(payload["options"])
    dcgan = [r for r in payload.get("families", []) if r["family"].startswith("DCGAN")
             and r["policy"] == "float32" and "images_per_s" in r]
    payload["dcgan64_images_per_s"] = dcgan[0]["images_per_s"] if dcgan else None
    write_result("speed", payload)


if __name__ == "__main__":
    main()
