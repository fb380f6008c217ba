"""kerasgen's fused TensorFlow kernels against the Keras code they replace: `BatchNormalization`
(TF's fused batch norm in training mode) and `Adam` (TF's `ApplyAdam`) must give Keras's results,
gradients, statistics and saved weights, also under a two-replica `MirroredStrategy`."""

import numpy as np
import pytest
import tensorflow as tf

import keras

import kerasgen
from contract import two_replica_strategy
from kerasgen.models.layers import BatchNormalization
from kerasgen.optimizers import Adam


def _grads(layer, x):
    with tf.GradientTape() as tape:
        x = tf.constant(x)
        tape.watch(x)
        y = layer(x, training=True)
        # a loss whose gradient differs per element and per channel
        loss = tf.reduce_sum(tf.sin(y) * tf.range(1, y.shape[-1] + 1, dtype=y.dtype))
    return y, tape.gradient(loss, [x] + layer.trainable_weights)


@pytest.mark.parametrize("shape", [(8, 5, 3, 4), (16, 6), (4, 7, 3)])
@pytest.mark.parametrize("center_scale", [True, False])
def test_batch_norm_matches_keras_in_training_and_inference(shape, center_scale):
    x = np.random.default_rng(0).normal(1.5, 2.0, shape).astype("float32")
    kwargs = dict(momentum=0.8, epsilon=1e-5, center=center_scale, scale=center_scale)
    ours, theirs = BatchNormalization(**kwargs), keras.layers.BatchNormalization(**kwargs)
    for layer in (ours, theirs):
        layer.build(shape)
        if center_scale:  # not the initial 1 and 0, so that a swapped scale/offset shows
            layer.gamma.assign(np.linspace(0.5, 2.0, shape[-1]))
            layer.beta.assign(np.linspace(-1.0, 1.0, shape[-1]))
    for step in range(2):  # the second step starts from updated moving statistics
        (y, g), (y_k, g_k) = _grads(ours, x + step), _grads(theirs, x + step)
        np.testing.assert_allclose(y, y_k, atol=2e-5)
        np.testing.assert_allclose(g[0], g_k[0], atol=1e-4)
        if center_scale:
            np.testing.assert_allclose(g[1], g_k[1], rtol=1e-4, atol=1e-4)
            np.testing.assert_allclose(g[2], g_k[2], rtol=1e-4, atol=1e-4)
    # the moving statistics by hand: two updates from (0, 1) with the biased batch variance
    axes = tuple(range(len(shape) - 1))
    mean, var = np.zeros(shape[-1]), np.ones(shape[-1])
    for step in range(2):
        mean = 0.8 * mean + 0.2 * (x + step).mean(axes)
        var = 0.8 * var + 0.2 * (x + step).var(axes)
    np.testing.assert_allclose(ours.moving_mean, mean, rtol=1e-5)
    np.testing.assert_allclose(ours.moving_variance, var, rtol=1e-5)
    np.testing.assert_allclose(ours(x, training=False), theirs(x, training=False), atol=1e-5)
    assert ours.name.startswith("batch_normalization")  # Keras's auto-names, so weights match


def test_batch_norm_under_bfloat16_and_a_mirrored_strategy():
    x = np.random.default_rng(1).normal(size=(8, 4, 4, 3)).astype("float32")
    layer = BatchNormalization(dtype="mixed_bfloat16")
    y = layer(x, training=True)
    assert y.dtype == "bfloat16" and layer.moving_mean.dtype == "float32"
    np.testing.assert_allclose(layer.moving_mean, 0.01 * x.mean((0, 1, 2)), atol=1e-3)
    strategy = two_replica_strategy()  # shared: see contract.py
    with strategy.scope():
        ours, theirs = BatchNormalization(), keras.layers.BatchNormalization()
        ours.build(x.shape), theirs.build(x.shape)

    @tf.function
    def step(batch):
        return strategy.run(lambda b: (ours(b, training=True), theirs(b, training=True)),
                            args=(batch,))

    dist = strategy.experimental_distribute_dataset(tf.data.Dataset.from_tensors(x))
    outputs = step(next(iter(dist)))
    for a, b in zip(*[strategy.experimental_local_results(o) for o in outputs]):
        np.testing.assert_allclose(a, b, atol=1e-5)
    np.testing.assert_allclose(ours.moving_mean, theirs.moving_mean, atol=1e-6)
    np.testing.assert_allclose(ours.moving_variance, theirs.moving_variance, atol=1e-6)


def test_adam_matches_keras_with_a_schedule_and_under_a_mirrored_strategy():
    rng = np.random.default_rng(0)
    shapes = [(5, 4), (4,)]
    start = [rng.normal(size=s).astype("float32") for s in shapes]
    grads = [[rng.normal(size=s).astype("float32") for s in shapes] for _ in range(20)]
    schedule = lambda: kerasgen.optimizers.linear_decay(1e-2, 5, 10)  # noqa: E731
    results = []
    for cls in (Adam, keras.optimizers.Adam):
        weights = [keras.Variable(w) for w in start]
        optimizer = cls(schedule(), beta_1=0.5, beta_2=0.9)
        step = tf.function(lambda g: optimizer.apply(g, weights))
        for g in grads:
            step(g)
        results.append([w.numpy() for w in weights])
    for ours, theirs in zip(*results):
        assert not np.allclose(ours, start[0] if ours.shape == (5, 4) else start[1])
        np.testing.assert_allclose(ours, theirs, atol=1e-6)
    strategy = two_replica_strategy()  # shared: see contract.py
    with strategy.scope():
        weight = keras.Variable(np.ones(3, "float32"))
        optimizer = Adam(0.1)
        optimizer.build([weight])

    @tf.function
    def replica_step():
        strategy.run(lambda: optimizer.apply([tf.constant([1.0, -2.0, 0.0])], [weight]))

    replica_step()
    # the two replicas' gradients are summed, (2, -4, 0); Adam's first step moves each weight
    # by lr * sign(g) (0 for a zero gradient)
    np.testing.assert_allclose(weight.numpy(), [0.9, 1.1, 1.0], atol=1e-5)
    config = keras.optimizers.serialize(optimizer)
    assert config["registered_name"] == "kerasgen>Adam"
    assert isinstance(keras.optimizers.deserialize(config), Adam)


def test_families_and_recipes_use_the_fused_adam():
    model = kerasgen.recipes.build_from_recipe(kerasgen.recipes.get_recipe("dcgan_digits"),
                                               compile=True, seed=0)
    assert isinstance(model.g_optimizer, Adam) and isinstance(model.d_optimizer, Adam)
    model = kerasgen.models.Pix2Pix(image_size=8, in_channels=1, out_channels=1, base_filters=4)
    model.compile()
    assert isinstance(model.g_optimizer, Adam)
    model.compile(g_optimizer=keras.optimizers.Adam(1e-3))  # a user's optimizer is kept
    assert type(model.g_optimizer) is keras.optimizers.Adam
    # a preset saved with Keras's Adam (before this class) compiles with kerasgen's
    loaded = kerasgen.load("dcgan_digits")
    assert loaded.get_compile_config()["g_optimizer"]["module"] == "kerasgen.optimizers"
    assert isinstance(loaded.g_optimizer, Adam) and isinstance(loaded.d_optimizer, Adam)


@pytest.mark.parametrize("shape,padding", [((2, 4, 4, 3), 1), ((2, 8, 8, 2), 3), ((1, 5, 7, 1), 2),
                                           ((3, 2, 3, 4), 1)])
def test_reflection_padding_gather_equals_mirror_pad_values_and_gradients(shape, padding):
    """The gather form of `ReflectionPadding2D` against TF's `MirrorPad` (REFLECT): the same
    values and the same gradient, which sums each padded copy into its source pixel."""
    x = tf.constant(np.random.default_rng(0).normal(size=shape).astype("float32"))
    layer = kerasgen.models.ReflectionPadding2D(padding)
    weights = tf.random.stateless_normal(
        (shape[0], shape[1] + 2 * padding, shape[2] + 2 * padding, shape[3]), seed=(1, 2))

    def value_and_grad(fn):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
            loss = tf.reduce_sum(tf.sin(y) * weights)
        return y, tape.gradient(loss, x)

    mirror = lambda t: tf.pad(t, [[0, 0], [padding] * 2, [padding] * 2, [0, 0]], mode="REFLECT")
    y_ref, g_ref = value_and_grad(mirror)
    y, g = value_and_grad(layer)
    np.testing.assert_array_equal(y.numpy(), y_ref.numpy())
    np.testing.assert_allclose(g.numpy(), g_ref.numpy(), atol=1e-6)
    # the same through a traced graph, and with the image size unknown (MirrorPad fallback)
    np.testing.assert_array_equal(tf.function(layer)(x).numpy(), y_ref.numpy())
    dynamic = tf.function(layer, input_signature=[tf.TensorSpec((None, None, None, shape[3]))])
    np.testing.assert_array_equal(dynamic(x).numpy(), y_ref.numpy())


def test_reflection_padding_as_large_as_the_image_is_refused_like_mirror_pad():
    with pytest.raises(tf.errors.InvalidArgumentError):
        kerasgen.models.ReflectionPadding2D(4)(np.zeros((1, 4, 4, 1), "float32"))
