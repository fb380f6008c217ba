"""Zhu et al. (2017) CycleGAN, zebra -> horse, at 256 px: the authors' published generator
`zebra2horse.pth` (junyanz/pytorch-CycleGAN-and-pix2pix, `scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the zebra -> horse generator, loaded as `generator_g` ("x2y"): `python -m kerasgen.cli.convert
--recipe=cyclegan_zebra2horse --download --out=DIR`. See `zoo/_published.py` for the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("zebra2horse", "horse2zebra", "BtoA")
