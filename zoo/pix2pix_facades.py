"""Isola et al. (2017) pix2pix on CMP Facades (labels -> photo) at 256 px.

Data: a folder with `input/` (label maps) and `target/` (photos) holding files of the same names,
passed with `--data=DIR` (tfds has no facades dataset).

The architecture is the authors' reference implementation's exactly (`layout="pytorch"`: `unet_256`
with batch norm and dropout, the `basic` PatchGAN with batch norm), so their published generator
(facades_label2photo.pth) converts with `python -m kerasgen.cli.convert --recipe=pix2pix_facades
--download --out=DIR` or `kerasgen.load("pix2pix_facades", weights=PATH)`. The paper samples with
dropout on and test-batch statistics: `model.generator(x, training=True)`; `translate` is inference
mode. The fields are built in `zoo/_published.py`.
"""

from kerasgen.zoo._published import pix2pix

RECIPE = pix2pix("facades_label2photo", "facades")
