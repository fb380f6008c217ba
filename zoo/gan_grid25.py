"""GAN on the 25-Gaussian grid of the PacGAN protocol (Lin et al. 2018): the recommended
configuration for mixtures of Gaussians.

Non-saturating GAN, generator MLP 3 x 256 and discriminator MLP 3 x 128 (ReLU), z in R^2,
batch 256, Adam(1e-3, beta_1 0.5) whose rate decays linearly to 0 over the run, and the R1
penalty (Mescheder et al. 2018) with gamma = 0.1 on real data. The discriminator runs three
times a step plus R1's double backward, so narrowing it (not the generator) took each seed
under 5 CPU-minutes at the same grid25 quality (issue #35, bench/RESULTS.md). `python bench/gan_toy.py` measures it with and without the stabilizers
(bench/RESULTS.md); `steps` fit steps are as many generator iterations (d_steps = 1).
"""

STEPS = 30_000


def adam(steps=STEPS, learning_rate=1e-3):
    """Adam(1e-3, beta_1 0.5) whose rate decays linearly from the first step to 0 at `steps`."""
    return {"class_name": "Adam", "config": {
        "learning_rate": {"module": "kerasgen.optimizers", "class_name": "linear_decay",
                          "config": {"initial_learning_rate": learning_rate,
                                     "constant_steps": 0, "decay_steps": steps},
                          "registered_name": "kerasgen>linear_decay"},
        "beta_1": 0.5}}


RECIPE = {
    "description": "GAN + R1 on the grid25 mixture (PacGAN protocol); shipped weights",
    "family": "GAN",
    "model": {"latent_dim": 2, "sample_shape": [2], "hidden_units": [256, 256, 256],
              "discriminator_units": [128, 128, 128], "r1_weight": 0.1},
    # 50 steps per graph call: the same updates, faster for this small MLP (bench/RESULTS.md)
    "compile": {"d_optimizer": adam(), "g_optimizer": adam(), "steps_per_execution": 50},
    "data": {"builder": "toy", "mixture": "grid25"},
    "dataset": "grid25: 25 Gaussians at {-4,-2,0,2,4}^2, std 0.05",
    "resolution": None,
    "batch_size": 256,
    "steps": STEPS,
    "evaluation": {"kind": "mode_coverage", "mixture": "grid25", "num_samples": 2500},
}
