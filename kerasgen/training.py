"""Recipe training as a library function: `train_and_evaluate(recipe, model_dir, ...)`.

`python -m kerasgen.cli.train` is a thin absl wrapper around it. A run builds the recipe's model
and data, fits with checkpoints (resuming from the newest), evaluates with the recipe's metrics
(printed beside their reference, see `kerasgen.evaluation`) and writes a preset whose metadata
names the command and the figures reached. The model directory holds:

* `checkpoints/ckpt-NNNNNNNN/` (weights of every network *and* every optimizer, plus `state.json`
  with the epoch and step). Each is written under a temporary name and renamed when complete, so a
  kill during a write leaves the previous checkpoint usable; the newest complete one is resumed.
* `logs/` TensorBoard scalars and sample grids, `samples/` PNG grids,
* `preset/` the final preset (config.json, model.weights.h5, metadata.json) that
  `kerasgen.load(model_dir)` accepts (or `preset_dir`, e.g. `zoo/weights/NAME` to ship it).
"""

import inspect
import json
import math
import os
import time

import keras

from kerasgen import callbacks as callbacks_lib
from kerasgen import data as data_lib
from kerasgen import distribute, evaluation, preset_format, recipes
from kerasgen.utils import write_atomically

def make_dataset(recipe, batch_size, data=None, seed=None, repeat=True):
    """Builds a recipe's training dataset, repeated forever (unless `repeat=False`).

    Args:
        data: overrides the data location: the folder of an `image_folder` recipe, or the tfds
            `data_dir` of a `from_tfds` recipe (the key is the recipe's `data.path_arg`).
    """
    spec = dict(recipe.get("data") or {})
    builder_name = spec.pop("builder", None)
    path_arg = spec.pop("path_arg", "path")
    try:
        builder = data_lib.get_builder(builder_name)
    except ValueError as e:
        raise ValueError(f"Recipe {recipe.get('name')!r}: {e}") from None
    if data is not None:
        if not os.path.exists(data):
            raise FileNotFoundError(f"Data directory not found: {data!r}.")
        spec[path_arg] = data
    if "seed" not in spec and seed is not None and "seed" in inspect.signature(
            builder).parameters:
        spec["seed"] = seed
    dataset = builder(batch_size=batch_size, **spec)
    return dataset.repeat() if repeat else dataset


def validation_setup(recipe, checkpoint_every):
    """The recipe's held-out data and early stopping, from its optional `validation` entry.

    `"validation": {"data": {"builder": "digits", "split": "val", "raw": True},
    "batch_size": 350, "every_steps": 10, "patience": 30, "monitor": "val_loss"}` evaluates the
    losses on that data every `every_steps` steps (one Keras epoch) and, with `patience`, stops
    when `monitor` has not improved for that many evaluations and restores the best weights
    (early stopping; `steps` is then the most the run may take).

    Returns:
        `(dataset or None, epoch_steps, callbacks)`.
    """
    spec = dict(recipe.get("validation") or {})
    if not spec:
        return None, checkpoint_every, []
    unknown = set(spec) - {"data", "batch_size", "every_steps", "patience", "monitor"}
    if unknown or "data" not in spec:
        raise ValueError(f"Recipe {recipe.get('name')!r}: `validation` takes data, batch_size, "
                         f"every_steps, patience and monitor; got {sorted(spec)}.")
    dataset = make_dataset({"name": recipe.get("name"), "data": spec["data"]},
                           int(spec.get("batch_size", 500)), repeat=False)
    epoch_steps = int(spec.get("every_steps", checkpoint_every))
    if epoch_steps <= 0:
        raise ValueError(f"`validation.every_steps` must be positive, got {epoch_steps}.")
    epoch_steps = min(epoch_steps, checkpoint_every)  # a short run still checkpoints
    callbacks = []
    if spec.get("patience") is not None:
        callbacks.append(keras.callbacks.EarlyStopping(
            monitor=spec.get("monitor", "val_loss"), patience=int(spec["patience"]),
            restore_best_weights=True))
    return dataset, epoch_steps, callbacks


#: the recipe fields that decide what a run trains; a model_dir's checkpoints are resumed only
#: under the same ones (steps and batch size may change: they are flags)
_RUN_FIELDS = ("family", "model", "compile", "data", "init_from")


def _check_same_recipe(model_dir, recipe_name, recipe, existing, chief):
    """Refuses to resume checkpoints written under other recipe fields; records them for a new
    run (`model_dir/recipe.json`), so a preset is never trained partly by an older recipe."""
    path = os.path.join(model_dir, "recipe.json")
    current = json.loads(json.dumps({k: recipe.get(k) for k in _RUN_FIELDS}, default=str))
    current["name"] = recipe_name
    if existing and os.path.exists(path):
        with open(path) as f:
            saved = json.load(f)
        held = saved.get("name")  # absent in directories written before the name was stored
        if held is not None and held != recipe_name:
            raise ValueError(
                f"--model_dir {model_dir!r} holds checkpoints of recipe {held!r}, not "
                f"{recipe_name!r}; resuming them would mix the two. Use a new --model_dir for "
                f"{recipe_name!r}, or --recipe={held} to resume it.")
        changed = [k for k in _RUN_FIELDS if saved.get(k) != current.get(k)]
        if changed:
            what = f"recipe {held!r}" if held is not None else "another recipe"
            raise ValueError(
                f"--model_dir {model_dir!r} holds checkpoints of {what} trained with another "
                f"{', '.join(changed)} than recipe {recipe_name!r} has now; resuming them "
                "would mix the two. Use a new --model_dir, or delete this one to start over.")
    elif chief and not existing:
        write_atomically(path, lambda tmp: _write_json(tmp, current))


def _write_json(path, payload):
    with open(path, "w") as f:
        json.dump(payload, f, indent=1, sort_keys=True)


def train_and_evaluate(recipe_name, model_dir, steps=None, batch_size=None, strategy="default",
                       seed=0, data=None, checkpoint_every=None, sample_every=None, verbose=1,
                       tpu=None, dataset=None, steps_per_execution=None, evaluate=True,
                       preset_dir=None, preset_optimizer=True, command=None, recipe=None):
    """Trains a zoo recipe, resuming from `model_dir`, and writes a preset there.

    Args:
        recipe_name: a recipe of `kerasgen.list_models()`.
        model_dir: directory for checkpoints, logs, samples and the final preset.
        steps: total training steps (default: the recipe's).
        batch_size: global batch size (default: the recipe's).
        strategy: "default", "mirrored", "multi_worker" or "tpu".
        seed: seeds Keras, the model's seed generator and the data shuffling.
        data: overrides the data location (see `make_dataset`).
        checkpoint_every: steps between checkpoints (default: the recipe's
            `checkpoint_every`, else min(steps, 500)).
        sample_every: checkpoints between sample grids (default 1: each checkpoint).
        dataset: a ready `tf.data.Dataset` to train on instead of the recipe's data.
        steps_per_execution: train steps per call into the compiled graph (default: the
            recipe's `compile` entry, else 1). Larger values save the per-step Python overhead
            of small models (see bench/RESULTS.md); the updates are the same.
        evaluate: measure the model with the recipe's `evaluation` spec at the end (printed
            beside its reference and stored in the preset's metadata as `metric`).
        preset_dir: where the final preset goes (default `model_dir/preset`).
        preset_optimizer: keep the optimizers' state in the preset.
        command: the command line recorded in the preset's metadata (default: the equivalent
            `python -m kerasgen.cli.train` command).
        recipe: a recipe dict to train instead of looking `recipe_name` up (benches pass
            `kerasgen.recipes.recipe_with(...)` variations); `recipe_name` still names it.

    With `multi_worker`, the chief writes to `model_dir` and worker i to
    `model_dir/workers/i`, so workers may share one file system.

    Returns:
        `(model, info)` with `info` a dict of step count, wall time and final logs.
    """
    recipe = recipes.get_recipe(recipe_name) if recipe is None else dict(recipe)
    recipe.setdefault("name", recipe_name)
    steps = int(recipe.get("steps", 1000) if steps is None else steps)
    batch_size = int(recipe.get("batch_size", 64) if batch_size is None else batch_size)
    if steps <= 0:
        raise ValueError(f"`steps` must be positive, got {steps}.")
    if batch_size <= 0:
        raise ValueError(f"`batch_size` must be positive, got {batch_size}.")
    checkpoint_every = int(checkpoint_every or recipe.get("checkpoint_every") or min(steps, 500))
    if checkpoint_every <= 0:
        raise ValueError(f"`checkpoint_every` must be positive, got {checkpoint_every}.")
    if steps_per_execution is not None:
        if int(steps_per_execution) <= 0:
            raise ValueError(f"`steps_per_execution` must be positive, got "
                             f"{steps_per_execution}.")
        recipe.setdefault("compile", {})["steps_per_execution"] = int(steps_per_execution)
    keras.utils.set_random_seed(seed)
    strategy_obj = distribute.get_strategy(strategy, tpu=tpu)
    chief = distribute.is_chief(strategy_obj)
    if not chief:  # other workers keep their own copy, so no two processes write one file
        model_dir = os.path.join(model_dir, "workers",
                                 str(strategy_obj.cluster_resolver.task_id))
    if dataset is None:
        dataset = make_dataset(recipe, batch_size, data=data, seed=seed)
    else:
        dataset = dataset.repeat()
    if not list(dataset.take(1)):
        raise ValueError(f"The training dataset of recipe {recipe_name!r} is empty; nothing "
                         "was written.")
    os.makedirs(model_dir, exist_ok=True)
    with strategy_obj.scope():
        # every family takes `seed` (the contract), so it reaches the model's random draws
        model = recipes.build_from_recipe(recipe, compile=True, seed=seed)
    # a Keras epoch is checkpoint_every steps, or the validation interval of the recipe
    validation_data, epoch_steps, stopping = validation_setup(recipe, checkpoint_every)
    if epoch_steps % model.steps_per_execution:
        # Keras runs whole executions: an epoch of epoch_steps steps must hold a whole
        # number of them, or it would overrun. The option changes speed, not the result.
        model.steps_per_execution = math.gcd(epoch_steps, model.steps_per_execution)
    initial_epoch = 0
    existing = callbacks_lib.list_checkpoints(model_dir)
    _check_same_recipe(model_dir, recipe_name, recipe, existing, chief)
    if recipe.get("init_from") and not existing:
        # e.g. SRGAN starts from a trained SRResNet (Ledig et al. 2017)
        if not hasattr(model, "initialize_from"):
            raise ValueError(f"Recipe {recipe_name!r} says init_from, but "
                             f"{type(model).__name__} has no initialize_from().")
        model.initialize_from(recipe["init_from"])
    if existing:
        step, path = existing[-1]
        preset_format.load_into(model, os.path.join(path, preset_format.WEIGHTS_FILE))
        with open(os.path.join(path, "state.json")) as f:
            initial_epoch = int(json.load(f)["epoch"])
        print(f"Resuming {recipe_name} from {path} (step {step}).")
    epochs = math.ceil(steps / epoch_steps)
    every_n_epochs = max(1, checkpoint_every // epoch_steps)
    cbs = [
        callbacks_lib.StopOnNonFinite(epoch_steps),
        *stopping,
        callbacks_lib.Checkpointer(model_dir, epoch_steps, every_n_epochs=every_n_epochs),
    ]
    if chief:
        cbs.append(keras.callbacks.TensorBoard(os.path.join(model_dir, "logs"),
                                               update_freq=max(1, epoch_steps // 10)))
        cbs.append(callbacks_lib.SampleGrid(os.path.join(model_dir, "samples"),
                                            every_n_epochs=int(sample_every or 1)
                                            * every_n_epochs,
                                            log_dir=os.path.join(model_dir, "logs")))
    start, cpu_start = time.time(), time.process_time()
    history = None
    if initial_epoch < epochs:
        history = model.fit(dataset, epochs=epochs, steps_per_epoch=epoch_steps,
                            initial_epoch=initial_epoch, callbacks=cbs, verbose=verbose,
                            shuffle=False, validation_data=validation_data)
    wall, cpu = time.time() - start, time.process_time() - cpu_start
    logs = {k: float(v[-1]) for k, v in (history.history if history else {}).items()}
    # History.epoch lists the epochs run (GAN families log d_loss/g_loss, no "loss")
    epochs_run = len(history.epoch) if history else 0
    info = {"steps": (min(initial_epoch, epochs) + epochs_run) * epoch_steps,
            "steps_this_run": epochs_run * epoch_steps,
            # CPU time of this process (all cores): the budget the density goals are set in
            "wall_time_s": round(wall, 2), "cpu_time_s": round(cpu, 2), "logs": logs,
            "recipe": recipe_name, "batch_size": batch_size, "seed": seed, "strategy": strategy,
            "model_dir": model_dir}
    metric = None
    if evaluate and chief and recipe.get("evaluation"):
        spec = dict(recipe["evaluation"], seed=seed)
        metric = evaluation.evaluate(model, spec, verbose="auto" if verbose else 0)
        print(f"{recipe_name} after {info['steps']} steps: {evaluation.summary(metric, spec)}")
    info["metric"] = metric
    for callback in stopping:  # early stopping: the epoch whose weights were kept
        if callback.best_weights is not None:
            info["best_step"] = (callback.best_epoch + 1) * epoch_steps
            info["best_" + callback.monitor] = float(callback.best)
    preset_dir = preset_dir or os.path.join(model_dir, "preset")
    if command is None:
        command = (f"python -m kerasgen.cli.train --recipe={recipe_name} --model_dir={model_dir}"
                   f" --steps={steps} --batch_size={batch_size} --seed={seed}")
    info["preset_dir"] = preset_dir
    preset_format.save_preset(model, preset_dir, include_optimizer=preset_optimizer, metadata={
        "recipe": recipe_name,
        "dataset": recipe.get("dataset"),
        "command": command,
        "metric": metric,
        "training": info,
    })
    return model, info
