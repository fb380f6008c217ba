"""Zhu et al. (2017) CycleGAN, oranges -> apples, at 256 px: the authors' published generator
`orange2apple.pth` (junyanz/pytorch-CycleGAN-and-pix2pix, `scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the oranges -> apples generator, loaded as `generator_g` ("x2y"): `python -m kerasgen.cli.convert
--recipe=cyclegan_orange2apple --download --out=DIR`. See `zoo/_published.py` for the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("orange2apple", "apple2orange", "BtoA")
