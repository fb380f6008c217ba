"""Zhu et al. (2017) CycleGAN, Yosemite winter -> summer, at 256 px: the authors' published
generator `winter2summer_yosemite.pth` (junyanz/pytorch-CycleGAN-and-pix2pix,
`scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the Yosemite winter -> summer generator, loaded as `generator_g` ("x2y"): `python -m
kerasgen.cli.convert --recipe=cyclegan_winter2summer_yosemite --download --out=DIR`. See
`zoo/_published.py` for the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("winter2summer_yosemite", "summer2winter_yosemite", "BtoA")
