"""soumith/dcgan.torch generator files (.t7) -> DCGAN(layout="torch7"), and the DCGAN sampling
options that reproduce its sampler (batch statistics, uniform noise, spatial latent maps).

The files are written by `tests/torch7_writer.py` (the published Torch7 serialization) with
random weights in the layouts of dcgan.torch's versions, read back by torchfile, converted, and
compared with an independent NumPy forward of the same weights (transposed convolution by
scatter-add, batch norm with the batch's statistics as generate.lua samples, or the running
statistics for inference mode).
"""

import os

import numpy as np
import pytest

pytest.importorskip("torchfile")
import torchfile  # noqa: E402

from kerasgen.convert import dcgan_torch7  # noqa: E402
from kerasgen.utils import sha256_of  # noqa: E402
from kerasgen.models import dcgan_sampling  # noqa: E402
from kerasgen.models.dcgan import DCGAN  # noqa: E402

import torch7_writer as tw  # noqa: E402  (tests/ is on sys.path under pytest's rootdir)

TOLERANCE = 1e-4
SMALL = dict(image_size=32, channels=3, latent_dim=8, base_filters=4)  # 3 hidden stages


def small_model(**kwargs):
    return DCGAN(**SMALL, layout="torch7", **kwargs)


def small_weights(seed=0, bias=True, ngf=4, nz=8):
    return tw.random_generator_weights(nz, ngf, 3, 3, np.random.default_rng(seed), bias=bias)


def write(tmp_path, layers, layout="newer", name=None, **kwargs):
    path = tmp_path / (name or f"{layout}_net_G.t7")
    tw.save(path, tw.generator_object(layers, layout, **kwargs))
    return path


def weights_of(model):
    return [w.copy() for w in model.generator.get_weights()]


# ------------------------------------------------------------------------------ the writer
def test_writer_output_parses_with_torchfile(tmp_path):
    layers = small_weights(bias=False)
    path = write(tmp_path, layers, "newer")
    net = torchfile.load(str(path))
    assert net.torch_typename() == b"nn.Sequential"
    types = [m.torch_typename() for m in net.modules]
    assert types[:3] == [b"nn.SpatialFullConvolution", b"nn.SpatialBatchNormalization",
                         b"nn.ReLU"] and types[-1] == b"nn.Tanh" and len(types) == 11
    conv = net.modules[3]
    assert (conv.nInputPlane, conv.nOutputPlane, conv.dW, conv.padW) == (16, 8, 2, 1)
    np.testing.assert_array_equal(conv.weight, layers[1]["weight"])  # a view at an offset
    np.testing.assert_array_equal(net.modules[4].running_var, layers[1]["var"])
    assert conv.bias is None

    older = torchfile.load(str(write(tmp_path, small_weights(), "older")))
    assert older.modules[0].torch_typename() == b"nn.View"
    assert list(older.modules[0].size) == [8, 1, 1]
    assert older.modules[2].running_var is None and older.modules[2].running_std.shape == (16,)


# ------------------------------------------------------------------------------ conversion
@pytest.mark.parametrize("layout", ["newer", "older"])
def test_converted_generator_equals_numpy_forward(tmp_path, layout):
    layers = small_weights(seed=1, bias=layout == "older")
    path = write(tmp_path, layers, layout)
    model = small_model(batch_statistics=True, noise="uniform")
    record = dcgan_torch7.load_torch7_generator(model, path)
    assert record["file"] == path.name and record["bytes"] == os.path.getsize(path)
    assert record["sha256"] == sha256_of(path) and len(record["sha256"]) == 64
    assert record["layout"] == layout
    assert record["statistics"] == ("running_std" if layout == "older" else "running_var")
    assert record["convolution_biases"] is (layout == "older")
    assert record["training_mode"] is True

    z = np.random.default_rng(2).uniform(-1, 1, (8, 8)).astype(np.float32)
    # generate.lua: the network as saved, in training mode (the batch's statistics)
    out = np.asarray(model.generate_from_latents(z))
    diff = float(np.abs(out - tw.numpy_forward(layers, z)).max())
    print(f"{layout}: max |keras - numpy| batch statistics {diff:.2e}")
    assert out.shape == (8, 32, 32, 3) and diff < TOLERANCE
    # inference mode: the file's running statistics (biases folded into the running means)
    inference = np.asarray(model.generator(z, training=False))
    assert np.abs(inference - tw.numpy_forward(layers, z, batch_statistics=False)).max() < \
        TOLERANCE
    # generate.lua's imsize: a k x k latent map gives (k + 3) * image_size / 4 pixels
    z_map = np.random.default_rng(3).uniform(-1, 1, (2, 2, 2, 8)).astype(np.float32)
    large = np.asarray(model.generate_from_latents(z_map))
    assert large.shape == (2, 40, 40, 3)
    assert np.abs(large - tw.numpy_forward(layers, z_map)).max() < TOLERANCE


def test_full_size_published_architecture(tmp_path):
    """nz 100, ngf 64, 64 px RGB, the published files' layout of Dec. 2015 (nn.View, biases,
    running_std)."""
    layers = tw.random_generator_weights(100, 64, 3, 4, np.random.default_rng(4), bias=True)
    path = write(tmp_path, layers, "older", name="bedrooms_4_net_G.t7")
    model = DCGAN(image_size=64, channels=3, latent_dim=100, base_filters=64, layout="torch7",
                  batch_statistics=True)
    record = dcgan_torch7.load_torch7_generator(model, path)
    assert record["layout"] == "older" and record["module_types"][0] == "nn.View"
    z = np.random.default_rng(5).normal(size=(4, 100)).astype(np.float32)
    out = model.generate(4, seed=0)
    assert out.shape == (4, 64, 64, 3)
    diff = float(np.abs(np.asarray(model.generate_from_latents(z))
                        - tw.numpy_forward(layers, z)).max())
    print(f"full size older: max |keras - numpy| {diff:.2e}")
    assert diff < TOLERANCE


def test_cudnn_module_names_and_no_view(tmp_path):
    layers = small_weights(seed=6, bias=False)
    path = write(tmp_path, layers, "newer", prefix="cudnn")
    model = small_model(batch_statistics=True)
    record = dcgan_torch7.load_torch7_generator(model, path)
    assert record["module_types"][0] == "cudnn.SpatialFullConvolution"
    z = np.random.default_rng(7).normal(size=(4, 8)).astype(np.float32)
    assert np.abs(np.asarray(model.generate_from_latents(z))
                  - tw.numpy_forward(layers, z)).max() < TOLERANCE


# ------------------------------------------------------------------------------ refusals
def assert_refused(model, path, *phrases):
    before = weights_of(model)
    with pytest.raises(ValueError) as info:
        dcgan_torch7.load_torch7_generator(model, path)
    message = str(info.value)
    assert str(path) in message, message
    for phrase in phrases:
        assert phrase in message, message
    for a, b in zip(before, weights_of(model)):  # all or nothing
        np.testing.assert_array_equal(a, b)
    return message


def test_truncated_and_malformed_files_name_the_file(tmp_path):
    model = small_model()
    data = write(tmp_path, small_weights(), "older").read_bytes()
    truncated = tmp_path / "truncated_net_G.t7"
    truncated.write_bytes(data[: len(data) // 2])
    assert_refused(model, truncated, "Cannot read Torch7 file", "truncated")
    cut_header = tmp_path / "header.t7"
    cut_header.write_bytes(data[:6])
    assert_refused(model, cut_header, "truncated")
    garbage = tmp_path / "garbage.t7"
    garbage.write_bytes(np.random.default_rng(0).bytes(4096))
    assert_refused(model, garbage, "Cannot read Torch7 file")
    trailing = tmp_path / "trailing.t7"
    trailing.write_bytes(data + b"\0\0\0\0")
    assert_refused(model, trailing, "data after its object")
    with pytest.raises(FileNotFoundError, match="missing.t7"):
        dcgan_torch7.load_torch7_generator(model, tmp_path / "missing.t7")


def test_tensor_outside_its_storage_is_refused(tmp_path):
    layers = small_weights()
    net = tw.generator_object(layers, "older")
    weight = net.fields["modules"][1].fields["weight"]
    weight.size = (8, 64, 4, 4)  # declares more elements than its storage holds
    path = tmp_path / "overrun.t7"
    tw.save(path, net)
    assert_refused(model := small_model(), path, "reaches element")
    assert model is not None


def test_other_architectures_are_refused(tmp_path):
    model = small_model()
    # another size: ngf 8 where the model has 4
    wider = write(tmp_path, small_weights(ngf=8), "newer", name="wider.t7")
    message = assert_refused(model, wider, "not dcgan.torch's generator",
                             "nOutputPlane 32, expected 16", "shape (8, 32, 4, 4)")
    assert "expected nn.Sequential([nn.View(8, 1, 1),] SpatialFullConvolution(8, 16, 4, 4)" \
        in message
    # another module sequence: a LeakyReLU where a ReLU belongs (as in the discriminator)
    net = tw.generator_object(small_weights(), "newer")
    net.fields["modules"][2].typename = "nn.LeakyReLU"
    tw.save(tmp_path / "leaky.t7", net)
    assert_refused(model, tmp_path / "leaky.t7", "module sequence", "nn.LeakyReLU")
    # a file that is not a network
    tw.save(tmp_path / "table.t7", {"weight": np.zeros((3, 3), np.float32)})
    assert_refused(model, tmp_path / "table.t7", "expected an nn.Sequential")
    # another batch-norm eps
    eps = write(tmp_path, small_weights(), "newer", name="eps.t7", eps=1e-3)
    assert_refused(model, eps, "eps 0.001, expected 1e-05")


def test_bad_tensors_are_refused(tmp_path):
    model = small_model()
    layers = small_weights()
    layers[2]["weight"][0, 0, 0, 0] = np.nan
    assert_refused(model, write(tmp_path, layers, "older", name="nan.t7"),
                   "module 8 (nn.SpatialFullConvolution) weight: holds NaN or Inf values")
    net = tw.generator_object(small_weights(), "older")
    norm = net.fields["modules"][2].fields
    norm["running_std"] = tw.Tensor(np.arange(16, dtype=np.int64))
    tw.save(tmp_path / "int.t7", net)
    assert_refused(model, tmp_path / "int.t7", "running_std: dtype int64")
    del norm["running_std"]
    tw.save(tmp_path / "nostats.t7", net)
    assert_refused(model, tmp_path / "nostats.t7", "no running_var nor running_std")


def test_model_must_have_the_torch7_layout(tmp_path):
    path = write(tmp_path, small_weights(bias=False), "newer")
    with pytest.raises(ValueError, match="layout='torch7'"):
        dcgan_torch7.load_torch7_generator(DCGAN(**SMALL, layout="pytorch"), path)


# ------------------------------------------------------------------------------ sampling
def test_batch_statistics_sampling_leaves_moving_statistics(tmp_path):
    model = small_model(batch_statistics=True, noise="uniform", seed=0)
    dcgan_torch7.load_torch7_generator(model, write(tmp_path, small_weights(), "older"))
    before = weights_of(model)
    a, b = model.generate(6, seed=3), model.generate(6, seed=3)
    np.testing.assert_array_equal(a, b)
    for x, y in zip(before, weights_of(model)):
        np.testing.assert_array_equal(x, y)
    z = np.asarray(model.sample_latent(1000, seed=1))
    assert z.shape == (1000, 8) and -1 <= z.min() < -0.99 and 0.99 < z.max() <= 1
    assert model.generate(2, seed=0, latent_size=3).shape == (2, 48, 48, 3)
    assert np.asarray(model.sample_latent(2, seed=0, latent_size=3)).shape == (2, 3, 3, 8)
    config = model.get_config()
    assert config["noise"] == "uniform" and config["batch_statistics"] is True
    clone = DCGAN.from_config(config)
    assert (clone.noise, clone.batch_statistics, clone.layout) == ("uniform", True, "torch7")


def test_estimated_statistics_bring_inference_mode_close(tmp_path):
    model = small_model(batch_statistics=False, noise="uniform")
    layers = small_weights(seed=8)
    dcgan_torch7.load_torch7_generator(model, write(tmp_path, layers, "older"))
    description = dcgan_torch7.estimate_statistics(model, num_samples=2048, batch_size=256)
    assert "2048 z ~ U[-1, 1]" in description["generator"]
    z = np.random.default_rng(9).uniform(-1, 1, (256, 8)).astype(np.float32)
    batch = np.asarray(dcgan_sampling.forward(model.generator, z, batch_statistics=True))
    inference = np.asarray(model.generate_from_latents(z))
    gap = np.abs(batch - inference).mean()
    assert gap < 0.05, gap


def test_sampling_option_errors():
    with pytest.raises(ValueError, match="'normal' or 'uniform'"):
        small_model(noise="gaussian")
    with pytest.raises(ValueError, match="truncation"):
        small_model(noise="uniform", truncation=1.0)
    theano = DCGAN(image_size=16, channels=1, latent_dim=8, base_filters=4, kernel_size=5,
                   layout="theano")
    with pytest.raises(ValueError, match="spatial latents are not possible"):
        theano.generate(1, seed=0, latent_size=2)


def test_batch_statistics_survive_export_and_keras_round_trip(tmp_path):
    import keras
    import tensorflow as tf

    model = small_model(batch_statistics=True, noise="uniform", seed=0)
    dcgan_torch7.load_torch7_generator(model, write(tmp_path, small_weights(seed=10), "older"))
    z = np.random.default_rng(11).uniform(-1, 1, (5, 8)).astype(np.float32)
    expected = np.asarray(model.generate_from_latents(z))
    model.export(str(tmp_path / "saved"))
    served = tf.saved_model.load(str(tmp_path / "saved")).signatures["serving_default"](
        z=tf.constant(z))
    np.testing.assert_allclose(served["samples"].numpy(), expected, atol=1e-6)
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(np.asarray(loaded.generate_from_latents(z)), expected, atol=1e-6)
