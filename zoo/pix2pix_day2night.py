"""Isola et al. (2017) pix2pix, day -> night photos, at 256 px: the authors' published generator
`day2night.pth` (junyanz/pytorch-CycleGAN-and-pix2pix, `scripts/download_pix2pix_model.sh`).

Data: a folder with `input/` and `target/` images of the same names, passed with `--data=DIR`. The
architecture is the reference's (`layout="pytorch"`: `unet_256` with batch norm and dropout):
`python -m kerasgen.cli.convert --recipe=pix2pix_day2night --download --out=DIR`. The paper samples
with dropout on and test-batch statistics (`model.generator(x, training=True)`); `translate` is
inference mode. See `zoo/_published.py` for the fields.
"""

from kerasgen.zoo._published import pix2pix

RECIPE = pix2pix("day2night", "day2night")
