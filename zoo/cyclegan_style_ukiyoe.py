"""Zhu et al. (2017) CycleGAN, photos -> ukiyo-e style, at 256 px: the authors' published generator
`style_ukiyoe.pth` (junyanz/pytorch-CycleGAN-and-pix2pix, `scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the photos -> ukiyo-e style generator, loaded as `generator_g` ("x2y"): `python -m
kerasgen.cli.convert --recipe=cyclegan_style_ukiyoe --download --out=DIR`. See `zoo/_published.py`
for the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("style_ukiyoe", "ukiyoe2photo", "BtoA")
