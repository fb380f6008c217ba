"""Zhu et al. (2017) CycleGAN, Yosemite summer -> winter, at 256 px: the authors' published
generator `summer2winter_yosemite.pth` (junyanz/pytorch-CycleGAN-and-pix2pix,
`scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the Yosemite summer -> winter generator, loaded as `generator_g` ("x2y"): `python -m
kerasgen.cli.convert --recipe=cyclegan_summer2winter_yosemite --download --out=DIR`. See
`zoo/_published.py` for the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("summer2winter_yosemite", "summer2winter_yosemite")
