"""Zhu et al. (2017) CycleGAN, aerial photos -> maps, at 256 px: the authors' published generator
`sat2map.pth` (junyanz/pytorch-CycleGAN-and-pix2pix, `scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the aerial photos -> maps generator, loaded as `generator_g` ("x2y"): `python -m
kerasgen.cli.convert --recipe=cyclegan_sat2map --download --out=DIR`. See `zoo/_published.py` for
the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("sat2map", "maps")
