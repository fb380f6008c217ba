"""Converting a recipe's published weights into a preset: the zoo's entry to `kerasgen.convert`.

`convert_recipe` builds the recipe's model, downloads its published checkpoints when asked, runs
the data-only converters of `kerasgen.convert`, checks published hashes and writes the preset
atomically; `python -m kerasgen.cli.convert` is its command line.
"""

import os
import shlex
import sys

from kerasgen import convert
from kerasgen.convert import dcgan_theano, dcgan_torch7, torch_checkpoints
from kerasgen.recipes import registry, weights


def _layout(model):
    return model.get_config().get("layout")


def download_checkpoints(recipe):
    """Downloads a recipe's published checkpoints into `$KERASGEN_HOME/checkpoints/NAME/`
    (`weights.fetch`: temporary file, size bound, published sha256 where there is one);
    returns `{network: path}`."""
    kind, paths = weights.fetch(recipe, offline=False)
    if kind != "checkpoints":
        raise ValueError(f"Recipe {recipe.get('name')!r} lists no published checkpoints.")
    return paths


def default_command():
    return " ".join(["python -m kerasgen.cli.convert"] + [shlex.quote(a) for a in sys.argv[1:]])


def convert_recipe(name, checkpoints=None, out=None, download=False, command=None,
                   statistics_samples=20_000):
    """Converts published weights into a recipe's model; writes a preset when `out` is given.

    Args:
        name: a recipe name or dict (its model must have layout "pytorch", "torch7" or
            "theano").
        checkpoints: PyTorch checkpoint path(s) (see `parse_checkpoints`), for the "torch7"
            layout the dcgan.torch generator file (a path or `{"generator": path}`), or for the
            "theano" layout the directory holding the published `.npy` arrays.
        out: preset directory to write (atomically), or None.
        download: fetch the recipe's published checkpoints instead (needs the network).
        command: the command recorded in the metadata (default: this process's arguments).
        statistics_samples: latent draws used to estimate batch-norm statistics ("theano",
            "torch7").

    Returns:
        `(model, metadata)`.
    """
    recipe = registry.get_recipe(name) if isinstance(name, str) else dict(name)
    name = recipe.get("name")
    model = registry.build_from_recipe(recipe)
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
    elif layout == "torch7":
        if download:
            checkpoints = download_checkpoints(recipe)
        if isinstance(checkpoints, dict):
            checkpoints = checkpoints.get("generator")
        if checkpoints is None:
            raise ValueError("Pass --checkpoint=FILE (the dcgan.torch *_net_G.t7 file) or "
                             "--download.")
        record = dcgan_torch7.load_torch7_generator(model, checkpoints)
        spec = (recipe.get("checkpoints") or {}).get("generator") or {}
        if spec.get("url"):
            record["url"] = spec["url"]
        published = spec.get("sha256")
        if published and published != record["sha256"]:
            raise ValueError(f"Torch7 file {record['file']} has sha256 {record['sha256']}, but "
                             f"the recipe's published hash is {published}.")
        record["network"] = "generator"
        record["verified"] = bool(published)
        meta["converted_from"] = [record]
        meta["verified"] = record["verified"]
        meta["sampler"] = spec.get("sampler", {})
        meta["batch_norm_statistics"] = dcgan_torch7.estimate_statistics(
            model, num_samples=statistics_samples)
        meta["networks_not_converted"] = ["discriminator"]
    elif layout == "pytorch":
        if download:
            checkpoints = download_checkpoints(recipe)
        elif checkpoints is None:
            raise ValueError("Pass --checkpoint=FILE (or --download).")
        records = convert.load_checkpoints(model, checkpoints)
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
                         "layout='pytorch', 'torch7' or 'theano' take published weights.")
    if out is not None:
        model.save_to_preset(os.fspath(out), metadata=meta, include_optimizer=False)
    return model, meta
