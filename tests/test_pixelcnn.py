"""PixelCNN: the contract (grey and two-channel images, an ensemble over orderings), the masked
connectivity verified by gradients, the masks by hand, the ensemble as the mean of its members,
and ancestral sampling frequencies against the exact probabilities."""

import itertools

import numpy as np
import pytest
import tensorflow as tf

import kerasgen
from contract import ContractTests, DensityContractTests
from kerasgen.models.masked import MaskedConv2D, pixelcnn_mask


def raw_digits(n, seed=0):
    images, _ = kerasgen.data.load_digits_array("train", raw=True)
    return images[seed * n:(seed + 1) * n, :, :, None].astype("float32")


class TestPixelCNNContract(ContractTests, DensityContractTests):
    def make_model(self, seed=0):
        return kerasgen.models.PixelCNN(sample_shape=(8, 8, 1), num_levels=17, filters=8,
                                        num_blocks=1, first_kernel_size=5, seed=seed)

    def make_x(self, batch_size, seed=0):
        return raw_digits(batch_size, seed)

    def serving_inputs(self, model):  # serving_default is the log_prob signature
        return {"x": self.make_x(3)}

    def make_tiny_model(self):
        return kerasgen.models.PixelCNN(sample_shape=(2, 2, 1), num_levels=3, filters=4,
                                        num_blocks=1, first_kernel_size=3, seed=0), 3, (2, 2, 1)


class TestTwoChannelPixelCNNContract(ContractTests, DensityContractTests):
    variant_of = "PixelCNN"

    def make_model(self, seed=0):
        return kerasgen.models.PixelCNN(sample_shape=(3, 3, 2), num_levels=4, filters=6,
                                        num_blocks=1, first_kernel_size=5,
                                        seed=seed)

    def make_x(self, batch_size, seed=0):
        return np.random.default_rng(seed).integers(0, 4, (batch_size, 3, 3, 2)).astype(
            "float32")

    def serving_inputs(self, model):
        return {"x": self.make_x(3)}

    def make_tiny_model(self):  # 1 x 2 pixels x 2 channels: 81 configurations
        return kerasgen.models.PixelCNN(sample_shape=(1, 2, 2), num_levels=3, filters=4,
                                        num_blocks=1, first_kernel_size=3, seed=1), 3, (1, 2, 2)


class TestOrderingEnsemblePixelCNNContract(ContractTests, DensityContractTests):
    variant_of = "PixelCNN"
    variant_keeps = ("test_fit_two_steps_graph_and_eager",)

    def make_model(self, seed=0):
        return kerasgen.models.PixelCNN(sample_shape=(4, 4, 1), num_levels=5, filters=6,
                                        num_blocks=1, first_kernel_size=7, num_orderings=8,
                                        seed=seed)

    def make_x(self, batch_size, seed=0):
        return np.random.default_rng(seed).integers(0, 5, (batch_size, 4, 4, 1)).astype(
            "float32")

    def make_noise(self, model, batch_size, seed=0):  # picks each example's member
        return np.random.default_rng(seed + 100).uniform(size=(batch_size,)).astype("float32")

    def serving_inputs(self, model):
        return {"x": self.make_x(3)}

    def make_tiny_model(self):  # 2 x 2 pixels, 8 orderings: 81 configurations
        return kerasgen.models.PixelCNN(sample_shape=(2, 2, 1), num_levels=3, filters=4,
                                        num_blocks=1, first_kernel_size=3, num_orderings=8,
                                        seed=2), 3, (2, 2, 1)


def randomize(model, seed=4, scale=1.0):
    rng = np.random.default_rng(seed)
    model.set_weights([scale * rng.normal(size=w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


@pytest.mark.parametrize("shape,first_kernel_size", [((4, 4, 1), 7), ((3, 3, 3), 5),
                                                     ((4, 4, 1), 3)])
def test_each_conditional_depends_on_exactly_the_earlier_pixels(shape, first_kernel_size):
    """d logits(pixel p, channel c) / d x(pixel q, channel c') is nonzero iff (q, c') comes
    before (p, c) in raster-then-channel order -- except, with a small first kernel, the blind
    spot of stacked masked convolutions (a subset of the earlier pixels, never a later one)."""
    model = randomize(kerasgen.models.PixelCNN(
        sample_shape=shape, num_levels=3, filters=12, num_blocks=2,
        first_kernel_size=first_kernel_size, seed=0), scale=0.5)
    x = tf.constant(np.random.default_rng(0).integers(0, 3, (1,) + shape), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = model.autoregressive([x, tf.zeros((1,), tf.int32)])   # (1, H, W, C, K)
    d = int(np.prod(shape))
    jac = tape.jacobian(logits, x)                            # (1, H, W, C, K, 1, H, W, C)
    seen = np.abs(jac.numpy()).sum(axis=(0, 4, 5)).reshape(d, d) > 0   # [output, input]
    earlier = np.tril(np.ones((d, d), bool), k=-1)             # input index < output index
    assert not (seen & ~earlier).any(), "a conditional sees the present or the future"
    if first_kernel_size >= 2 * max(shape[:2]) - 1:
        np.testing.assert_array_equal(seen, earlier)           # every earlier pixel, no blind spot
    else:
        assert seen.sum() < earlier.sum()                      # the blind spot is real


def test_masks_by_hand():
    # 3x3, two channels: at the centre, mask A lets channel 0 feed channel 1 only
    a = pixelcnn_mask((3, 3), 2, 2, 2, "A")
    np.testing.assert_array_equal(a[1, 1], [[0, 1], [0, 0]])
    np.testing.assert_array_equal(pixelcnn_mask((3, 3), 2, 2, 2, "B")[1, 1], [[1, 1], [0, 1]])
    np.testing.assert_array_equal(a[0], np.ones((3, 2, 2)))
    np.testing.assert_array_equal(a[1, 2], np.zeros((2, 2)))
    np.testing.assert_array_equal(a[2], np.zeros((3, 2, 2)))
    layer = MaskedConv2D("A", filters=1, kernel_size=3, use_bias=False)
    x = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    layer.build(x.shape)
    layer.kernel.assign(np.ones((3, 3, 1, 1), "float32"))
    # output at the centre: the sum of the pixels before it in raster order, 0 + 1 + 2 + 3
    assert float(layer(x)[0, 1, 1, 0]) == 6.0


def test_log_prob_is_the_sum_of_the_conditionals_fed_one_pixel_at_a_time():
    """Teacher forcing in one pass equals evaluating each conditional with only the past filled
    in (the later pixels zeroed)."""
    model = randomize(kerasgen.models.PixelCNN(sample_shape=(2, 3, 1), num_levels=4, filters=6,
                                               num_blocks=1, first_kernel_size=5, seed=2))
    x = np.array([[[1, 3, 0], [2, 2, 1]]], "float32")[..., None]
    total = 0.0
    for i in range(6):
        partial = x.reshape(-1).copy()
        partial[i + 1:] = 0
        logits = model.autoregressive([partial.reshape(x.shape), np.zeros(1, "int32")])
        logits = logits.numpy().reshape(6, 4)[i]
        total += logits[int(x.flat[i])] - np.log(np.exp(logits).sum())
    np.testing.assert_allclose(model.log_prob(x)[0], total, rtol=1e-5)


def test_each_member_reads_its_own_ordering_and_the_ensemble_is_their_mean():
    """Member e is the raster-order PixelCNN of the image under the e-th symmetry: its log p
    equals the chain rule along that ordering, fed one pixel at a time; the model averages the
    members' probabilities."""
    model = randomize(kerasgen.models.PixelCNN(sample_shape=(2, 2, 1), num_levels=3, filters=4,
                                               num_blocks=1, first_kernel_size=3,
                                               num_orderings=8, seed=1))
    x = np.array([[1, 2], [0, 2]], "float32")
    # the pixel visited at each step of each member's ordering (row-major index)
    orders = {0: [0, 1, 2, 3], 1: [1, 0, 3, 2], 2: [2, 3, 0, 1], 3: [3, 2, 1, 0],
              4: [0, 2, 1, 3], 5: [2, 0, 3, 1], 6: [1, 3, 0, 2], 7: [3, 1, 2, 0]}
    members = []
    for e, order in orders.items():
        total, known = 0.0, np.zeros(4, "float32")
        for step, pixel in enumerate(order):
            frame = np.zeros(4, "float32")
            frame[:step] = x.flat[order[:step]]   # the member's frame holds the past in raster
            logits = model.autoregressive([frame.reshape(1, 2, 2, 1), np.array([e], "int32")])
            logits = logits.numpy().reshape(4, 3)[step]
            total += logits[int(x.flat[pixel])] - np.log(np.exp(logits).sum())
        members.append(total)
    got = model.member_log_probs(tf.constant(x[None, :, :, None])).numpy()[0]
    np.testing.assert_allclose(got, members, rtol=1e-5)
    np.testing.assert_allclose(model.log_prob(x[None, :, :, None])[0],
                               np.log(np.mean(np.exp(members))), rtol=1e-5)


def test_ancestral_sampling_matches_the_probabilities():
    model, _, shape = TestTwoChannelPixelCNNContract().make_tiny_model()
    randomize(model)
    samples = model.sample(20000, seed=0).reshape(20000, -1).astype(int)
    freq = np.bincount(samples @ np.array([27, 9, 3, 1]), minlength=81) / len(samples)
    configurations = np.array(list(itertools.product(range(3), repeat=4)),
                              "float32").reshape((-1,) + shape)
    np.testing.assert_allclose(freq, np.exp(model.log_prob(configurations)), atol=0.01)


def test_bad_arguments_name_the_culprit():
    with pytest.raises(ValueError, match=r"`sample_shape` must be \(height, width, channels\)"):
        kerasgen.models.PixelCNN(sample_shape=(8, 8))
    with pytest.raises(ValueError, match="`first_kernel_size` must be odd"):
        kerasgen.models.PixelCNN(first_kernel_size=4)
    with pytest.raises(ValueError, match="`num_levels` must be an int >= 2, got 1"):
        kerasgen.models.PixelCNN(num_levels=1)
    with pytest.raises(ValueError, match=r"`num_orderings` must be 1, 2 or 4 \(the symmetries "
                                         r"of the rectangle\), got 8"):
        kerasgen.models.PixelCNN(sample_shape=(4, 6, 1), num_orderings=8)
    with pytest.raises(ValueError, match="`mask_type` must be one of"):
        pixelcnn_mask((3, 3), 1, 1, 1, "C")


def test_shipped_preset_is_its_recipe_and_reproduces_its_figure(monkeypatch):
    """The shipped pixelcnn_digits loads offline, holds its recipe's hyper-parameters, names the
    train command, and its exact test NLL is the one in its metadata."""

    from kerasgen import recipes

    monkeypatch.setenv("KERASGEN_OFFLINE", "1")
    model = kerasgen.load("pixelcnn_digits")
    meta = recipes.read_metadata("pixelcnn_digits")
    assert meta["command"].startswith("python -m kerasgen.cli.train --recipe=pixelcnn_digits")
    for key, value in recipes.get_recipe("pixelcnn_digits")["model"].items():
        assert model.get_config()[key] == value, key
    test, _ = kerasgen.data.load_digits_array("test")
    np.testing.assert_allclose(-model.log_prob(test[..., None]).mean(),
                               meta["metric"]["nll_nats"], rtol=1e-5)
