"""Projection and editing on a GAN's learned manifold (iGAN: Zhu, Krähenbühl, Shechtman and
Efros, "Generative Visual Manipulation on the Natural Image Manifold", ECCV 2016,
arXiv:1609.03552).

A trained generator G maps latents z ~ N(0, I) to images; the set {G(z)} is the learned
manifold. iGAN lets a person edit an image by brush strokes while the result stays on it:

* **Projection** finds the latent of an image x,

      z* = argmin_z  ||G(z) - x||^2 / D  +  lambda_p ||z||^2 / d,

  (D pixels, d latent dimensions; the prior term is the negative log-density of N(0, I) up to a
  scale and keeps z in the region G was trained on). The objective is non-convex, so iGAN starts
  the optimizer from an encoder's guess z0 = E(x): the "hybrid" method of the paper's Section
  3.2, better than either the encoder alone or optimization from random starts. The encoder is
  trained on pairs (G(z), z) to minimize ||E(G(z)) - z||^2 (`train_encoder`).
* **Editing** turns strokes into constraints: a mask M (which pixels the person painted, soft
  values in [0, 1]) and a target T (the paint), and moves the latent as little as it needs,

      z_edit = argmin_z  sum(M * (G(z) - T)^2) / sum(M)  +  lambda_s ||z - z0||^2 / d
                                                          +  lambda_p ||z||^2 / d,

  the paper's Eq. (5) with the colour constraint as data term and its smoothness term
  lambda_s ||z - z0||^2. The edited image G(z_edit) is on the manifold by construction, unlike
  the strokes pasted onto the pixels (`paste`), which is the baseline the bench compares with.
* **Interpolation** between two images projects both and walks the latent line (spherically
  for a Gaussian prior) between the two latents.

The minimizer is Adam (Kingma & Ba 2015) on the latents, batched (the objective is a sum of
per-image terms and Adam's update is element-wise, so every image is optimized independently),
keeping the best latent seen per image (iGAN's code used L-BFGS-B; why Adam here is in
bench/RESULTS.md, "Explorations behind the recipes"). One call does at most `MAX_STEPS` updates
(one generator forward and backward pass each), in chunks of `CHUNK` so that a caller can also bound the wall time
(`time_limit`).

Every function takes a GAN-family model (`kerasgen.GAN`, `DCGAN`, `WGAN`, `WGANGP`); the models
delegate to them (`model.project`, `model.edit`, `model.interpolate_images`).

Example:
    >>> gan = kerasgen.GAN(latent_dim=2, sample_shape=(3,), hidden_units=(16,), seed=0)
    >>> z, reconstruction = project(gan, gan.generate(2, seed=1), steps=10)
    >>> z.shape, reconstruction.shape
    ((2, 2), (2, 3))
"""

import math
import time
import weakref

import numpy as np

from kerasgen import utils
from kerasgen.utils import check_positive_int

MAX_STEPS = 2000            # Adam updates one call may ask for
MAX_INTERPOLATION_STEPS = 64
CHUNK = 25                  # iterations between two checks of the time limit


# ------------------------------------------------------------------------------- checks
def value_range(model):
    """The generator's output range: `(-1, 1)` for a tanh output, `(0, 1)` for a sigmoid, else
    None (unbounded; only finiteness is checked).

    Example:
        >>> value_range(kerasgen.DCGAN(image_size=8, channels=1, latent_dim=4, base_filters=4))
        (-1.0, 1.0)
        >>> value_range(kerasgen.GAN(latent_dim=2, sample_shape=(2,))) is None
        True
    """
    given = getattr(model, "value_range", None)
    if given is not None:
        return tuple(float(v) for v in given)
    layer = model.generator.layers[-1]
    while not hasattr(layer, "activation") and layer._inbound_nodes:
        parents = layer._inbound_nodes[0].parent_nodes
        if not parents:
            break
        layer = parents[0].operation
    name = getattr(getattr(layer, "activation", None), "__name__", None)
    return {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}.get(name)


def _check_model(model):
    for attribute in ("sampling_generator", "latent_dim", "sample_shape"):
        if not hasattr(model, attribute):
            raise ValueError(f"Expected a GAN-family model (GAN, DCGAN, WGAN, WGANGP); "
                             f"{type(model).__name__} has no `{attribute}`.")


def check_steps(steps, name="steps", maximum=MAX_STEPS, minimum=0):
    """`steps` as an int in [minimum, maximum], or a ValueError naming the argument."""
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, (int, np.integer)):
        raise ValueError(f"`{name}` must be an integer in [{minimum}, {maximum}], got "
                         f"{steps!r} of type {type(steps).__name__}.")
    if not minimum <= steps <= maximum:
        raise ValueError(f"`{name}` must be in [{minimum}, {maximum}], got {steps}.")
    return int(steps)


def _check_weight(value, name):
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"`{name}` must be a finite number >= 0, got {value}.")
    return value


def _as_float_array(values, name):
    try:
        array = np.asarray(values, dtype=np.float32)
    except (TypeError, ValueError) as e:
        raise ValueError(f"`{name}` must be an array of numbers: {e}") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` holds NaN or infinite values.")
    return array


def check_images(model, images, name="images"):
    """Returns `(batch, single)`: float32 images (n,) + sample_shape, and whether one image
    without a batch axis was given. The shared check of every verb (`kerasgen.utils.
    check_images`): uint8 images (0..255) are mapped onto the model's value range, float
    images must be finite and inside it (half a percent of slack for rounding), an empty batch
    or another shape is refused."""
    _check_model(model)
    return utils.check_images(images, tuple(model.sample_shape), value_range(model), name,
                              type(model).__name__)


def check_latents(model, z, name="z"):
    """Returns float32 latents (n, latent_dim) and whether one latent without batch axis came."""
    z = _as_float_array(z, name)
    single = z.shape == (model.latent_dim,)
    if single:
        z = z[None]
    if z.ndim != 2 or z.shape[1] != model.latent_dim or z.shape[0] == 0:
        raise ValueError(f"`{name}` must have shape ({model.latent_dim},) or "
                         f"(n, {model.latent_dim}), got {z.shape}.")
    return z, single


def check_mask(mask, image_shape, name="mask"):
    """Broadcasts a mask of shape (H, W), (H, W, 1) or `image_shape` (values in [0, 1], not all
    zero) to `image_shape`; vector samples take a mask of the sample's shape."""
    image_shape = tuple(image_shape)
    m = _as_float_array(mask, name)
    if len(image_shape) == 3 and m.shape in (image_shape[:2], image_shape[:2] + (1,)):
        m = np.broadcast_to(m.reshape(image_shape[:2] + (1,)), image_shape)
    if m.shape != image_shape:
        accepted = ([image_shape[:2], image_shape[:2] + (1,)] if len(image_shape) == 3 else [])
        raise ValueError(f"`{name}` must have shape {' or '.join(map(str, accepted + [image_shape]))}"
                         f", got {m.shape}.")
    if m.min() < 0 or m.max() > 1:
        raise ValueError(f"`{name}` values must lie in [0, 1], got [{m.min():g}, {m.max():g}].")
    if not m.any():
        raise ValueError(f"`{name}` is all zeros: there is no stroke to match.")
    return np.array(m, np.float32)


# ------------------------------------------------------------------------------- encoder
def encoder_network(sample_shape, latent_dim, base_filters=32, name="encoder"):
    """The encoder E: x -> z of iGAN's hybrid projection: stride-2 convolutions down to 4x4 for
    images (as the DCGAN discriminator, without batch norm), an MLP for vectors.

    Example:
        >>> encoder_network((16, 16, 1), 8, base_filters=4).output_shape
        (None, 8)
    """
    import keras

    sample_shape = tuple(sample_shape)
    x = keras.Input(sample_shape, name="x")
    h = x
    if len(sample_shape) == 3:
        filters, size = base_filters, sample_shape[0]
        while size > 4:
            h = keras.layers.Conv2D(filters, 4, strides=2, padding="same", name=f"conv_{size}")(h)
            h = keras.layers.LeakyReLU(0.2)(h)
            filters, size = filters * 2, (size + 1) // 2
        h = keras.layers.Flatten()(h)
    elif len(sample_shape) > 1:
        h = keras.layers.Flatten()(h)
    for i in range(2 if len(sample_shape) == 1 else 1):
        h = keras.layers.Dense(max(4 * base_filters, 2 * latent_dim), name=f"dense_{i}")(h)
        h = keras.layers.LeakyReLU(0.2)(h)
    z = keras.layers.Dense(latent_dim, dtype="float32", name="z")(h)
    return keras.Model(x, z, name=name)


def train_encoder(model, steps=1000, batch_size=64, learning_rate=1e-3, seed=0,
                  base_filters=32):
    """Trains an encoder on pairs (G(z), z), z ~ N(0, I), to minimize ||E(G(z)) - z||^2.

    Args:
        model: a GAN-family model (its sampling generator makes the pairs).
        steps: Adam updates, each on a fresh batch of `batch_size` pairs.
        learning_rate: Adam's learning rate.
        seed: seeds the encoder's initial weights and the latents.
    Returns:
        The encoder, a `keras.Model` x -> z; pass it as `encoder=` to `project`.

    Example:
        >>> gan = kerasgen.GAN(latent_dim=2, sample_shape=(3,), hidden_units=(16,), seed=0)
        >>> encoder = train_encoder(gan, steps=2, batch_size=8)
        >>> encoder.output_shape
        (None, 2)
    """
    import keras
    import tensorflow as tf

    _check_model(model)
    steps = check_steps(steps, "steps", maximum=1_000_000, minimum=1)
    batch_size = check_positive_int(batch_size, "batch_size")
    keras.utils.set_random_seed(seed)
    encoder = encoder_network(model.sample_shape, model.latent_dim, base_filters)
    optimizer = keras.optimizers.Adam(learning_rate)
    generator = model.sampling_generator
    seeds = keras.random.SeedGenerator(seed)

    @tf.function
    def train_step():
        z = keras.random.normal((batch_size, model.latent_dim), seed=seeds)
        x = generator(z, training=False)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(encoder(x, training=True) - z))
        grads = tape.gradient(loss, encoder.trainable_variables)
        optimizer.apply_gradients(zip(grads, encoder.trainable_variables))
        return loss

    from kerasgen.backend import REMAPPER_NOISE, dropping_stderr_lines

    with dropping_stderr_lines(REMAPPER_NOISE):  # the first call optimizes the graph
        train_step()
    for _ in range(steps - 1):
        train_step()
    return encoder


# ------------------------------------------------------------------------------- minimizer
_MINIMIZERS = weakref.WeakKeyDictionary()  # generator -> traced Adam chunk


def _minimizer(generator, latent_dim, sample_shape):
    """One traced function per generator (any batch size): `steps` Adam updates of the masked
    objective of the module docstring from `z`, carrying Adam's moments `m`, `v` and step count
    `t` between calls, and the best latents seen so far."""
    if generator in _MINIMIZERS:
        return _MINIMIZERS[generator]
    import tensorflow as tf

    axes = list(range(1, len(sample_shape) + 1))
    image = tf.TensorSpec((None,) + tuple(sample_shape), tf.float32)
    latent = tf.TensorSpec((None, latent_dim), tf.float32)
    vector = tf.TensorSpec((None,), tf.float32)
    coordinates = tf.TensorSpec((latent_dim,), tf.float32)
    scalar = tf.TensorSpec((), tf.float32)
    count = tf.TensorSpec((), tf.int32)
    beta_1, beta_2, epsilon = 0.9, 0.999, 1e-8  # Adam's defaults (Kingma & Ba 2015)

    @tf.function(input_signature=[latent, latent, latent, count, latent, vector, image, image,
                                  latent, scalar, scalar, scalar, coordinates, count])
    def run(z, m, v, t, best_z, best_loss, target, mask, z_ref, smooth_weight, prior_weight,
            learning_rate, moving, steps):
        mask_total = tf.maximum(tf.reduce_sum(mask, axes), 1e-6)

        def objective(z):
            residual = tf.square(generator(z, training=False) - target)
            data = tf.reduce_sum(mask * residual, axes) / mask_total
            smooth = tf.reduce_mean(tf.square(z - z_ref), -1)
            prior = tf.reduce_mean(tf.square(z), -1)
            return data + smooth_weight * smooth + prior_weight * prior

        def keep_best(z, loss, best_z, best_loss):
            better = loss < best_loss
            return tf.where(better[:, None], z, best_z), tf.where(better, loss, best_loss)

        def body(i, z, m, v, t, best_z, best_loss):
            with tf.GradientTape() as tape:
                tape.watch(z)
                loss = objective(z)  # per example; their sum's gradient is per example too
                total = tf.reduce_sum(loss)
            grad = tape.gradient(total, z)
            best_z, best_loss = keep_best(z, loss, best_z, best_loss)
            t = t + 1
            m = beta_1 * m + (1 - beta_1) * grad
            v = beta_2 * v + (1 - beta_2) * tf.square(grad)
            tf_t = tf.cast(t, tf.float32)
            step = learning_rate * (m / (1 - beta_1 ** tf_t)) / (
                tf.sqrt(v / (1 - beta_2 ** tf_t)) + epsilon)
            return i + 1, z - moving * step, m, v, t, best_z, best_loss

        _, z, m, v, t, best_z, best_loss = tf.while_loop(
            lambda i, *_: i < steps, body, [0, z, m, v, t, best_z, best_loss])
        best_z, best_loss = keep_best(z, objective(z), best_z, best_loss)
        return z, m, v, t, best_z, best_loss

    _MINIMIZERS[generator] = run
    return run


def fit_latents(model, z0, target, mask, z_ref=None, steps=100, smooth_weight=0.0,
                prior_weight=1e-3, learning_rate=0.1, time_limit=None, keep_class=False):
    """Minimizes the masked objective of the module docstring from `z0` (batched, NumPy).

    Args:
        model: a GAN-family model.
        z0: starting latents (n, latent_dim).
        target, mask: (n,) + sample_shape, already checked (`check_images`, `check_mask`).
        z_ref: the latents of the smoothness term (default `z0`).
        steps: Adam updates, at most `MAX_STEPS`; 0 returns `z0`.
        smooth_weight, prior_weight: lambda_s and lambda_p.
        learning_rate: Adam's step size in latent units.
        time_limit: seconds after which to stop (checked every `CHUNK` updates) and return the
            best latents so far; None for no limit.
        keep_class: for a class-conditional GAN (`num_classes`), move only the noise
            coordinates of z and keep its class code (edits: a free code re-draws the whole
            image from another class's mixture instead of changing it where the strokes are).
    Returns:
        `(z, loss, info)`: the best latents seen (n, latent_dim), their objective per example,
        and `{"steps": updates made, "timed_out": bool}`.
    """
    import tensorflow as tf

    _check_model(model)
    steps = check_steps(steps)
    smooth_weight = _check_weight(smooth_weight, "smooth_weight")
    prior_weight = _check_weight(prior_weight, "prior_weight")
    learning_rate = _check_weight(learning_rate, "learning_rate")
    start = time.monotonic()
    run = _minimizer(model.sampling_generator, model.latent_dim, tuple(model.sample_shape))
    z = tf.constant(z0, tf.float32)
    m = v = tf.zeros_like(z)
    t = tf.constant(0, tf.int32)
    best_z, best_loss = z, tf.fill(tf.shape(z)[:1], np.float32(np.inf))
    fixed = [tf.constant(target, tf.float32), tf.constant(mask, tf.float32),
             tf.constant(z0 if z_ref is None else z_ref, tf.float32),
             tf.constant(smooth_weight, tf.float32), tf.constant(prior_weight, tf.float32),
             tf.constant(learning_rate, tf.float32), tf.constant(_moving(model, keep_class))]
    done, timed_out = 0, False
    while True:
        chunk = min(CHUNK, steps - done)
        z, m, v, t, best_z, best_loss = run(z, m, v, t, best_z, best_loss, *fixed,
                                            tf.constant(chunk, tf.int32))
        done += chunk
        if done >= steps:
            break
        if time_limit is not None and time.monotonic() - start > time_limit:
            timed_out = True
            break
    return best_z.numpy(), best_loss.numpy(), {"steps": done, "timed_out": timed_out}


def _moving(model, keep_class):
    """Which latent coordinates the minimizer moves: all, or with `keep_class` all but a
    class-conditional model's class code."""
    moving = np.ones(model.latent_dim, np.float32)
    classes = getattr(model, "num_classes", 0) if keep_class else 0
    if classes:
        moving[model.latent_dim - classes:] = 0.0
    return moving


def _generate(model, z):
    return np.asarray(model.sampling_generator(np.asarray(z, np.float32), training=False))


# ------------------------------------------------------------------------------- verbs
def project(model, images, steps=100, encoder=None, restarts=1, prior_weight=1e-3, seed=0,
            learning_rate=0.1, time_limit=None):
    """Finds latents whose generations match `images`: iGAN's projection.

    Starts from `encoder(images)` when an encoder is given (the hybrid method; `steps=0` gives
    the encoder alone), else from `restarts` random latents per image, keeping the best.

    Args:
        model: a GAN-family model.
        images: one sample (sample_shape) or a batch (n,) + sample_shape: float32 in the model's
            range (`value_range`: [-1, 1] for a tanh generator) or uint8 in [0, 255] (mapped onto
            it; both give the same result); other values, NaN or infinity raise a ValueError
            naming the range.
        steps: Adam updates (0 to `MAX_STEPS`).
        encoder: a `keras.Model` x -> z (see `train_encoder`), or None.
        restarts: random starts per image when there is no encoder (1 to 16).
        prior_weight: lambda_p, the weight of the Gaussian prior term.
        seed: seed of the random starts.
        learning_rate: Adam's step size.
        time_limit: seconds, or None (see `fit_latents`).
    Returns:
        `(z, reconstruction)` as NumPy arrays, without the batch axis if one image came.

    Example:
        >>> gan = kerasgen.GAN(latent_dim=2, sample_shape=(3,), hidden_units=(16,), seed=0)
        >>> x = gan.generate_from_latents(np.array([[0.5, -1.0]], np.float32)).numpy()
        >>> z, reconstruction = project(gan, x[0], steps=200, prior_weight=0.0, restarts=4)
        >>> bool(np.abs(reconstruction - x[0]).max() < 1e-3), z.round(2)
        (True, array([ 0.5, -1. ], dtype=float32))
    """
    x, single = check_images(model, images)
    steps = check_steps(steps)
    restarts = check_steps(restarts, "restarts", maximum=16, minimum=1)
    n = len(x)
    if encoder is not None:
        z0 = np.asarray(encoder(x, training=False), np.float32)
        if z0.shape != (n, model.latent_dim):
            raise ValueError(f"`encoder` must map {x.shape} to ({n}, {model.latent_dim}), "
                             f"got {z0.shape}.")
        restarts = 1
    else:
        z0 = np.random.default_rng(seed).standard_normal(
            (restarts * n, model.latent_dim)).astype(np.float32)
    target = np.tile(x, (restarts,) + (1,) * (x.ndim - 1))
    z, loss, _ = fit_latents(model, z0, target, np.ones_like(target), steps=steps,
                             prior_weight=prior_weight, learning_rate=learning_rate,
                             time_limit=time_limit)
    best = np.argmin(loss.reshape(restarts, n), axis=0) * n + np.arange(n)
    z = z[best]
    reconstruction = _generate(model, z)
    return (z[0], reconstruction[0]) if single else (z, reconstruction)


def paste(image, mask, target):
    """The strokes pasted onto the pixels: image * (1 - mask) + target * mask (the baseline).

    Example:
        >>> paste(np.zeros((2, 2)), np.array([[1.0, 0.0], [0.0, 0.5]]), np.ones((2, 2)))
        array([[1. , 0. ],
               [0. , 0.5]], dtype=float32)
    """
    image, mask, target = (np.asarray(a, np.float32) for a in (image, mask, target))
    return image * (1.0 - mask) + target * mask


def edit(model, image=None, mask=None, target=None, z=None, steps=100, smooth_weight=0.05,
         prior_weight=1e-3, learning_rate=0.05, project_steps=100, encoder=None,
         time_limit=None):
    """Moves an image along the manifold until it matches the strokes: iGAN's edit.

    Args:
        model: a GAN-family model.
        image: the image to edit (sample_shape; float32 in the model's range or uint8 in
            [0, 255], as `project` takes); it is projected first (`project_steps`, `encoder`). Leave it None and pass `z` to edit a latent you have (a sample or an
            earlier projection).
        mask: where the strokes are, values in [0, 1]: (H, W), (H, W, 1) or sample_shape.
        target: the strokes' colour/intensity, sample_shape in the model's range or uint8 (its values
            outside the mask do not matter).
        z: the starting latent (latent_dim,) instead of `image`.
        steps: Adam updates of the edit (0 to `MAX_STEPS`).
        smooth_weight: lambda_s, how strongly the latent stays near the start.
        prior_weight: lambda_p.
        learning_rate: Adam's step size.
        time_limit: seconds for the whole call (projection included), or None.
    Returns:
        `(z, edited)`: the new latent (latent_dim,) and its generation (sample_shape).

    Example:
        >>> gan = kerasgen.GAN(latent_dim=2, sample_shape=(3,), hidden_units=(16,), seed=0)
        >>> z0 = np.array([0.5, -0.3], np.float32)
        >>> start = gan.generate_from_latents(z0[None]).numpy()[0]
        >>> target = start + np.array([0.1, 0.0, 0.0], np.float32)  # raise the first value
        >>> z, edited = edit(gan, z=z0, mask=np.array([1.0, 0.0, 0.0]), target=target,
        ...                  steps=50, smooth_weight=0.0, prior_weight=0.0)
        >>> bool(abs(edited[0] - target[0]) < 1e-3 < abs(start[0] - target[0]))
        True
    """
    _check_model(model)
    start = time.monotonic()
    if (image is None) == (z is None):
        raise ValueError("Pass exactly one of `image` (projected first) and `z`.")
    if mask is None or target is None:
        raise ValueError("`edit` needs a `mask` and a `target` (the strokes).")
    shape = tuple(model.sample_shape)
    target, single = check_images(model, target, "target")
    if not single:
        raise ValueError(f"`target` must have the shape of one sample {shape}, got "
                         f"{target.shape[1:] if target.shape[0] == 1 else target.shape}.")
    mask = check_mask(mask, shape)[None]
    steps = check_steps(steps)
    if z is not None:
        z0, single_z = check_latents(model, z)
        if not single_z:
            raise ValueError(f"`z` must be one latent of shape ({model.latent_dim},), got "
                             f"{z0.shape}.")
    else:
        x, single_image = check_images(model, image, "image")
        if not single_image:
            raise ValueError(f"`image` must be one sample of shape {shape}, got {x.shape}.")
        z0, _ = project(model, x, steps=project_steps,
                        encoder=encoder, prior_weight=prior_weight, time_limit=time_limit)
    remaining = None if time_limit is None else max(0.0, time_limit - (time.monotonic() - start))
    z_new, _, _ = fit_latents(model, z0, target, mask, steps=steps, keep_class=True,
                              smooth_weight=smooth_weight,
                              prior_weight=prior_weight, learning_rate=learning_rate,
                              time_limit=remaining)
    return z_new[0], _generate(model, z_new)[0]


def interpolate_latents(z0, z1, steps=8, spherical=True):
    """Points on the path from z0 to z1, ends included: straight, or on the great circle
    (which keeps the norm typical of a Gaussian latent). Returns (steps, latent_dim).

    Example:
        >>> interpolate_latents(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 3).round(3)
        array([[1.   , 0.   ],
               [0.707, 0.707],
               [0.   , 1.   ]], dtype=float32)
    """
    steps = check_steps(steps, "steps", maximum=MAX_INTERPOLATION_STEPS, minimum=2)
    z0 = np.asarray(z0, np.float32).reshape(-1)
    z1 = np.asarray(z1, np.float32).reshape(-1)
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    path = (1 - t) * z0 + t * z1
    if spherical:
        cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1) + 1e-12)
        omega = np.arccos(np.clip(cos, -1.0, 1.0))
        if omega >= 1e-6:
            path = (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
    return path.astype(np.float32)


def interpolate_images(model, x0, x1, steps=8, spherical=True, project_steps=100,
                       encoder=None, prior_weight=1e-3, time_limit=None):
    """Projects two images and generates along the latent path between them.

    Args:
        model: a GAN-family model.
        x0, x1: two samples (sample_shape each) in the model's range.
        steps: images on the path, ends included (2 to `MAX_INTERPOLATION_STEPS`).
        spherical: interpolate on the great circle (suits the Gaussian prior).
        project_steps, encoder, prior_weight, time_limit: as `steps`, ... in `project`.
    Returns:
        NumPy array (steps,) + sample_shape; its ends are the projections of x0 and x1.
    """
    steps = check_steps(steps, "steps", maximum=MAX_INTERPOLATION_STEPS, minimum=2)
    a, single_a = check_images(model, x0, "x0")
    b, single_b = check_images(model, x1, "x1")
    if not (single_a and single_b):
        raise ValueError(f"`x0` and `x1` must each be one sample of shape "
                         f"{tuple(model.sample_shape)}.")
    z, _ = project(model, np.concatenate([a, b]), steps=project_steps, encoder=encoder,
                   prior_weight=prior_weight, time_limit=time_limit)
    return _generate(model, interpolate_latents(z[0], z[1], steps, spherical))


# ------------------------------------------------------------------------------- strokes
MAX_STROKES = 64
MAX_POINTS = 1024


def rasterize_strokes(strokes, image_shape, value_range=(-1.0, 1.0), supersample=4):
    """Turns brush strokes into `(mask, target)` at the model's resolution.

    Args:
        strokes: a list of dicts `{"points": [[x, y], ...], "width": w, "color": c}`: points
            in [0, 1] image coordinates (x to the right, y down), `width` the brush diameter
            as a fraction of the image side (0 < w <= 1), `color` one number (grey, or every
            channel) or one per channel, in `value_range`. Later strokes paint over earlier.
        image_shape: (H, W, C) of the model's samples.
        supersample: the strokes are drawn this many times larger, then averaged down, so
            the mask is soft (anti-aliased) at the edges.
    Returns:
        `mask` (H, W, 1) in [0, 1] and `target` (H, W, C), float32.

    Example:
        >>> mask, target = rasterize_strokes(
        ...     [{"points": [[0.0, 0.5], [1.0, 0.5]], "width": 0.25, "color": 1.0}], (8, 8, 1))
        >>> mask[:, :, 0].max(axis=1)
        array([0., 0., 0., 1., 1., 0., 0., 0.], dtype=float32)
    """
    from PIL import Image, ImageDraw

    image_shape = tuple(image_shape)
    if len(image_shape) != 3:
        raise ValueError(f"Strokes need an image model (H, W, C); got samples of shape "
                         f"{image_shape}.")
    h, w, c = image_shape
    if not isinstance(strokes, (list, tuple)) or not strokes:
        raise ValueError("`strokes` must be a non-empty list of strokes.")
    if len(strokes) > MAX_STROKES:
        raise ValueError(f"At most {MAX_STROKES} strokes per edit, got {len(strokes)}.")
    lo, hi = value_range
    big = (w * supersample, h * supersample)
    mask = np.zeros((h, w, 1), np.float32)
    target = np.zeros((h, w, c), np.float32)
    for i, stroke in enumerate(strokes):
        if not isinstance(stroke, dict):
            raise ValueError(f"stroke {i} must be an object with points, width and color.")
        unknown = set(stroke) - {"points", "width", "color"}
        if unknown:
            raise ValueError(f"stroke {i} has unknown keys {sorted(unknown)}; expected points, "
                             "width, color.")
        points = stroke.get("points")
        if (not isinstance(points, (list, tuple)) or not 1 <= len(points) <= MAX_POINTS
                or not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in points)):
            raise ValueError(f"stroke {i}: `points` must be a list of 1 to {MAX_POINTS} [x, y] "
                             "pairs.")
        pts = _finite_numbers(points, f"stroke {i} points")
        if pts.min() < 0 or pts.max() > 1:
            raise ValueError(f"stroke {i}: point coordinates must lie in [0, 1].")
        width = _finite_numbers(stroke.get("width"), f"stroke {i} width")
        if width.shape != () or not 0 < float(width) <= 1:
            raise ValueError(f"stroke {i}: `width` must be one number in (0, 1].")
        color = _finite_numbers(stroke.get("color"), f"stroke {i} color").reshape(-1)
        if color.size not in (1, c):
            raise ValueError(f"stroke {i}: `color` must be one number" +
                             (f" or {c} numbers (one per channel)." if c > 1 else "."))
        if color.min() < lo or color.max() > hi:
            raise ValueError(f"stroke {i}: `color` must lie in [{lo:g}, {hi:g}].")
        layer = Image.new("L", big, 0)
        draw = ImageDraw.Draw(layer)
        radius = max(0.5, float(width) * big[0] / 2)
        # PIL's integer coordinates are pixel centres: [0, 1] maps to [-0.5, size - 0.5]
        xy = [(float(x) * big[0] - 0.5, float(y) * big[1] - 0.5) for x, y in pts]
        if len(xy) > 1:
            draw.line(xy, fill=255, width=max(1, int(round(2 * radius))), joint="curve")
        for x, y in xy:  # round caps and single dabs
            # the box's edges are pixel centres, so the disc covers the pixels within `radius`
            draw.ellipse([x - radius + 0.5, y - radius + 0.5, x + radius - 0.5, y + radius - 0.5],
                         fill=255)
        m = np.asarray(layer.resize((w, h), Image.Resampling.BOX), np.float32)[..., None] / 255
        target = target * (1 - m) + np.broadcast_to(color, (c,)) * m
        mask = np.maximum(mask, m)
    # where strokes overlap with partial coverage, the target is the colour alone
    target = np.where(mask > 0, target / np.maximum(mask, 1e-6), 0.0).astype(np.float32)
    return mask, np.clip(target, lo, hi).astype(np.float32)


def _finite_numbers(value, name):
    if isinstance(value, (bool, str, bytes, dict)) or value is None:
        raise ValueError(f"{name} must be numbers, got {type(value).__name__}.")
    array = _as_float_array(value, name)
    return array
