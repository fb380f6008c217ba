"""iGAN projection and editing (kerasgen.editing) against closed forms on a linear generator,
input validation, bounded work, strokes, and the GAN methods that delegate to the module."""

import numpy as np
import pytest
import keras

import kerasgen
from kerasgen import editing

A = np.array([[1.0, 0.5], [-0.5, 1.0], [0.2, -0.3], [0.8, 0.1], [0.0, 1.5]], np.float32)


@pytest.fixture(scope="module")
def linear_gan():
    """G(z) = A z: projection and editing are ridge regressions with closed forms."""
    generator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(5, use_bias=False)],
                                 name="generator")
    generator.layers[-1].set_weights([A.T])
    return kerasgen.GAN(generator=generator, seed=0)


def ridge(mask, target, smooth, prior, z0):
    """argmin_z sum(M (Az - T)^2) / sum(M) + smooth |z - z0|^2 / d + prior |z|^2 / d."""
    d = A.shape[1]
    w = mask / mask.sum()
    lhs = A.T @ (w[:, None] * A) + (smooth + prior) / d * np.eye(d)
    rhs = A.T @ (w * target) + smooth / d * z0
    return np.linalg.solve(lhs, rhs)


def test_projection_matches_the_closed_form(linear_gan):
    x = np.array([[0.3, -1.0, 0.4, 1.2, 0.5], [1.0, 1.0, -1.0, 0.0, 2.0]], np.float32)
    z, reconstruction = linear_gan.project(x, steps=600, prior_weight=0.1, learning_rate=0.05)
    for i in range(2):
        expected = ridge(np.ones(5), x[i], 0.0, 0.1, np.zeros(2))
        np.testing.assert_allclose(z[i], expected, atol=2e-3)
        np.testing.assert_allclose(reconstruction[i], A @ z[i], atol=1e-5)


def test_projection_of_a_generated_sample_recovers_it(linear_gan):
    z_true = np.array([0.7, -1.3], np.float32)
    z, reconstruction = linear_gan.project(A @ z_true, steps=600, prior_weight=0.0,
                                           learning_rate=0.05)
    assert z.shape == (2,) and reconstruction.shape == (5,)  # one image in, one out
    np.testing.assert_allclose(z, z_true, atol=2e-3)


def test_edit_matches_the_closed_form_and_only_the_masked_pixels_count(linear_gan):
    z0 = np.array([0.5, 0.5], np.float32)
    mask = np.array([1.0, 0.0, 0.0, 0.5, 0.0], np.float32)
    target = np.array([2.0, 99.0, -99.0, -1.0, 99.0], np.float32)  # unmasked values ignored
    z, edited = linear_gan.edit(z=z0, mask=mask, target=target, steps=600, smooth_weight=0.2,
                                prior_weight=0.01, learning_rate=0.05)
    np.testing.assert_allclose(z, ridge(mask, target, 0.2, 0.01, z0), atol=2e-3)
    np.testing.assert_allclose(edited, A @ z, atol=1e-5)


def test_edit_of_an_image_projects_it_first(linear_gan):
    image = A @ np.array([1.0, -1.0], np.float32)
    mask = np.array([0.0, 1.0, 0.0, 0.0, 0.0], np.float32)
    target = np.zeros(5, np.float32)
    target[1] = image[1] + 1.0
    z, edited = linear_gan.edit(image, mask, target, steps=300, smooth_weight=0.0,
                                prior_weight=0.0, project_steps=300)
    assert abs(edited[1] - target[1]) < 1e-2 < abs(image[1] - target[1])


def test_time_limit_stops_after_one_chunk_and_keeps_the_best(linear_gan):
    x = np.ones((1, 5), np.float32)
    z0 = np.zeros((1, 2), np.float32)
    z, loss, info = editing.fit_latents(linear_gan, z0, x, np.ones_like(x), steps=2000,
                                        time_limit=0.0)
    assert info == {"steps": editing.CHUNK, "timed_out": True}
    start_loss = np.mean(np.ones(5))  # |A 0 - 1|^2 / 5
    assert loss[0] < start_loss
    _, loss0, info0 = editing.fit_latents(linear_gan, z0, x, np.ones_like(x), steps=0)
    assert info0["steps"] == 0 and loss0[0] == pytest.approx(start_loss)


@pytest.mark.parametrize("call, message", [
    (lambda g: g.project(np.zeros((2, 4))), r"GAN expects `images` of shape \(5,\) or \(batch, 5\); got shape \(2, 4\)"),
    (lambda g: g.project(np.full(5, np.nan)), "got 5 NaN or infinite value"),
    (lambda g: g.project(np.zeros((0, 5))), r"got an empty batch of shape \(0, 5\)"),
    (lambda g: g.project(np.zeros(5, np.uint8)), "no bounded pixel range, so uint8"),
    (lambda g: g.project("abc"), "got an array of dtype <U3, not numbers"),
    (lambda g: g.project(np.zeros(5), steps=10**6), r"`steps` must be in \[0, 2000\]"),
    (lambda g: g.project(np.zeros(5), steps=True), "`steps` must be an integer"),
    (lambda g: g.project(np.zeros(5), steps=2.5), "`steps` must be an integer"),
    (lambda g: g.project(np.zeros(5), restarts=100), r"`restarts` must be in \[1, 16\]"),
    (lambda g: g.project(np.zeros(5), prior_weight=float("nan")), "`prior_weight` must be"),
    (lambda g: g.edit(np.zeros(5), np.zeros(5), np.zeros(5)), "`mask` is all zeros"),
    (lambda g: g.edit(np.zeros(5), np.full(5, 2.0), np.zeros(5)), r"values must lie in \[0, 1\]"),
    (lambda g: g.edit(np.zeros(5), np.ones(4), np.zeros(5)), r"`mask` must have shape \(5,\)"),
    (lambda g: g.edit(np.zeros(5), np.ones(5), np.zeros((2, 5))), "`target` must have the shape"),
    (lambda g: g.edit(mask=np.ones(5), target=np.zeros(5)), "exactly one of `image`"),
    (lambda g: g.edit(np.zeros(5), z=np.zeros(2), mask=np.ones(5), target=np.zeros(5)),
     "exactly one of `image`"),
    (lambda g: g.edit(z=np.zeros(3), mask=np.ones(5), target=np.zeros(5)),
     r"`z` must have shape \(2,\)"),
    (lambda g: g.edit(np.zeros(5)), "needs a `mask` and a `target`"),
    (lambda g: g.interpolate_images(np.zeros(5), np.zeros(5), steps=1), r"\[2, 64\]"),
])
def test_bad_inputs_get_a_clear_error(linear_gan, call, message):
    with pytest.raises(ValueError, match=message):
        call(linear_gan)


def test_value_range_is_read_from_the_generator_and_enforced():
    dcgan = kerasgen.DCGAN(image_size=8, channels=1, latent_dim=4, base_filters=4, seed=0)
    assert editing.value_range(dcgan) == (-1.0, 1.0)
    with pytest.raises(ValueError, match=r"DCGAN expects `images` as float32 in \[-1, 1\] or uint8 "
                       r"in \[0, 255\]; got float64 values in \[3, 3\]"):
        dcgan.project(np.full((8, 8, 1), 3.0), steps=0)
    with pytest.raises(ValueError, match=r"`mask` must have shape \(8, 8\) or \(8, 8, 1\)"):
        dcgan.edit(z=np.zeros(4), mask=np.ones((4, 4)), target=np.zeros((8, 8, 1)))
    assert editing.value_range(kerasgen.GAN(latent_dim=2, sample_shape=(2,))) is None


def test_uint8_images_project_and_edit_as_the_same_image_in_the_model_range():
    dcgan = kerasgen.DCGAN(image_size=8, channels=1, latent_dim=4, base_filters=4, seed=0)
    pixels = np.random.default_rng(0).integers(0, 256, (2, 8, 8, 1)).astype(np.uint8)
    scaled = pixels.astype(np.float32) / 127.5 - 1.0
    z_u8, x_u8 = dcgan.project(pixels, steps=5)
    z_f, x_f = dcgan.project(scaled, steps=5)
    np.testing.assert_allclose(x_u8, x_f, atol=1e-2)
    mask = np.zeros((8, 8)); mask[:2] = 1.0
    _, edit_u8 = dcgan.edit(pixels[0], mask, pixels[1], steps=3, project_steps=3)
    _, edit_f = dcgan.edit(scaled[0], mask, scaled[1], steps=3, project_steps=3)
    np.testing.assert_allclose(edit_u8, edit_f, atol=1e-2)


def test_interpolation_runs_between_the_two_projections(linear_gan):
    x0, x1 = A @ np.array([1.0, 0.0]), A @ np.array([0.0, 1.0])
    path = linear_gan.interpolate_images(x0, x1, steps=5, spherical=False, project_steps=600,
                                         prior_weight=0.0, encoder=None)  # prior via kwargs
    assert path.shape == (5, 5)
    np.testing.assert_allclose(path[0], x0, atol=5e-3)
    np.testing.assert_allclose(path[-1], x1, atol=5e-3)
    np.testing.assert_allclose(path[2], (x0 + x1) / 2, atol=5e-3)  # linear G, linear path
    sphere = editing.interpolate_latents(np.array([3.0, 0.0]), np.array([0.0, 3.0]), 7)
    np.testing.assert_allclose(np.linalg.norm(sphere, axis=1), 3.0, rtol=1e-5)


def test_encoder_learns_to_invert_the_generator_and_starts_the_projection(linear_gan):
    encoder = editing.train_encoder(linear_gan, steps=300, batch_size=64, learning_rate=1e-2)
    z = np.random.default_rng(1).standard_normal((64, 2)).astype(np.float32)
    guess = np.asarray(encoder(z @ A.T))
    assert np.mean((guess - z) ** 2) < 0.05  # an untrained encoder is off by about 1
    z_hat, _ = linear_gan.project(z[:4] @ A.T, steps=0, encoder=encoder)  # the encoder alone
    np.testing.assert_allclose(z_hat, guess[:4], atol=1e-5)


def test_strokes_rasterize_to_a_soft_mask_and_their_colour():
    stroke = {"points": [[0.0, 0.5], [1.0, 0.5]], "width": 0.25, "color": 0.5}
    mask, target = editing.rasterize_strokes([stroke], (8, 8, 1))
    rows = mask[:, :, 0].max(axis=1)
    np.testing.assert_allclose(rows, [0, 0, 0, 1, 1, 0, 0, 0], atol=1e-6)
    assert np.allclose(target[mask > 0], 0.5) and np.all(target[mask == 0] == 0)
    dab = {"points": [[2.5 / 8, 2.5 / 8]], "width": 0.3, "color": [1.0, -1.0, 0.0]}
    mask, target = editing.rasterize_strokes([stroke, dab], (8, 8, 3))
    assert mask[2, 2, 0] == 1 and np.allclose(target[2, 2], [1.0, -1.0, 0.0])
    assert np.allclose(target[3, 6], 0.5)  # the first stroke where the dab is not


@pytest.mark.parametrize("strokes, message", [
    ([], "non-empty list"),
    ([{"points": [[0, 0]], "width": 0.1, "color": 0}] * 65, "At most 64 strokes"),
    ([{"points": [[0, 2]], "width": 0.1, "color": 0}], r"coordinates must lie in \[0, 1\]"),
    ([{"points": [[0, 0]], "width": 0, "color": 0}], r"`width` must be one number in \(0, 1\]"),
    ([{"points": [[0, 0]], "width": 0.1, "color": 5}], r"`color` must lie in \[-1, 1\]"),
    ([{"points": [[0, 0]], "width": 0.1, "color": [0, 0]}], r"`color` must be one number\.$"),
    ([{"points": [[0, "x"]], "width": 0.1, "color": 0}], "must be an array of numbers"),
    ([{"points": [[0, 0]], "width": float("nan"), "color": 0}], "NaN or infinite"),
    ([{"points": [[0, 0]], "width": 0.1, "color": 0, "size": 3}], "unknown keys"),
    (["stroke"], "must be an object"),
])
def test_bad_strokes_get_a_clear_error(strokes, message):
    with pytest.raises(ValueError, match=message):
        editing.rasterize_strokes(strokes, (8, 8, 1))


def test_edits_of_a_class_conditional_gan_keep_its_class_code():
    """`keep_class=True` (what `edit` and the studio use) moves only the noise coordinates of an
    AC-GAN's z; projection (`keep_class=False`) may move the code too."""
    model = kerasgen.DCGAN(image_size=8, channels=1, latent_dim=4, base_filters=4,
                           num_classes=3, seed=0)
    z0 = model.class_latents([1], seed=0).numpy()
    target = -np.ones((1, 8, 8, 1), np.float32)
    mask = np.ones_like(target)
    kept, _, _ = editing.fit_latents(model, z0, target, mask, steps=20, keep_class=True)
    np.testing.assert_array_equal(kept[0, 4:], [0.0, 1.0, 0.0])
    assert np.abs(kept[0, :4] - z0[0, :4]).max() > 0.1
    free, _, _ = editing.fit_latents(model, z0, target, mask, steps=20)
    assert np.abs(free[0, 4:] - z0[0, 4:]).max() > 0.1
    _, edited = model.edit(z=z0[0], mask=mask[0], target=target[0], steps=10)
    assert edited.shape == (8, 8, 1)
