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
* one update rule for every network (`minimize`): the loss is replica-scaled and, under the
  `mixed_float16` policy, loss-scaled by a `LossScaleOptimizer` that `compile` wraps around each
  optimizer, as `keras.Model.compile` does for its single one.
* loss trackers created from `loss_names` and listed by `metrics`; `train_step` and `test_step`
  return `report(values)`. `test_step` computes the same losses (`compute_losses`) without any
  update, so `fit(validation_data=...)` and `evaluate` report held-out losses.
* `generate(num_samples, seed=None)`, `export(path)` (a SavedModel for TF Serving),
  `from_preset(name_or_dir)` / `save_to_preset(dir)`, and config/`.keras` round trips. The config
  is the flat constructor hyper-parameters (`record_hyperparameters`); networks are rebuilt from
  them, and only networks the user passed in are serialized in full.
"""

import numpy as np
import tensorflow as tf
import keras

from kerasgen import optimizers as optimizers_lib
from kerasgen import preset_format
from kerasgen.utils import check_images, check_positive_int, write_atomically


def replica_scale(loss):
    """Divides a per-replica mean loss by the number of replicas in sync.

    Keras sums gradients across replicas; dividing each replica's mean loss by the replica count
    makes the summed gradient the gradient of the global-batch mean loss.
    """
    num_replicas = tf.distribute.get_strategy().num_replicas_in_sync
    if num_replicas == 1:
        return loss
    return loss * tf.cast(1.0 / num_replicas, loss.dtype)


class GenerativeModel(keras.Model):
    """Base class of every kerasgen family (see the module docstring for the contract).

    Subclasses set:
      * `optimizer_specs`: dict `{optimizer_name: (network_attrs, default_factory)}`, where
        `network_attrs` is a tuple of the attribute names of the networks that optimizer updates
        and `default_factory()` returns the paper's optimizer;
      * `loss_names`: the losses and statistics `train_step` reports (one `keras.metrics.Mean`
        tracker each, created here and listed by `metrics`);
      * `latent_dim` and `sample_shape` attributes;
    build their networks with `self.network(name, given, build)` (so that only user-supplied
    networks are serialized), record their flat hyper-parameters with
    `self.record_hyperparameters(...)` (what `get_config` returns), and implement `train_step`,
    `serving_endpoints` and, for sampling families, `sample_latent` and `generate_from_latents`.

    Args:
        seed: int or None. Seeds the model's `keras.random.SeedGenerator`, which every random
            draw in training goes through, so runs are reproducible.
    """

    optimizer_specs = {}
    loss_names = ()

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._phase = None
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.loss_names}
        object.__setattr__(self, "_hyperparameters", {})
        object.__setattr__(self, "_custom_networks", ())
        # Created inside a strategy scope: the strategy it will train under (Keras's rule).
        object.__setattr__(self, "_under_strategy", tf.distribute.has_strategy())

    # ------------------------------------------------------------------ building
    def build(self, input_shape=None):
        # Networks are built when they are created; nothing depends on the data's shape.
        self.built = True

    def network(self, name, given, build):
        """Returns the network `given` by the user, or `build()` when it is None.

        A given network is recorded as custom: `get_config` serializes it in full, while a
        built one is rebuilt from the hyper-parameters.
        """
        if given is None:
            return build()
        if not isinstance(given, keras.Model):
            raise ValueError(f"`{name}` must be a keras.Model, got {type(given).__name__}.")
        object.__setattr__(self, "_custom_networks", self._custom_networks + (name,))
        return given

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

    # ------------------------------------------------------------------ losses and updates
    @property
    def metrics(self):
        return list(self.trackers.values())

    def report(self, values):
        """Updates the trackers named in `values` and returns every tracker's result."""
        for name, value in values.items():
            if name in self.trackers:
                self.trackers[name].update_state(value)
        return {m.name: m.result() for m in self.metrics}

    def minimize(self, tape, loss, optimizer_name):
        """One update of the networks of `optimizer_name` on `loss`, recorded on `tape`.

        The loss is divided by the replica count (`replica_scale`) and scaled by the optimizer
        (`scale_loss`: the dynamic loss scale of a `LossScaleOptimizer` under `mixed_float16`,
        which `apply_gradients` undoes) on the same tape, so every family updates the same way.
        A network without trainable variables (frozen, e.g. in tests) is left alone.
        """
        variables = self._variables_of(optimizer_name)
        if not variables:
            return
        optimizer = getattr(self, optimizer_name)
        with tape:
            scaled = optimizer.scale_loss(replica_scale(loss))
        grads = tape.gradient(scaled, variables)
        optimizer.apply_gradients(zip(grads, variables))

    def test_step(self, data):
        """Reports the losses on held-out data without updating anything (`fit(validation_data=
        ...)`, `evaluate`)."""
        return self.report(self.compute_losses(data, training=False))

    def compute_losses(self, data, training=False):
        """Dict of the losses `train_step` reports, computed on `data` without any update."""
        raise NotImplementedError

    # ------------------------------------------------------------------ compile
    def compile(self, **kwargs):
        """Configures the model for training.

        Args:
            **kwargs: one optimizer per network by name (see the family's `optimizer_specs`;
                omitted ones get the paper's defaults), each an optimizer instance, a name such as
                `"adam"`, or a config dict; any other keyword (`run_eagerly`, `jit_compile`,
                `steps_per_execution`, ...) goes to `keras.Model.compile`. Under the
                `mixed_float16` policy each optimizer is wrapped in a
                `keras.optimizers.LossScaleOptimizer` (as `keras.Model.compile` does for its
                single optimizer) unless `auto_scale_loss=False`.
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
        auto_scale_loss = kwargs.pop("auto_scale_loss", True)
        optimizers = {}
        for name, (_, default_factory) in self.optimizer_specs.items():
            value = kwargs.pop(name, None)
            optimizer = default_factory() if value is None else keras.optimizers.get(value)
            if (auto_scale_loss and self.dtype_policy.name == "mixed_float16"
                    and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer)):
                # What keras.Model.compile does for its one optimizer, for each of ours:
                # float16 gradients underflow without a dynamic loss scale.
                optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
            optimizers[name] = optimizer
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
                config[name] = optimizers_lib.deserialize(config[name])
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

    def fit(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.fit`; a `tf.data.Dataset` is taken as it comes (shuffle it with
        `.shuffle(n)`), without Keras's warning that `shuffle=True` is ignored for datasets."""
        if (isinstance(x, tf.data.Dataset) and "shuffle" not in kwargs
                and len(args) < 7):  # shuffle is fit's 9th positional argument
            kwargs["shuffle"] = False
        return super().fit(x, y, *args, **kwargs)

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

    #: the pixel range of the images the verbs take and return (`prepare_images`)
    input_range = (-1.0, 1.0)

    def prepare_images(self, images, example_shape, name="images"):
        """The images a verb takes as `(float32 batch in input_range, single)`.

        The one input check of every image-taking verb (`kerasgen.utils.check_images`): uint8
        images (0..255) are mapped onto `input_range`, float images must be finite and inside
        it, one example may come without the batch axis (`single`), an empty batch or another
        shape is refused; each error names the shape and range expected.
        """
        return check_images(images, example_shape, self.input_range, name, type(self).__name__)

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

    def generate_from_latents(self, z):
        """Maps a batch of latent vectors to samples in the model's output range (inference
        mode); returns a tensor."""
        raise NotImplementedError

    def call(self, z, training=False):
        return self.generate_from_latents(z)

    def generate(self, num_samples, seed=None, batch_size=256):
        """Returns `num_samples` samples as a NumPy array.

        Args:
            num_samples: positive int.
            seed: int or None. The same int gives the same batch; None draws from the model's
                seed generator (reproducible given the model's `seed`, different each call).
            batch_size: how many samples are decoded at once.
        """
        num_samples = check_positive_int(num_samples, "num_samples")
        batch_size = check_positive_int(batch_size, "batch_size")
        z = self.sample_latent(num_samples, seed=seed if seed is not None else self.seed_generator)
        outputs = [
            keras.ops.convert_to_numpy(self.generate_from_latents(z[i : i + batch_size]))
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
        endpoints = {name: (self._checked_endpoint(name, fn, signature), signature)
                     for name, (fn, signature) in self.serving_endpoints().items()}

        def writer(tmp_path):
            archive = keras.export.ExportArchive()
            archive.track(self)
            for i, (name, (fn, signature)) in enumerate(endpoints.items()):
                archive.add_endpoint(name, fn, input_signature=signature)
                if i == 0 and name != "serving_default":
                    archive.add_endpoint("serving_default", fn, input_signature=signature)
            archive.write_out(tmp_path, verbose=verbose)

        return write_atomically(filepath, writer)

    def _checked_endpoint(self, name, fn, signature):
        """`fn` behind a check of its inputs' shapes, run in the exported graph.

        A concrete signature does not check the shape of what it is fed: a 3-channel image
        reached the 1-channel CycleGAN's convolutions ("output depth must be evenly divisible by
        number of groups: 32 vs 3") and a wrong `z` width a matrix multiplication. Here each
        input's rank and known sizes are asserted first, with a message naming the family, the
        signature, the input and the shape expected, followed by the shape received. (A wrong
        dtype is refused by TensorFlow before the graph runs: "expected to be a float tensor but
        is a uint8 tensor".)
        """
        family = type(self).__name__

        def assertion(x, spec):
            if spec.shape.rank is None:
                return None
            dims = spec.shape.as_list()
            wanted = "[" + ", ".join("batch" if i == 0 and d is None else
                                     "any" if d is None else str(d)
                                     for i, d in enumerate(dims)) + "]"
            shape = tf.shape(x, out_type=tf.int32)
            rank = len(dims)
            # pad so that a tensor of another rank can be compared without a shape error
            padded = tf.concat([shape, tf.zeros([rank + 1], tf.int32)], axis=0)[:rank + 1]
            known = [i for i, d in enumerate(dims) if d is not None]
            ok = tf.logical_and(tf.equal(tf.size(shape), rank), tf.equal(padded[rank], 0))
            if known:
                ok = tf.logical_and(ok, tf.reduce_all(tf.equal(
                    tf.gather(padded, known), tf.constant([dims[i] for i in known], tf.int32))))
            # backquotes: TensorFlow shows a single quote in an assertion's text escaped
            message = (f"{family} signature `{name}`: input `{spec.name}` must be "
                       f"{spec.dtype.name} of shape {wanted}; got shape")
            return tf.debugging.Assert(ok, [message, shape], summarize=rank + 1)

        def checked(*args):
            checks = [c for c in (assertion(x, spec) for x, spec in zip(args, signature))
                      if c is not None]
            with tf.control_dependencies(checks):
                args = [tf.identity(x) for x in args]
            return fn(*args)

        return checked

    # ------------------------------------------------------------------ config and presets
    def record_hyperparameters(self, **hyperparameters):
        """Records the flat constructor hyper-parameters that `get_config` returns.

        Called at the end of each family's `__init__` with every constructor argument except
        the networks. Stored outside Keras's attribute tracking, which would wrap lists and
        dicts in tracking containers that are not plain JSON.
        """
        object.__setattr__(self, "_hyperparameters", dict(hyperparameters))

    def get_config(self):
        """The flat hyper-parameters; a network is serialized only when the user supplied it."""
        config = super().get_config()
        config.update(self._hyperparameters)
        for name in self._custom_networks:
            config[name] = keras.saving.serialize_keras_object(getattr(self, name))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for attrs, _ in cls.optimizer_specs.values():
            for name in attrs:
                if isinstance(config.get(name), dict):
                    config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)

    @classmethod
    def from_preset(cls, preset, **kwargs):
        """Loads a zoo recipe by name or a preset directory (keras-hub's `from_preset`).

        Keyword arguments are those of `kerasgen.load` (`weights`, `training`, `offline`, ...).
        Raises ValueError when the preset holds another family than `cls`.

        Example:
            >>> model = kerasgen.DCGAN.from_preset("dcgan_digits")
            >>> model.generate(4, seed=0).shape
            (4, 8, 8, 1)
        """
        model = preset_format.load_preset(preset, **kwargs)
        if not isinstance(model, cls):
            raise ValueError(f"Preset {preset!r} holds a {type(model).__name__}, not a "
                             f"{cls.__name__}; use kerasgen.load({preset!r}) or "
                             f"{type(model).__name__}.from_preset.")
        return model

    def save_to_preset(self, preset_dir, metadata=None, include_optimizer=True):
        """Writes this model as a preset directory (config.json, model.weights.h5,
        metadata.json), atomically; `from_preset(preset_dir)` reads it back."""
        return preset_format.save_preset(self, preset_dir, metadata=metadata,
                                         include_optimizer=include_optimizer)
