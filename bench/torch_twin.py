"""PyTorch twins of kerasgen's networks, built layer for layer from the Keras models (bench only).

`TorchTwin(keras_model)` walks a Keras functional model (the networks kerasgen's builders make)
and builds the same computation as a `torch.nn.Module` in PyTorch's native NCHW layout, with the
same weights. Supported layers: Dense, Conv2D and Conv2DTranspose (TF's 'same' padding, asymmetric
where TF pads asymmetrically), BatchNormalization, GroupNormalization (instance norm), ReLU,
LeakyReLU, Activation (tanh/relu/sigmoid/linear), Reshape (Dense -> feature map), Flatten, Add,
Concatenate, Dropout, Identity, ZeroPadding2D, kerasgen's ReflectionPadding2D, and nested
models. `check_twin` compares outputs on random inputs, so a timing always compares the same
function. PyTorch is a bench-only extra (`pip install torch==2.13.0`), never a dependency.
"""

import math

import numpy as np


def _same_padding(size, kernel, stride):
    """TF 'same' padding (before, after) for one spatial dimension of a convolution."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def build_twin(keras_model):
    """Returns a torch.nn.Module computing `keras_model` (NHWC images in, NHWC out)."""
    import torch
    from torch import nn
    import torch.nn.functional as F
    import keras

    class Node(nn.Module):
        """One Keras layer as a torch module; inputs and outputs in NCHW for images."""

        def __init__(self, layer, in_shapes):
            super().__init__()
            self.kind = type(layer).__name__
            self.layer_name = layer.name
            cfg = layer.get_config()
            self.fn = None
            shape = in_shapes[0]
            if self.kind == "Dense":
                kernel, *bias = [np.asarray(w) for w in layer.get_weights()]
                self.mod = nn.Linear(kernel.shape[0], kernel.shape[1], bias=bool(bias))
                self.mod.weight.data = torch.tensor(kernel.T.copy())
                if bias:
                    self.mod.bias.data = torch.tensor(bias[0])
                self.act = cfg["activation"]
            elif self.kind in ("Conv2D", "Conv2DTranspose"):
                kernel, *bias = [np.asarray(w) for w in layer.get_weights()]
                kh, kw = cfg["kernel_size"]
                sh, sw = cfg["strides"]
                h, w = shape[1], shape[2]
                if self.kind == "Conv2D":
                    self.mod = nn.Conv2d(kernel.shape[2], kernel.shape[3], (kh, kw), (sh, sw),
                                         bias=bool(bias))
                    self.mod.weight.data = torch.tensor(kernel.transpose(3, 2, 0, 1).copy())
                    if cfg["padding"] == "same":
                        ph, pw = _same_padding(h, kh, sh), _same_padding(w, kw, sw)
                        if ph[0] == ph[1] and pw[0] == pw[1]:
                            self.mod.padding = (ph[0], pw[0])
                            self.pad = None
                        else:
                            self.pad = (pw[0], pw[1], ph[0], ph[1])
                    else:
                        self.pad = None
                else:
                    self.mod = nn.ConvTranspose2d(kernel.shape[3], kernel.shape[2], (kh, kw),
                                                  (sh, sw), bias=bool(bias))
                    self.mod.weight.data = torch.tensor(kernel.transpose(3, 2, 0, 1).copy())
                    self.crop = None
                    if cfg["padding"] == "same":  # the adjoint of a 'same' conv of size h*s
                        ph = _same_padding(h * sh, kh, sh)
                        pw = _same_padding(w * sw, kw, sw)
                        self.crop = (ph[0], ph[0] + h * sh, pw[0], pw[0] + w * sw)
                if bias:
                    self.mod.bias.data = torch.tensor(bias[0])
                self.act = cfg["activation"]
            elif self.kind == "BatchNormalization":
                gamma, beta, mean, var = [np.asarray(w) for w in layer.get_weights()]
                self.mod = nn.BatchNorm2d(len(gamma), eps=cfg["epsilon"],
                                          momentum=1 - cfg["momentum"]) if len(shape) == 4 \
                    else nn.BatchNorm1d(len(gamma), eps=cfg["epsilon"],
                                        momentum=1 - cfg["momentum"])
                for t, v in ((self.mod.weight, gamma), (self.mod.bias, beta),
                             (self.mod.running_mean, mean), (self.mod.running_var, var)):
                    t.data = torch.tensor(v)
            elif self.kind == "GroupNormalization":
                gamma, beta = [np.asarray(w) for w in layer.get_weights()]
                groups = cfg["groups"] if cfg["groups"] != -1 else len(gamma)
                self.mod = nn.GroupNorm(groups, len(gamma), eps=cfg["epsilon"])
                self.mod.weight.data, self.mod.bias.data = torch.tensor(gamma), torch.tensor(beta)
            elif self.kind == "ReLU":
                self.fn = F.relu
            elif self.kind == "LeakyReLU":
                slope = cfg["negative_slope"]
                self.fn = lambda x: F.leaky_relu(x, slope)
            elif self.kind == "Activation":
                self.fn = {"tanh": torch.tanh, "relu": F.relu, "sigmoid": torch.sigmoid,
                           "linear": lambda x: x}[cfg["activation"]]
            elif self.kind == "Reshape":
                self.target = tuple(cfg["target_shape"])
            elif self.kind == "Rescaling":
                self.scale, self.offset = float(cfg["scale"]), float(cfg["offset"])
            elif self.kind in ("Flatten", "Add", "Concatenate", "Identity", "InputLayer"):
                pass
            elif self.kind == "Dropout":
                self.mod = nn.Dropout(cfg["rate"])
            elif self.kind == "ZeroPadding2D":
                (t, b), (l, r) = cfg["padding"]
                self.pad = (l, r, t, b)
            elif self.kind == "ReflectionPadding2D":
                p = cfg["padding"]
                self.pad = (p, p, p, p)
            elif isinstance(layer, keras.Model):
                self.mod = build_twin(layer).body
            else:
                raise NotImplementedError(f"No PyTorch twin for layer {layer.name} "
                                          f"({self.kind}).")

        def forward(self, *xs):
            x = xs[0]
            k = self.kind
            if k == "Dense":
                y = self.mod(x)
                return F.relu(y) if self.act == "relu" else torch.tanh(y) \
                    if self.act == "tanh" else y
            if k == "Conv2D":
                if self.pad is not None:
                    x = F.pad(x, self.pad)
                y = self.mod(x)
                return F.relu(y) if self.act == "relu" else y
            if k == "Conv2DTranspose":
                y = self.mod(x)
                if self.crop is not None:
                    a, b, c, d = self.crop
                    y = y[:, :, a:b, c:d]
                return F.relu(y) if self.act == "relu" else y
            if k in ("BatchNormalization", "GroupNormalization", "Dropout"):
                return self.mod(x)
            if k == "Rescaling":
                return x * self.scale + self.offset
            if self.fn is not None:
                return self.fn(x)
            if k == "Reshape":
                if len(self.target) == 3:  # (h, w, c) in Keras -> NCHW
                    return x.reshape((-1,) + self.target).permute(0, 3, 1, 2)
                return x.reshape((-1,) + self.target)
            if k == "Flatten":
                return x.permute(0, 2, 3, 1).flatten(1) if x.dim() == 4 else x.flatten(1)
            if k == "Add":
                return sum(xs)
            if k == "Concatenate":
                return torch.cat(xs, dim=1 if xs[0].dim() == 4 else -1)
            if k == "ZeroPadding2D":
                return F.pad(x, self.pad)
            if k == "ReflectionPadding2D":
                return F.pad(x, self.pad, mode="reflect")
            if k in ("Identity", "InputLayer"):
                return x
            return self.mod(*xs) if len(xs) > 1 else self.mod(x)

    class Body(nn.Module):
        """Runs the nodes in the Keras graph's order, NCHW inside."""

        def __init__(self):
            super().__init__()
            self.nodes = nn.ModuleList()
            self.wiring = []
            self.inputs = [id(t) for t in keras_model.inputs]
            self.output = id(keras_model.outputs[0])
            for layer in keras_model.layers:
                if type(layer).__name__ == "InputLayer":
                    continue
                node = layer._inbound_nodes[0]
                ins = [id(t) for t in node.input_tensors]
                shapes = [tuple(t.shape) for t in node.input_tensors]
                self.nodes.append(Node(layer, shapes))
                self.wiring.append((ins, [id(t) for t in node.output_tensors]))

        def forward(self, *xs):
            values = dict(zip(self.inputs, xs))
            for node, (ins, outs) in zip(self.nodes, self.wiring):
                values[outs[0]] = node(*[values[i] for i in ins])
            return values[self.output]

    class Twin(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = Body()

        def forward(self, *xs):  # NCHW in and out (PyTorch's layout)
            return self.body(*xs)

    return Twin()


def to_nchw(x):
    x = np.asarray(x)
    return x.transpose(0, 3, 1, 2) if x.ndim == 4 else x


def check_twin(keras_model, twin, inputs, atol=1e-4):
    """Max abs difference between the Keras model and its twin (inference mode) on `inputs`."""
    import torch

    inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    expected = np.asarray(keras_model(inputs if len(inputs) > 1 else inputs[0],
                                      training=False))
    twin.eval()
    with torch.no_grad():
        got = twin(*[torch.tensor(to_nchw(x)) for x in inputs]).numpy()
    twin.train()
    if got.ndim == 4:
        got = got.transpose(0, 2, 3, 1)
    diff = float(np.max(np.abs(got - expected)))
    if diff > atol:
        raise AssertionError(f"PyTorch twin of {keras_model.name} differs by {diff:.2e}.")
    return diff
