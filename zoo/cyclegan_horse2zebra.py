"""Zhu et al. (2017) CycleGAN horse <-> zebra at 256 px, via tfds 'cycle_gan/horse2zebra'.

The architecture is the authors' reference implementation's exactly (`layout="pytorch"`: the
`resnet_9blocks` generator and the `basic` 70x70 PatchGAN with instance norm), so their published
generator converts: `python -m kerasgen.cli.convert --recipe=cyclegan_horse2zebra --download
--out=DIR` (or `--checkpoint=horse2zebra.pth`), or `kerasgen.load("cyclegan_horse2zebra",
weights="horse2zebra.pth")`. The published file is the horse -> zebra generator (G_A, kerasgen's
`generator_g`); the authors publish no hash, so the preset is marked unverified. The other
direction is `cyclegan_zebra2horse`; the fields are built in `zoo/_published.py`.
"""

from kerasgen.zoo._published import cyclegan

RECIPE = cyclegan("horse2zebra", "horse2zebra")
