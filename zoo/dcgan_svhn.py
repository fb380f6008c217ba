"""The DCGAN paper's own SVHN model (Radford, Metz and Chintala 2016), converted from the
authors' published Theano parameters; shipped, works offline.

`zoo/weights/dcgan_svhn/` holds the generator and discriminator of
`models/svhn_unsup_all_conv_dcgan_100z_gaussian_lr_0.0005_64mb/` (epoch 200) in
github.com/Newmu/dcgan_code (MIT licence, Copyright (c) 2015 Alec Radford), converted by

    python -m kerasgen.cli.convert --recipe=dcgan_svhn \
        --checkpoint=dcgan_code/models/svhn_unsup_all_conv_dcgan_100z_gaussian_lr_0.0005_64mb \
        --out=zoo/weights/dcgan_svhn

(`kerasgen.convert.dcgan_theano`: only the `.npy` arrays are read, never the joblib pickles).
The layers are the paper code's (`layout="theano"`): a dense projection with batch norm over its
4096 units, 5x5 transposed convolutions with Theano's symmetric padding, batch-norm epsilon 1e-8,
no biases. The original normalized with batch statistics only; the preset's moving statistics
were estimated from 20,000 latent draws (see its metadata for how close inference mode stays).
The training entries below are the run's as its directory name gives them (Adam, learning rate
5e-4, minibatch 64, z ~ N(0, I) in 100 dimensions, 200 epochs).
"""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 5e-4, "beta_1": 0.5}}

RECIPE = {
    "description": "DCGAN (Radford 2016): the paper's own SVHN model, converted from the "
                   "authors' Theano weights; shipped",
    "family": "DCGAN",
    "model": {"image_size": 32, "channels": 3, "latent_dim": 100, "base_filters": 64,
              "kernel_size": 5, "layout": "theano"},
    "compile": {"d_optimizer": _ADAM, "g_optimizer": _ADAM},
    "data": {"builder": "from_tfds", "name": "svhn_cropped", "split": "train", "image_size": 32,
             "channels": 3, "path_arg": "data_dir"},
    "dataset": "SVHN (73,257 training digits), 32 px",
    "resolution": 32,
    "batch_size": 64,
    "steps": 229_000,
    "source": {
        "repository": "https://github.com/Newmu/dcgan_code",
        "commit": "ee12b2d15a3856794b8dae77d1eb263c67c36e47",
        "path": "models/svhn_unsup_all_conv_dcgan_100z_gaussian_lr_0.0005_64mb",
        "stems": {"generator": "200_gen_params.jl", "discriminator": "200_discrim_params.jl"},
        "licence": "MIT License, Copyright (c) 2015 Alec Radford",
        "licence_notice": (
            "Permission is hereby granted, free of charge, to any person obtaining a copy of "
            "this software and associated documentation files (the \"Software\"), to deal in "
            "the Software without restriction, including without limitation the rights to use, "
            "copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the "
            "Software, and to permit persons to whom the Software is furnished to do so, "
            "subject to the following conditions: The above copyright notice and this "
            "permission notice shall be included in all copies or substantial portions of the "
            "Software. THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, "
            "EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF "
            "MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO "
            "EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR "
            "OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING "
            "FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN "
            "THE SOFTWARE."),
        # the repository's tree at `commit` publishes each array's git blob id
        "git_blobs": {
            "200_gen_params.jl_01.npy": "3163321831fc55956e7885bcdd4daaf25a070923",
            "200_gen_params.jl_02.npy": "a0b1ea4c315c5eb14e011a0fc512c7838bdb6e8c",
            "200_gen_params.jl_03.npy": "0e3881514593ed1ec0927c62da292d6086afcf19",
            "200_gen_params.jl_04.npy": "8b357b98c60a771fac07fd611b95c1934792fdec",
            "200_gen_params.jl_05.npy": "d0bc9b6e8ae86d4a9d9ec770a729f5990ad4e781",
            "200_gen_params.jl_06.npy": "bb0e4a2f90f18a7bc6ec926080b4407124bf662b",
            "200_gen_params.jl_07.npy": "7a3b3ef33055653aae84055d0962ac0f1df0d3a4",
            "200_gen_params.jl_08.npy": "9dd5b1f23e920acd94a7e567376be2780f0d1a20",
            "200_gen_params.jl_09.npy": "16b0850fa486a048f48bbde7d6ff0c0e0b49f115",
            "200_gen_params.jl_10.npy": "a2cdc19b66a3e74a0131a63e396fcc77981f539f",
            "200_discrim_params.jl_01.npy": "6abd15f9848704a32062c2ebe11768ecc6052828",
            "200_discrim_params.jl_02.npy": "a1422b087c898de5fa822071567b4712a6fed842",
            "200_discrim_params.jl_03.npy": "6b3d7ea696ccc12d74727037f990c8a2f3694448",
            "200_discrim_params.jl_04.npy": "be84039da950483c04d477d9a523141bec5ce658",
            "200_discrim_params.jl_05.npy": "0f2e50b7370df8ffc7b670a4d8c9bccbe253e4c7",
            "200_discrim_params.jl_06.npy": "07ba3eb2cb1f9bffc2d32e8e31166f1007ed1153",
            "200_discrim_params.jl_07.npy": "f001e5393f1c08a53a7679d7acda943c77421f2b",
            "200_discrim_params.jl_08.npy": "71a690d2ff6072a703950978bcc0daa3e1c7c9d6",
        },
    },
}
