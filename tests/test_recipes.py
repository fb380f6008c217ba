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


def test_paper_recipes_without_weights_give_the_clear_error(kerasgen_home, monkeypatch):
    monkeypatch.setenv("KERASGEN_OFFLINE", "1")  # the papers' hosts are not reachable here
    for name in ("dcgan_lsun", "dcgan_celeba", "wgan_lsun", "wgangp_cifar10", "gan_mnist",
                 "vae_mnist", "cyclegan_horse2zebra", "pix2pix_facades"):
        with pytest.raises(FileNotFoundError, match=f"--recipe={name}"):
            kerasgen.load(name)


def _published_recipes():
    return {name: recipe for name, recipe in recipes.recipes().items()
            if recipe["family"] in ("CycleGAN", "Pix2Pix") and recipe.get("checkpoints")}


def test_every_model_the_cyclegan_and_pix2pix_authors_publish_is_a_recipe():
    """junyanz/pytorch-CycleGAN-and-pix2pix's download scripts list 18 CycleGAN and 5 pix2pix
    generators: each is a recipe whose one checkpoint (CycleGAN: generator_g, the published
    direction; pix2pix: generator) is the authors' URL, without a hash (none is published)."""
    registry.zoo_package()  # kerasgen.zoo (in a source checkout, the sibling zoo/)
    from kerasgen.zoo import _published

    table = _published_recipes()
    urls = sorted(spec["url"] for recipe in table.values()
                  for spec in recipe["checkpoints"].values())
    assert urls == sorted([_published.CYCLEGAN_URL.format(m) for m in _published.CYCLEGAN_MODELS]
                          + [_published.PIX2PIX_URL.format(m) for m in _published.PIX2PIX_MODELS])
    assert len(urls) == 23
    for name, recipe in table.items():
        (network, spec), = recipe["checkpoints"].items()
        assert network == {"CycleGAN": "generator_g", "Pix2Pix": "generator"}[recipe["family"]]
        assert spec["url"].startswith("http://efrosgans.eecs.berkeley.edu/"), name
        assert spec["sha256"] is None and recipe["weights"] == {"url": None, "sha256": None}
        assert recipe["model"]["layout"] == "pytorch" and recipe["resolution"] == 256, name
        assert "BSD" in recipe["source"]["licence"], name
        assert recipe["source"]["repository"] == _published.REPOSITORY, name
    assert table["cyclegan_zebra2horse"]["data"]["direction"] == "BtoA"
    assert table["cyclegan_style_monet"]["data"]["name"] == "cycle_gan/monet2photo"
    with pytest.raises(ValueError, match="'cat2dog' is not a published CycleGAN model"):
        _published.cyclegan("cat2dog", "horse2zebra")


@pytest.mark.slow  # builds 23 networks at 256 px (16 s); the URL lists are checked by default
def test_published_recipes_build_with_the_reference_architecture(kerasgen_home):
    """Every published recipe builds (weights=None) with the reference networks: the converter's
    key map of its generator has the reference's keys and shapes (resnet_9blocks: 9 residual
    blocks, `model.26` the output convolution; unet_256: 8 nested blocks), and it translates an
    image of another size than 256 px."""
    from kerasgen.convert import torch_checkpoints

    x = np.random.default_rng(0).uniform(-1, 1, (1, 36, 20, 3)).astype("float32")
    for name, recipe in sorted(_published_recipes().items()):
        model = kerasgen.load(name, weights=None)
        network = next(iter(recipe["checkpoints"]))
        net = getattr(model, network)
        keys = torch_checkpoints.KEY_MAPS[recipe["family"]][network](net)
        _, shapes, _ = torch_checkpoints.plan(net, keys)
        if recipe["family"] == "CycleGAN":
            assert shapes["model.26.weight"] == (3, 64, 7, 7), name
            assert shapes["model.18.conv_block.5.weight"] == (256, 256, 3, 3), name
        else:
            inner = "model.model." + "1.model." + "3.model." * 6
            assert shapes[inner + "1.weight"] == (512, 512, 4, 4), name  # the innermost down
            assert shapes["model.model.3.weight"] == (128, 3, 4, 4), name
        if name in ("cyclegan_horse2zebra", "pix2pix_facades"):  # one of each family
            assert model.translate(x).shape == x.shape


SHIPPED = ("vae_digits", "dcgan_digits", "wgangp_digits", "gan_grid25", "gan_ring8",
           "wgangp_grid25",
           "cyclegan_digits", "mixture_digits", "nade_digits", "rbm_digits", "srresnet_natural",
           "srgan_natural", "framepredictor_digits", "framegan_digits", "pixelcnn_digits",
           "flow_digits", "gsn_digits", "vae_mnist_manifold", "dcgan_mnist", "vae_mnist_binarized")


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
        else:  # 4: the 28 px autoregressive models draw their 784 pixels one by one
            a = model.generate(4, seed=0)
            np.testing.assert_array_equal(a, kerasgen.load(name).generate(4, seed=0))
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


# ------------------------------------------------------------------------------ the papers' files
TINY_T7 = dict(image_size=32, channels=3, latent_dim=8, base_filters=4)  # dcgan.torch, shrunk


def _t7_recipe(url, data, **spec):
    return {"name": "tiny_dcgan_torch7", "description": "test", "family": "DCGAN",
            "model": dict(TINY_T7, layout="torch7", batch_statistics=True),
            "checkpoints": {"generator": dict({
                "url": url, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                "format": "torch7"}, **spec)}}


@pytest.fixture
def published_t7(tmp_path, kerasgen_home, monkeypatch):
    """A recipe whose dcgan.torch generator file is served on 127.0.0.1, as the papers' files
    are served on the internet; returns (install(recipe_overrides), server, layers, files)."""
    import torch7_writer as tw

    served = tmp_path / "served"
    served.mkdir()
    layers = tw.random_generator_weights(8, 4, 3, 3, np.random.default_rng(0))
    tw.save(served / "net_G.t7", tw.generator_object(layers, "older"))
    good = (served / "net_G.t7").read_bytes()
    (served / "cut_net_G.t7").write_bytes(good[: len(good) // 2])
    (served / "big_net_G.t7").write_bytes(good * 3)
    (served / "junk_net_G.t7").write_bytes(b"\x00" * len(good))
    server = _Server(served)

    def install(name="net_G.t7", **spec):
        recipe = _t7_recipe(f"{server.url}/{name}", good, **spec)
        table = dict(recipes.recipes(), tiny_dcgan_torch7=recipe)
        monkeypatch.setattr(registry, "_RECIPES", table)
        return recipe

    yield install, server, layers, good
    server.close()


def _cache_leftovers(home):
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file()
                  and not p.name.endswith(".lock")) if home.exists() else []


def test_load_downloads_verifies_converts_and_caches_the_papers_generator(published_t7,
                                                                         kerasgen_home):
    import torch7_writer as tw

    install, server, layers, _ = published_t7
    install()
    model = kerasgen.load("tiny_dcgan_torch7")
    assert server.requests == 1
    z = np.random.default_rng(1).standard_normal((6, 8)).astype(np.float32)
    expected = tw.numpy_forward(layers, z, batch_statistics=True)  # the authors' sampler
    np.testing.assert_allclose(model.generate_from_latents(z).numpy(), expected, atol=1e-4)
    meta = recipes.read_metadata("tiny_dcgan_torch7")
    record = meta["converted_from"][0]
    assert meta["verified"] and record["layout"] == "older" and record["url"].startswith(
        server.url)
    assert (kerasgen_home / "tiny_dcgan_torch7" / "model.weights.h5").is_file()
    again = kerasgen.load("tiny_dcgan_torch7", offline=True)  # the cache, no request
    assert server.requests == 1
    np.testing.assert_array_equal(again.generate(4, seed=3), model.generate(4, seed=3))


@pytest.mark.parametrize("case,match", [
    ("hash", "sha256 is [0-9a-f]{64}, expected"),
    ("truncated", "expected [0-9,]+ .truncated or interrupted"),
    ("http", "404"),
    ("oversized", "larger than the [0-9,]+ bytes expected"),
    ("malformed", "is not dcgan.torch's generator|Torch7 file"),
])
def test_a_bad_published_file_gives_one_clear_error_and_leaves_no_cache(
        published_t7, kerasgen_home, case, match):
    install, server, _, good = published_t7
    if case == "hash":
        install(sha256="0" * 64)
    elif case == "truncated":
        install("cut_net_G.t7")
    elif case == "http":
        install("missing_net_G.t7")
    elif case == "oversized":
        install("big_net_G.t7")
    else:  # the right size and hash of a file that is no Torch7 generator
        recipe = install("junk_net_G.t7")
        recipe["checkpoints"]["generator"]["sha256"] = hashlib.sha256(
            b"\x00" * len(good)).hexdigest()
    with pytest.raises(ValueError, match=match) as info:
        kerasgen.load("tiny_dcgan_torch7")
    assert "net_G.t7" in str(info.value)  # names the file
    leftovers = _cache_leftovers(kerasgen_home)
    assert all(path.startswith("checkpoints/") for path in leftovers), leftovers
    assert not (kerasgen_home / "tiny_dcgan_torch7").exists()
    if case != "malformed":  # a verified download is kept for the next try; nothing else is
        assert leftovers == []


def test_offline_load_of_a_papers_model_fails_fast_with_the_url_cache_and_routes(
        published_t7, kerasgen_home, monkeypatch):
    import time

    install, server, _, _ = published_t7
    recipe = install()
    monkeypatch.setenv("KERASGEN_OFFLINE", "1")
    start = time.perf_counter()
    with pytest.raises(FileNotFoundError) as info:
        kerasgen.load("tiny_dcgan_torch7")
    assert time.perf_counter() - start < 5
    message = str(info.value)
    assert recipe["checkpoints"]["generator"]["url"] in message
    assert str(kerasgen_home / "tiny_dcgan_torch7") in message
    assert "weights=PATH" in message and "kerasgen.cli.convert" in message
    assert "--recipe=tiny_dcgan_torch7" in message and server.requests == 0


def test_two_loads_at_once_end_with_one_valid_cache_entry(published_t7, kerasgen_home):
    import concurrent.futures

    install, server, _, _ = published_t7
    install()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        models = list(pool.map(lambda _: kerasgen.load("tiny_dcgan_torch7"), range(2)))
    assert server.requests == 1  # the second waited for the first's entry
    np.testing.assert_array_equal(models[0].generate(3, seed=0), models[1].generate(3, seed=0))
    entries = [p.name for p in kerasgen_home.iterdir() if not p.name.startswith(".")]
    assert sorted(entries) == ["checkpoints", "tiny_dcgan_torch7"]


def test_weights_may_be_a_url_or_a_local_torch7_file(published_t7, kerasgen_home):
    import torch7_writer as tw

    install, server, layers, _ = published_t7
    install()
    z = np.random.default_rng(2).standard_normal((4, 8)).astype(np.float32)
    expected = tw.numpy_forward(layers, z, batch_statistics=True)
    with pytest.warns(UserWarning, match="no published hash was checked"):
        from_url = kerasgen.load("tiny_dcgan_torch7", weights=f"{server.url}/net_G.t7")
    np.testing.assert_allclose(from_url.generate_from_latents(z).numpy(), expected, atol=1e-4)
    local = next((kerasgen_home / "downloads").rglob("net_G.t7"))
    with pytest.warns(UserWarning, match="Converted Torch7 file net_G.t7"):
        from_file = kerasgen.load("tiny_dcgan_torch7", weights=str(local))
    np.testing.assert_allclose(from_file.generate_from_latents(z).numpy(), expected, atol=1e-4)
