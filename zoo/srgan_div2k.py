"""SRGAN-VGG54 as in Ledig et al. (2017): the SRResNet generator initialized from a trained
`srresnet_div2k`, content loss on VGG19 block5_conv4 features (ImageNet weights, rescaled by
1/12.75) plus 1e-3 x the adversarial loss, the paper's discriminator on 96 px crops, Adam(1e-4)
for 10^5 updates (then 10^5 at 1e-5 in the paper). Needs the VGG19 ImageNet weights
(`~/.keras/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`) and DIV2K prepared with
`tfds build div2k/bicubic_x4 --data_dir=DIR` (`--data=DIR`); without them training stops with an
error saying so. No weights are shipped."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 1e-4, "beta_1": 0.9}}

RECIPE = {
    "description": "SRGAN-VGG54 (Ledig 2017) x4, the paper's configuration, on DIV2K via tfds "
                   "(needs --data and VGG19 ImageNet weights; no shipped weights)",
    "family": "SRGAN",
    "model": {"scale": 4, "channels": 3, "filters": 64, "num_residual_blocks": 16,
              "patch_size": 96, "d_filters": 64, "d_dense_units": 1024, "content_loss": "vgg54",
              "adversarial_weight": 1e-3},
    "compile": {"g_optimizer": _ADAM, "d_optimizer": _ADAM},
    "init_from": "srresnet_div2k",
    "data": {"builder": "super_resolution_tfds", "name": "div2k/bicubic_x4", "scale": 4,
             "patch_size": 96, "path_arg": "data_dir"},
    "dataset": "DIV2K (Agustsson & Timofte 2017), 800 training images, bicubic x4 (tfds)",
    "resolution": 96,
    "batch_size": 16,
    "steps": 100_000,
    "evaluation": {"kind": "super_resolution", "split": "test"},
    "weights": {"url": None, "sha256": None},
}
