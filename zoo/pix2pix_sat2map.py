"""Isola et al. (2017) pix2pix, aerial photos -> maps, at 256 px: the authors' published generator
`sat2map.pth` (junyanz/pytorch-CycleGAN-and-pix2pix, `scripts/download_pix2pix_model.sh`).

Data: a folder with `input/` and `target/` images of the same names, passed with `--data=DIR`. The
architecture is the reference's (`layout="pytorch"`: `unet_256` with batch norm and dropout):
`python -m kerasgen.cli.convert --recipe=pix2pix_sat2map --download --out=DIR`. The paper samples
with dropout on and test-batch statistics (`model.generator(x, training=True)`); `translate` is
inference mode. See `zoo/_published.py` for the fields.
"""

from kerasgen.zoo._published import pix2pix

RECIPE = pix2pix("sat2map", "sat2map")
