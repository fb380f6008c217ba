"""Distribution strategies by name, for the scripts: one GPU/CPU, several GPUs, several machines,
TPU.

* "default": `tf.distribute.get_strategy()` (no distribution).
* "mirrored": `MirroredStrategy` over every local GPU (or the CPU).
* "multi_worker": `MultiWorkerMirroredStrategy`, configured from the `TF_CONFIG` environment
  variable (one process per machine; see the README).
* "tpu": `TPUStrategy` from a `TPUClusterResolver` (`tpu` is the TPU name or address; "" or
  "local" for a TPU VM).
"""

import json
import os

import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multi_worker", "tpu")


def get_strategy(name="default", tpu=None, resolver_cls=None):
    """Returns a `tf.distribute.Strategy` by name (see the module docstring).

    Args:
        name: one of "default", "mirrored", "multi_worker", "tpu".
        tpu: the TPU name or gRPC address for "tpu" (None: from the environment, as on a TPU VM).
        resolver_cls: the cluster resolver class for "tpu" (tests pass a stand-in).
    """
    if name not in STRATEGIES:
        raise ValueError(f"Unknown strategy {name!r}; expected one of {', '.join(STRATEGIES)}.")
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi_worker":
        config = os.environ.get("TF_CONFIG")
        if not config:
            raise ValueError("--strategy=multi_worker needs the TF_CONFIG environment variable "
                             "(cluster and task); see the README.")
        try:
            json.loads(config)
        except json.JSONDecodeError as e:
            raise ValueError(f"TF_CONFIG is not valid JSON: {e}") from None
        return tf.distribute.MultiWorkerMirroredStrategy()
    resolver_cls = resolver_cls or tf.distribute.cluster_resolver.TPUClusterResolver
    resolver = resolver_cls(tpu=tpu)
    tf.config.experimental_connect_to_cluster(resolver)
    tf.tpu.experimental.initialize_tpu_system(resolver)
    return tf.distribute.TPUStrategy(resolver)


def is_chief(strategy):
    """True on the worker that should write checkpoints, samples and the final preset."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not getattr(resolver, "task_type", None):
        return True
    return resolver.task_type == "chief" or (
        resolver.task_type == "worker" and resolver.task_id == 0)
