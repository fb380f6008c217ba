"""The DCGAN paper's own Theano parameters (github.com/Newmu/dcgan_code) -> a kerasgen DCGAN.

Radford, Metz and Chintala (2016, arXiv:1511.06434) published their trained SVHN model as two
joblib lists, `200_gen_params.jl` and `200_discrim_params.jl`, whose arrays are stored beside
them as plain `.npy` files (`.jl_01.npy`, ...). kerasgen reads only the `.npy` files, with
`np.load(allow_pickle=False)`; the `.jl` pickles are never opened (unpickling runs code).

What the arrays are (Theano layout, NCHW; their code's `gen` and `discrim` functions):

    generator      w (nz, 4*4*C0)  dense projection, no bias
                   g, b (4*4*C0)   batch norm over each projected *unit* (the 2-D batchnorm),
                                   then ReLU and reshape to (C0, 4, 4)
                   per upsampling: w (C_in, C_out, k, k), g, b (C_out)
                                   deconv = the gradient of a stride-2 true convolution with
                                   border_mode 2, then batch norm per channel, ReLU
                   wx (C_last, channels, k, k)  deconv, tanh
    discriminator  w (C1, channels, k, k)        stride-2 true convolution, LeakyReLU(0.2)
                   per layer: w (C_out, C_in, k, k), g, b  convolution, batch norm, LeakyReLU
                   wy (4*4*C_last, 1)            linear output on the flattened (C, 4, 4) map

Conversions: Theano's `dnn_conv`/`deconv` use `conv_mode="conv"`, a true convolution, so the
kernels are flipped in both spatial axes for Keras's cross-correlation; Conv2D kernels become
(k, k, C_in, C_out) and Conv2DTranspose kernels (k, k, C_out, C_in); the dense projection's and
the output's units are permuted from (C, 4, 4) order to Keras's (4, 4, C) order. The padding is
Theano's symmetric border_mode (k - 1) // 2 (`layout="theano"`), not Keras's "same". Batch norm
uses epsilon 1e-8 and, in the original, batch statistics only: the converted model computes the
same function with `training=True`. For inference mode, `estimate_batch_norm_statistics` runs the
network in batch-statistics mode on many inputs and writes the pooled mean and (biased) variance
of each batch-norm layer's inputs as its moving statistics.
"""

import hashlib
import os

import numpy as np
import keras

from kerasgen.utils import sha256_of

GENERATOR_STEM = "200_gen_params.jl"
DISCRIMINATOR_STEM = "200_discrim_params.jl"


def git_blob_sha1(path):
    """The git object id of a file's content (`git hash-object`): the hash a repository's tree
    publishes for it."""
    with open(path, "rb") as f:
        data = f.read()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_array(path, shape=None, name=None):
    """Reads one `.npy` file as data (`allow_pickle=False`), float32, checking its shape.

    Raises FileNotFoundError or ValueError naming the file (and `name`, the parameter it
    should hold) and what was expected.
    """
    path = os.fspath(path)
    label = f"{name} ({os.path.basename(path)})" if name else repr(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"Array file for {label} not found: {path!r}.")
    try:
        array = np.load(path, allow_pickle=False)
    except ValueError as e:
        if "allow_pickle" in str(e):
            raise ValueError(f"Array file {path!r} holds Python objects (a pickle), not "
                             f"numbers; refused.") from None
        raise ValueError(f"Cannot read array file {path!r} for {label}: it is truncated or "
                         f"not a .npy file ({e}).") from None
    except (OSError, EOFError) as e:
        raise ValueError(f"Cannot read array file {path!r} for {label}: it is truncated or "
                         f"not a .npy file ({e}).") from None
    if not isinstance(array, np.ndarray) or not np.issubdtype(array.dtype, np.floating):
        raise ValueError(f"Array {label} in {path!r} has dtype "
                         f"{getattr(array, 'dtype', type(array).__name__)}, expected floating "
                         "point.")
    if shape is not None and tuple(array.shape) != tuple(shape):
        raise ValueError(f"Array {label} in {path!r} has shape {tuple(array.shape)}, expected "
                         f"{tuple(shape)}.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"Array {label} in {path!r} holds NaN or Inf values.")
    return array.astype(np.float32)


# ------------------------------------------------------------------------------ layouts
def _flip(w):
    return w[:, :, ::-1, ::-1]


def _units_to_keras(v, channels):
    """(C*4*4,) in Theano's (C, 4, 4) order -> Keras's (4, 4, C) order (last axis kept)."""
    tail = v.shape[1:]
    return v.reshape((channels, 4, 4) + tail).transpose((1, 2, 0) + tuple(
        range(3, 3 + len(tail)))).reshape((-1,) + tail)


def generator_spec(generator):
    """`[(name, Theano shape, [(Keras variable, convert(array))])]` for a `dcgan_generator(
    layout="theano")`, in the order of the published list.

    Example:
        >>> g = kerasgen.models.dcgan_generator(100, 32, 3, kernel_size=5, layout="theano")
        >>> [(name, shape) for name, shape, _ in generator_spec(g)][:4]
        [('w', (100, 4096)), ('g', (4096,)), ('b', (4096,)), ('w2', (256, 128, 5, 5))]
    """
    project = generator.get_layer("project")
    nz, units = project.kernel.shape
    c0 = units // 16
    bn = generator.get_layer("project_bn")
    spec = [
        ("w", (nz, units), [(project.kernel, lambda a: _units_to_keras(a.T, c0).T)]),
        ("g", (units,), [(bn.gamma, lambda a: _units_to_keras(a, c0))]),
        ("b", (units,), [(bn.beta, lambda a: _units_to_keras(a, c0))]),
    ]
    names = {layer.name for layer in generator.layers}
    i = 0
    while f"deconv_{i}" in names:
        conv, norm = generator.get_layer(f"deconv_{i}"), generator.get_layer(f"bn_{i}")
        k, _, c_out, c_in = conv.kernel.shape
        spec += [(f"w{i + 2}", (c_in, c_out, k, k),
                  [(conv.kernel, lambda a: _flip(a).transpose(2, 3, 1, 0))]),
                 (f"g{i + 2}", (c_out,), [(norm.gamma, lambda a: a)]),
                 (f"b{i + 2}", (c_out,), [(norm.beta, lambda a: a)])]
        i += 1
    out = generator.get_layer("to_image")
    k, _, channels, c_in = out.kernel.shape
    spec.append(("wx", (c_in, channels, k, k),
                 [(out.kernel, lambda a: _flip(a).transpose(2, 3, 1, 0))]))
    return spec


def discriminator_spec(discriminator):
    """The same for a `dcgan_discriminator(layout="theano")`."""
    spec, names, i = [], {layer.name for layer in discriminator.layers}, 0
    while f"conv_{i}" in names:
        conv = discriminator.get_layer(f"conv_{i}")
        k, _, c_in, c_out = conv.kernel.shape
        suffix = "" if i == 0 else str(i + 1)
        spec.append((f"w{suffix}", (c_out, c_in, k, k),
                     [(conv.kernel, lambda a: _flip(a).transpose(2, 3, 1, 0))]))
        if i > 0:
            norm = discriminator.get_layer(f"bn_{i}")
            spec += [(f"g{suffix}", (c_out,), [(norm.gamma, lambda a: a)]),
                     (f"b{suffix}", (c_out,), [(norm.beta, lambda a: a)])]
        i += 1
    logit = discriminator.get_layer("logit")
    units = logit.kernel.shape[0]
    c_last = units // 16
    spec.append(("wy", (units, 1), [(logit.kernel, lambda a: _units_to_keras(a, c_last))]))
    return spec


def array_files(directory, stem, count):
    """The paths `{stem}_01.npy` ... of a published list of `count` arrays."""
    return [os.path.join(os.fspath(directory), f"{stem}_{i:02d}.npy") for i in range(1, count + 1)]


def read_network_arrays(spec, directory, stem):
    """Reads and checks every array of a network; returns `(arrays, sources)` where sources
    lists each file's name, sha256 and git blob id."""
    paths = array_files(directory, stem, len(spec))
    extra = os.path.join(os.fspath(directory), f"{stem}_{len(spec) + 1:02d}.npy")
    if os.path.exists(extra):
        raise ValueError(f"{directory!r} holds more than the {len(spec)} arrays this "
                         f"architecture has ({os.path.basename(extra)} exists): another model?")
    arrays, sources = [], []
    for (name, shape, _), path in zip(spec, paths):
        arrays.append(read_array(path, shape, name=name))
        sources.append({"file": os.path.basename(path), "parameter": name,
                        "shape": list(shape), "sha256": sha256_of(path),
                        "git_blob": git_blob_sha1(path)})
    return arrays, sources


def assign(spec, arrays):
    """Assigns converted arrays to a network's variables (after checking every shape)."""
    values = []
    for (name, shape, targets), array in zip(spec, arrays):
        if tuple(array.shape) != tuple(shape):
            raise ValueError(f"Array {name} has shape {array.shape}, expected {shape}.")
        for variable, convert in targets:
            value = np.ascontiguousarray(convert(np.asarray(array, np.float32)))
            if tuple(variable.shape) != value.shape:
                raise ValueError(f"Internal: {variable.path} has shape {tuple(variable.shape)},"
                                 f" converted {name} has {value.shape}.")
            values.append((variable, value))
    for variable, value in values:
        variable.assign(value)


def _check_model(model):
    config = model.get_config()
    if type(model).__name__ != "DCGAN" or config.get("layout") != "theano":
        raise ValueError(f"The dcgan_code arrays load into a DCGAN built with layout='theano', "
                         f"got a {type(model).__name__} with layout={config.get('layout')!r}.")


def load_arrays(model, directory, generator_stem=GENERATOR_STEM,
                discriminator_stem=DISCRIMINATOR_STEM, discriminator=True):
    """Loads the published arrays in `directory` into a DCGAN(layout="theano").

    Every array is read and checked before any variable changes (all or nothing). Returns the
    list of source records (file, parameter, shape, sha256, git blob id).
    """
    _check_model(model)
    if not os.path.isdir(os.fspath(directory)):
        raise FileNotFoundError(f"Array directory not found: {directory!r}.")
    g_spec = generator_spec(model.generator)
    g_arrays, sources = read_network_arrays(g_spec, directory, generator_stem)
    work = [(g_spec, g_arrays)]
    if discriminator:
        d_spec = discriminator_spec(model.discriminator)
        d_arrays, d_sources = read_network_arrays(d_spec, directory, discriminator_stem)
        work.append((d_spec, d_arrays))
        sources += d_sources
    for spec, arrays in work:
        assign(spec, arrays)
    if model.ema_generator is not None:
        model.ema_generator.set_weights(model.generator.get_weights())
    return sources


# ------------------------------------------------------------------------------ statistics
def batch_norm_layers(network):
    return [layer for layer in network.layers
            if isinstance(layer, keras.layers.BatchNormalization)]


def estimate_batch_norm_statistics(network, batches):
    """Sets each batch-norm layer's moving statistics to the moments of its inputs.

    The network runs in training mode (every batch norm with its batch's statistics, as the
    original code sampled) on each batch of `batches` (an iterable of input arrays); each
    layer's moving mean and variance become the mean and biased variance of its inputs pooled
    over all batches. Returns the number of inputs seen.
    """
    layers = batch_norm_layers(network)
    if not layers:
        return 0
    probe = keras.Model(network.input, [layer.input for layer in layers])
    saved = [(layer.moving_mean.numpy(), layer.moving_variance.numpy()) for layer in layers]
    sums = [None] * len(layers)
    count = 0
    for batch in batches:
        outputs = probe(np.asarray(batch, np.float32), training=True)
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        for i, (layer, h) in enumerate(zip(layers, outputs)):
            h = np.asarray(h, np.float64)
            axes = tuple(a for a in range(h.ndim) if a != (layer.axis % h.ndim))
            n = int(np.prod([h.shape[a] for a in axes]))
            s1, s2 = h.sum(axis=axes), np.square(h).sum(axis=axes)
            sums[i] = (n, s1, s2) if sums[i] is None else (
                sums[i][0] + n, sums[i][1] + s1, sums[i][2] + s2)
        count += len(batch)
    if count == 0:
        raise ValueError("`batches` held no inputs.")
    # training-mode calls updated the moving statistics; restore, then write the estimates
    for layer, (mean, var) in zip(layers, saved):
        layer.moving_mean.assign(mean)
        layer.moving_variance.assign(var)
    for layer, (n, s1, s2) in zip(layers, sums):
        mean = s1 / n
        layer.moving_mean.assign(mean.astype(np.float32))
        layer.moving_variance.assign(np.maximum(s2 / n - mean ** 2, 0.0).astype(np.float32))
    return count


def latent_batches(latent_dim, num_samples, batch_size=1000, seed=0):
    """Batches of z ~ N(0, I) (the paper's 'gaussian' prior), `num_samples` in all."""
    rng = np.random.default_rng(seed)
    for start in range(0, num_samples, batch_size):
        yield rng.standard_normal((min(batch_size, num_samples - start), latent_dim)).astype(
            np.float32)


def estimate_statistics(model, num_samples=20_000, batch_size=1000, seed=0):
    """Moving statistics for a converted DCGAN: the generator's from `num_samples` latent draws;
    the discriminator's from that many generated images (SVHN itself is not available offline,
    so they describe the discriminator on generated digits, not on real ones).

    Returns a dict of what was done, for the preset metadata.
    """
    n = estimate_batch_norm_statistics(model.generator,
                                       latent_batches(model.latent_dim, num_samples, batch_size,
                                                      seed))
    if model.ema_generator is not None:
        model.ema_generator.set_weights(model.generator.get_weights())

    def images():
        for z in latent_batches(model.latent_dim, num_samples, batch_size, seed + 1):
            yield model.generator(z, training=False)

    m = estimate_batch_norm_statistics(model.discriminator, images())
    return {"generator": f"pooled batch-statistics moments of {n} z ~ N(0, I) draws in "
                         f"training mode (batches of {batch_size}, seed {seed})",
            "discriminator": f"moments on {m} images generated by the converted generator "
                             "(no SVHN data offline; the paper's SVHN features used "
                             "statistics of the SVHN training set)"}


def batch_statistics_gap(model, num_samples=256, seed=123):
    """How far inference mode is from the original's batch-statistics sampling.

    On `num_samples` latent draws: max and mean |G(z) with the batch's statistics - G(z) in
    inference mode|, and, as the scale of that gap, the same between the batch-statistics
    outputs of the first half of the draws when batched with two different second halves (the
    original's own output for a z depends on the rest of its batch).
    """
    generator = model.generator
    layers = batch_norm_layers(generator)
    saved = [(layer.moving_mean.numpy(), layer.moving_variance.numpy()) for layer in layers]

    def batch_mode(z):
        out = np.asarray(generator(z, training=True))
        for layer, (mean, var) in zip(layers, saved):  # undo the moving-statistics update
            layer.moving_mean.assign(mean)
            layer.moving_variance.assign(var)
        return out

    draws = next(latent_batches(model.latent_dim, 2 * num_samples, 2 * num_samples, seed))
    z, other = draws[:num_samples], draws[num_samples:]
    gap = np.abs(batch_mode(z) - np.asarray(generator(z, training=False)))
    half = num_samples // 2
    between = np.abs(batch_mode(z)[:half]
                     - batch_mode(np.concatenate([z[:half], other[:num_samples - half]]))[:half])
    return {"batch_size": num_samples, "max_abs": float(gap.max()),
            "mean_abs": float(gap.mean()),
            "between_batches_max_abs": float(between.max()),
            "between_batches_mean_abs": float(between.mean())}
