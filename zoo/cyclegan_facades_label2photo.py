"""Zhu et al. (2017) CycleGAN, CMP facade label maps -> photos, at 256 px: the authors' published
generator `facades_label2photo.pth` (junyanz/pytorch-CycleGAN-and-pix2pix,
`scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the CMP facade label maps -> photos generator, loaded as `generator_g` ("x2y"): `python -m
kerasgen.cli.convert --recipe=cyclegan_facades_label2photo --download --out=DIR`. See
`zoo/_published.py` for the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("facades_label2photo", "facades", "BtoA")
