"""A minimal writer of Torch7's binary serialization (`torch.save`), for tests.

Written from the published format (torch7's `File.lua` `writeObject` and `generic/Tensor.c`,
`generic/Storage.c` `write`): every object starts with an int type tag, nil 0, number 1
(a double), string 2 (int length, bytes), table 3, torch object 4, boolean 5 (an int). Tables
and torch objects carry an int reference index; an object written again is only its tag and
index. A new table is its pair count then key, value objects; a new torch object is the
version string "V 1", its class name, then either its own payload (a storage: long size and raw
elements; a tensor: int ndim, long sizes, long strides, long 1-based storage offset, then its
storage object) or, for other classes (nn modules), the table of its fields. Ints are 4 bytes,
longs 8 (Linux x86-64), little-endian, as torchfile reads them.

Also builds soumith/dcgan.torch's generator (`main.lua`) with random weights in the layouts of
its published versions, and a NumPy forward of the same weights.
"""

import struct

import numpy as np


class TorchObject:
    """An object of a Torch class: `fields` is its Lua table (an nn module's attributes)."""

    def __init__(self, typename, fields):
        self.typename, self.fields = typename, fields


class Storage:
    def __init__(self, array):
        self.array = np.ascontiguousarray(array).reshape(-1)


class Tensor:
    """A tensor viewing `storage` (shared by several tensors when given) at a 0-based offset;
    `strides`/`size` default to the contiguous layout of `array`."""

    def __init__(self, array=None, storage=None, offset=0, size=None, strides=None):
        if storage is None:
            storage = Storage(array)
            size = array.shape
        self.storage, self.offset = storage, int(offset)
        self.size = tuple(int(s) for s in size)
        if strides is None:
            strides, step = [], 1
            for s in reversed(self.size):
                strides.insert(0, step)
                step *= s
        self.strides = tuple(strides)


_CLASSES = {np.dtype(np.float32): "Float", np.dtype(np.float64): "Double",
            np.dtype(np.int64): "Long", np.dtype(np.int32): "Int", np.dtype(np.uint8): "Byte"}


class Writer:
    def __init__(self, f):
        self.f, self.index = f, {}

    def int(self, v):
        self.f.write(struct.pack("<i", int(v)))

    def long(self, v):
        self.f.write(struct.pack("<q", int(v)))

    def string(self, s):
        s = s.encode() if isinstance(s, str) else s
        self.int(len(s))
        self.f.write(s)

    def _reference(self, obj, tag):
        """Writes tag and index; True when the object was written before."""
        self.int(tag)
        key = id(obj)
        if key in self.index:
            self.int(self.index[key][0])
            return True
        self.index[key] = (len(self.index) + 1, obj)  # keeps obj alive: ids stay unique
        self.int(self.index[key][0])
        return False

    def obj(self, obj):
        if obj is None:
            self.int(0)
        elif isinstance(obj, bool):
            self.int(5)
            self.int(1 if obj else 0)
        elif isinstance(obj, (int, float, np.floating, np.integer)):
            self.int(1)
            self.f.write(struct.pack("<d", float(obj)))
        elif isinstance(obj, (str, bytes)):
            self.int(2)
            self.string(obj)
        elif isinstance(obj, (dict, list)):
            if self._reference(obj, 3):
                return
            items = list(obj.items()) if isinstance(obj, dict) else [
                (i + 1, v) for i, v in enumerate(obj)]
            self.int(len(items))
            for k, v in items:
                self.obj(k)
                self.obj(v)
        elif isinstance(obj, np.ndarray):
            self.obj(Tensor(obj))
        elif isinstance(obj, (Tensor, Storage, TorchObject)):
            if self._reference(obj, 4):
                return
            self.string("V 1")
            if isinstance(obj, Storage):
                self.string(f"torch.{_CLASSES[obj.array.dtype]}Storage")
                self.long(obj.array.size)
                self.f.write(obj.array.astype(obj.array.dtype.newbyteorder("<")).tobytes())
            elif isinstance(obj, Tensor):
                self.string(f"torch.{_CLASSES[obj.storage.array.dtype]}Tensor")
                self.int(len(obj.size))
                for v in obj.size:
                    self.long(v)
                for v in obj.strides:
                    self.long(v)
                self.long(obj.offset + 1)
                self.obj(obj.storage)
            else:
                self.string(obj.typename)
                self.obj(obj.fields)
        else:
            raise TypeError(f"cannot write {type(obj).__name__}")


def save(path, obj):
    with open(path, "wb") as f:
        Writer(f).obj(obj)


# ------------------------------------------------------------------------------ dcgan.torch
def random_generator_weights(nz, ngf, nc, steps, rng, bias=True):
    """Per transposed convolution: weight (in, out, 4, 4), bias (out,) or None, and for the
    hidden ones the following batch norm's weight, bias, running mean and variance."""
    channels = [nz] + [ngf * 2 ** (steps - 1 - i) for i in range(steps)] + [nc]
    layers = []
    for i in range(len(channels) - 1):
        c_in, c_out = channels[i], channels[i + 1]
        entry = {"weight": rng.normal(0, 0.2, (c_in, c_out, 4, 4)).astype(np.float32),
                 "bias": rng.normal(0, 0.1, c_out).astype(np.float32) if bias else None}
        if i < len(channels) - 2:
            entry.update(gamma=rng.normal(1, 0.2, c_out).astype(np.float32),
                         beta=rng.normal(0, 0.2, c_out).astype(np.float32),
                         mean=rng.normal(0, 0.5, c_out).astype(np.float32),
                         var=rng.uniform(0.5, 2.0, c_out).astype(np.float32))
        layers.append(entry)
    return layers


def generator_object(layers, layout="newer", eps=1e-5, prefix="nn"):
    """dcgan.torch's netG as Torch objects. "older" (Dec. 2015): a leading nn.View(nz, 1, 1),
    each tensor in its own storage, batch norms with `running_std` = 1 / sqrt(var + eps);
    "newer": no view, every parameter a view into one flat storage (after getParameters()),
    `running_var`."""
    older = layout == "older"
    flat = []
    if not older:  # one storage, as getParameters() leaves it
        arrays = []
        for entry in layers:
            arrays += [entry[k] for k in ("weight", "bias", "gamma", "beta")
                       if entry.get(k) is not None]
        storage = Storage(np.concatenate([a.reshape(-1) for a in arrays]))
        offset = 0

    def tensor(array):
        nonlocal offset
        if older:
            return Tensor(array.copy())
        t = Tensor(storage=storage, offset=offset, size=array.shape)
        offset += array.size
        flat.append(t)
        return t

    empty = Tensor(np.zeros((0,), np.float32))
    modules = []
    nz = layers[0]["weight"].shape[0]
    if older:
        modules.append(TorchObject("nn.View", {
            "size": Storage(np.array([nz, 1, 1], np.int64)), "numElements": nz,
            "numInputDims": 1, "output": empty, "gradInput": empty, "train": True}))
    for i, entry in enumerate(layers):
        c_in, c_out = entry["weight"].shape[:2]
        stride, pad = (1, 0) if i == 0 else (2, 1)
        conv = {"nInputPlane": c_in, "nOutputPlane": c_out, "kW": 4, "kH": 4, "dW": stride,
                "dH": stride, "padW": pad, "padH": pad, "weight": tensor(entry["weight"]),
                "output": empty, "gradInput": empty, "train": True,
                "finput": empty, "fgradInput": empty}
        if not older:
            conv.update(adjW=0, adjH=0)
        if entry.get("bias") is not None:
            conv["bias"] = tensor(entry["bias"])
        modules.append(TorchObject(f"{prefix}.SpatialFullConvolution", conv))
        if "gamma" in entry:
            norm = {"eps": eps, "momentum": 0.1, "affine": True, "train": True,
                    "weight": tensor(entry["gamma"]), "bias": tensor(entry["beta"]),
                    "running_mean": Tensor(entry["mean"].copy()), "output": empty,
                    "gradInput": empty, "nDim": 4}
            if older:
                norm["running_std"] = Tensor(
                    (1.0 / np.sqrt(entry["var"].astype(np.float64) + eps)).astype(np.float32))
            else:
                norm["running_var"] = Tensor(entry["var"].copy())
            modules.append(TorchObject(f"{prefix}.SpatialBatchNormalization", norm))
            modules.append(TorchObject(f"{prefix}.ReLU", {
                "inplace": True, "threshold": 0, "val": 0, "output": empty,
                "gradInput": empty, "train": True}))
        else:
            modules.append(TorchObject(f"{prefix}.Tanh", {"output": empty, "gradInput": empty,
                                                          "train": True}))
    return TorchObject("nn.Sequential", {"modules": modules, "output": empty,
                                         "gradInput": empty, "train": True,
                                         "_type": "torch.FloatTensor"})


# ------------------------------------------------------------------------------ NumPy forward
def full_convolution(x, weight, bias, stride, pad):
    """Torch's SpatialFullConvolution on NCHW `x`: out[y*s - p + i, x*s - p + j] += in[y, x] *
    W[in, out, i, j], by explicit scatter-add over the kernel taps."""
    n, _, h, w = x.shape
    _, c_out, k, _ = weight.shape
    full = np.zeros((n, c_out, (h - 1) * stride + k, (w - 1) * stride + k), np.float64)
    for i in range(k):
        for j in range(k):
            full[:, :, i:i + (h - 1) * stride + 1:stride, j:j + (w - 1) * stride + 1:stride] += \
                np.einsum("nchw,co->nohw", x, weight[:, :, i, j].astype(np.float64))
    out = full[:, :, pad:full.shape[2] - pad, pad:full.shape[3] - pad]
    return out if bias is None else out + bias.astype(np.float64)[None, :, None, None]


def numpy_forward(layers, z, batch_statistics=True, eps=1e-5):
    """dcgan.torch's generator on z (n, nz) or a latent map (n, k, k, nz); returns NHWC.
    Batch norm with the batch's mean and biased variance (generate.lua: training mode), or with
    the running statistics."""
    x = np.asarray(z, np.float64)
    x = x[:, :, None, None] if x.ndim == 2 else x.transpose(0, 3, 1, 2)
    for i, entry in enumerate(layers):
        stride, pad = (1, 0) if i == 0 else (2, 1)
        x = full_convolution(x, entry["weight"], entry.get("bias"), stride, pad)
        if "gamma" in entry:
            if batch_statistics:
                mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
            else:
                mean, var = entry["mean"].astype(np.float64), entry["var"].astype(np.float64)
            x = (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + eps)
            x = x * entry["gamma"][None, :, None, None] + entry["beta"][None, :, None, None]
            x = np.maximum(x, 0.0)
        else:
            x = np.tanh(x)
    return x.transpose(0, 2, 3, 1)
