"""The model contract shared by every kerasgen family.

`GenerativeModel` is a `keras.Model` whose `train_step` is overridden by each family. It adds:

* one optimizer per network, given to `compile()` by name (`d_optimizer=`, `g_optimizer=`, ...),
  with the paper's defaults when omitted. The optimizers are *built* (their slot variables
  created) inside `compile()`, so that compiling inside `strategy.scope()` creates every variable
  in the scope: Keras would otherwise create the slots lazily inside `train_step`, which fails under
  `MirroredStrategy` ("You must feed a value for placeholder").
* networks built in `__init__` and the model marked built, so Keras never auto-builds it by calling
  `call()` on a data batch (a GAN's `call` maps z to x, not x to anything).
* losses scaled by `1 / num_replicas_in_sync` before differentiation: Keras sums gradients over
  replicas, so per-replica *mean* losses must be divided by the replica count for the update to
  equal a single-device step on the global batch.
* training *phases*: some algorithms take a different number of updates of each network per step
  (k discriminator steps per generator step in Goodfellow 2014, the WGAN critic schedule). A
  `tf.cond` around `apply_gradients` cannot run under a distribution strategy (a merge call inside
  control flow), so the model instead traces one train function per phase and chooses the phase in
  Python before each step (`_next_phase`). With `compile(steps_per_execution=n)` the phases of
  the next n steps are chosen together: n equal phases run in Keras's own n-step loop, a mixed
  sequence (e.g. 4 critic steps then a critic+generator step), or any sequence under a
  distribution strategy, in one graph with the n steps unrolled, so a k-step schedule stays exact
  whatever n is.
* `generate(num_samples, seed=None)`, `export(path)` (a SavedModel for TF Serving) and
  config/`.keras` round trips.
"""

import os
import shutil
import tempfile
import numbers

import numpy as np
import tensorflow as tf
import keras


def replica_scale(loss):
    """Divides a per-replica mean loss by the number of replicas in sync.

    Keras sums gradients across replicas; dividing each replica's mean loss by the replica count
    makes the summed gradient the gradient of the global-batch mean loss.
    """
    num_replicas = tf.distribute.get_strategy().num_replicas_in_sync
    if num_replicas == 1:
        return loss
    return loss * tf.cast(1.0 / num_replicas, loss.dtype)


def check_num_samples(num_samples, name="num_samples"):
    """Returns `num_samples` as an int, or raises ValueError naming the argument."""
    if isinstance(num_samples, (bool, np.bool_)) or not isinstance(num_samples, numbers.Integral):
        raise ValueError(
            f"`{name}` must be a positive integer, got {num_samples!r} "
            f"of type {type(num_samples).__name__}."
        )
    if num_samples <= 0:
        raise ValueError(f"`{name}` must be a positive integer, got {num_samples}.")
    return int(num_samples)


def write_atomically(path, writer):
    """Calls `writer(tmp_path)` and renames the result onto `path` only when it succeeded.

    Works for files and directories: a crash or an exception leaves any previous `path` intact and
    no half-written one behind.
    """
    path = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp_dir = tempfile.mkdtemp(prefix=".tmp-" + os.path.basename(path) + "-", dir=parent)
    tmp_path = os.path.join(tmp_dir, os.path.basename(path))
    try:
        writer(tmp_path)
        if os.path.isdir(path) and not os.path.islink(path):
            # os.replace cannot replace a non-empty directory: move the old one aside first.
            old = tempfile.mkdtemp(prefix=".old-", dir=parent)
            os.replace(path, os.path.join(old, "x"))
            os.replace(tmp_path, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp_path, path)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return path


class GenerativeModel(keras.Model):
    """Base class of every kerasgen family (see the module docstring for the contract).

    Subclasses set:
      * `optimizer_specs`: dict `{optimizer_name: (network_attrs, default_factory)}`, where
        `network_attrs` is a tuple of the attribute names of the networks that optimizer updates
        and `default_factory()` returns the paper's optimizer.
      * `latent_dim` and `sample_shape` attributes.
    and implement `sample_latent`, `decode_latent`, `train_step` and `serving_endpoints`.

    Args:
        seed: int or None. Seeds the model's `keras.random.SeedGenerator`, which every random
            draw in training goes through, so runs are reproducible.
    """

    optimizer_specs = {}

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._phase = None
        # Created inside a strategy scope: the strategy it will train under (Keras's rule).
        object.__setattr__(self, "_under_strategy", tf.distribute.has_strategy())

    # ------------------------------------------------------------------ building
    def build(self, input_shape=None):
        # Networks are built when they are created; nothing depends on the data's shape.
        self.built = True

    def _finish_init(self):
        """Call at the end of a subclass `__init__`, once every network exists."""
        for attrs, _ in self.optimizer_specs.values():
            for attr in attrs:
                net = getattr(self, attr)
                if not net.built:
                    raise ValueError(
                        f"The `{attr}` network of {type(self).__name__} is not built. Pass a "
                        "network created with `keras.Input` (functional or Sequential) so that "
                        "its weights exist before training."
                    )
        self.built = True

    def networks(self):
        """Dict `{attribute name: network}` of the networks the optimizers train."""
        out = {}
        for attrs, _ in self.optimizer_specs.values():
            for attr in attrs:
                out[attr] = getattr(self, attr)
        return out

    def _variables_of(self, optimizer_name):
        attrs, _ = self.optimizer_specs[optimizer_name]
        variables = []
        for attr in attrs:
            variables.extend(getattr(self, attr).trainable_variables)
        return variables

    # ------------------------------------------------------------------ compile
    def compile(self, **kwargs):
        """Configures the model for training.

        Args:
            **kwargs: one optimizer per network by name (see the family's `optimizer_specs`;
                omitted ones get the paper's defaults), each an optimizer instance, a name such as
                `"adam"`, or a config dict; any other keyword (`run_eagerly`, `jit_compile`,
                `steps_per_execution`, ...) goes to `keras.Model.compile`.
        """
        if kwargs.get("optimizer") is not None and "optimizer" not in self.optimizer_specs:
            names = ", ".join(self.optimizer_specs)
            raise ValueError(
                f"{type(self).__name__} trains several networks: pass one optimizer per network "
                f"by name ({names}) instead of `optimizer=`."
            )
        if "optimizer" not in self.optimizer_specs:
            kwargs.pop("optimizer", None)
        for key in ("loss", "metrics", "loss_weights", "weighted_metrics"):
            if kwargs.get(key) is not None:
                raise ValueError(
                    f"{type(self).__name__} computes its own losses and metrics in `train_step`; "
                    f"`{key}=` is not supported."
                )
            kwargs.pop(key, None)
        optimizers = {}
        for name, (_, default_factory) in self.optimizer_specs.items():
            value = kwargs.pop(name, None)
            optimizers[name] = (
                default_factory() if value is None else keras.optimizers.get(value)
            )
        super().compile(optimizer=None, **kwargs)
        for name, optimizer in optimizers.items():
            setattr(self, name, optimizer)
            # Create the slot variables now, in whatever strategy scope compile() runs in.
            optimizer.build(self._variables_of(name))

    def get_compile_config(self):
        if not self.compiled:
            return None
        config = {
            name: keras.optimizers.serialize(getattr(self, name)) for name in self.optimizer_specs
        }
        for key in ("run_eagerly", "jit_compile", "steps_per_execution"):
            if key in self._compile_config.config:
                config[key] = self._compile_config.config[key]
        return config

    def compile_from_config(self, config):
        config = dict(config)
        for name in self.optimizer_specs:
            if config.get(name) is not None:
                config[name] = keras.optimizers.deserialize(config[name])
        self.compile(**config)

    # ------------------------------------------------------------------ training phases
    def _next_phase(self):
        """Returns the phase of the next train step (hashable); `None` means a single phase."""
        return None

    def make_train_function(self, force=False):
        if self.train_function is not None and not force:
            return self.train_function
        compiled = {}
        make = super().make_train_function
        multi_worker = isinstance(self.distribute_strategy,
                                  tf.distribute.MultiWorkerMirroredStrategy)

        def step_with_expanded_logs(data):
            # Keras 3.15 reduces logs across workers with reduce("MEAN", axis=0), which fails on
            # the 0-d results of metrics: give them a length-1 axis to reduce.
            return {k: tf.reshape(v, [1]) for k, v in type(self).train_step(self, data).items()}

        def keras_function(phase):
            """Keras's own train function (its loop of `steps_per_execution` steps)."""
            if multi_worker:
                object.__setattr__(self, "train_step", step_with_expanded_logs)
            try:
                make(force=True)  # Keras stores the new function on self.train_function
            finally:
                if multi_worker:
                    object.__delattr__(self, "train_step")
            return self.train_function

        def unrolled_function(phases):
            """One graph running len(phases) steps, step i traced with phase phases[i]."""
            strategy = self.distribute_strategy
            step = step_with_expanded_logs if multi_worker else self.train_step

            def reduce(value):
                if multi_worker:
                    return strategy.reduce("MEAN", value, axis=0)
                if isinstance(value, tf.distribute.DistributedValues):
                    return tf.reduce_mean(strategy.experimental_local_results(value), axis=0)
                return value

            def run(iterator):
                logs = None
                for phase in phases:
                    self._phase = phase
                    logs = strategy.run(step, args=(iterator.get_next(),))
                return tf.nest.map_structure(reduce, logs)

            return run if self.run_eagerly else tf.function(run)

        def train_function(iterator):
            # The phases of the steps this call runs are chosen here, in Python, in order.
            phases = tuple(self._next_phase() for _ in range(self.steps_per_execution or 1))
            # Keras's n-step loop (a tf.while_loop) runs n steps of one phase; under a
            # distribution strategy it fails in Keras 3.15 ("You must feed a value for
            # placeholder"), so there, and for mixed phases, the n steps are unrolled.
            uniform = len(set(phases)) == 1 and (len(phases) == 1 or not self._under_strategy)
            key = phases[0] if uniform else phases
            if key not in compiled:
                self._phase = phases[0]
                compiled[key] = keras_function(key) if uniform else unrolled_function(phases)
                self.train_function = train_function
            # Read by train_step whenever a function (re)traces.
            self._phase = phases[0] if uniform else None
            return compiled[key](iterator)

        self.train_function = train_function
        return train_function

    # ------------------------------------------------------------------ data helpers
    @staticmethod
    def unpack(data):
        """Splits a batch into `(x, noise)`; `noise` is None unless the dataset supplies it.

        A dataset may yield `(x, noise)` to make the random draws of a step deterministic (used by
        the strategy-equivalence tests); otherwise the model draws its own noise.
        """
        if isinstance(data, (tuple, list)):
            if len(data) == 1:
                return data[0], None
            return data[0], data[1]
        return data, None

    def check_batch(self, x, expected_shape, name="x"):
        """Raises ValueError when a batch does not have the per-example shape the model needs."""
        shape = tuple(x.shape[1:])
        expected = tuple(expected_shape)
        if len(shape) != len(expected) or any(
            s is not None and e is not None and s != e for s, e in zip(shape, expected)
        ):
            raise ValueError(
                f"{type(self).__name__} expects `{name}` batches of shape (batch,) + {expected}, "
                f"got {tuple(x.shape)}."
            )

    # ------------------------------------------------------------------ sampling
    def sample_latent(self, num_samples, seed=None):
        """Draws `num_samples` latent vectors from the prior."""
        raise NotImplementedError

    def decode_latent(self, z):
        """Maps latent vectors to samples in the model's output range (inference mode)."""
        raise NotImplementedError

    def call(self, z, training=False):
        return self.decode_latent(z)

    def generate(self, num_samples, seed=None, batch_size=256):
        """Returns `num_samples` samples as a NumPy array.

        Args:
            num_samples: positive int.
            seed: int or None. The same int gives the same batch; None draws from the model's
                seed generator (reproducible given the model's `seed`, different each call).
            batch_size: how many samples are decoded at once.
        """
        num_samples = check_num_samples(num_samples)
        batch_size = check_num_samples(batch_size, "batch_size")
        z = self.sample_latent(num_samples, seed=seed if seed is not None else self.seed_generator)
        outputs = [
            keras.ops.convert_to_numpy(self.decode_latent(z[i : i + batch_size]))
            for i in range(0, num_samples, batch_size)
        ]
        return np.concatenate(outputs, axis=0)

    # ------------------------------------------------------------------ export
    def serving_endpoints(self):
        """Dict `{signature name: (fn, [tf.TensorSpec, ...])}`; `fn` returns a dict of tensors.

        The first entry is exported as `serving_default` too.
        """
        raise NotImplementedError

    def export(self, filepath, format="tf_saved_model", verbose=False):
        """Writes a SavedModel for TF Serving and `tf.saved_model.load`.

        The directory is written under a temporary name and renamed into place when complete.
        The signatures are those of `serving_endpoints()`; the first is also `serving_default`.
        `saved_model_cli show --all --dir PATH` lists their input and output names and dtypes.
        """
        if format != "tf_saved_model":
            raise ValueError(f"`format` must be 'tf_saved_model', got {format!r}.")
        endpoints = self.serving_endpoints()

        def writer(tmp_path):
            archive = keras.export.ExportArchive()
            archive.track(self)
            for i, (name, (fn, signature)) in enumerate(endpoints.items()):
                archive.add_endpoint(name, fn, input_signature=signature)
                if i == 0 and name != "serving_default":
                    archive.add_endpoint("serving_default", fn, input_signature=signature)
            archive.write_out(tmp_path, verbose=verbose)

        return write_atomically(filepath, writer)

    # ------------------------------------------------------------------ config helpers
    def set_config(self, **config):
        """Records the constructor hyper-parameters that `get_config` echoes.

        Stored outside Keras's attribute tracking, which would wrap lists and dicts in
        tracking containers that cannot be copied or serialized as plain JSON.
        """
        object.__setattr__(self, "_cfg", config)

    def get_config(self):
        """The base config, the recorded hyper-parameters (`set_config`) and every network."""
        config = super().get_config()
        config.update(self._cfg)
        config.update(self.serialize_networks(**self.networks()))
        return config

    @classmethod
    def from_config(cls, config):
        names = [attr for attrs, _ in cls.optimizer_specs.values() for attr in attrs]
        return cls(**cls.deserialize_networks(config, names))

    @staticmethod
    def serialize_networks(**networks):
        return {k: keras.saving.serialize_keras_object(v) for k, v in networks.items()}

    @staticmethod
    def deserialize_networks(config, names):
        config = dict(config)
        for name in names:
            if isinstance(config.get(name), dict):
                config[name] = keras.saving.deserialize_keras_object(config[name])
        return config
