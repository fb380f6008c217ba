"""Image files in and out (kerasgen.image_files): formats by extension, any input size, and the
translation of one file by each image-to-image family."""

import numpy as np
import pytest
from PIL import Image

import kerasgen
from kerasgen import image_files


def _photo(path, size=(13, 10), mode="RGB"):
    shape = size + ((3,) if mode == "RGB" else ())
    pixels = np.random.default_rng(0).integers(0, 256, shape).astype(np.uint8)
    Image.fromarray(pixels).save(path)
    return pixels


def test_write_image_uses_the_format_the_extension_names(tmp_path):
    image = np.linspace(-1, 1, 48, dtype=np.float32).reshape(4, 4, 3)
    for name, fmt in (("a.png", "PNG"), ("a.jpg", "JPEG"), ("a.JPEG", "JPEG"), ("a", "PNG")):
        image_files.write_image(image, tmp_path / name)
        with Image.open(tmp_path / name) as im:
            assert im.format == fmt
    with pytest.raises(ValueError, match=r"unknown image extension '\.xyz'; use one of \.bmp"):
        image_files.write_image(image, tmp_path / "a.xyz")
    kerasgen.figures.save_image_grid(image[None], tmp_path / "grid.jpg")
    with Image.open(tmp_path / "grid.jpg") as im:
        assert im.format == "JPEG"


def test_read_image_gives_uint8_at_the_file_size_and_names_bad_files(tmp_path):
    pixels = _photo(tmp_path / "p.png", (7, 5))
    np.testing.assert_array_equal(image_files.read_image(tmp_path / "p.png"), pixels)
    assert image_files.read_image(tmp_path / "p.png", channels=1).shape == (7, 5, 1)
    with pytest.raises(FileNotFoundError, match="No image file at '.*nope.png'"):
        image_files.read_image(tmp_path / "nope.png")
    (tmp_path / "text.png").write_text("not an image")
    with pytest.raises(ValueError, match="Could not read '.*text.png' as an image"):
        image_files.read_image(tmp_path / "text.png")


def test_translate_file_with_each_image_to_image_family(tmp_path):
    pixels = _photo(tmp_path / "in.png", (12, 10))
    sr = kerasgen.SRResNet(scale=2, filters=4, num_residual_blocks=1, seed=0)
    info = image_files.translate_file(sr, tmp_path / "in.png", tmp_path / "out.jpg")
    assert info["direction"] == "lr2hr" and info["resized_to"] is None
    assert info["output_size"] == (24, 20)
    with Image.open(tmp_path / "out.jpg") as im:
        assert im.format == "JPEG" and im.size == (20, 24)
    # the file gives what the same image in the model's range gives
    info = image_files.translate_file(sr, tmp_path / "in.png", tmp_path / "out.png")
    expected = kerasgen.figures.to_uint8(sr.upscale(pixels.astype(np.float32) / 127.5 - 1))
    np.testing.assert_array_equal(image_files.read_image(tmp_path / "out.png"), expected)

    cyclegan = kerasgen.CycleGAN(image_size=16, channels=1, base_filters=4,
                                 num_residual_blocks=1, d_layers=2)
    info = image_files.translate_file(cyclegan, tmp_path / "in.png", tmp_path / "c.png", "y2x")
    assert info["direction"] == "y2x" and info["input_size"] == (12, 10)
    if cyclegan.generator_f.input_shape[1] is not None:
        assert info["resized_to"] == (16, 16)  # a model built for one size
    with pytest.raises(ValueError, match="`direction` must be one of 'x2y', 'y2x' for CycleGAN, "
                                         "got 'up'"):
        image_files.translate_file(cyclegan, tmp_path / "in.png", tmp_path / "c.png", "up")
    p2p = kerasgen.Pix2Pix(image_size=16, in_channels=3, out_channels=3, base_filters=4,
                           d_layers=2)
    assert image_files.translate_file(p2p, tmp_path / "in.png", tmp_path / "p.png")[
        "direction"] == "x2y"
    frames = kerasgen.FramePredictor(context_frames=2, image_size=16, base_filters=4,
                                     num_downsamplings=1)
    with pytest.raises(ValueError, match=r"FramePredictor predicts a frame from 2 context "
                                         r"frames, not from one image; use "
                                         r"model\.predict_frames"):
        image_files.translate_file(frames, tmp_path / "in.png", tmp_path / "f.png")
    with pytest.raises(ValueError, match="DCGAN is not an image-to-image model"):
        image_files.translate_file(kerasgen.DCGAN(image_size=8, channels=1, latent_dim=4,
                                                  base_filters=4),
                                   tmp_path / "in.png", tmp_path / "d.png")
