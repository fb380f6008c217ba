"""The dcgan.torch generators the DCGAN authors published: shared recipe data.

soumith/dcgan.torch (the DCGAN authors' Torch code) published two trained generators, linked
from its README ("Pre-trained network can be downloaded from here"); the Git LFS pointers of
soumith/lfs publish their sha256 and size. Each converts with
kerasgen.convert.dcgan_torch7.load_torch7_generator into the DCGAN built from a recipe's "model"
(layout "torch7": dcgan.torch's layers exactly). "sampler" is how its generate.lua draws: the
network left in training mode (batch statistics, each batch of `batch_size` normalized by
itself) and noisetype "normal", its default since commit 8fc7a4f, just before the weights were
linked. main.lua trained with noise "uniform" before dd44a49 (2015-12-06): the files whose
generator starts with an nn.View, which load_torch7_generator reports as layout "older".
"""

URL = "https://github.com/soumith/lfs/raw/master/dcgan.torch/"

_COMMON = {'size': 14328096,
           'format': 'torch7',
           'converter': 'kerasgen.convert.dcgan_torch7.load_torch7_generator',
           'sampler': {'script': 'generate.lua',
                       'batch_statistics': True,
                       'noise': 'normal',
                       'batch_size': 32},
           'repository': 'https://github.com/soumith/dcgan.torch',
           'commit': '6eaac638c3df1086530905d318ac2362efefe7b4',
           'licence': 'BSD License, Copyright (c) 2015, Facebook, Inc. (LICENSE.md; and PATENTS)',
           'licence_notice': 'Redistribution and use in source and binary forms, with or without '
                             'modification, are permitted provided that the following conditions are '
                             'met: * Redistributions of source code must retain the above copyright '
                             'notice, this list of conditions and the following disclaimer. * '
                             'Redistributions in binary form must reproduce the above copyright notice, '
                             'this list of conditions and the following disclaimer in the documentation '
                             'and/or other materials provided with the distribution. * Neither the name '
                             'Facebook nor the names of its contributors may be used to endorse or '
                             'promote products derived from this software without specific prior written '
                             'permission. THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND '
                             'CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT '
                             'NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR '
                             'A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT '
                             'HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, '
                             'SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED '
                             'TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR '
                             'PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF '
                             'LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING '
                             'NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS '
                             'SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.'}


def generator(file, sha256):
    """The `checkpoints` entry of a recipe whose published file is dcgan.torch's `file`."""
    return {"generator": dict(_COMMON, url=URL + file, sha256=sha256)}
