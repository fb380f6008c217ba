"""SRGAN-MSE (Ledig et al. 2017, arXiv:1609.04802) x4 on the bundled natural images: the
`srresnet_natural` generator, initialized from its trained weights (as the paper does), fine-tuned
with the pixel-MSE content loss plus an adversarial loss of weight 1e-2 (no ImageNet VGG19
offline); the paper's discriminator, narrower (16 -> 128 filters, 256 dense units), on 64 px
crops, without batch norm. Figure: 27.85 dB, sharpness 0.622 of HR on the held-out images
(`python bench/srgan.py`). The weight exploration and the colour speckle it trades against are
in bench/RESULTS.md ("Explorations behind the recipes").

`chroma="bicubic"`: the generator's luma with the bicubic upsampling's colour (as SRCNN
super-resolves the Y channel only), so the colour speckle the adversarial loss breeds on grey
areas cannot reach the output: a grey photo stays exactly grey (issue #35; bench/RESULTS.md
"#35 srgan_natural")."""

_ADAM = {"class_name": "Adam", "config": {"learning_rate": 1e-4, "beta_1": 0.9}}

RECIPE = {
    "description": "SRGAN-MSE (Ledig 2017) x4 on the bundled natural images, initialized from "
                   "srresnet_natural; shipped weights",
    "family": "SRGAN",
    "model": {"scale": 4, "channels": 3, "filters": 48, "num_residual_blocks": 8,
              "batch_norm": False, "global_residual": True, "outer_kernel": 3,
              "upsampling": "espcn", "patch_size": 64, "d_filters": 16,
              "d_dense_units": 256, "content_loss": "mse", "adversarial_weight": 1e-2,
              "chroma": "bicubic"},
    "compile": {"g_optimizer": _ADAM, "d_optimizer": _ADAM},
    "init_from": "srresnet_natural",
    "data": {"builder": "super_resolution", "split": "train", "scale": 4, "patch_size": 64,
             "min_patch_std": 8.0},
    "dataset": "15 natural images bundled with scikit-image and scikit-learn (random 64 px "
               "crops with a standard deviation of at least 8 levels, flips, rotations); 4 "
               "held-out test images",
    "resolution": 64,
    "batch_size": 16,
    "steps": 500,
    "evaluation": {"kind": "super_resolution", "split": "test"},
}
