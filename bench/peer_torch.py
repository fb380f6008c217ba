"""kerasgen against PyTorch on the same networks, and against this CPU's matmul ceiling.

    python bench/peer_torch.py [--cases all|DCGAN-16,...] [--repeats 7] [--compile] [--bf16]

PyTorch is a bench-only extra (`pip install torch==2.13.0`), never a runtime dependency.

The same networks: each case builds kerasgen's model from its recipe (`kerasgen.recipes`) and a
PyTorch twin of every network layer for layer from the Keras model, with the same weights
(`bench/torch_twin.py`; the twins' outputs are checked against Keras's before timing, max abs
difference printed). The same step: the PyTorch step is written to do the work kerasgen's
`train_step` does (the same losses, optimizers and update order; a network whose weights are not
being updated has `requires_grad` off, as a careful PyTorch user writes it), on the same
in-memory batch of 64, both with 2 threads.

Timing: interleaved repeats (the order alternates); each repeat times a block of steps of each
contender and keeps the median step time; the speed-up per repeat is PyTorch's median / kerasgen's;
the table gives the median speed-up over repeats and its quartiles. `--compile` adds
`torch.compile` of the networks (inductor, C++ on CPU) where it runs here.

FLOPs per training step are counted from the layer shapes (multiply-adds of the convolutions and
dense layers, x2; a backward pass counts twice its forward), with each family's passes (see
`STEP_PASSES`); the fraction of the ceiling divides the achieved FLOP/s by the measured fp32
matmul ceiling (TensorFlow, 4096 x 4096, best of 5).

`--bf16`: both sides in bfloat16 mixed precision, as each library's user turns it on: kerasgen
under Keras's `mixed_bfloat16` policy (float32 weights and losses), PyTorch's step under
`torch.autocast("cpu", dtype=torch.bfloat16)`; the twins' check then allows bfloat16's rounding.
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import markdown_table, median, write_result  # noqa: E402
from torch_twin import build_twin, check_twin, to_nchw  # noqa: E402

BATCH = 64


# ------------------------------------------------------------------------------ FLOPs
def forward_flops(keras_model):
    """Forward FLOPs per example: 2 x multiply-adds of Dense, Conv2D and Conv2DTranspose."""
    import keras

    total = 0
    for layer in keras_model.layers:
        if isinstance(layer, keras.Model):
            total += forward_flops(layer)
            continue
        kind = type(layer).__name__
        if kind == "Dense":
            k = layer.kernel.shape
            total += 2 * k[0] * k[1]
        elif kind == "Conv2D":
            out = layer.output.shape
            kh, kw, cin, cout = layer.kernel.shape
            total += 2 * out[1] * out[2] * cout * kh * kw * cin
        elif kind == "Conv2DTranspose":
            inp = layer.input.shape
            kh, kw, cout, cin = layer.kernel.shape
            total += 2 * inp[1] * inp[2] * cin * kh * kw * cout
    return total


#: FLOPs of one fit step per example, from the forward FLOPs of the networks (see the docstring)
STEP_PASSES = {
    "gan": lambda g, d: 4 * g + 8 * d,             # D step G + 2D + 4D; G step 3G + 2D
    "wgangp": lambda g, d, n=5: g + 11 * d + (3 * g + 2 * d) / n,
    "vae": lambda e, dec: 3 * (e + dec),
    # the work the step needs: 4 generator passes (6 with the identity terms) and their
    # backward (2x) once (g_loss and f_loss share the cycle graph, whose backward TF's graph
    # optimizer does not repeat: one joint pass timed 0.985x); 6 D passes, the backward of the 2
    # adversarial ones for inputs only (1x), of the 4 D-loss ones for inputs and weights (2x)
    "cyclegan": lambda gen, d, identity=False: 3 * (6 if identity else 4) * gen + 16 * d,
    "pix2pix": lambda g, d: 3 * g + 7 * d,
}


def matmul_ceiling(n=4096, repeats=5):
    """The fp32 matmul rate of this CPU through TensorFlow, GFLOP/s (best of `repeats`)."""
    import tensorflow as tf

    a = tf.random.normal((n, n))
    b = tf.random.normal((n, n))
    fn = tf.function(lambda: tf.matmul(a, b))
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn().numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best / 1e9


# ------------------------------------------------------------------------------ cases
def _images(size, channels, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (BATCH, size, size, channels)).astype(
        "float32")


def _plain(recipe_name, **model):
    """A recipe's model without its stabilizers, for the plain paper step both sides run."""
    from kerasgen import recipes

    overrides = dict(model)
    family = recipes.get_recipe(recipe_name)["family"]
    if family in ("GAN", "DCGAN", "WGAN", "WGANGP"):
        overrides.update(r1_weight=0.0, r2_weight=0.0, ema=None, pack=1, augment=None)
    recipe = recipes.recipe_with(recipe_name, model=overrides)
    recipe["compile"] = {}
    return recipes.build_from_recipe(recipe, compile=True, seed=0)


def cases():
    """name -> (build kerasgen model, batch, kind)."""
    return {
        "DCGAN-16": (lambda: _plain("dcgan_digits", image_size=16), lambda: _images(16, 1), "gan"),
        "DCGAN-64": (lambda: _plain("dcgan_celeba"), lambda: _images(64, 3), "gan"),
        "WGAN-GP MLP (toy)": (
            lambda: _plain("wgangp_grid25"),
            lambda: np.random.default_rng(0).normal(size=(BATCH, 2)).astype("float32"),
            "wgangp"),
        "VAE MLP (digits)": (
            lambda: _plain("vae_digits", autoregressive=False),
            lambda: np.random.default_rng(0).integers(0, 17, (BATCH, 8, 8, 1)).astype("int32"),
            "vae"),
        "CycleGAN-32": (
            # the paper's ResNet generator (the digits recipe's pixel-mixing one is not
            # this case), identity weight 0 as the digits recipe
            lambda: _plain("cyclegan_digits", image_size=32, base_filters=32,
                           num_residual_blocks=6, d_layers=3, generator="resnet",
                           position_init="identity", position_trainable=True,
                           identity_weight=0.0),
            lambda: (_images(32, 1), _images(32, 1, seed=1)), "cyclegan"),
        "pix2pix-32": (
            lambda: _plain("pix2pix_digits", image_size=32, base_filters=32, d_layers=3),
            lambda: (_images(32, 1), _images(32, 1, seed=1)), "pix2pix"),
    }


# ------------------------------------------------------------------------------ PyTorch steps
def torch_step(model, kind, batch, compile_networks=False, bf16=False):
    """A PyTorch training step doing the work of `model.train_step` on twins of its networks.

    Returns `(step_fn, twins)`; `step_fn()` runs one step on the fixed batch (under bfloat16
    autocast with `bf16`).
    """
    step, twins = _torch_step(model, kind, batch, compile_networks)
    if not bf16:
        return step, twins
    import torch

    def autocast_step():
        with torch.autocast("cpu", dtype=torch.bfloat16):
            step()

    return autocast_step, twins


def _torch_step(model, kind, batch, compile_networks=False):
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)

    def twin(net):
        t = build_twin(net)
        return torch.compile(t) if compile_networks else t

    def adam(net, opt):
        config = opt.get_config()
        lr = config["learning_rate"]
        lr = float(lr if not isinstance(lr, dict) else lr["config"]["initial_learning_rate"])
        return torch.optim.Adam(net.parameters(), lr=lr,
                                betas=(config["beta_1"], config["beta_2"]),
                                eps=config["epsilon"])

    def frozen(net, flag):
        for p in net.parameters():
            p.requires_grad_(not flag)

    def ls(out, target):
        return 0.5 * ((out - target) ** 2).mean()

    if kind in ("gan", "wgangp"):
        g, d = twin(model.generator), twin(model.discriminator)
        og, od = adam(g, model.g_optimizer), adam(d, model.d_optimizer)
        x = torch.tensor(to_nchw(batch))
        latent = model.latent_dim
        counter = {"critic": 0}

        def step():
            z = torch.randn(BATCH, latent)
            fake = g(z).detach()
            if kind == "gan":
                d_loss = F.softplus(-d(x)).mean() + F.softplus(d(fake)).mean()
            else:
                eps = torch.rand((BATCH,) + (1,) * (x.dim() - 1))
                x_hat = (eps * x + (1 - eps) * fake).requires_grad_(True)
                grads, = torch.autograd.grad(d(x_hat).sum(), x_hat, create_graph=True)
                gp = ((grads.flatten(1).norm(dim=1) - 1) ** 2).mean()
                d_loss = d(fake).mean() - d(x).mean() + model.gp_weight * gp
            od.zero_grad(set_to_none=True)
            d_loss.backward()
            od.step()
            counter["critic"] += 1
            if kind == "wgangp" and counter["critic"] % model.n_critic:
                return
            frozen(d, True)
            z = torch.randn(BATCH, latent)
            out = d(g(z))
            g_loss = F.softplus(-out).mean() if kind == "gan" else -out.mean()
            og.zero_grad(set_to_none=True)
            g_loss.backward()
            og.step()
            frozen(d, False)

        return step, (g, d)

    if kind == "vae":
        enc, dec = twin(model.encoder), twin(model.decoder)
        opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
        levels = torch.tensor(batch[..., 0]).long()  # (B, 8, 8)
        x_in = torch.tensor(to_nchw(batch.astype("float32") / 16 * 2 - 1))

        def step():
            loc, raw = enc(x_in).chunk(2, dim=-1)
            std = F.softplus(raw) + 1e-4
            z = loc + std * torch.randn_like(loc)
            logits = dec(z)  # (B, 8, 8, 1, 17): the decoder's Reshape keeps Keras's layout
            log_px = torch.log_softmax(logits[..., 0, :], -1).gather(
                -1, levels[..., None])[..., 0].sum((1, 2))
            kl = 0.5 * (loc ** 2 + std ** 2 - 1 - 2 * torch.log(std)).sum(-1)
            loss = (kl - log_px).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        return step, (enc, dec)

    if kind == "cyclegan":
        g, f = twin(model.generator_g), twin(model.generator_f)
        dx, dy = twin(model.discriminator_x), twin(model.discriminator_y)
        opt_gen = torch.optim.Adam(list(g.parameters()) + list(f.parameters()), lr=2e-4,
                                   betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(list(dx.parameters()) + list(dy.parameters()), lr=2e-4,
                                 betas=(0.5, 0.999))
        x, y = (torch.tensor(to_nchw(b)) for b in batch)
        pools = {"x": [], "y": []}

        def query(name, images):
            pool, out = pools[name], []
            for image in images:
                if len(pool) < model.pool_x.size:
                    pool.append(image)
                    out.append(image)
                elif torch.rand(()) < 0.5:
                    i = int(torch.randint(0, len(pool), ()))
                    out.append(pool[i])
                    pool[i] = image
                else:
                    out.append(image)
            return torch.stack(out)

        lam, lam_id = model.cycle_weight, model.identity_weight

        def step():
            frozen(dx, True)
            frozen(dy, True)
            fake_y, fake_x = g(x), f(y)
            cycle = (f(fake_y) - x).abs().mean() + (g(fake_x) - y).abs().mean()
            shared = cycle
            if lam_id > 0:  # as kerasgen: the identity passes only when they count
                shared = shared + lam_id * ((g(y) - y).abs().mean() + (f(x) - x).abs().mean())
            loss = ls(dy(fake_y), 1.0) + ls(dx(fake_x), 1.0) + lam * shared
            opt_gen.zero_grad(set_to_none=True)
            loss.backward()
            opt_gen.step()
            frozen(dx, False)
            frozen(dy, False)
            hx, hy = query("x", fake_x.detach()), query("y", fake_y.detach())
            d_loss = 0.5 * (ls(dx(x), 1.0) + ls(dx(hx), 0.0)) + 0.5 * (ls(dy(y), 1.0)
                                                                       + ls(dy(hy), 0.0))
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()

        return step, (g, f, dx, dy)

    if kind == "pix2pix":
        g, d = twin(model.generator), twin(model.discriminator)
        og = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
        od = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
        x, y = (torch.tensor(to_nchw(b)) for b in batch)

        def step():
            fake = g(x)
            frozen(d, True)
            g_loss = F.softplus(-d(x, fake)).mean() + model.l1_weight * (y - fake).abs().mean()
            og.zero_grad(set_to_none=True)
            g_loss.backward()
            og.step()
            frozen(d, False)
            d_loss = 0.5 * (F.softplus(-d(x, y)).mean() + F.softplus(d(x, fake.detach())).mean())
            od.zero_grad(set_to_none=True)
            d_loss.backward()
            od.step()

        return step, (g, d)
    raise ValueError(kind)


def step_flops(model, kind):
    if kind in ("gan", "wgangp"):
        g, d = forward_flops(model.generator), forward_flops(model.discriminator)
        return STEP_PASSES[kind](g, d) * BATCH
    if kind == "vae":
        return STEP_PASSES[kind](forward_flops(model.encoder), forward_flops(model.decoder)) \
            * BATCH
    if kind == "cyclegan":
        return STEP_PASSES[kind](forward_flops(model.generator_g),
                                 forward_flops(model.discriminator_x),
                                 identity=model.identity_weight > 0) * BATCH
    return STEP_PASSES[kind](forward_flops(model.generator),
                             forward_flops(model.discriminator)) * BATCH


def twin_difference(model, kind, twins, atol=1e-3):
    """Max abs difference of each twin against its Keras network on random inputs."""
    rng = np.random.default_rng(3)
    nets = {"gan": ("generator", "discriminator"), "wgangp": ("generator", "discriminator"),
            "vae": ("encoder", "decoder"),
            "cyclegan": ("generator_g", "generator_f", "discriminator_x", "discriminator_y"),
            "pix2pix": ("generator", "discriminator")}[kind]
    worst = 0.0
    for name, twin in zip(nets, twins):
        net = getattr(model, name)
        inputs = [rng.normal(size=(2,) + tuple(t.shape[1:])).astype("float32")
                  for t in net.inputs]
        worst = max(worst, check_twin(net, twin, inputs if len(inputs) > 1 else inputs[0],
                                      atol=atol))
    return worst


# ------------------------------------------------------------------------------ timing
def time_keras(model, data, steps):
    from speed import timed_fit

    return median(timed_fit(model, data, steps))


def time_torch(step, steps):
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return median(times)


def run_case(name, repeats, steps, with_compile, bf16=False):
    import keras
    import torch

    from speed import repeated, warm_up

    torch.set_num_threads(2)
    build, batch_fn, kind = cases()[name]
    keras.mixed_precision.set_global_policy("mixed_bfloat16" if bf16 else "float32")
    model = build()
    batch = batch_fn()
    data = repeated(batch)
    warm_up(model, data)
    contenders = {"kerasgen": None}
    step, twins = torch_step(model, kind, batch, bf16=bf16)
    # the twins run in float32 here; under bf16 the Keras networks compute in bfloat16
    diff = twin_difference(model, kind, twins, atol=0.1 if bf16 else 1e-3)
    contenders["torch eager"] = step
    errors = {}
    if with_compile:
        try:
            compiled, _ = torch_step(model, kind, batch, compile_networks=True, bf16=bf16)
            for _ in range(3):
                compiled()
            contenders["torch.compile"] = compiled
        except Exception as e:  # report the failure instead of hiding it
            errors["torch.compile"] = f"{type(e).__name__}: {str(e).splitlines()[0][:150]}"
    for label, fn in contenders.items():
        if fn is not None:
            for _ in range(3):
                fn()
    times = {label: [] for label in contenders}
    for r in range(repeats):
        labels = list(contenders) if r % 2 == 0 else list(contenders)[::-1]
        for label in labels:
            fn = contenders[label]
            times[label].append(time_keras(model, data, steps) if fn is None
                                else time_torch(fn, steps))
    flops = step_flops(model, kind)
    result = {"case": name, "kind": kind, "batch": BATCH, "flops_per_step": flops,
              "precision": "bfloat16" if bf16 else "float32",
              "twin_max_abs_diff": diff, "errors": errors, "repeats": repeats,
              "steps_per_repeat": steps}
    for label, values in times.items():
        result[label] = {"median_step_s": median(values), "step_s": values,
                         "images_per_s": BATCH / median(values)}
    for label in contenders:
        if label == "kerasgen":
            continue
        ratios = [t / k for t, k in zip(times[label], times["kerasgen"])]
        result[label]["speedup_of_kerasgen"] = {
            "median": median(ratios), "quartiles": [float(np.percentile(ratios, 25)),
                                                    float(np.percentile(ratios, 75))],
            "per_repeat": ratios}
    keras.backend.clear_session()
    keras.mixed_precision.set_global_policy("float32")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", default="all")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=0,
                        help="steps per block (0: about 1 s of work per block)")
    parser.add_argument("--compile", action="store_true", help="also time torch.compile")
    parser.add_argument("--bf16", action="store_true",
                        help="both sides in bfloat16 mixed precision (Keras mixed_bfloat16 "
                             "policy, torch.autocast)")
    args = parser.parse_args()
    import torch

    names = list(cases()) if args.cases == "all" else args.cases.split(",")
    ceiling = matmul_ceiling()
    print(f"fp32 matmul ceiling (TF, 4096x4096, best of 5): {ceiling:.0f} GFLOP/s; torch "
          f"{torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    results, rows = [], []
    default_steps = {"DCGAN-16": 60, "DCGAN-64": 6, "WGAN-GP MLP (toy)": 200,
                     "VAE MLP (digits)": 200, "CycleGAN-32": 6, "pix2pix-32": 30}
    for name in names:
        r = run_case(name, args.repeats, args.steps or default_steps.get(name, 20), args.compile,
                     args.bf16)
        results.append(r)
        k = r["kerasgen"]
        frac = r["flops_per_step"] / k["median_step_s"] / 1e9 / ceiling
        for label in ("torch eager", "torch.compile"):
            if label in r:
                s = r[label]["speedup_of_kerasgen"]
                rows.append([name, label, f"{k['images_per_s']:.0f}",
                             f"{r[label]['images_per_s']:.0f}", f"{s['median']:.2f}x",
                             f"{s['quartiles'][0]:.2f}..{s['quartiles'][1]:.2f}",
                             f"{r['flops_per_step'] / 1e9:.2f}", f"{100 * frac:.0f}%",
                             f"{r['twin_max_abs_diff']:.0e}"])
            elif label in r["errors"]:
                rows.append([name, label, f"{k['images_per_s']:.0f}", r["errors"][label],
                             "", "", "", "", ""])
        print(f"{name}: kerasgen {k['images_per_s']:.0f} img/s, torch eager "
              f"{r['torch eager']['images_per_s']:.0f} img/s", flush=True)
    precision = "bfloat16 mixed precision" if args.bf16 else "float32"
    print(f"\nbatch {BATCH}, {precision}, 2 threads each; {args.repeats} interleaved repeats, "
          "speed-up = PyTorch step time / kerasgen step time (median, quartiles)")
    print(markdown_table(["model", "peer", "kerasgen img/s", "peer img/s",
                          "kerasgen speed-up", "quartiles", "GFLOP/step",
                          "kerasgen % of ceiling", "twin diff"], rows))
    print("goal: >= 1.3x PyTorch eager on every conv model; DCGAN-64 >= 60% of the ceiling")
    write_result("peer_torch_bf16" if args.bf16 else "peer_torch",
                 {"ceiling_gflops": ceiling, "results": results})


if __name__ == "__main__":
    main()
