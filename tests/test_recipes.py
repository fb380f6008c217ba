"""The zoo (kerasgen.recipes): the recipe registry, presets, weight resolution (shipped, cache,
URL over a local HTTP server) and every shipped preset being what its recipe makes."""

import functools
import hashlib
import http.server
import json
import os
import threading

import keras
import numpy as np
import pytest

import kerasgen
from kerasgen import preset_format, recipes, training
from kerasgen.recipes import registry, weights


@pytest.fixture
def kerasgen_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("KERASGEN_HOME", str(home))
    monkeypatch.delenv("KERASGEN_OFFLINE", raising=False)
    return home


def tiny_gan(seed=0):
    return kerasgen.GAN(latent_dim=3, sample_shape=(2,), hidden_units=(8,), seed=seed)


# ------------------------------------------------------------------------------ recipes
def test_list_models_describes_every_recipe():
    rows = {row["name"]: row for row in kerasgen.list_models()}
    assert {"gan_digits", "gan_mnist"} <= set(rows)
    for row in rows.values():
        assert row["description"] and row["family"]
        assert isinstance(row["weights_offline"], bool)
        recipes.model_class(row["family"])  # every family resolves to a kerasgen class


def test_unknown_and_unsafe_names_are_refused(kerasgen_home):
    with pytest.raises(ValueError, match="Unknown recipe 'nope'.*gan_digits"):
        kerasgen.load("nope")
    for bad in ("../gan_digits", "a/b", "..", "gan digits"):
        with pytest.raises((ValueError, FileNotFoundError), match="Preset directory|Invalid|contains '..'"):
            kerasgen.load(bad)
    with pytest.raises(ValueError, match="Invalid recipe name"):
        recipes.get_recipe("../../etc")


def test_missing_weights_error_names_recipe_cache_and_command(kerasgen_home):
    with pytest.raises(FileNotFoundError) as info:
        kerasgen.load("gan_mnist")
    message = str(info.value)
    assert "gan_mnist" in message
    assert str(kerasgen_home / "gan_mnist" / "model.weights.h5") in message
    assert "python -m kerasgen.cli.train --recipe=gan_mnist" in message
    model = kerasgen.load("gan_mnist", weights=None)  # the architecture alone
    assert model.generate(2, seed=0).shape == (2, 28, 28, 1)


# ------------------------------------------------------------------------------ presets
def test_save_preset_and_load_directory(tmp_path):
    model = tiny_gan()
    path = preset_format.save_preset(model, tmp_path / "preset", metadata={"dataset": "toy"})
    assert sorted(os.listdir(path)) == ["config.json", "metadata.json", "model.weights.h5"]
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".tmp")]
    meta = json.load(open(os.path.join(path, "metadata.json")))
    assert meta["dataset"] == "toy" and meta["keras_version"]
    loaded = kerasgen.load(str(tmp_path / "preset"))
    np.testing.assert_array_equal(loaded.generate(5, seed=2), model.generate(5, seed=2))


def test_from_preset_and_save_to_preset(tmp_path):
    model = tiny_gan(seed=3)
    path = model.save_to_preset(str(tmp_path / "p"))
    again = kerasgen.GAN.from_preset(path)
    np.testing.assert_array_equal(again.generate(3, seed=1), model.generate(3, seed=1))
    assert isinstance(kerasgen.GenerativeModel.from_preset(path), kerasgen.GAN)
    with pytest.raises(ValueError, match="holds a GAN, not a VAE"):
        kerasgen.VAE.from_preset(path)
    dcgan = kerasgen.DCGAN.from_preset("dcgan_digits")
    assert dcgan.generate(2, seed=0).shape == (2, 8, 8, 1)  # native 8 px (zoo/dcgan_digits.py)


def test_preset_config_is_flat_and_editing_it_takes_effect(tmp_path):
    model = tiny_gan()
    path = preset_format.save_preset(model, tmp_path / "p")
    config_path = os.path.join(path, "config.json")
    config = json.load(open(config_path))
    assert "generator" not in config["config"] and "discriminator" not in config["config"]
    assert config["config"]["hidden_units"] == [8] and config["config"]["latent_dim"] == 3
    config["config"]["output_activation"] = "tanh"  # a hyper-parameter that keeps the shapes
    json.dump(config, open(config_path, "w"))
    edited = kerasgen.load(path)
    assert edited.get_config()["output_activation"] == "tanh"
    assert np.abs(edited.generate(200, seed=0)).max() <= 1.0
    config["config"]["hidden_units"] = [16]  # other shapes: the weights no longer fit
    json.dump(config, open(config_path, "w"))
    with pytest.raises(ValueError, match="does not match the architecture"):
        kerasgen.load(path)


def test_user_supplied_networks_are_serialized_in_full(tmp_path):
    import keras

    z = keras.Input((3,))
    custom = keras.Model(z, keras.layers.Dense(2, name="only")(z), name="custom_generator")
    model = kerasgen.GAN(generator=custom, hidden_units=(8,))
    config = model.get_config()
    assert config["generator"]["config"]["name"] == "custom_generator"
    assert "discriminator" not in config  # built from the hyper-parameters
    path = model.save_to_preset(str(tmp_path / "p"))
    loaded = kerasgen.load(path)
    assert loaded.generator.name == "custom_generator"
    np.testing.assert_array_equal(loaded.generate(3, seed=0), model.generate(3, seed=0))


def test_the_seed_reaches_every_recipe_family(tmp_path):
    """Same seed, same weights; other seed, other weights -- for every offline family (the old
    code sniffed the constructor's signature and missed WGANGP's **kwargs). Two families train
    through the script's path (seeded data, noise and initial weights); the others are built
    from their recipes the way that path builds them, which is where the seed was lost."""
    from kerasgen.recipes import build_from_recipe, get_recipe

    for name in ("wgangp_grid25", "gan_grid25", "vae_digits", "dcgan_digits"):
        trains = name in ("wgangp_grid25", "dcgan_digits")
        runs = {}
        for run, seed in (("a", 5), ("b", 5), ("c", 6)):
            if trains:
                model, _ = training.train_and_evaluate(
                    name, str(tmp_path / f"{name}_{run}"), steps=2, batch_size=8, seed=seed,
                    verbose=0, evaluate=False, checkpoint_every=2)
            else:
                keras.utils.set_random_seed(seed)  # as train_and_evaluate does first
                model = build_from_recipe(get_recipe(name), compile=True, seed=seed)
            assert model.seed == seed and model.get_config()["seed"] == seed, name
            runs[run] = model.get_weights()
        assert all(np.array_equal(a, b) for a, b in zip(runs["a"], runs["b"])), name
        assert any(not np.array_equal(a, c) for a, c in zip(runs["a"], runs["c"])), name


def test_preset_naming_a_foreign_class_is_refused(tmp_path):
    model = tiny_gan()
    path = preset_format.save_preset(model, tmp_path / "p")
    config = json.load(open(os.path.join(path, "config.json")))
    config["module"] = "os"
    config["class_name"] = "system"
    json.dump(config, open(os.path.join(path, "config.json"), "w"))
    with pytest.raises(ValueError, match="outside kerasgen"):
        kerasgen.load(path)


def test_cache_is_used_when_nothing_is_shipped(kerasgen_home):
    model = kerasgen.load("gan_mnist", weights=None)
    preset_format.save_preset(model, kerasgen_home / "gan_mnist")
    again = kerasgen.load("gan_mnist")
    np.testing.assert_array_equal(again.generate(2, seed=1), model.generate(2, seed=1))


# ------------------------------------------------------------------------------ URL downloads
class _Server:
    def __init__(self, directory):
        self.requests = 0
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):
                outer.requests += 1
                return super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def remote_recipe(tmp_path, kerasgen_home, monkeypatch):
    """A recipe 'remote_gan' whose weights are served by an HTTP server on 127.0.0.1."""
    served = tmp_path / "served"
    served.mkdir()
    model = tiny_gan(seed=4)
    model.save_weights(str(served / "good.weights.h5"))
    good = (served / "good.weights.h5").read_bytes()
    (served / "truncated.weights.h5").write_bytes(good[: len(good) // 2])
    server = _Server(served)
    table = dict(recipes.recipes())
    recipe = {"name": "remote_gan", "description": "test", "family": "GAN",
              "model": {"latent_dim": 3, "sample_shape": [2], "hidden_units": [8]},
              "weights": {"url": server.url + "/good.weights.h5",
                          "sha256": hashlib.sha256(good).hexdigest()}}
    table["remote_gan"] = recipe
    monkeypatch.setattr(registry, "_RECIPES", table)
    yield recipe, model, server
    server.close()


def test_download_with_right_hash_loads(remote_recipe, kerasgen_home):
    recipe, model, server = remote_recipe
    loaded = kerasgen.load("remote_gan")
    np.testing.assert_array_equal(loaded.generate(4, seed=0), model.generate(4, seed=0))
    assert server.requests == 1
    kerasgen.load("remote_gan")  # cached now
    assert server.requests == 1
    kerasgen.load("remote_gan", force_download=True)
    assert server.requests == 2


@pytest.mark.parametrize("case", ["wrong_hash", "truncated"])
def test_bad_download_is_refused_and_not_cached(remote_recipe, kerasgen_home, case):
    recipe, _, server = remote_recipe
    if case == "wrong_hash":
        recipe["weights"]["sha256"] = "0" * 64
    else:
        recipe["weights"]["url"] = server.url + "/truncated.weights.h5"
    with pytest.raises(ValueError, match="remote_gan"):
        kerasgen.load("remote_gan")
    cached = kerasgen_home / "remote_gan"
    leftovers = [os.path.join(r, f) for r, _, fs in os.walk(cached) for f in fs]
    assert leftovers == []


def test_offline_mode_never_touches_the_network(remote_recipe, kerasgen_home, monkeypatch):
    _, _, server = remote_recipe
    with pytest.raises(FileNotFoundError, match="offline"):
        kerasgen.load("remote_gan", offline=True)
    monkeypatch.setenv("KERASGEN_OFFLINE", "1")
    with pytest.raises(FileNotFoundError, match="offline"):
        kerasgen.load("remote_gan")
    assert server.requests == 0



def test_every_recipe_builds_and_its_tfds_data_matches(monkeypatch):
    import tensorflow_datasets as tfds

    for row in kerasgen.list_models():
        recipe = recipes.get_recipe(row["name"])
        if (row["resolution"] or 0) > 64:
            continue  # 256 px paper models: built in test_paper_recipes_need_weights
        model = kerasgen.load(row["name"], weights=None)
        assert type(model).__name__ == recipe["family"]
        if recipe.get("data", {}).get("builder") == "from_tfds":
            with tfds.testing.mock_data(num_examples=4):
                batch = next(iter(training.make_dataset(recipe, batch_size=2)))
            assert tuple(batch.shape[1:]) == model.sample_shape, row["name"]


def test_paper_recipes_without_weights_give_the_clear_error(kerasgen_home):
    for name in ("dcgan_lsun", "dcgan_celeba", "wgan_lsun", "wgangp_cifar10", "gan_mnist",
                 "vae_mnist", "cyclegan_horse2zebra", "pix2pix_facades"):
        with pytest.raises(FileNotFoundError, match=f"--recipe={name}"):
            kerasgen.load(name)


SHIPPED = ("vae_digits", "dcgan_digits", "wgangp_digits", "gan_grid25", "gan_ring8",
           "wgangp_grid25",
           "cyclegan_digits", "mixture_digits", "nade_digits", "rbm_digits", "srresnet_natural",
           "srgan_natural", "framepredictor_digits", "framegan_digits", "vae_mnist_manifold",
           "dcgan_mnist", "vae_mnist_binarized")


def test_shipped_recipes_load_offline_and_carry_their_metric(kerasgen_home, monkeypatch):
    monkeypatch.setenv("KERASGEN_OFFLINE", "1")
    rows = {row["name"]: row for row in kerasgen.list_models()}
    for name in SHIPPED:
        assert rows[name]["weights_offline"], f"{name} has no shipped weights"
        model = kerasgen.load(name)
        meta = json.load(open(os.path.join(weights.shipped_dir(recipes.get_recipe(name)), "metadata.json")))
        assert meta["recipe"] == name and meta["metric"] and meta["command"]
        if name.startswith("cyclegan"):
            x = next(iter(kerasgen.data.digits("test", image_size=16, batch_size=4)))
            assert model.translate(x.numpy()).shape == (4, 16, 16, 1)
        elif name.startswith("sr"):
            lr = kerasgen.data.downscale(kerasgen.data.natural_image("astronaut")[None, :64, :64]
                                         / 127.5 - 1.0, 4)
            assert model.upscale(lr).shape == (1, 64, 64, 3)
        elif name.startswith("frame"):
            seq = kerasgen.data.moving_digits_array("test", num_sequences=2, sequence_length=4)
            assert model.predict_frames(seq, steps=3).shape == (2, 3, 32, 32, 1)
        else:
            a = model.generate(64, seed=0)
            np.testing.assert_array_equal(a, kerasgen.load(name).generate(64, seed=0))
    assert not os.path.exists(kerasgen_home)  # nothing was cached or downloaded


def test_compiling_a_recipe_leaves_its_schedule_configs_untouched():
    """Keras deserializes a learning-rate schedule in place; the recipe must stay plain JSON."""
    import json

    from kerasgen.recipes import build_from_recipe, get_recipe

    recipe = get_recipe("gan_grid25")
    before = json.dumps(recipe["compile"], sort_keys=True)
    build_from_recipe(recipe, compile=True, seed=0)
    assert json.dumps(recipe["compile"], sort_keys=True) == before


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_preset_is_its_recipe(name):
    """Recipes are the single source of truth: a shipped preset's model hyper-parameters are the
    recipe's, and its metadata names the training script's command for that recipe."""
    recipe = recipes.get_recipe(name)
    folder = weights.shipped_dir(recipes.get_recipe(name))
    config = json.load(open(os.path.join(folder, "config.json")))
    meta = json.load(open(os.path.join(folder, "metadata.json")))
    assert config["class_name"] == recipe["family"]
    for key, value in recipe["model"].items():
        assert key in config["config"], f"{name}: {key} not in the preset's config"
        assert json.loads(json.dumps(config["config"][key])) == json.loads(json.dumps(value)), (
            f"{name}: preset {key}={config['config'][key]!r}, recipe {value!r}")
    assert meta["command"].startswith("python -m kerasgen.cli.train") and \
        f"--recipe={name}" in meta["command"], meta["command"]
