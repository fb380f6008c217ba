"""Published weights of the papers' reference implementations -> kerasgen presets.

* `torch_checkpoints`: PyTorch state dicts of junyanz/pytorch-CycleGAN-and-pix2pix (CycleGAN,
  pix2pix) and of pytorch/examples' DCGAN, into models built with `layout="pytorch"`.
* `dcgan_theano`: the DCGAN paper's Theano arrays (Newmu/dcgan_code), into `layout="theano"`.

Third-party files are data, never code: checkpoints load with `torch.load(weights_only=True)`,
arrays with `np.load(allow_pickle=False)`, and joblib/pickle files are never opened. Every tensor
is checked (keys, shapes, dtypes, finite values) before any weight changes, and a preset is written
atomically, so a failed conversion leaves nothing behind.

`convert_recipe(name, checkpoints, out)` is what `python -m kerasgen.cli.convert` runs;
`kerasgen.load(name, weights="file.pth")` calls `load_checkpoints` on the fly.
"""

import os
import shlex
import sys

from kerasgen import recipes
from kerasgen.convert import dcgan_theano, torch_checkpoints
from kerasgen.convert.torch_checkpoints import is_torch_checkpoint, read_state_dict
from kerasgen.weights import cache_dir, sha256_of

#: the families with a PyTorch checkpoint converter
TORCH_FAMILIES = tuple(torch_checkpoints.KEY_MAPS)


def _layout(model):
    return model.get_config().get("layout")


def parse_checkpoints(model, checkpoints):
    """`{network attribute: path}` from a path, a list of `"NETWORK=PATH"`/`PATH` strings, or a
    dict. A bare path goes to the family's default network (CycleGAN: generator_g, the
    reference's G_A; pix2pix and DCGAN: generator). The reference's names (G_A, G_B, D_A, D_B,
    G, D, netG, netD) are accepted too.

    Example:
        >>> model = kerasgen.DCGAN(image_size=16, channels=1, latent_dim=4, base_filters=2,
        ...                        layout="pytorch")
        >>> parse_checkpoints(model, ["netD=netD_epoch_24.pth", "netG_epoch_24.pth"])
        {'discriminator': 'netD_epoch_24.pth', 'generator': 'netG_epoch_24.pth'}
    """
    family = type(model).__name__
    if isinstance(checkpoints, (str, os.PathLike)):
        checkpoints = [os.fspath(checkpoints)]
    if isinstance(checkpoints, dict):
        items = list(checkpoints.items())
    else:
        items = []
        for entry in checkpoints:
            entry = os.fspath(entry)
            name, sep, path = entry.partition("=")
            items.append((name, path) if sep and not os.path.exists(entry) else (None, entry))
    aliases = torch_checkpoints.REFERENCE_NAMES.get(family, {})
    out = {}
    for name, path in items:
        if name is None:
            name = torch_checkpoints.DEFAULT_NETWORK.get(family, "generator")
        name = aliases.get(name, name)
        if name in out:
            raise ValueError(f"Two checkpoints given for network {name!r}.")
        out[name] = os.fspath(path)
    if not out:
        raise ValueError("No checkpoint given.")
    return out


def load_checkpoints(model, checkpoints):
    """Loads PyTorch checkpoints into a model built with layout="pytorch" (all or nothing).

    Args:
        model: a CycleGAN, Pix2Pix or DCGAN with `layout="pytorch"`.
        checkpoints: see `parse_checkpoints`.

    Returns:
        A list of `{"network", "file", "sha256"}` records, one per checkpoint.
    """
    family = type(model).__name__
    torch_checkpoints.network_names(model)  # raises for families without a converter
    table = parse_checkpoints(model, checkpoints)
    aliases = torch_checkpoints.REFERENCE_NAMES[family]
    for network in table:
        if network not in torch_checkpoints.KEY_MAPS[family]:
            raise ValueError(f"`{network}` is not a network of {family}; expected one of "
                             f"{', '.join(torch_checkpoints.KEY_MAPS[family])} (or the "
                             f"reference's names {', '.join(aliases)}).")
    states = {network: read_state_dict(path) for network, path in table.items()}
    backup = {name: getattr(model, name).get_weights() for name in table}
    try:
        for network, state in states.items():
            torch_checkpoints.load_into_network(model, network, state,
                                                source=f"checkpoint {table[network]!r}")
    except Exception:
        for name, weights in backup.items():
            getattr(model, name).set_weights(weights)
        raise
    return [{"network": network, "file": os.path.basename(path), "sha256": sha256_of(path)}
            for network, path in table.items()]


def download_checkpoints(recipe):
    """Downloads a recipe's published checkpoints (`recipe["checkpoints"]`) with
    `keras.utils.get_file` into `$KERASGEN_HOME/checkpoints`; returns `{network: path}`.

    A checkpoint with a published sha256 is checked against it; without one the file is
    accepted and reported unverified (its sha256 goes to the preset's metadata)."""
    import keras

    specs = recipe.get("checkpoints") or {}
    if not any(spec.get("url") for spec in specs.values()):
        raise ValueError(f"Recipe {recipe.get('name')!r} lists no published checkpoints.")
    paths = {}
    for network, spec in specs.items():
        if not spec.get("url"):
            continue
        fname = f"{recipe['name']}_{network}_{os.path.basename(spec['url'])}"
        try:
            paths[network] = keras.utils.get_file(
                fname=fname, origin=spec["url"], cache_dir=cache_dir(),
                cache_subdir="checkpoints", file_hash=spec.get("sha256"),
                hash_algorithm="sha256")
        except Exception as e:
            raise ValueError(f"Download of {spec['url']} for {recipe['name']}/{network} "
                             f"failed: {e}") from e
    return paths


def default_command():
    return " ".join(["python -m kerasgen.cli.convert"] + [shlex.quote(a) for a in sys.argv[1:]])


def convert_recipe(name, checkpoints=None, out=None, download=False, command=None,
                   statistics_samples=20_000):
    """Converts published weights into a recipe's model; writes a preset when `out` is given.

    Args:
        name: a recipe name or dict (its model must have layout "pytorch" or "theano").
        checkpoints: PyTorch checkpoint path(s) (see `parse_checkpoints`), or for the "theano"
            layout the directory holding the published `.npy` arrays.
        out: preset directory to write (atomically), or None.
        download: fetch the recipe's published checkpoints instead (needs the network).
        command: the command recorded in the metadata (default: this process's arguments).
        statistics_samples: latent draws used to estimate batch-norm statistics ("theano").

    Returns:
        `(model, metadata)`.
    """
    recipe = recipes.get_recipe(name) if isinstance(name, str) else dict(name)
    name = recipe.get("name")
    model = recipes.build_from_recipe(recipe)
    layout = _layout(model)
    source = dict(recipe.get("source") or {})
    meta = {"recipe": name, "command": command or default_command(), "source": source}
    if layout == "theano":
        if checkpoints is None or isinstance(checkpoints, (list, tuple, dict)):
            raise ValueError("The 'theano' layout converts from one directory of .npy arrays: "
                             "pass its path.")
        directory = os.fspath(checkpoints)
        stems = source.get("stems", {})
        arrays = dcgan_theano.load_arrays(
            model, directory, stems.get("generator", dcgan_theano.GENERATOR_STEM),
            stems.get("discriminator", dcgan_theano.DISCRIMINATOR_STEM))
        # the repository's tree at the recipe's commit publishes each file's git blob id
        published = source.get("git_blobs") or {}
        for record in arrays:
            record["verified"] = published.get(record["file"]) == record["git_blob"]
        meta["converted_from"] = arrays
        meta["verified"] = all(record["verified"] for record in arrays)
        meta["batch_norm_statistics"] = dcgan_theano.estimate_statistics(
            model, num_samples=statistics_samples)
        meta["inference_vs_batch_statistics"] = dcgan_theano.batch_statistics_gap(model)
    elif layout == "pytorch":
        if download:
            checkpoints = download_checkpoints(recipe)
        elif checkpoints is None:
            raise ValueError("Pass --checkpoint=FILE (or --download).")
        records = load_checkpoints(model, checkpoints)
        specs = recipe.get("checkpoints") or {}
        for record in records:
            spec = specs.get(record["network"]) or {}
            if spec.get("url"):
                record["url"] = spec["url"]
            published = spec.get("sha256")
            record["verified"] = bool(published) and published == record["sha256"]
            if published and published != record["sha256"]:
                raise ValueError(f"Checkpoint {record['file']} has sha256 {record['sha256']}, "
                                 f"but the recipe's published hash is {published}.")
        meta["converted_from"] = records
        meta["verified"] = all(r["verified"] for r in records)
        converted = {r["network"] for r in records}
        meta["networks_not_converted"] = sorted(
            n for n in torch_checkpoints.KEY_MAPS[type(model).__name__] if n not in converted)
    else:
        raise ValueError(f"Recipe {name!r} has layout={layout!r}: only recipes built with "
                         "layout='pytorch' or 'theano' take published weights.")
    if out is not None:
        model.save_to_preset(os.fspath(out), metadata=meta, include_optimizer=False)
    return model, meta
