"""Shared helpers for the benchmarks: timing, peak memory, result files and tables."""

import json
import os
import resource
import statistics
import time

RESULTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def peak_rss_mib():
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def median(values):
    return statistics.median(values)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def median_ms(fn, calls, warmup=1):
    """Median wall time of `calls` calls of `fn`, in ms, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * median(times)


def write_result(name, payload):
    """Writes bench/results/NAME.json (read by bench/run_all.py to build RESULTS.md)."""
    os.makedirs(RESULTS_DIR, exist_ok=True)
    path = os.path.join(RESULTS_DIR, f"{name}.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(payload, f, indent=1)
    os.replace(tmp, path)
    return path


def markdown_table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def train_recipe(name, seed=0, model=None, compile=None, verbose=0, model_dir=None, **fields):
    """Trains recipe `name` (with overrides, `kerasgen.recipes.recipe_with`) through the same
    library function as `python -m kerasgen.cli.train`, in a temporary model directory unless
    one is given; returns `(model, info)` with `info["metric"]` the recipe's evaluation and
    `info["fit_s"]` the wall time of the fit alone."""
    import tempfile

    from kerasgen import recipes, training

    recipe = recipes.recipe_with(name, model=model, compile=compile, **fields)
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        model_, info = training.train_and_evaluate(name, model_dir or tmp, seed=seed,
                                                   verbose=verbose, recipe=recipe,
                                                   sample_every=10 ** 9)
    info["fit_s"] = info["wall_time_s"]
    return model_, info


def mean_se(values, digits=2):
    """'mean ± standard error' of a list of numbers."""
    import numpy as np

    values = np.asarray(values, dtype=np.float64)
    se = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
    return f"{values.mean():.{digits}f} ± {se:.{digits}f}"
