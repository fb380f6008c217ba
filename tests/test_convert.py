"""Published weights: the reference architectures, the converters, and third-party files as data.

The PyTorch modules below are written for this test from the reference implementations'
structure (junyanz/pytorch-CycleGAN-and-pix2pix `models/networks.py`, pytorch/examples
`dcgan/main.py`), with their module nesting so that `state_dict()` has the reference's key names.
Each is run with random weights in eval mode and compared with the converted kerasgen network on
random inputs at two resolutions. The DCGAN paper's Theano parameters are tested on random arrays
of the published shapes against an independent NumPy forward pass (batch statistics, transposed
convolution by explicit scatter-add). Tests that need PyTorch skip when it is not installed.
"""

import copy
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

import kerasgen
from kerasgen import convert, recipes
from kerasgen.convert import dcgan_theano, torch_checkpoints

try:
    import torch
    from torch import nn
except ImportError:  # the `convert` extra is optional
    torch = nn = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed "
                                 "(pip install 'kerasgen[convert]')")
TOLERANCE = 1e-4


# ------------------------------------------------------------------------------ reference modules
if torch is not None:
    class ResnetBlock(nn.Module):
        def __init__(self, dim):
            super().__init__()
            self.conv_block = nn.Sequential(
                nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, bias=True), nn.InstanceNorm2d(dim),
                nn.ReLU(True), nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, bias=True),
                nn.InstanceNorm2d(dim))

        def forward(self, x):
            return x + self.conv_block(x)

    class ResnetGenerator(nn.Module):  # norm "instance": affine=False, biases on
        def __init__(self, input_nc, output_nc, ngf, n_blocks, n_downsampling=2):
            super().__init__()
            layers = [nn.ReflectionPad2d(3), nn.Conv2d(input_nc, ngf, 7, bias=True),
                      nn.InstanceNorm2d(ngf), nn.ReLU(True)]
            for i in range(n_downsampling):
                m = 2 ** i
                layers += [nn.Conv2d(ngf * m, ngf * m * 2, 3, stride=2, padding=1, bias=True),
                           nn.InstanceNorm2d(ngf * m * 2), nn.ReLU(True)]
            m = 2 ** n_downsampling
            layers += [ResnetBlock(ngf * m) for _ in range(n_blocks)]
            for i in range(n_downsampling):
                m = 2 ** (n_downsampling - i)
                layers += [nn.ConvTranspose2d(ngf * m, ngf * m // 2, 3, stride=2, padding=1,
                                              output_padding=1, bias=True),
                           nn.InstanceNorm2d(ngf * m // 2), nn.ReLU(True)]
            layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, 7), nn.Tanh()]
            self.model = nn.Sequential(*layers)

        def forward(self, x):
            return self.model(x)

    class NLayerDiscriminator(nn.Module):
        def __init__(self, input_nc, ndf, n_layers, norm):
            super().__init__()
            norm_layer = nn.InstanceNorm2d if norm == "instance" else nn.BatchNorm2d
            bias = norm == "instance"
            seq = [nn.Conv2d(input_nc, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
            mult = 1
            for n in range(1, n_layers + 1):
                prev, mult = mult, min(2 ** n, 8)
                seq += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride=2 if n < n_layers else 1,
                                  padding=1, bias=bias),
                        norm_layer(ndf * mult), nn.LeakyReLU(0.2, True)]
            seq += [nn.Conv2d(ndf * mult, 1, 4, stride=1, padding=1)]
            self.model = nn.Sequential(*seq)

        def forward(self, x):
            return self.model(x)

    class UnetBlock(nn.Module):  # batch norm: no biases except the outermost up-convolution
        def __init__(self, outer_nc, inner_nc, input_nc=None, submodule=None, outermost=False,
                     innermost=False, use_dropout=False):
            super().__init__()
            self.outermost = outermost
            input_nc = outer_nc if input_nc is None else input_nc
            down = nn.Conv2d(input_nc, inner_nc, 4, stride=2, padding=1, bias=False)
            if outermost:
                up = nn.ConvTranspose2d(inner_nc * 2, outer_nc, 4, stride=2, padding=1)
                model = [down, submodule, nn.ReLU(True), up, nn.Tanh()]
            elif innermost:
                up = nn.ConvTranspose2d(inner_nc, outer_nc, 4, stride=2, padding=1, bias=False)
                model = [nn.LeakyReLU(0.2, True), down, nn.ReLU(True), up,
                         nn.BatchNorm2d(outer_nc)]
            else:
                up = nn.ConvTranspose2d(inner_nc * 2, outer_nc, 4, stride=2, padding=1,
                                        bias=False)
                model = [nn.LeakyReLU(0.2, True), down, nn.BatchNorm2d(inner_nc), submodule,
                         nn.ReLU(True), up, nn.BatchNorm2d(outer_nc)]
                if use_dropout:
                    model.append(nn.Dropout(0.5))
            self.model = nn.Sequential(*model)

        def forward(self, x):
            # the in-place LeakyReLU at the start of self.model rewrites x before it is concatenated
            return self.model(x) if self.outermost else torch.cat([x, self.model(x)], 1)

    class UnetGenerator(nn.Module):
        def __init__(self, input_nc, output_nc, num_downs, ngf):
            super().__init__()
            block = UnetBlock(ngf * 8, ngf * 8, innermost=True)
            for _ in range(num_downs - 5):
                block = UnetBlock(ngf * 8, ngf * 8, submodule=block, use_dropout=True)
            block = UnetBlock(ngf * 4, ngf * 8, submodule=block)
            block = UnetBlock(ngf * 2, ngf * 4, submodule=block)
            block = UnetBlock(ngf, ngf * 2, submodule=block)
            self.model = UnetBlock(output_nc, ngf, input_nc=input_nc, submodule=block,
                                   outermost=True)

        def forward(self, x):
            return self.model(x)

    class DCGANGenerator(nn.Module):  # pytorch/examples, with image_size / 8 stages
        def __init__(self, nz, ngf, nc, image_size):
            super().__init__()
            mult = image_size // 8
            layers = [nn.ConvTranspose2d(nz, ngf * mult, 4, 1, 0, bias=False),
                      nn.BatchNorm2d(ngf * mult), nn.ReLU(True)]
            while mult > 1:
                layers += [nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, 4, 2, 1, bias=False),
                           nn.BatchNorm2d(ngf * mult // 2), nn.ReLU(True)]
                mult //= 2
            layers += [nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
            self.main = nn.Sequential(*layers)

        def forward(self, z):
            return self.main(z)

    class DCGANDiscriminator(nn.Module):
        def __init__(self, nc, ndf, image_size):
            super().__init__()
            layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True)]
            mult, size = 1, image_size // 2
            while size > 4:
                layers += [nn.Conv2d(ndf * mult, ndf * mult * 2, 4, 2, 1, bias=False),
                           nn.BatchNorm2d(ndf * mult * 2), nn.LeakyReLU(0.2, True)]
                mult, size = mult * 2, size // 2
            layers += [nn.Conv2d(ndf * mult, 1, 4, 1, 0, bias=False), nn.Sigmoid()]
            self.main = nn.Sequential(*layers)

        def forward(self, x):
            return self.main(x).view(-1, 1).squeeze(1)


def _randomize(module, seed):
    """Random weights everywhere, random running statistics for batch norm; eval mode."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                m.weight.normal_(0.0, 0.1)
                if m.bias is not None:
                    m.bias.normal_(0.0, 0.1)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.normal_(1.0, 0.2)
                m.bias.normal_(0.0, 0.2)
                m.running_mean.normal_(0.0, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    return module.eval()


def _save(module, path):
    torch.save(module.state_dict(), path)
    return str(path)


def _nchw_to_nhwc(t):
    return t.detach().numpy().transpose(0, 2, 3, 1)


def _images(n, size, channels=3, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, size, size, channels)).astype("float32")


def _torch_images(x):
    return torch.from_numpy(x.transpose(0, 3, 1, 2).copy())


def _max_diff(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b)))


# ------------------------------------------------------------------------------ PyTorch references
@needs_torch
@pytest.mark.parametrize("size", [32, 64])
def test_cyclegan_generators_and_discriminators_match_the_reference(tmp_path, size):
    g_a = _randomize(ResnetGenerator(3, 3, ngf=8, n_blocks=2), seed=size)
    g_b = _randomize(ResnetGenerator(3, 3, ngf=8, n_blocks=2), seed=size + 1)
    d_a = _randomize(NLayerDiscriminator(3, ndf=8, n_layers=3, norm="instance"), seed=size + 2)
    files = {"G_A": _save(g_a, tmp_path / "latest_net_G_A.pth"),
             "G_B": _save(g_b, tmp_path / "latest_net_G_B.pth"),
             "D_A": _save(d_a, tmp_path / "latest_net_D_A.pth")}
    model = kerasgen.CycleGAN(image_size=size, channels=3, base_filters=8,
                              num_residual_blocks=2, d_layers=3, layout="pytorch")
    records = convert.load_checkpoints(model, files)
    assert {r["network"] for r in records} == {"generator_g", "generator_f", "discriminator_y"}
    x = _images(2, size, seed=size)
    with torch.no_grad():
        expected = {"x2y": _nchw_to_nhwc(g_a(_torch_images(x))),
                    "y2x": _nchw_to_nhwc(g_b(_torch_images(x))),
                    "d": _nchw_to_nhwc(d_a(_torch_images(x)))}
    assert _max_diff(model.translate(x, "x2y"), expected["x2y"]) <= TOLERANCE
    assert _max_diff(model.translate(x, "y2x"), expected["y2x"]) <= TOLERANCE
    patch = model.discriminator_y(x, training=False)
    assert patch.shape == (2, size // 8 - 2, size // 8 - 2, 1)  # PyTorch's padding: 30 at 256
    assert _max_diff(patch, expected["d"]) <= TOLERANCE


@needs_torch
@pytest.mark.parametrize("size,num_downs", [(32, 5), (64, 6)])
def test_pix2pix_unet_and_conditional_patchgan_match_the_reference(tmp_path, size, num_downs):
    g = _randomize(UnetGenerator(3, 3, num_downs=num_downs, ngf=8), seed=size)
    d = _randomize(NLayerDiscriminator(6, ndf=8, n_layers=3, norm="batch"), seed=size + 1)
    model = kerasgen.Pix2Pix(image_size=size, base_filters=8, num_downsamplings=num_downs,
                             d_layers=3, layout="pytorch")
    convert.load_checkpoints(model, {"G": _save(g, tmp_path / "latest_net_G.pth"),
                                     "D": _save(d, tmp_path / "latest_net_D.pth")})
    x, y = _images(2, size, seed=1), _images(2, size, seed=2)
    with torch.no_grad():
        expected_g = _nchw_to_nhwc(g(_torch_images(x)))
        expected_d = _nchw_to_nhwc(d(torch.cat([_torch_images(x), _torch_images(y)], 1)))
    assert _max_diff(model.translate(x), expected_g) <= TOLERANCE
    assert _max_diff(model.discriminator([x, y], training=False), expected_d) <= TOLERANCE
    dropouts = [layer for layer in model.generator.layers if "dropout" in layer.name]
    assert len(dropouts) == num_downs - 5  # the reference's use_dropout blocks


def _reflect_pad(x, multiple, minimum=0):
    """NumPy's reflection padding of images (n, H, W, C) to the next multiple (half before, the
    odd pixel after): the independent statement of what `translate` does to other sizes."""
    pads = [(0, 0)]
    for n in x.shape[1:3]:
        total = max(-(-n // multiple) * multiple, minimum) - n
        pads.append((total // 2, total - total // 2))
    return np.pad(x, pads + [(0, 0)], mode="reflect"), pads


def _reference_at(module, x, multiple, minimum=0):
    """The reference network on `x` padded by reflection to an admissible size, cropped back;
    computed in float64 (the exact function: float32 PyTorch and TF both differ from it by
    round-off, up to ~5e-5 here, so comparing the two float32 results would count it twice)."""
    padded, pads = _reflect_pad(x, multiple, minimum)
    with torch.no_grad():
        out = copy.deepcopy(module).double()(
            torch.from_numpy(padded.transpose(0, 3, 1, 2).astype(np.float64)))
    (top, _), (left, _) = pads[1], pads[2]
    return out.numpy().transpose(0, 2, 3, 1)[:, top:top + x.shape[1], left:left + x.shape[2]]


def _rect_images(n, height, width, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, height, width, 3)).astype("float32")


@needs_torch
def test_reference_generators_at_256_px_and_any_other_size(tmp_path):
    """resnet_9blocks and unet_256 (the published networks' architectures; 8 filters instead of
    64 to keep the test fast) at 256 px, at 200x300 and at sizes no network takes exactly:
    `translate` pads by reflection to the next admissible size and crops back, and equals the
    reference run on the same padded input, cropped the same way."""
    g = _randomize(ResnetGenerator(3, 3, ngf=8, n_blocks=9), seed=7)
    u = _randomize(UnetGenerator(3, 3, num_downs=8, ngf=8), seed=8)
    cyclegan = kerasgen.CycleGAN(image_size=256, base_filters=8, num_residual_blocks=9,
                                 layout="pytorch")
    pix2pix = kerasgen.Pix2Pix(image_size=256, base_filters=8, layout="pytorch")
    convert.load_checkpoints(cyclegan, _save(g, tmp_path / "horse2zebra.pth"))
    convert.load_checkpoints(pix2pix, _save(u, tmp_path / "facades_label2photo.pth"))
    assert (cyclegan.size_multiple(), pix2pix.size_multiple()) == (4, 256)
    diffs = {}
    # 13x10: unet_256 pads it to 256x256, reflecting the image many times over
    for height, width in ((256, 256), (200, 300), (201, 299), (13, 10)):
        x = _rect_images(2, height, width, seed=height)
        diffs["resnet", height, width] = _max_diff(cyclegan.translate(x),
                                                  _reference_at(g, x, 4, minimum=8))
        diffs["unet", height, width] = _max_diff(pix2pix.translate(x),
                                                _reference_at(u, x, 256))
    print({k: f"{v:.2e}" for k, v in diffs.items()})
    assert max(diffs.values()) <= TOLERANCE, diffs
    served = tf.saved_model.load(cyclegan.export(str(tmp_path / "export" / "1")))
    signature = served.signatures["serving_default"]
    assert signature.structured_input_signature[1]["x"].shape.as_list() == [None, None, None, 3]
    x = _rect_images(1, 201, 299, seed=3)
    assert _max_diff(signature(x=tf.constant(x))["translated"],
                     _reference_at(g, x, 4, minimum=8)) <= TOLERANCE


@needs_torch
@pytest.mark.parametrize("size", [32, 64])
def test_dcgan_matches_the_pytorch_example(tmp_path, size):
    g = _randomize(DCGANGenerator(nz=16, ngf=8, nc=3, image_size=size), seed=size)
    d = _randomize(DCGANDiscriminator(nc=3, ndf=8, image_size=size), seed=size + 1)
    model = kerasgen.DCGAN(image_size=size, channels=3, latent_dim=16, base_filters=8,
                           layout="pytorch")
    convert.load_checkpoints(model, [f"netG={_save(g, tmp_path / 'netG_epoch_0.pth')}",
                                     f"netD={_save(d, tmp_path / 'netD_epoch_0.pth')}"])
    z = np.random.default_rng(size).standard_normal((3, 16)).astype("float32")
    x = _images(3, size, seed=3)
    with torch.no_grad():
        expected_g = _nchw_to_nhwc(g(torch.from_numpy(z)[:, :, None, None]))
        expected_logit = d.main[:-1](_torch_images(x)).reshape(-1, 1).numpy()
        expected_p = d(_torch_images(x)).numpy()
    assert _max_diff(model.generate_from_latents(z), expected_g) <= TOLERANCE
    logit = model.discriminator(x, training=False)
    assert _max_diff(logit, expected_logit) <= TOLERANCE
    assert _max_diff(tf.sigmoid(logit)[:, 0], expected_p) <= TOLERANCE


@needs_torch
def test_old_checkpoints_instance_norm_buffers_are_dropped_as_the_reference_does(tmp_path):
    g = _randomize(ResnetGenerator(3, 3, ngf=4, n_blocks=1), seed=0)
    state = g.state_dict()
    state["model.2.running_mean"] = torch.zeros(4)  # PyTorch 0.4 era track_running_stats=True
    state["model.2.running_var"] = torch.ones(4)
    state["model.2.num_batches_tracked"] = torch.tensor(7)
    path = tmp_path / "old.pth"
    torch.save(state, path)
    model = kerasgen.CycleGAN(image_size=32, base_filters=4, num_residual_blocks=1,
                              layout="pytorch")
    convert.load_checkpoints(model, str(path))
    x = _images(1, 32)
    with torch.no_grad():
        assert _max_diff(model.translate(x), _nchw_to_nhwc(g(_torch_images(x)))) <= TOLERANCE


# ------------------------------------------------------------------------------ errors
@needs_torch
def test_checkpoint_of_another_architecture_names_keys_and_shapes(tmp_path):
    wide = _save(_randomize(ResnetGenerator(3, 3, ngf=8, n_blocks=2), 0), tmp_path / "wide.pth")
    deep = _save(_randomize(ResnetGenerator(3, 3, ngf=4, n_blocks=3), 0), tmp_path / "deep.pth")
    model = kerasgen.CycleGAN(image_size=32, base_filters=4, num_residual_blocks=2,
                              layout="pytorch")
    before = [w.copy() for w in model.generator_g.get_weights()]
    with pytest.raises(ValueError) as info:
        convert.load_checkpoints(model, wide)
    message = str(info.value)
    assert "model.1.weight: shape (8, 3, 7, 7), expected (4, 3, 7, 7)" in message
    assert "wide.pth" in message
    with pytest.raises(ValueError) as info:
        convert.load_checkpoints(model, deep)
    message = str(info.value)
    # a third residual block at index 12 shifts the up-sampling and output layers by one
    assert "unexpected keys (10): model.12.conv_block.1.bias, model.12.conv_block.1.weight" \
        in message
    assert "missing keys (6): model.12.bias, model.12.weight, model.15.bias" in message
    for a, b in zip(before, model.generator_g.get_weights()):
        np.testing.assert_array_equal(a, b)  # nothing was assigned
    kerasgen_layout = kerasgen.CycleGAN(image_size=32, base_filters=4, num_residual_blocks=2)
    with pytest.raises(ValueError, match="layout='pytorch'"):
        convert.load_checkpoints(kerasgen_layout, wide)


@needs_torch
def test_wrong_dtype_truncated_file_and_non_checkpoint_are_named(tmp_path):
    g = _randomize(DCGANGenerator(nz=4, ngf=2, nc=1, image_size=16), 0)
    state = g.state_dict()
    state["main.0.weight"] = state["main.0.weight"].to(torch.int32)
    torch.save(state, tmp_path / "int.pth")
    model = kerasgen.DCGAN(image_size=16, channels=1, latent_dim=4, base_filters=2,
                           layout="pytorch")
    with pytest.raises(ValueError, match=r"main\.0\.weight: dtype int32, expected a "
                                         "floating-point tensor"):
        convert.load_checkpoints(model, str(tmp_path / "int.pth"))
    good = _save(g, tmp_path / "good.pth")
    data = open(good, "rb").read()
    open(tmp_path / "cut.pth", "wb").write(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"cut\.pth.*truncated"):
        convert.load_checkpoints(model, str(tmp_path / "cut.pth"))
    (tmp_path / "text.pth").write_text("not a checkpoint")
    with pytest.raises(ValueError, match=r"text\.pth"):
        convert.load_checkpoints(model, str(tmp_path / "text.pth"))
    torch.save([1, 2, 3], tmp_path / "list.pth")
    with pytest.raises(ValueError, match="not a state dict"):
        convert.load_checkpoints(model, str(tmp_path / "list.pth"))


if torch is not None:
    class _Payload:
        """Unpickling this creates a marker file: what a malicious checkpoint would do."""

        def __init__(self, marker):
            self.marker = marker

        def __reduce__(self):
            return (pathlib.Path.touch, (pathlib.Path(self.marker),))


@needs_torch
def test_checkpoint_whose_pickle_runs_code_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    state = _randomize(DCGANGenerator(nz=4, ngf=2, nc=1, image_size=16), 0).state_dict()
    state["extra"] = _Payload(str(marker))
    path = tmp_path / "evil.pth"
    torch.save(state, path)
    model = kerasgen.DCGAN(image_size=16, channels=1, latent_dim=4, base_filters=2,
                           layout="pytorch")
    with pytest.raises(ValueError, match=r"evil\.pth.*arbitrary code.*refused"):
        convert.load_checkpoints(model, str(path))
    with pytest.raises(ValueError, match="arbitrary code"):
        kerasgen.load("dcgan_lsun", weights=str(path))
    with pytest.raises(ValueError):
        recipes.convert_recipe(recipes.recipe_with("dcgan_lsun", model={
            "image_size": 16, "channels": 1, "latent_dim": 4, "base_filters": 2}),
            checkpoints=str(path), out=str(tmp_path / "preset"))
    assert not marker.exists() and not (tmp_path / "preset").exists()
    torch.load(path, weights_only=False)  # the naive load the converter refuses...
    assert marker.exists()  # ...would have run the payload: the test file is real


# ------------------------------------------------------------------------------ presets
@needs_torch
def test_converted_preset_loads_offline_exports_and_records_its_source(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGEN_OFFLINE", "1")
    recipe = recipes.recipe_with("cyclegan_horse2zebra", model={
        "image_size": 32, "base_filters": 4, "num_residual_blocks": 1})
    g = _randomize(ResnetGenerator(3, 3, ngf=4, n_blocks=1), 5)
    path = _save(g, tmp_path / "horse2zebra.pth")
    _, meta = recipes.convert_recipe(recipe, checkpoints=path, out=str(tmp_path / "preset"),
                                     command="test")
    saved = json.load(open(tmp_path / "preset" / "metadata.json"))
    assert saved["converted_from"][0]["sha256"] == kerasgen.utils.sha256_of(path)
    assert saved["converted_from"][0]["url"].endswith("horse2zebra.pth")
    assert saved["verified"] is False and "BSD" in saved["source"]["licence"]
    assert saved["weights_sha256"] == kerasgen.utils.sha256_of(
        str(tmp_path / "preset" / "model.weights.h5"))
    assert saved["networks_not_converted"] == ["discriminator_x", "discriminator_y",
                                               "generator_f"]
    loaded = kerasgen.load(str(tmp_path / "preset"))
    x = _images(2, 32, seed=9)
    with torch.no_grad():
        expected = _nchw_to_nhwc(g(_torch_images(x)))
    assert _max_diff(loaded.translate(x), expected) <= TOLERANCE
    export = loaded.export(str(tmp_path / "export" / "1"))
    served = tf.saved_model.load(export).signatures["serving_default"](x=tf.constant(x))
    assert _max_diff(served["translated"], expected) <= TOLERANCE


@needs_torch
def test_download_of_a_published_checkpoint_without_hash_is_marked_unverified(tmp_path,
                                                                              monkeypatch):
    import functools
    import http.server
    import threading

    monkeypatch.setenv("KERASGEN_HOME", str(tmp_path / "home"))
    served = tmp_path / "served"
    served.mkdir()
    path = _save(_randomize(ResnetGenerator(3, 3, ngf=4, n_blocks=1), 1), served / "h2z.pth")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/h2z.pth"
    try:
        small = {"image_size": 32, "base_filters": 4, "num_residual_blocks": 1}
        recipe = recipes.recipe_with("cyclegan_horse2zebra", model=small, checkpoints={
            "generator_g": {"url": url, "sha256": None}})
        _, meta = recipes.convert_recipe(recipe, download=True, out=str(tmp_path / "p"),
                                         command="test")
        record = meta["converted_from"][0]
        assert record["sha256"] == kerasgen.utils.sha256_of(path) and record["url"] == url
        assert meta["verified"] is False and not record["verified"]
        wrong = recipes.recipe_with(recipe, checkpoints={
            "generator_g": {"url": url.replace("h2z", "h2z_copy"), "sha256": "0" * 64}})
        open(served / "h2z_copy.pth", "wb").write(open(path, "rb").read())
        with pytest.raises(ValueError, match="h2z_copy"):
            recipes.convert_recipe(wrong, download=True, out=str(tmp_path / "q"))
        assert not (tmp_path / "q").exists()
    finally:
        httpd.shutdown()
        httpd.server_close()


@needs_torch
def test_load_converts_a_pth_on_the_fly(tmp_path, monkeypatch):
    from kerasgen.recipes import registry

    # pytorch/examples' DCGAN (its README trains on LSUN): the LSUN recipe in layout "pytorch"
    examples = recipes.recipe_with("dcgan_lsun", model={"layout": "pytorch",
                                                        "batch_statistics": False})
    monkeypatch.setattr(registry, "_RECIPES", dict(recipes.recipes(), dcgan_examples=dict(
        examples, name="dcgan_examples")))
    g = _randomize(DCGANGenerator(nz=100, ngf=64, nc=3, image_size=64), 0)
    path = _save(g, tmp_path / "netG_epoch_24.pth")
    with pytest.warns(UserWarning, match="sha256"):
        model = kerasgen.load("dcgan_examples", weights=path)
    z = np.random.default_rng(0).standard_normal((2, 100)).astype("float32")
    with torch.no_grad():
        expected = _nchw_to_nhwc(g(torch.from_numpy(z)[:, :, None, None]))
    assert _max_diff(model.generate_from_latents(z), expected) <= TOLERANCE
    with pytest.raises(ValueError, match="layout='pytorch'"):
        kerasgen.load("dcgan_celeba", weights=path)


# ------------------------------------------------------------------------------ dcgan_code (Theano)
SVHN_GENERATOR = [(100, 4096), (4096,), (4096,), (256, 128, 5, 5), (128,), (128,),
                  (128, 64, 5, 5), (64,), (64,), (64, 3, 5, 5)]
SVHN_DISCRIMINATOR = [(64, 3, 5, 5), (128, 64, 5, 5), (128,), (128,), (256, 128, 5, 5), (256,),
                      (256,), (4096, 1)]


def _random_svhn_arrays(seed=0):
    """Random arrays of the published shapes: weights N(0, 0.05), gains N(1, 0.1), biases
    N(0, 0.1) (a 1-D array after a weight is a gain, the next one its bias)."""
    rng = np.random.default_rng(seed)

    def draw(shapes):
        out = []
        for i, shape in enumerate(shapes):
            if len(shape) > 1:
                out.append(rng.normal(0, 0.05, shape))
            elif len(shapes[i - 1]) > 1:
                out.append(rng.normal(1, 0.1, shape))
            else:
                out.append(rng.normal(0, 0.1, shape))
        return [a.astype(np.float32) for a in out]

    return draw(SVHN_GENERATOR), draw(SVHN_DISCRIMINATOR)


def _write_arrays(directory, gen, disc):
    os.makedirs(directory, exist_ok=True)
    for stem, arrays in (("200_gen_params.jl", gen), ("200_discrim_params.jl", disc)):
        for i, array in enumerate(arrays, 1):
            np.save(os.path.join(directory, f"{stem}_{i:02d}.npy"), array)
    return str(directory)


def _np_batchnorm(x, g, b, axes, eps=1e-8):
    shape = [1] * x.ndim
    shape[1] = -1
    u = x.mean(axis=axes, keepdims=True)
    s = np.square(x - u).mean(axis=axes, keepdims=True)
    return (x - u) / np.sqrt(s + eps) * g.reshape(shape) + b.reshape(shape)


def _np_deconv(x, w, stride=2, pad=2):
    """Theano's deconv: the gradient of a stride-2 *true* convolution with border_mode `pad`,
    by explicit scatter-add of each input pixel times the (flipped) kernel; NCHW."""
    n, _, h, wd = x.shape
    k = w.shape[2]
    full = np.zeros((n, w.shape[1], (h - 1) * stride + k, (wd - 1) * stride + k))
    flipped = w[:, :, ::-1, ::-1]
    for i in range(h):
        for j in range(wd):
            full[:, :, i * stride:i * stride + k, j * stride:j * stride + k] += np.einsum(
                "nc,cokl->nokl", x[:, :, i, j], flipped)
    return full[:, :, pad:pad + h * stride, pad:pad + wd * stride]


def _np_conv(x, w, stride=2, pad=2):
    """Theano's dnn_conv (true convolution, symmetric border_mode `pad`), NCHW."""
    k = w.shape[2]
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (x.shape[2] - k) // stride + 1
    out = np.zeros((x.shape[0], w.shape[0], oh, oh))
    flipped = w[:, :, ::-1, ::-1]
    for i in range(oh):
        for j in range(oh):
            patch = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k]
            out[:, :, i, j] = np.einsum("nckl,ockl->no", patch, flipped)
    return out


def _np_generator(z, w, g, b, w2, g2, b2, w3, g3, b3, wx):
    relu = lambda v: np.maximum(v, 0)  # noqa: E731
    h = relu(_np_batchnorm(z @ w, g, b, axes=0)).reshape(len(z), -1, 4, 4)
    h = relu(_np_batchnorm(_np_deconv(h, w2), g2, b2, axes=(0, 2, 3)))
    h = relu(_np_batchnorm(_np_deconv(h, w3), g3, b3, axes=(0, 2, 3)))
    return np.tanh(_np_deconv(h, wx)).transpose(0, 2, 3, 1)


def _np_discriminator(x, w, w2, g2, b2, w3, g3, b3, wy):
    lrelu = lambda v: np.where(v > 0, v, 0.2 * v)  # noqa: E731
    h = lrelu(_np_conv(x.transpose(0, 3, 1, 2), w))
    h = lrelu(_np_batchnorm(_np_conv(h, w2), g2, b2, axes=(0, 2, 3)))
    h = lrelu(_np_batchnorm(_np_conv(h, w3), g3, b3, axes=(0, 2, 3)))
    return h.reshape(len(h), -1) @ wy


def test_theano_dcgan_matches_a_numpy_forward_pass_of_the_arrays(tmp_path):
    gen, disc = _random_svhn_arrays()
    directory = _write_arrays(tmp_path / "arrays", gen, disc)
    model = kerasgen.DCGAN(image_size=32, channels=3, latent_dim=100, base_filters=64,
                           kernel_size=5, layout="theano")
    sources = dcgan_theano.load_arrays(model, directory)
    assert [s["file"] for s in sources][:2] == ["200_gen_params.jl_01.npy",
                                                "200_gen_params.jl_02.npy"]
    z = np.random.default_rng(1).standard_normal((16, 100)).astype("float32")
    expected = _np_generator(z.astype(np.float64), *[a.astype(np.float64) for a in gen])
    assert _max_diff(model.generator(z, training=True), expected) <= TOLERANCE
    x = np.asarray(expected, np.float32)
    expected_logit = _np_discriminator(x.astype(np.float64), *[a.astype(np.float64)
                                                                for a in disc])
    assert _max_diff(model.discriminator(x, training=True), expected_logit) <= TOLERANCE
    # inference mode with estimated statistics follows batch-statistics sampling closely
    info = dcgan_theano.estimate_statistics(model, num_samples=1000, batch_size=500)
    assert "1000" in info["generator"]
    gap = dcgan_theano.batch_statistics_gap(model, num_samples=128)
    assert gap["mean_abs"] < 2 * gap["between_batches_mean_abs"] + 1e-3, gap


def test_theano_arrays_are_data_and_bad_ones_are_named(tmp_path):
    gen, disc = _random_svhn_arrays()
    model = kerasgen.DCGAN(image_size=32, channels=3, latent_dim=100, base_filters=64,
                           kernel_size=5, layout="theano")
    before = [w.copy() for w in model.generator.get_weights()]
    bad = list(gen)
    bad[3] = bad[3][:, :, :4, :4]  # a 4x4 kernel where the model has 5x5
    with pytest.raises(ValueError, match=r"w2 \(200_gen_params\.jl_04\.npy\).*shape "
                                         r"\(256, 128, 4, 4\), expected \(256, 128, 5, 5\)"):
        dcgan_theano.load_arrays(model, _write_arrays(tmp_path / "a", bad, disc))
    objects = _write_arrays(tmp_path / "b", gen, disc)
    np.save(os.path.join(objects, "200_gen_params.jl_02.npy"),
            np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match=r"jl_02\.npy.*Python objects.*refused"):
        dcgan_theano.load_arrays(model, objects)
    cut = _write_arrays(tmp_path / "c", gen, disc)
    path = os.path.join(cut, "200_gen_params.jl_01.npy")
    data = open(path, "rb").read()
    open(path, "wb").write(data[:1000])
    with pytest.raises(ValueError, match=r"jl_01\.npy.*truncated"):
        dcgan_theano.load_arrays(model, cut)
    ints = _write_arrays(tmp_path / "d", gen, disc)
    np.save(os.path.join(ints, "200_gen_params.jl_05.npy"), np.ones(128, np.int64))
    with pytest.raises(ValueError, match=r"g2 .*dtype int64, expected floating"):
        dcgan_theano.load_arrays(model, ints)
    for a, b in zip(before, model.generator.get_weights()):
        np.testing.assert_array_equal(a, b)  # all or nothing
    with pytest.raises(ValueError, match="layout='theano'"):
        dcgan_theano.load_arrays(kerasgen.DCGAN(image_size=32, kernel_size=5),
                                 _write_arrays(tmp_path / "e", gen, disc))


def test_convert_script_writes_an_unverified_preset_and_fails_cleanly(tmp_path):
    gen, disc = _random_svhn_arrays(seed=3)
    directory = _write_arrays(tmp_path / "arrays", gen, disc)
    out = tmp_path / "preset"
    env = dict(os.environ, KERASGEN_OFFLINE="1")
    result = subprocess.run(
        [sys.executable, "-m", "kerasgen.cli.convert", "--recipe=dcgan_svhn",
         f"--checkpoint={directory}", f"--out={out}", "--statistics_samples=500"],
        capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "UNVERIFIED" in result.stdout and "verified: false" in result.stdout
    meta = json.load(open(out / "metadata.json"))
    assert meta["source"]["repository"] == "https://github.com/Newmu/dcgan_code"
    assert "--recipe=dcgan_svhn" in meta["command"]
    assert meta["converted_from"][9]["parameter"] == "wx" and not meta["verified"]
    model = kerasgen.load(str(out))
    z = np.random.default_rng(0).standard_normal((8, 100)).astype("float32")
    expected = _np_generator(z.astype(np.float64), *[a.astype(np.float64) for a in gen])
    assert _max_diff(model.generator(z, training=True), expected) <= TOLERANCE
    os.remove(os.path.join(directory, "200_discrim_params.jl_08.npy"))
    with pytest.raises(FileNotFoundError, match=r"wy \(200_discrim_params\.jl_08\.npy\)"):
        recipes.convert_recipe("dcgan_svhn", checkpoints=directory, out=str(tmp_path / "second"))
    assert not (tmp_path / "second").exists()


def test_shipped_dcgan_svhn_preset_generates_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("KERASGEN_OFFLINE", "1")
    model = kerasgen.load("dcgan_svhn")
    images = model.generate(64, seed=0)
    assert images.shape == (64, 32, 32, 3)
    assert np.all(np.isfinite(images)) and images.min() >= -1 and images.max() <= 1
    assert images.std() > 0.1  # not a constant image
    np.testing.assert_array_equal(images, model.generate(64, seed=0))
    meta = kerasgen.recipes.read_metadata("dcgan_svhn")
    assert meta["verified"] is True and "Alec Radford" in meta["source"]["licence"]
    assert len(meta["converted_from"]) == 18
    blobs = recipes.get_recipe("dcgan_svhn")["source"]["git_blobs"]
    assert all(blobs[r["file"]] == r["git_blob"] and len(r["sha256"]) == 64
               for r in meta["converted_from"])
    export = model.export(str(tmp_path / "svhn" / "1"))
    z = np.random.default_rng(0).standard_normal((2, 100)).astype("float32")
    served = tf.saved_model.load(export).signatures["serving_default"](z=tf.constant(z))
    assert _max_diff(served["samples"], model.generate_from_latents(z)) <= 1e-5
