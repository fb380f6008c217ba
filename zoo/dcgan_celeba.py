"""DCGAN (Radford et al. 2016, arXiv:1511.06434) on CelebA faces at 64 px: the generator the
authors published with their Torch code (soumith/dcgan.torch, `celebA_25_net_G.t7`), which
`kerasgen.load("dcgan_celeba")` downloads, verifies by its published sha256, converts and caches;
`layout="torch7"` is dcgan.torch's `main.lua` network exactly, sampled as its `generate.lua` does
(batch statistics, N(0, I) noise). Trainable on tfds 'celeb_a'."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 2e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "DCGAN on CelebA faces 64x64 (tfds 'celeb_a')",
    "family": "DCGAN",
    "model": {"image_size": 64, "channels": 3, "latent_dim": 100, "base_filters": 64,
              "layout": "torch7", "batch_statistics": True, "noise": "normal"},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "from_tfds", "name": "celeb_a", "split": "train", "image_size": 64,
             "channels": 3, "path_arg": "data_dir"},
    "dataset": "CelebA (202,599 faces), centre-cropped, 64 px",
    "resolution": 64,
    "batch_size": 128,
    "steps": 50_000,
    "weights": {"url": None, "sha256": None},
    # soumith/dcgan.torch (the DCGAN authors' Torch code) published a trained generator. It converts
    # with kerasgen.convert.dcgan_torch7.load_torch7_generator into the DCGAN built from "model"
    # (layout "torch7": dcgan.torch's layers exactly). "sampler" is how its generate.lua draws: the
    # network left in training mode (batch statistics, each batch of `batch_size` normalized by
    # itself) and noisetype "normal", its default since commit 8fc7a4f, just before the weights were
    # linked. main.lua trained with noise "uniform" before dd44a49 (2015-12-06): the files whose
    # generator starts with an nn.View, which load_torch7_generator reports as layout "older".
    "checkpoints": {
        "generator": {
            "url": "https://github.com/soumith/lfs/raw/master/dcgan.torch/celebA_25_net_G.t7",
            "sha256": "1f7c9f7bc0845cfc0cef37eb687b2b819e55543f86c4253c2335ae68a8789a40",
            "size": 14_328_096,
            "format": "torch7",
            "converter": "kerasgen.convert.dcgan_torch7.load_torch7_generator",
            "sampler": {"script": "generate.lua", "batch_statistics": True,
                        "noise": "normal", "batch_size": 32},
            "repository": "https://github.com/soumith/dcgan.torch",
            "commit": "6eaac638c3df1086530905d318ac2362efefe7b4",
            "licence": "BSD License, Copyright (c) 2015, Facebook, Inc. (LICENSE.md; and PATENTS)",
            "licence_notice": (
                "Redistribution and use in source and binary forms, with or without modification,"
                " are permitted provided that the following conditions are met: * Redistributions"
                " of source code must retain the above copyright notice, this list of conditions "
                "and the following disclaimer. * Redistributions in binary form must reproduce "
                "the above copyright notice, this list of conditions and the following disclaimer"
                " in the documentation and/or other materials provided with the distribution. * "
                "Neither the name Facebook nor the names of its contributors may be used to "
                "endorse or promote products derived from this software without specific prior "
                "written permission. THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND "
                "CONTRIBUTORS \"AS IS\" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT"
                " LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A "
                "PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR "
                "CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY,"
                " OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF "
                "SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS "
                "INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN "
                "CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING "
                "IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY "
                "OF SUCH DAMAGE."),
        },
    },
}
