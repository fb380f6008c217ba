"""Published weights of the papers' reference implementations -> kerasgen presets.

* `torch_checkpoints`: PyTorch state dicts of junyanz/pytorch-CycleGAN-and-pix2pix (CycleGAN,
  pix2pix) and of pytorch/examples' DCGAN, into models built with `layout="pytorch"`.
* `dcgan_theano`: the DCGAN paper's Theano arrays (Newmu/dcgan_code), into `layout="theano"`.

Third-party files are data, never code: checkpoints load with `torch.load(weights_only=True)`,
arrays with `np.load(allow_pickle=False)`, and joblib/pickle files are never opened. Every tensor
is checked (keys, shapes, dtypes, finite values) before any weight changes, and a preset is written
atomically, so a failed conversion leaves nothing behind.

This package holds the converters, which take files and a built model and know nothing of
recipes; the zoo's `kerasgen.recipes.convert_recipe(name, checkpoints, out)` (what
`python -m kerasgen.cli.convert` runs) builds a recipe's model and calls them, and
`kerasgen.load(name, weights="file.pth")` calls `load_checkpoints` on the fly.
"""

import os

from kerasgen.convert import dcgan_theano, torch_checkpoints  # noqa: F401
from kerasgen.convert.torch_checkpoints import is_torch_checkpoint, read_state_dict  # noqa: F401
from kerasgen.utils import sha256_of

#: the families with a PyTorch checkpoint converter
TORCH_FAMILIES = tuple(torch_checkpoints.KEY_MAPS)


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
