"""Zhu et al. (2017) CycleGAN, maps -> aerial photos, at 256 px: the authors' published generator
`map2sat.pth` (junyanz/pytorch-CycleGAN-and-pix2pix, `scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the maps -> aerial photos generator, loaded as `generator_g` ("x2y"): `python -m
kerasgen.cli.convert --recipe=cyclegan_map2sat --download --out=DIR`. See `zoo/_published.py` for
the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("map2sat", "maps", "BtoA")
