"""Zhu et al. (2017) CycleGAN, Monet paintings -> photos, at 256 px: the authors' published
generator `monet2photo.pth` (junyanz/pytorch-CycleGAN-and-pix2pix,
`scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the Monet paintings -> photos generator, loaded as `generator_g` ("x2y"): `python -m
kerasgen.cli.convert --recipe=cyclegan_monet2photo --download --out=DIR`. See `zoo/_published.py`
for the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("monet2photo", "monet2photo")
