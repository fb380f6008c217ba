"""Zhu et al. (2017) CycleGAN, Cityscapes label maps -> street photos, at 256 px: the authors'
published generator `cityscapes_label2photo.pth` (junyanz/pytorch-CycleGAN-and-pix2pix,
`scripts/download_cyclegan_model.sh`).

Data: a CycleGAN-layout folder (`trainA/` photos, `trainB/` label maps) made by the authors'
`datasets/prepare_cityscapes_dataset.py`, passed with `--data=DIR` (tfds no longer has Cityscapes).

The architecture is the reference's (`layout="pytorch"`, `resnet_9blocks`); the published file is
the Cityscapes label maps -> street photos generator, loaded as `generator_g` ("x2y"): `python -m
kerasgen.cli.convert --recipe=cyclegan_cityscapes_label2photo --download --out=DIR`. See
`zoo/_published.py` for the fields.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("cityscapes_label2photo", "cityscapes", "BtoA")
