"""SRResNet (Ledig et al. 2017, arXiv:1609.04802) x4 on the natural images bundled with
scikit-image and scikit-learn, trained on CPU in minutes. Changes from the paper, each for this
budget: every convolution at the low resolution with one depth-to-space at the end
(`upsampling="espcn"`, Shi et al. 2016); 48 filters x 8 blocks, no batch norm and the bicubic
upsampling added to the output (`global_residual`, as EDSR, Lim et al. 2017); EDSR's L1 loss,
Adam 5e-4 with cosine decay, 64 px crops with flat ones redrawn. Held-out images: astronaut,
camera, chelsea, coffee. Figure: +1.35 dB over bicubic (285 CPU-s); the attempts at +2.0 dB and
published DIV2K networks on the same images are tabled in bench/RESULTS.md ("Explorations behind
the recipes")."""

STEPS = 3000

RECIPE = {
    "description": "SRResNet (Ledig 2017) x4 with an ESPCN tail and L1 loss, on the bundled "
                   "natural images (scikit-image + scikit-learn), split by image; shipped weights",
    "family": "SRResNet",
    "model": {"scale": 4, "channels": 3, "filters": 48, "num_residual_blocks": 8,
              "batch_norm": False, "global_residual": True, "outer_kernel": 3,
              "upsampling": "espcn", "pixel_loss": "l1"},
    "compile": {"g_optimizer": {"class_name": "Adam", "config": {
        "learning_rate": {"module": "keras.optimizers.schedules", "class_name": "CosineDecay",
                          "config": {"initial_learning_rate": 5e-4, "decay_steps": STEPS}},
        "beta_1": 0.9}}},
    "data": {"builder": "super_resolution", "split": "train", "scale": 4, "patch_size": 64,
             "min_patch_std": 8.0},
    "dataset": "15 natural images bundled with scikit-image and scikit-learn (random 64 px "
               "crops with a standard deviation of at least 8 levels, flips, rotations); 4 "
               "held-out test images",
    "resolution": 64,
    "batch_size": 16,
    "steps": STEPS,
    "evaluation": {"kind": "super_resolution", "split": "test"},
}
