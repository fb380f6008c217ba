"""soumith/dcgan.torch generator files (`*_net_G.t7`, Lua Torch 7) -> a kerasgen DCGAN.

The DCGAN paper's authors' Torch implementation (github.com/soumith/dcgan.torch, BSD licence,
Copyright (c) 2015 Facebook) published two trained generators, `celebA_25_net_G.t7` (faces) and
`bedrooms_4_net_G.t7` (LSUN bedrooms). Each is `torch.save(netG)` of its `main.lua` network:

    nn.Sequential
      [nn.View(nz, 1, 1)]                             files of early Dec. 2015 only
      SpatialFullConvolution(nz, 8 ngf, 4, 4)         1x1 -> 4x4
      SpatialBatchNormalization(8 ngf), ReLU
      SpatialFullConvolution(8 ngf, 4 ngf, 4, 4, 2, 2, 1, 1), SpatialBatchNormalization, ReLU
      ... 2 ngf, ngf ...
      SpatialFullConvolution(ngf, 3, 4, 4, 2, 2, 1, 1), Tanh   -> 64x64 RGB in [-1, 1]

with nz 100 and ngf 64. Versions differ in what a module holds: convolutions have a bias (2015,
`m.bias:fill(0)`) or none (`m:noBias()`, from July 2016); batch norms keep `running_var` (newer
`nn`) or `running_std`, which older `nn` filled with 1 / sqrt(var + eps); files written after
`getParameters()` keep every tensor as a view into one shared storage; GPU-trained files may name
`cudnn.` modules. `generate.lua` removes a leading `nn.View` and samples the network *as saved*,
in training mode: every batch norm uses the statistics of the batch being generated.

Conversion into `DCGAN(layout="torch7")`:

    SpatialFullConvolution weight (in, out, kh, kw) -> Conv2DTranspose kernel (kh, kw, out, in)
        (both are the adjoint of a cross-correlation: no flip); padding 1 with stride 2 and
        kernel 4 is the full transposed convolution cropped by 1 on each side, kerasgen's
        symmetric padding
    the first one, on a 1x1 input: weight (nz, C, 4, 4) -> Dense kernel (nz, 4*4*C) in the
        order Reshape((4, 4, C)) reads
    a convolution bias b before a batch norm -> dropped, and subtracted from the norm's running
        mean (BN(x + b) with mean m is BN(x) with mean m - b; batch statistics cancel b)
    the output convolution's bias -> `to_image` bias (zeros for a file without biases)
    SpatialBatchNormalization weight, bias, running_mean, running_var -> gamma, beta,
        moving_mean, moving_variance; running_std s -> moving_variance 1 / s^2 - eps

Torch's batch norm eps is 1e-5, the layout's. To sample as `generate.lua` does, build the DCGAN
with `batch_statistics=True` (and `noise` as the file was trained: `main.lua`'s `noise` option
was "uniform" until Dec. 6, 2015 - the files with the leading nn.View - and "normal" since;
`generate.lua`'s `noisetype` default is "normal"). For inference mode the file's running
statistics are loaded; `estimate_statistics` replaces them with the pooled moments of the
batch-statistics network on many latent draws, as for `dcgan_svhn`.

Reading is data only: `torchfile` (pip install torchfile) is a pure reader of the Torch7
serialization. Lua functions in a file are kept as bytes, never run; tensors are read with
their storage bounds checked (torchfile's own reader does not), and the whole file, the module
sequence and every tensor (shape, dtype, finite values) are checked before any weight changes.
"""

import os
import struct

import numpy as np

from kerasgen.convert import dcgan_theano
from kerasgen.utils import sha256_of

#: Torch module types accepted in each role (`cudnn.` names: GPU-trained files)
CONVOLUTION = ("nn.SpatialFullConvolution", "cudnn.SpatialFullConvolution")
NORMALIZATION = ("nn.SpatialBatchNormalization", "cudnn.SpatialBatchNormalization",
                 "fbnn.SpatialBatchNormalization")
RELU = ("nn.ReLU", "cudnn.ReLU")
TANH = ("nn.Tanh", "cudnn.Tanh")
VIEW = ("nn.View",)
SEQUENTIAL = ("nn.Sequential",)

#: Torch's SpatialBatchNormalization default eps, the "torch7" layout's
TORCH_EPSILON = 1e-5

_TYPE_TORCH = 4


def _torchfile():
    try:
        import torchfile
    except ImportError:
        raise ImportError("Reading Torch7 .t7 files needs the torchfile package: pip install "
                          "torchfile (a pure-Python reader of the serialization).") from None
    return torchfile


def _storage_dtype(class_name):
    """NumPy dtype of `torch.<X>Storage` / `torch.<X>Tensor`, or None for another class."""
    for suffix in ("Storage", "Tensor"):
        if class_name.startswith("torch.") and class_name.endswith(suffix):
            kind = class_name[len("torch."):-len(suffix)]
            return {"Double": np.float64, "Float": np.float32, "Cuda": np.float32,
                    "CudaDouble": np.float64, "Long": np.int64, "Int": np.int32,
                    "Short": np.int16, "Char": np.int8, "Byte": np.uint8,
                    "CudaLong": np.int64, "CudaInt": np.int32, "CudaShort": np.int16,
                    "CudaChar": np.int8, "CudaByte": np.uint8}.get(kind, "unsupported")
    return None


def _reader_class(torchfile):
    class BoundedReader(torchfile.T7Reader):
        """torchfile's reader with tensors and storages read here: a storage must hold as many
        elements as it declares (a truncated file), and a tensor's sizes, strides and offset
        must stay inside its storage (torchfile's `as_strided` would read past it)."""

        def read_obj(self):
            start = self.f.tell()
            if self._read("i")[0] == _TYPE_TORCH:
                index = self._read("i")[0]
                if index not in self.objects:
                    version = self.read_string(disable_utf8=True)
                    name = (self.read_string(disable_utf8=True) if version.startswith(b"V ")
                            else version).decode("latin-1")
                    kind = _storage_dtype(name)
                    if kind == "unsupported":
                        raise ValueError(f"unsupported tensor type {name}")
                    if kind is not None:
                        self.objects[index] = None
                        obj = (self._storage(kind) if name.endswith("Storage")
                               else self._tensor(kind))
                        self.objects[index] = obj
                        return obj
            self.f.seek(start)
            return super().read_obj()

        def _storage(self, dtype):
            size = self.read_long()
            itemsize = np.dtype(dtype).itemsize
            if size < 0:
                raise ValueError(f"negative storage size {size}")
            data = self.f.read(size * itemsize)
            if len(data) != size * itemsize:
                raise ValueError(f"a storage of {size} elements ends after "
                                 f"{len(data) // itemsize} (truncated)")
            return np.frombuffer(data, dtype=dtype)

        def _tensor(self, dtype):
            ndim = self.read_int()
            if not 0 <= ndim <= 8:
                raise ValueError(f"tensor with {ndim} dimensions")
            size = [self.read_long() for _ in range(ndim)]
            stride = [self.read_long() for _ in range(ndim)]
            offset = self.read_long() - 1
            storage = self.read_obj()
            if ndim == 0 or storage is None:
                return np.empty((0,), dtype)
            if not isinstance(storage, np.ndarray):
                raise ValueError("a tensor whose storage is not a storage")
            if any(s < 0 for s in size) or any(s < 0 for s in stride) or offset < 0:
                raise ValueError(f"tensor with sizes {size}, strides {stride}, offset {offset}")
            if 0 in size:
                return np.empty(size, storage.dtype)
            last = offset + sum((n - 1) * s for n, s in zip(size, stride))
            if last >= storage.size:
                raise ValueError(f"tensor of size {size} (strides {stride}, offset {offset}) "
                                 f"reaches element {last} of a storage of {storage.size}")
            return np.lib.stride_tricks.as_strided(
                storage[offset:], shape=size,
                strides=[s * storage.itemsize for s in stride]).copy()

    return BoundedReader


def read_t7(path):
    """Reads a Torch7 binary file (`torch.save`) as data: tables -> dicts or lists, tensors ->
    NumPy arrays, modules -> `torchfile.TorchObject`. ValueError naming the file when it is
    truncated, malformed or has bytes after its object."""
    torchfile = _torchfile()
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"Torch7 file not found: {path!r}.")
    with open(path, "rb") as f:
        reader = _reader_class(torchfile)(f)
        try:
            obj = reader.read_obj()
        except RecursionError:
            raise ValueError(f"Cannot read Torch7 file {path!r}: nested too deeply (malformed)."
                             ) from None
        except (struct.error, ValueError, OverflowError, MemoryError, EOFError,
                UnicodeDecodeError, NotImplementedError, TypeError, KeyError,
                torchfile.T7ReaderException) as e:
            message = str(e).strip() or type(e).__name__
            if isinstance(e, struct.error) or "truncated" in message:
                message = f"it is truncated ({message})"
            raise ValueError(f"Cannot read Torch7 file {path!r}: {message}. Expected a file "
                             "written by torch.save (binary format).") from None
        if f.read(1):
            raise ValueError(f"Torch7 file {path!r} has data after its object at byte "
                             f"{f.tell() - 1}: not a single torch.save object (corrupted?).")
    return obj


# ------------------------------------------------------------------------------ modules
def _typename(obj):
    """A Torch object's class name, or the Python type of anything else (a table: dict)."""
    if type(obj).__name__ != "TorchObject":  # torchfile's tables answer every attribute
        return type(obj).__name__
    name = obj.torch_typename()
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def _fields(module):
    """A module's table with str keys."""
    if type(module).__name__ != "TorchObject" or not isinstance(module._obj, dict):
        return {}
    table = module._obj
    return {(k.decode("latin-1") if isinstance(k, bytes) else k): v for k, v in table.items()}


def _number(fields, key):
    value = fields.get(key)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def expected_architecture(generator):
    """`(nz, [(in, out, kernel, stride, pad)] of each transposed convolution)` of dcgan.torch's
    generator for a kerasgen `dcgan_generator(layout="torch7")`."""
    project = generator.get_layer("project")
    nz, units = (int(d) for d in project.kernel.shape)
    convs = [(nz, units // 16, 4, 1, 0)]
    i, channels = 0, units // 16
    names = {layer.name for layer in generator.layers}
    while f"deconv_{i}" in names:
        out = int(generator.get_layer(f"deconv_{i}").kernel.shape[2])
        convs.append((channels, out, 4, 2, 1))
        channels, i = out, i + 1
    out = int(generator.get_layer("to_image").kernel.shape[2])
    convs.append((channels, out, 4, 2, 1))
    return nz, convs


def _describe(nz, convs):
    parts = [f"SpatialFullConvolution({a}, {b}, {k}, {k}" + (f", {s}, {s}, {p}, {p})" if s > 1
                                                             else ")")
             for a, b, k, s, p in convs]
    body = ", ".join(f"{c}, SpatialBatchNormalization({convs[i][1]}), ReLU"
                     for i, c in enumerate(parts[:-1]))
    return f"nn.Sequential([nn.View({nz}, 1, 1),] {body}, {parts[-1]}, Tanh)"


def _array(value, name, shape, problems):
    """The float32 copy of a tensor field after checking it, or None (a problem noted)."""
    if not isinstance(value, np.ndarray):
        problems.append(f"{name}: {'missing' if value is None else type(value).__name__}, "
                        f"expected a tensor of shape {shape}")
        return None
    if not np.issubdtype(value.dtype, np.floating):
        problems.append(f"{name}: dtype {value.dtype}, expected a floating-point tensor")
        return None
    if tuple(value.shape) != tuple(shape):
        problems.append(f"{name}: shape {tuple(value.shape)}, expected {tuple(shape)}")
        return None
    if not np.all(np.isfinite(value)):
        problems.append(f"{name}: holds NaN or Inf values")
        return None
    return np.asarray(value, np.float32)


def parse_generator(net, nz, convs):
    """Checks a loaded dcgan.torch generator against the expected architecture.

    Returns `(layers, info, problems)`: per transposed convolution a dict of float32 arrays
    (`weight`, `bias` or None, and for the hidden ones the following norm's `gamma`, `beta`,
    `mean`, `var`), what was found (leading view, statistics kind, biases, module types) and
    the list of problems (empty when the file matches).
    """
    problems, info = [], {}
    if _typename(net) not in SEQUENTIAL:
        return None, info, [f"the file holds a {_typename(net)}, expected an nn.Sequential"]
    modules = _fields(net).get("modules")
    if not isinstance(modules, list):
        return None, info, ["the nn.Sequential has no list of modules"]
    types = [_typename(m) for m in modules]
    info["module_types"] = types
    info["training_mode"] = _fields(net).get("train") is not False
    view = bool(types) and types[0] in VIEW
    info["leading_view"] = view
    if view:
        size = _fields(modules[0]).get("size")
        if isinstance(size, np.ndarray) and size.size and int(np.prod(size)) != nz:
            problems.append(f"module 1 (nn.View): size {size.tolist()}, expected ({nz}, 1, 1)")
        modules = modules[1:]
    roles = []
    for i in range(len(convs)):
        roles.append(CONVOLUTION)
        roles += [NORMALIZATION, RELU] if i < len(convs) - 1 else [TANH]
    if len(modules) != len(roles) or any(
            _typename(m) not in role for m, role in zip(modules, roles)):
        found = ", ".join(types)
        return None, info, [f"module sequence [{found}]"]
    layers, stats_kinds, biases = [], set(), []
    offset = 2 if view else 1  # Lua's 1-based module numbers
    for i, (c_in, c_out, k, s, p) in enumerate(convs):
        at = 3 * i
        conv, where = _fields(modules[at]), f"module {at + offset} ({_typename(modules[at])})"
        for key, want in (("nInputPlane", c_in), ("nOutputPlane", c_out), ("kW", k),
                          ("kH", k), ("dW", s), ("dH", s), ("padW", p), ("padH", p)):
            if _number(conv, key) != want:
                problems.append(f"{where}: {key} {conv.get(key)!r}, expected {want}")
        for key in ("adjW", "adjH"):
            if conv.get(key) not in (None, 0):
                problems.append(f"{where}: {key} {conv.get(key)!r}, expected 0")
        entry = {"weight": _array(conv.get("weight"), f"{where} weight", (c_in, c_out, k, k),
                                  problems)}
        bias = conv.get("bias")
        biases.append(bias is not None and not (isinstance(bias, np.ndarray) and bias.size == 0))
        entry["bias"] = (_array(bias, f"{where} bias", (c_out,), problems) if biases[-1]
                         else np.zeros((c_out,), np.float32))
        if i < len(convs) - 1:
            norm = _fields(modules[at + 1])
            where = f"module {at + 1 + offset} ({_typename(modules[at + 1])})"
            eps = _number(norm, "eps")
            if eps is None or abs(eps - TORCH_EPSILON) > 1e-12:
                problems.append(f"{where}: eps {norm.get('eps')!r}, expected {TORCH_EPSILON}")
            affine = norm.get("weight") is not None or norm.get("affine") is not False
            if affine:
                entry["gamma"] = _array(norm.get("weight"), f"{where} weight", (c_out,),
                                        problems)
                entry["beta"] = _array(norm.get("bias"), f"{where} bias", (c_out,), problems)
            else:
                entry["gamma"] = np.ones((c_out,), np.float32)
                entry["beta"] = np.zeros((c_out,), np.float32)
            entry["mean"] = _array(norm.get("running_mean"), f"{where} running_mean",
                                   (c_out,), problems)
            if norm.get("running_var") is not None:
                stats_kinds.add("running_var")
                entry["var"] = _array(norm.get("running_var"), f"{where} running_var",
                                      (c_out,), problems)
                if entry["var"] is not None and np.any(entry["var"] < 0):
                    problems.append(f"{where} running_var: negative values")
            elif norm.get("running_std") is not None:
                stats_kinds.add("running_std")
                inv_std = _array(norm.get("running_std"), f"{where} running_std", (c_out,),
                                 problems)
                if inv_std is not None and not np.all(inv_std > 0):
                    problems.append(f"{where} running_std: values <= 0 (it holds "
                                    "1 / sqrt(var + eps))")
                    inv_std = None
                entry["var"] = (None if inv_std is None else np.maximum(
                    1.0 / np.square(inv_std.astype(np.float64)) - eps, 0.0).astype(np.float32))
            else:
                problems.append(f"{where}: no running_var nor running_std")
        layers.append(entry)
    info["statistics"] = "/".join(sorted(stats_kinds)) or None
    info["convolution_biases"] = all(biases) if len(set(biases)) == 1 else "some"
    return layers, info, problems


def _check_model(model):
    config = model.get_config()
    if type(model).__name__ != "DCGAN" or config.get("layout") != "torch7":
        raise ValueError(f"dcgan.torch generator files load into a DCGAN built with "
                         f"layout='torch7', got a {type(model).__name__} with "
                         f"layout={config.get('layout')!r}.")
    if config.get("kernel_size") != 4 or not config.get("batch_norm") or config.get(
            "extra_layers"):
        raise ValueError("dcgan.torch's generator has 4x4 kernels, batch norm and no extra "
                         f"layers; this DCGAN has kernel_size={config.get('kernel_size')}, "
                         f"batch_norm={config.get('batch_norm')}, "
                         f"extra_layers={config.get('extra_layers')}.")


def load_torch7_generator(model, path):
    """Loads a dcgan.torch generator file (`*_net_G.t7`) into `model.generator` (all or nothing).

    Args:
        model: a `DCGAN(layout="torch7")` whose sizes match the file (the published files:
            image_size 64, channels 3, latent_dim 100, base_filters 64).
        path: the `.t7` file.

    Returns:
        A record: `file` (its name), `sha256`, `bytes`, `layout` ("older": a leading nn.View
        that generate.lua removes; "newer": none), `statistics` ("running_std" or
        "running_var"), `convolution_biases` (True / False), `training_mode` (the saved
        network's train flag: generate.lua sampled it with batch statistics when True),
        `module_types`.

    Raises:
        ValueError naming the file and what was expected: a truncated or malformed file, another
        architecture or size, a tensor of the wrong shape or dtype or with NaN/Inf values.

    Example:
        >>> model = kerasgen.models.DCGAN(64, 3, 100, 64, layout="torch7",
        ...                               batch_statistics=True)
        >>> record = load_torch7_generator(model, "celebA_25_net_G.t7")  # doctest: +SKIP
    """
    _check_model(model)
    path = os.fspath(path)
    net = read_t7(path)
    nz, convs = expected_architecture(model.generator)
    layers, info, problems = parse_generator(net, nz, convs)
    if layers is None or problems:
        expected = _describe(nz, convs)
        lines = [f"Torch7 file {path!r} is not dcgan.torch's generator for this model "
                 f"(nz {nz}, {convs[-1][1]} channels, {model.image_size} px); expected "
                 f"{expected}. Found:"]
        lines += [f"  {p}" for p in problems]
        raise ValueError("\n".join(lines))
    generator = model.generator
    values = []
    first = layers[0]
    c0 = convs[0][1]
    values.append((generator.get_layer("project").kernel,
                   first["weight"].transpose(0, 2, 3, 1).reshape(nz, 16 * c0)))
    norm_names = ["project_bn"] + [f"bn_{i}" for i in range(len(convs) - 2)]
    for i, norm_name in enumerate(norm_names):
        entry, norm = layers[i], generator.get_layer(norm_name)
        if i > 0:
            values.append((generator.get_layer(f"deconv_{i - 1}").kernel,
                           entry["weight"].transpose(2, 3, 1, 0)))
        values += [(norm.gamma, entry["gamma"]), (norm.beta, entry["beta"]),
                   (norm.moving_mean, entry["mean"] - entry["bias"]),
                   (norm.moving_variance, entry["var"])]
    out, last = generator.get_layer("to_image"), layers[-1]
    values += [(out.kernel, last["weight"].transpose(2, 3, 1, 0)), (out.bias, last["bias"])]
    for variable, value in values:
        if tuple(variable.shape) != value.shape:  # a mapping bug, never the file's fault
            raise ValueError(f"Internal: {variable.path} has shape {tuple(variable.shape)}, "
                             f"converted value {value.shape}.")
    for variable, value in values:
        variable.assign(np.ascontiguousarray(value, np.float32))
    if model.ema_generator is not None:
        model.ema_generator.set_weights(model.generator.get_weights())
    return {"file": os.path.basename(path), "sha256": sha256_of(path),
            "bytes": os.path.getsize(path),
            "layout": "older" if info["leading_view"] else "newer",
            "statistics": info["statistics"],
            "convolution_biases": info["convolution_biases"],
            "training_mode": info["training_mode"],
            "module_types": info["module_types"]}


# ------------------------------------------------------------------------------ statistics
def latent_batches(model, num_samples, batch_size=64, seed=0):
    """Batches of latents from the model's prior (`noise`: N(0, I) or U[-1, 1])."""
    rng = np.random.default_rng(seed)
    for start in range(0, num_samples, batch_size):
        shape = (min(batch_size, num_samples - start), model.latent_dim)
        yield (rng.uniform(-1.0, 1.0, shape) if model.noise == "uniform"
               else rng.standard_normal(shape)).astype(np.float32)


def estimate_statistics(model, num_samples=20_000, batch_size=64, seed=0):
    """Moving statistics of a converted generator for inference mode: the pooled moments of
    each batch norm's inputs over `num_samples` latent draws from the model's prior, the
    network in batch-statistics mode on batches of `batch_size` (64: dcgan.torch's training
    batch), by `kerasgen.convert.dcgan_theano.estimate_batch_norm_statistics` (as for
    `dcgan_svhn`). Replaces the file's running statistics. Returns a description for the
    preset metadata."""
    n = dcgan_theano.estimate_batch_norm_statistics(
        model.generator, latent_batches(model, num_samples, batch_size, seed))
    if model.ema_generator is not None:
        model.ema_generator.set_weights(model.generator.get_weights())
    prior = "U[-1, 1]" if model.noise == "uniform" else "N(0, I)"
    return {"generator": f"pooled batch-statistics moments of {n} z ~ {prior} draws in "
                         f"training mode (batches of {batch_size}, seed {seed})"}
