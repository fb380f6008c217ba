"""Next-frame prediction on moving digits, trained with the MSE alone: the blurry baseline of
Mathieu et al. (2016). `framegan_digits` is the same predictor trained adversarially."""

RECIPE = {
    "description": "Next-frame prediction, MSE only (Mathieu 2016 baseline): 4 frames of a digit "
                   "bouncing on 32x32 -> the next frame; shipped weights",
    "family": "FramePredictor",
    "model": {"context_frames": 4, "image_size": 32, "channels": 1, "base_filters": 32,
              "num_downsamplings": 2, "gdl_weight": 0.0},
    "compile": {"g_optimizer": {"class_name": "Adam",
                                "config": {"learning_rate": 1e-3, "beta_1": 0.5}}},
    "data": {"builder": "moving_digits", "split": "train", "context_frames": 4, "num_digits": 1},
    "dataset": "moving digits: sklearn's 8x8 digits (train split) bouncing on a 32x32 canvas, "
               "generated offline",
    "resolution": 32,
    "batch_size": 32,
    "steps": 3000,
    "evaluation": {"kind": "frame_prediction", "split": "test", "steps": 5, "num_digits": 1},
}
