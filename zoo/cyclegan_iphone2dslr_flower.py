"""Zhu et al. (2017) CycleGAN, iPhone -> DSLR flower photos (shallow depth of field), at 256 px:
the authors' published generator `iphone2dslr_flower.pth` (junyanz/pytorch-CycleGAN-and-pix2pix,
`scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the iPhone -> DSLR flower photos generator, loaded as `generator_g` ("x2y"): `python -m
kerasgen.cli.convert --recipe=cyclegan_iphone2dslr_flower --download --out=DIR`. See
`zoo/_published.py` for the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("iphone2dslr_flower", "iphone2dslr_flower")
