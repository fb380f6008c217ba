"""GAN (Goodfellow 2014): the shared contract plus the k-discriminator-steps schedule."""

import numpy as np
import pytest

import kerasgen
from contract import ContractTests


class TestGANContract(ContractTests):
    def make_model(self, seed=0):
        return kerasgen.GAN(latent_dim=3, sample_shape=(2,), hidden_units=(16, 16), seed=seed)

    def make_x(self, batch_size, seed=0):
        return kerasgen.data.toy_samples("ring8", batch_size, seed=seed)


class TestGANImageContract(ContractTests):
    """The same contract on image-shaped samples (an MLP on 8x8 digits, tanh output)."""

    variant_of = "GAN"  # a configuration of GAN: the extended tier runs its family-wide items

    def make_model(self, seed=0):
        return kerasgen.GAN(latent_dim=4, sample_shape=(8, 8, 1), hidden_units=(16,),
                            output_activation="tanh", seed=seed)

    def make_x(self, batch_size, seed=0):
        images, _ = kerasgen.data.load_digits_array("train", raw=False)
        return images[seed * batch_size:(seed + 1) * batch_size, :, :, None]


@pytest.mark.parametrize("d_steps,steps,expected_g", [(1, 6, 6), (2, 6, 3), (3, 7, 2)])
def test_d_steps_schedule(d_steps, steps, expected_g):
    model = kerasgen.GAN(latent_dim=2, sample_shape=(2,), hidden_units=(8,), d_steps=d_steps)
    model.compile()
    data = kerasgen.data.toy("ring8", batch_size=16)
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    assert int(model.d_optimizer.iterations.numpy()) == steps
    assert int(model.g_optimizer.iterations.numpy()) == expected_g


def test_bad_arguments_name_the_culprit():
    with pytest.raises(ValueError, match="d_steps"):
        kerasgen.GAN(latent_dim=2, sample_shape=(2,), d_steps=0)
    with pytest.raises(ValueError, match="latent_dim"):
        kerasgen.GAN()
    with pytest.raises(ValueError, match="loss"):
        kerasgen.GAN(latent_dim=2, sample_shape=(2,), loss="hinge-ish")
    model = kerasgen.GAN(latent_dim=2, sample_shape=(2,))
    with pytest.raises(ValueError, match="d_optimizer"):
        model.compile(optimizer="adam")
    model.compile()
    wrong = kerasgen.data.from_numpy(np.zeros((8, 3), "float32"), batch_size=4)
    with pytest.raises(ValueError, match=r"\(2,\)"):
        model.fit(wrong, epochs=1, verbose=0)


def test_paper_default_optimizers():
    model = kerasgen.GAN(latent_dim=2, sample_shape=(2,))
    model.compile()
    for opt in (model.d_optimizer, model.g_optimizer):
        assert opt.__class__.__name__ == "Adam"
        assert np.isclose(float(opt.learning_rate), 2e-4)
        assert np.isclose(opt.beta_1, 0.5)


def test_exported_signature_refuses_a_wrong_latent_width_by_name(tmp_path):
    import tensorflow as tf

    model = kerasgen.GAN(latent_dim=3, sample_shape=(2,), hidden_units=(8,), seed=0)
    model.export(str(tmp_path / "e"))
    serve = tf.saved_model.load(str(tmp_path / "e")).signatures["serving_default"]
    assert serve(z=tf.zeros((2, 3)))["samples"].shape == (2, 2)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"GAN signature `generate`: input `z` must be float32 of shape "
                             r"\[batch, 3\]; got shape\] \[2 5\]"):
        serve(z=tf.zeros((2, 5)))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"got shape\] \[3\]"):
        serve(z=tf.zeros((3,)))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="expected to be a float tensor but is a double tensor"):
        serve(z=tf.zeros((2, 3), tf.float64))


def test_fit_on_a_dataset_does_not_warn_about_keras_shuffle():
    import warnings

    model = kerasgen.GAN(latent_dim=2, sample_shape=(2,), hidden_units=(8,))
    model.compile()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(kerasgen.data.toy("ring8", batch_size=16), steps_per_epoch=1, verbose=0)
    assert not [w for w in caught if "shuffle" in str(w.message)], [str(w.message) for w in caught]


def test_discriminator_units_narrow_only_the_discriminator_and_survive_the_config():
    model = kerasgen.GAN(latent_dim=2, sample_shape=(2,), hidden_units=(32, 32),
                         discriminator_units=(16, 8, 4), seed=0)
    widths = lambda net: [l.units for l in net.layers if hasattr(l, "units")]  # noqa: E731
    assert widths(model.generator) == [32, 32, 2]
    assert widths(model.discriminator) == [16, 8, 4, 1]
    clone = kerasgen.GAN.from_config(model.get_config())
    assert widths(clone.generator) == [32, 32, 2]
    assert widths(clone.discriminator) == [16, 8, 4, 1]
    same = kerasgen.GAN(latent_dim=2, sample_shape=(2,), hidden_units=(32, 32))
    assert widths(same.discriminator) == [32, 32, 1]  # None: the generator's widths
