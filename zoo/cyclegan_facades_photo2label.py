"""Zhu et al. (2017) CycleGAN, CMP facade photos -> label maps, at 256 px: the authors' published
generator `facades_photo2label.pth` (junyanz/pytorch-CycleGAN-and-pix2pix,
`scripts/download_cyclegan_model.sh`).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the CMP facade photos -> label maps generator, loaded as `generator_g` ("x2y"): `python -m
kerasgen.cli.convert --recipe=cyclegan_facades_photo2label --download --out=DIR`. See
`zoo/_published.py` for the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("facades_photo2label", "facades")
