"""The lecture's demonstrations, as functions that return numbers and draw figures.

* Optimal discriminator (Goodfellow et al. 2014, Prop. 1): for fixed p_g, the discriminator that
  maximizes E_data[log D] + E_g[log(1 - D)] is D*(x) = p_data(x) / (p_data(x) + p_g(x)). We fit an
  MLP discriminator on samples of two known 1-D Gaussians with `kerasgen.losses` and compare it with
  D* on a grid.
* Parallel lines (Arjovsky et al. 2017, Example 1): P_0 is uniform on {0} x (0, 1) and P_theta on
  {theta} x (0, 1). W(P_0, P_theta) = |theta| but JS(P_0, P_theta) = log 2 for every theta != 0.
  A trained WGAN critic's estimate E[f(x)] - E[f(y)] grows linearly with |theta|; a trained GAN
  discriminator's JS estimate, log 2 - L_D / 2, saturates at log 2: no useful gradient for G.

`python -m kerasgen.cli.demos --out_dir=docs` writes both figures.
"""

import os

import numpy as np
import tensorflow as tf
import keras

from kerasgen import figures, losses


def _mlp(input_dim, hidden=(32, 32), seed=0):
    init = keras.initializers.GlorotUniform(seed)
    x = keras.Input((input_dim,))
    h = x
    for units in hidden:
        h = keras.layers.Dense(units, activation="relu", kernel_initializer=init)(h)
    return keras.Model(x, keras.layers.Dense(1, kernel_initializer=init)(h))


def _normal_pdf(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2 * np.pi))


def optimal_discriminator(data=(1.0, 0.5), model=(-0.5, 1.0), steps=1500, batch_size=512,
                          seed=0, grid=None):
    """Fits D on samples of p_data = N(data) and p_g = N(model) (mean, std).

    Returns:
        dict with `x` (grid), `learned` D(x), `optimal` D*(x) and `weight` (p_data + p_g)/2 on
        the grid, for a weighted error.
    """
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    d = _mlp(1, seed=seed)
    opt = keras.optimizers.Adam(3e-3)

    @tf.function
    def step(real, fake):
        with tf.GradientTape() as tape:
            loss = losses.discriminator_loss(d(real), d(fake))
        opt.apply_gradients(zip(tape.gradient(loss, d.trainable_variables),
                                d.trainable_variables))
        return loss

    for _ in range(steps):
        real = rng.normal(data[0], data[1], size=(batch_size, 1)).astype(np.float32)
        fake = rng.normal(model[0], model[1], size=(batch_size, 1)).astype(np.float32)
        step(real, fake)
    x = np.linspace(-3.0, 3.0, 121) if grid is None else np.asarray(grid)
    p_data, p_g = _normal_pdf(x, *data), _normal_pdf(x, *model)
    learned = 1.0 / (1.0 + np.exp(-d.predict(x[:, None].astype(np.float32), verbose=0)[:, 0]))
    return {"x": x, "learned": learned, "optimal": p_data / (p_data + p_g),
            "weight": (p_data + p_g) / 2}


def _lines(theta, n, rng):
    return np.stack([np.full(n, theta), rng.uniform(0, 1, n)], axis=1).astype(np.float32)


def parallel_lines(thetas=(0.0, 0.25, 0.5, 1.0, 1.5, 2.0), steps=600, batch_size=256,
                   clip_value=0.1, seed=0):
    """Trains a WGAN critic (weight clipping) and a GAN discriminator for each theta.

    Returns:
        dict with `theta`, `w_estimate` (E[f(P_0)] - E[f(P_theta)] of the critic) and
        `js_estimate` (log 2 - L_D / 2 of the discriminator, in nats) per theta.
    """
    rng = np.random.default_rng(seed)
    w_estimates, js_estimates = [], []
    for theta in thetas:
        critic, disc = _mlp(2, (64, 64), seed), _mlp(2, (64, 64), seed + 1)
        c_opt, d_opt = keras.optimizers.RMSprop(1e-3), keras.optimizers.Adam(1e-3)

        @tf.function
        def step(real, fake):
            with tf.GradientTape() as tape:
                c_loss = losses.wasserstein_critic_loss(critic(real), critic(fake))
            c_opt.apply_gradients(zip(tape.gradient(c_loss, critic.trainable_variables),
                                      critic.trainable_variables))
            for w in critic.trainable_variables:
                w.assign(tf.clip_by_value(w, -clip_value, clip_value))
            with tf.GradientTape() as tape:
                d_loss = losses.discriminator_loss(disc(real), disc(fake))
            d_opt.apply_gradients(zip(tape.gradient(d_loss, disc.trainable_variables),
                                      disc.trainable_variables))

        for _ in range(steps):
            step(_lines(0.0, batch_size, rng), _lines(theta, batch_size, rng))
        real, fake = _lines(0.0, 4096, rng), _lines(theta, 4096, rng)
        w_estimates.append(float(np.mean(critic(real)) - np.mean(critic(fake))))
        d_loss = float(losses.discriminator_loss(disc(real), disc(fake)))
        js_estimates.append(float(np.log(2.0) - d_loss / 2.0))
    return {"theta": np.asarray(thetas), "w_estimate": np.asarray(w_estimates),
            "js_estimate": np.asarray(js_estimates)}


def draw_figures(out_dir, seed=0):
    """Writes optimal_discriminator.png and w_vs_js.png into `out_dir`; returns their paths."""
    os.makedirs(out_dir, exist_ok=True)
    od = optimal_discriminator(seed=seed)
    p1 = figures.line_plot(od["x"], {"learned D(x)": od["learned"],
                                     "D*(x) = p_data / (p_data + p_g)": od["optimal"]},
                           os.path.join(out_dir, "optimal_discriminator.png"),
                           title="Optimal discriminator: p_data = N(1, 0.5²), p_g = N(-0.5, 1)",
                           xlabel="x", ylabel="D(x)", y_range=(0.0, 1.0))
    pl = parallel_lines(thetas=np.linspace(-2, 2, 17), seed=seed)
    w = pl["w_estimate"] / max(np.abs(pl["w_estimate"]).max(), 1e-12) * np.log(2)
    p2 = figures.line_plot(pl["theta"], {"WGAN critic estimate (rescaled)": w,
                                         "GAN JS estimate (nats)": pl["js_estimate"],
                                         "log 2": np.full(len(pl["theta"]), np.log(2))},
                           os.path.join(out_dir, "w_vs_js.png"),
                           title="Parallel lines: W grows with |θ|, JS saturates at log 2",
                           xlabel="θ (distance between the lines)", ylabel="estimate")
    return p1, p2
