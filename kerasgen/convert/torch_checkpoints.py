"""PyTorch state dicts of the reference implementations -> kerasgen networks.

Sources (read, not copied; the key layouts below are facts about them):

* CycleGAN and pix2pix: github.com/junyanz/pytorch-CycleGAN-and-pix2pix, `models/networks.py`
  (`ResnetGenerator`, `UnetGenerator`, `NLayerDiscriminator`); checkpoints are
  `torch.save(net.state_dict())` of those modules: keys such as `model.1.weight`
  (ResNet generator), `model.model.1.model.3.model.1.weight` (U-Net, nested blocks),
  `model.0.weight` (PatchGAN).
* DCGAN: github.com/pytorch/examples, `dcgan/main.py` (`Generator.main`,
  `Discriminator.main`: keys `main.0.weight` ...).

Layout conversions (PyTorch is channels-first, Keras channels-last):

    Conv2d weight          (out, in, kh, kw) -> Conv2D kernel          (kh, kw, in, out)
    ConvTranspose2d weight (in, out, kh, kw) -> Conv2DTranspose kernel (kh, kw, out, in)
    ConvTranspose2d(nz, C, 4, 1, 0) on a 1x1 input (DCGAN's projection), weight (nz, C, 4, 4)
        -> Dense kernel (nz, 4*4*C) ordered as Reshape((4, 4, C)) reads it
    Conv2d(C, 1, 4, 1, 0) on a 4x4 input (DCGAN's output), weight (1, C, 4, 4)
        -> Dense kernel (4*4*C, 1) ordered as Flatten() writes (4, 4, C)
    BatchNorm2d weight, bias, running_mean, running_var -> gamma, beta, moving_mean,
        moving_variance (num_batches_tracked is dropped)

Both frameworks' transposed convolutions are the gradient of a cross-correlation, so no kernel
flip is needed (unlike Theano's, see `kerasgen.convert.dcgan_theano`). The networks must be built
with `layout="pytorch"`, whose padding, biases and normalization equal the reference's.
InstanceNorm2d has no parameters there; old checkpoints (PyTorch 0.4 era, `track_running_stats=
True`) still carry its `running_mean`/`running_var`/`num_batches_tracked`, which the reference's
own loader deletes before loading, and so does this one.

Checkpoints are data: `torch.load(path, weights_only=True)` refuses any pickle that would build
objects other than tensors and plain containers, so a crafted file cannot run code.
"""

import os
import zipfile

import numpy as np
import keras

#: file name endings read as PyTorch checkpoints
TORCH_SUFFIXES = (".pth", ".pt", ".ckpt", ".bin")

_NORM_BUFFERS = ("running_mean", "running_var", "num_batches_tracked")


def is_torch_checkpoint(path):
    """True when `path` names a PyTorch checkpoint file by its suffix."""
    return isinstance(path, (str, os.PathLike)) and os.fspath(path).lower().endswith(
        TORCH_SUFFIXES)


def _torch():
    try:
        import torch
    except ImportError:
        raise ImportError("Converting PyTorch checkpoints needs PyTorch: pip install "
                          "'kerasgen[convert]' (or pip install torch).") from None
    return torch


def read_state_dict(path):
    """Reads a PyTorch state dict as `{key: float32 or int NumPy array}`, never running code.

    Uses `torch.load(..., weights_only=True)`. A file that is not a checkpoint, a truncated
    one, one whose pickle would build other objects than tensors (arbitrary code on a naive
    load), or one that holds no mapping of names to tensors raises ValueError naming the file.
    A checkpoint that wraps its state dict (`{"state_dict": {...}}`, `{"model": {...}}`) is
    unwrapped; a `module.` prefix (DataParallel) is removed.
    """
    torch = _torch()
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"Checkpoint file not found: {path!r}.")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # UnpicklingError, RuntimeError (zip), EOFError, ...
        message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if "weights_only" in str(e) or "Unsupported global" in str(e) or (
                type(e).__name__ == "UnpicklingError"):
            reason = ("its pickle asks to build objects other than tensors (it could run "
                      "arbitrary code on a naive load); refused. Only plain state dicts "
                      "(torch.save(net.state_dict(), path)) are read")
        elif isinstance(e, (EOFError, zipfile.BadZipFile)) or any(
                word in str(e) for word in ("zip archive", "central directory", "truncat",
                                            "EOF", "unexpected end")):
            reason = "it is truncated or not a PyTorch checkpoint"
        else:
            reason = "it could not be read as a PyTorch checkpoint"
        raise ValueError(f"Cannot read checkpoint {path!r}: {reason} ({type(e).__name__}: "
                         f"{message}).") from None
    for wrapper in ("state_dict", "model", "net"):
        if isinstance(obj, dict) and len(obj) == 1 and isinstance(obj.get(wrapper), dict):
            obj = obj[wrapper]
    if not isinstance(obj, dict) or not obj:
        raise ValueError(f"Checkpoint {path!r} holds {type(obj).__name__}, not a state dict "
                         "(a mapping of parameter names to tensors).")
    out = {}
    for key, value in obj.items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise ValueError(f"Checkpoint {path!r}: entry {key!r} is a "
                             f"{type(value).__name__}, expected a tensor.")
        name = key[len("module."):] if key.startswith("module.") else key
        if value.is_floating_point():
            out[name] = value.detach().to(torch.float32).cpu().numpy()
        else:
            out[name] = value.detach().cpu().numpy()
    return out


# ------------------------------------------------------------------------------ key maps
# Each entry: (torch module prefix, Keras layer name, kind). Kinds: "conv", "conv_transpose",
# "norm" (BatchNorm, InstanceNorm or identity: decided by the Keras layer), "project"
# (DCGAN's 1x1 -> 4x4 ConvTranspose2d as a Dense), "conv_to_logit" (a 4x4 valid Conv2d to one
# output as a Dense).

def _count(network, pattern):
    names = {layer.name for layer in network.layers}
    n = 0
    while pattern.format(n) in names:
        n += 1
    return n


def resnet_generator_keys(network):
    """Keys of junyanz's `ResnetGenerator` (padding_type reflect, no dropout) for a kerasgen
    `resnet_generator(layout="pytorch")`.

    Example:
        >>> g = kerasgen.models.resnet_generator(32, 3, 4, num_residual_blocks=9,
        ...                                      layout="pytorch")
        >>> resnet_generator_keys(g)[-1]  # resnet_9blocks' output convolution
        ('model.26', 'conv_out', 'conv')
    """
    downs = _count(network, "down_{}")
    blocks = _count(network, "res_{}_conv_0")
    entries = [("model.1", "conv_in", "conv"), ("model.2", "norm_in", "norm")]
    index = 4  # ReflectionPad2d, Conv2d, norm, ReLU
    for i in range(downs):
        entries += [(f"model.{index}", f"down_{i}", "conv"),
                    (f"model.{index + 1}", f"down_{i}_norm", "norm")]
        index += 3
    for b in range(blocks):  # ResnetBlock.conv_block: pad, conv, norm, relu, pad, conv, norm
        entries += [(f"model.{index}.conv_block.1", f"res_{b}_conv_0", "conv"),
                    (f"model.{index}.conv_block.2", f"res_{b}_norm_0", "norm"),
                    (f"model.{index}.conv_block.5", f"res_{b}_conv_1", "conv"),
                    (f"model.{index}.conv_block.6", f"res_{b}_norm_1", "norm")]
        index += 1
    for i in range(downs):
        entries += [(f"model.{index}", f"up_{i}", "conv_transpose"),
                    (f"model.{index + 1}", f"up_{i}_norm", "norm")]
        index += 3
    entries.append((f"model.{index + 1}", "conv_out", "conv"))  # after ReflectionPad2d(3)
    return entries


def unet_generator_keys(network):
    """Keys of junyanz's `UnetGenerator` (nested `UnetSkipConnectionBlock`s) for a kerasgen
    `unet_generator(layout="pytorch")`."""
    depth = _count(network, "down_{}")
    entries, prefix = [], "model.model."
    for i in range(depth):
        if i == 1:
            prefix += "1.model."  # the outermost block's submodule sits at index 1
        elif i > 1:
            prefix += "3.model."  # the other blocks' submodule sits at index 3
        if i == 0:  # [downconv, submodule, relu, upconv, tanh]
            entries += [(prefix + "0", "down_0", "conv"), (prefix + "3", "up_0", "conv_transpose")]
        elif i == depth - 1:  # [leaky relu, downconv, relu, upconv, upnorm]
            entries += [(prefix + "1", f"down_{i}", "conv"),
                        (prefix + "3", f"up_{i}", "conv_transpose"),
                        (prefix + "4", f"up_{i}_norm", "norm")]
        else:  # [leaky relu, downconv, downnorm, submodule, relu, upconv, upnorm, (dropout)]
            entries += [(prefix + "1", f"down_{i}", "conv"),
                        (prefix + "2", f"down_{i}_norm", "norm"),
                        (prefix + "5", f"up_{i}", "conv_transpose"),
                        (prefix + "6", f"up_{i}_norm", "norm")]
    return entries


def patchgan_keys(network):
    """Keys of junyanz's `NLayerDiscriminator` for a kerasgen `patchgan_discriminator(layout=
    "pytorch")` (or the PatchGAN inside a `conditional_patchgan`)."""
    layers = _count(network, "conv_{}") - 1
    entries = [("model.0", "conv_0", "conv")]
    for n in range(1, layers + 1):  # conv, norm, leaky relu
        index = 2 + 3 * (n - 1)
        entries += [(f"model.{index}", f"conv_{n}", "conv"),
                    (f"model.{index + 1}", f"norm_{n}", "norm")]
    entries.append((f"model.{2 + 3 * layers}", "conv_out", "conv"))
    return entries


def dcgan_generator_keys(network):
    """Keys of pytorch/examples' DCGAN `Generator.main` for `dcgan_generator(layout="pytorch")`."""
    ups = _count(network, "deconv_{}")
    entries = [("main.0", "project", "project"), ("main.1", "project_bn", "norm")]
    for i in range(ups):  # ConvTranspose2d, BatchNorm2d, ReLU
        entries += [(f"main.{3 + 3 * i}", f"deconv_{i}", "conv_transpose"),
                    (f"main.{4 + 3 * i}", f"bn_{i}", "norm")]
    entries.append((f"main.{3 + 3 * ups}", "to_image", "conv_transpose"))
    return entries


def dcgan_discriminator_keys(network):
    """Keys of pytorch/examples' DCGAN `Discriminator.main` for `dcgan_discriminator(layout=
    "pytorch")`."""
    convs = _count(network, "conv_{}")
    entries = [("main.0", "conv_0", "conv")]
    for i in range(1, convs):  # Conv2d, BatchNorm2d, LeakyReLU
        entries += [(f"main.{2 + 3 * (i - 1)}", f"conv_{i}", "conv"),
                    (f"main.{3 + 3 * (i - 1)}", f"bn_{i}", "norm")]
    entries.append((f"main.{2 + 3 * (convs - 1)}", "logit", "conv_to_logit"))
    return entries


# ------------------------------------------------------------------------------ conversion
def _layer(network, name):
    try:
        return network.get_layer(name)
    except ValueError:
        raise ValueError(f"Network {network.name!r} has no layer {name!r}: was it built with "
                         "layout='pytorch'?") from None


def _expected(layer, kind):
    """`{torch suffix: (torch shape, to_keras(array) -> [(keras variable, value)])}`, and the
    optional suffixes accepted and ignored."""
    if kind == "norm":
        if isinstance(layer, keras.layers.BatchNormalization):
            shape = (int(layer.gamma.shape[0]),)
            return {"weight": (shape, [(layer.gamma, lambda a: a)]),
                    "bias": (shape, [(layer.beta, lambda a: a)]),
                    "running_mean": (shape, [(layer.moving_mean, lambda a: a)]),
                    "running_var": (shape, [(layer.moving_variance, lambda a: a)])
                    }, ("num_batches_tracked",)
        if layer.weights:  # an affine instance norm: kerasgen's layout, not the reference's
            raise ValueError(f"Layer {layer.name!r} has learned normalization parameters; the "
                             "reference's InstanceNorm2d has none: build with layout='pytorch'.")
        return {}, _NORM_BUFFERS  # InstanceNorm2d(affine=False) or identity
    kernel = layer.kernel
    kh, kw, a, b = (tuple(kernel.shape) + (None, None))[:4]
    if kind == "conv":  # Keras (kh, kw, in, out) <- PyTorch (out, in, kh, kw)
        out = {"weight": ((b, a, kh, kw), [(kernel, lambda w: w.transpose(2, 3, 1, 0))])}
    elif kind == "conv_transpose":  # Keras (kh, kw, out, in) <- PyTorch (in, out, kh, kw)
        out = {"weight": ((b, a, kh, kw), [(kernel, lambda w: w.transpose(2, 3, 1, 0))])}
    elif kind == "project":  # Dense (nz, 4*4*C) <- ConvTranspose2d (nz, C, 4, 4)
        nz, units = kernel.shape
        channels = units // 16
        out = {"weight": ((nz, channels, 4, 4),
                          [(kernel, lambda w: w.transpose(0, 2, 3, 1).reshape(w.shape[0], -1))])}
    elif kind == "conv_to_logit":  # Dense (4*4*C, 1) <- Conv2d (1, C, 4, 4)
        units = kernel.shape[0]
        channels = units // 16
        out = {"weight": ((1, channels, 4, 4),
                          [(kernel, lambda w: w.transpose(2, 3, 1, 0).reshape(-1, 1))])}
    else:
        raise ValueError(f"Unknown layer kind {kind!r}.")
    if getattr(layer, "use_bias", False):
        out["bias"] = ((int(layer.bias.shape[0]),), [(layer.bias, lambda v: v)])
    return out, ()


def plan(network, entries):
    """`(assignments, expected shapes, optional keys)` of a key map on a Keras network."""
    assignments, shapes, optional = [], {}, set()
    for prefix, layer_name, kind in entries:
        expected, ignored = _expected(_layer(network, layer_name), kind)
        for suffix, (shape, targets) in expected.items():
            key = f"{prefix}.{suffix}"
            shapes[key] = tuple(int(d) for d in shape)
            for variable, transform in targets:
                assignments.append((key, variable, transform))
        optional.update(f"{prefix}.{suffix}" for suffix in ignored)
    return assignments, shapes, optional


def check_state_dict(state_dict, shapes, optional, source="checkpoint"):
    """Raises one ValueError naming every missing and unexpected key and every differing shape,
    wrong dtype or non-finite tensor of a state dict against the expected `{key: shape}`."""
    missing = sorted(k for k in shapes if k not in state_dict)
    unexpected = sorted(k for k in state_dict if k not in shapes and k not in optional)
    problems = []
    for key in sorted(k for k in shapes if k in state_dict):
        array = state_dict[key]
        if tuple(array.shape) != shapes[key]:
            problems.append(f"{key}: shape {tuple(array.shape)}, expected {shapes[key]}")
        elif not np.issubdtype(array.dtype, np.floating):
            problems.append(f"{key}: dtype {array.dtype}, expected a floating-point tensor")
        elif not np.all(np.isfinite(array)):
            problems.append(f"{key}: holds NaN or Inf values")
    if missing or unexpected or problems:
        lines = [f"The {source} does not match the architecture (another network, size or "
                 "layout?):"]
        if missing:
            lines.append(f"  missing keys ({len(missing)}): {', '.join(missing)}")
        if unexpected:
            lines.append(f"  unexpected keys ({len(unexpected)}): {', '.join(unexpected)}")
        lines += [f"  {p}" for p in problems]
        raise ValueError("\n".join(lines))


def load_state_dict(network, state_dict, entries, source="checkpoint"):
    """Checks a state dict against a key map, then assigns every tensor (all or nothing)."""
    assignments, shapes, optional = plan(network, entries)
    check_state_dict(state_dict, shapes, optional, source)
    values = [(variable, transform(np.asarray(state_dict[key], np.float32)))
              for key, variable, transform in assignments]
    for variable, value in values:
        if tuple(variable.shape) != value.shape:  # a key map bug, never the file's fault
            raise ValueError(f"Internal: {variable.path} has shape {tuple(variable.shape)}, "
                             f"converted value {value.shape}.")
    for variable, value in values:
        variable.assign(value)
    return network


def _patchgan_of(network):
    """The PatchGAN inside a conditional PatchGAN (pix2pix), or the network itself."""
    inner = [layer for layer in network.layers if isinstance(layer, keras.Model)]
    return inner[0] if len(inner) == 1 else network


#: {family: {network attribute: (key-map function, network getter)}}
KEY_MAPS = {
    "CycleGAN": {"generator_g": resnet_generator_keys, "generator_f": resnet_generator_keys,
                 "discriminator_x": patchgan_keys, "discriminator_y": patchgan_keys},
    "Pix2Pix": {"generator": unet_generator_keys, "discriminator": patchgan_keys},
    "DCGAN": {"generator": dcgan_generator_keys, "discriminator": dcgan_discriminator_keys},
}

#: the network a single checkpoint file goes to, and the reference's own file names
DEFAULT_NETWORK = {"CycleGAN": "generator_g", "Pix2Pix": "generator", "DCGAN": "generator"}
REFERENCE_NAMES = {
    "CycleGAN": {"G_A": "generator_g", "G_B": "generator_f", "D_A": "discriminator_y",
                 "D_B": "discriminator_x"},
    "Pix2Pix": {"G": "generator", "D": "discriminator"},
    "DCGAN": {"netG": "generator", "netD": "discriminator"},
}


def network_names(model):
    """The networks of `model` a PyTorch checkpoint can be loaded into."""
    family = type(model).__name__
    if family not in KEY_MAPS:
        raise ValueError(f"No PyTorch converter for the {family} family; converters exist for "
                         f"{', '.join(KEY_MAPS)}.")
    return KEY_MAPS[family]


def load_into_network(model, network_name, state_dict, source="checkpoint"):
    """Loads a state dict into one network of a kerasgen model built with layout="pytorch"."""
    maps = network_names(model)
    family = type(model).__name__
    if network_name not in maps:
        raise ValueError(f"`{network_name}` is not a network of {family}; expected one of "
                         f"{', '.join(maps)} (the reference names {REFERENCE_NAMES[family]}).")
    layout = model.get_config().get("layout")
    if layout != "pytorch":
        raise ValueError(f"This {family} has layout={layout!r}; the reference implementation's "
                         "checkpoints need layout='pytorch' (its padding, biases and norms).")
    network = getattr(model, network_name)
    target = _patchgan_of(network) if maps[network_name] is patchgan_keys else network
    load_state_dict(target, state_dict, maps[network_name](target), source)
    if network_name == "generator" and getattr(model, "ema_generator", None) is not None:
        model.ema_generator.set_weights(model.generator.get_weights())
    return network
