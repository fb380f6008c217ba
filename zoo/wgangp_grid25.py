"""WGAN-GP on the 25-Gaussian grid (PacGAN protocol).

The WGAN-GP authors' own toy-data settings (Gulrajani et al. 2017, code released with the paper:
gradient-penalty weight 0.1 on 2-D data instead of the image setting's 10, Adam beta_1 0.5,
beta_2 0.9, n_critic 5, batch 256) with the rate schedule that made the GAN recipes converge
(`gan_grid25`: Adam 1e-3 decaying linearly to 0 over the run). `steps` fit steps are critic
iterations: 30,000 of them are 6,000 generator iterations.

Probe of the same losses written by hand (scratch, seed 0, 2,500 samples; modes / HQ / reverse KL):
penalty 0.1, Adam 1e-4 constant, 3 x 512 units, 8,000 critic steps in 280 s: 24 / 3.9 % / 0.35;
penalty 0.1, 1e-3 decaying, 3 x 256: 25 / 91.0 % / 0.094 in 271 s. Through the library: penalty
10, 1e-3 decaying, beta_1 0, no EMA: 1 / 0.1 %; the previous recipe (penalty 10, 1e-3 constant,
EMA 0.999, 5,000 critic steps): 7.6 modes / 1.7 % over 5 seeds.
"""

STEPS = 30_000
N_CRITIC = 5


def adam(decay_steps, learning_rate=1e-3):
    """Adam(1e-3, 0.5, 0.9) whose rate decays linearly from the first step to 0."""
    return {"class_name": "Adam", "config": {
        "learning_rate": {"module": "kerasgen.optimizers", "class_name": "linear_decay",
                          "config": {"initial_learning_rate": learning_rate,
                                     "constant_steps": 0, "decay_steps": decay_steps},
                          "registered_name": "kerasgen>linear_decay"},
        "beta_1": 0.5, "beta_2": 0.9}}


RECIPE = {
    "description": "MLP WGAN-GP on the grid25 toy mixture (mode-coverage benchmark); shipped weights",
    "family": "WGANGP",
    "model": {"latent_dim": 2, "sample_shape": [2], "hidden_units": [256, 256, 256],
              "gp_weight": 0.1, "n_critic": N_CRITIC},
    # the critic's schedule counts critic iterations, the generator's generator iterations
    "compile": {"d_optimizer": adam(STEPS), "g_optimizer": adam(STEPS // N_CRITIC)},
    "data": {"builder": "toy", "mixture": "grid25"},
    "dataset": "grid25: 25 Gaussians at {-4,-2,0,2,4}^2, std 0.05",
    "resolution": None,
    "batch_size": 256,
    "steps": STEPS,
    "evaluation": {"kind": "mode_coverage", "mixture": "grid25", "num_samples": 2500},
}
