"""TF Serving helpers: run a `PredictRequest` through an exported SavedModel in-process.

TF Serving itself (`tensorflow_model_server`) is a separate binary; these helpers do the same
conversion it does — `TensorProto` inputs to tensors, the named signature, tensors back to
`TensorProto` outputs — so an export can be checked against the serving API's own protos, and
inputs with a wrong name, dtype, rank or size get a clear error instead of a server-side failure.
Inputs holding NaN or infinity are refused too (a generator or translator fed NaN returns NaN
everywhere, which no client wants): the error names the input and how many values are not
finite. A request that fails these checks raises `ValueError` and touches nothing else; the
loaded model keeps serving.
"""

import numpy as np
import tensorflow as tf


def _signature(loaded, name):
    if name not in loaded.signatures:
        raise ValueError(f"Unknown signature {name!r}; the SavedModel has "
                         f"{sorted(loaded.signatures)}.")
    return loaded.signatures[name]


def check_inputs(signature, inputs):
    """Validates a dict of arrays against a concrete signature; returns dict of tensors."""
    _, specs = signature.structured_input_signature
    missing = sorted(set(specs) - set(inputs))
    extra = sorted(set(inputs) - set(specs))
    if missing or extra:
        raise ValueError(f"Signature inputs are {sorted(specs)}; missing {missing}, "
                         f"unexpected {extra}.")
    tensors = {}
    for key, spec in specs.items():
        value = np.asarray(inputs[key])
        if value.dtype != spec.dtype.as_numpy_dtype:
            raise ValueError(f"Input {key!r} must have dtype {spec.dtype.name}, got {value.dtype}.")
        if not spec.shape.is_compatible_with(value.shape):
            raise ValueError(f"Input {key!r} must have shape {spec.shape.as_list()} (None = any), "
                             f"got {list(value.shape)}.")
        if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
            raise ValueError(f"Input {key!r} has {int(np.sum(~np.isfinite(value)))} value(s) "
                             "that are NaN or infinite; send finite numbers.")
        tensors[key] = tf.constant(value)
    return tensors


def predict(export_dir_or_loaded, request):
    """Answers a `tensorflow_serving.apis.predict_pb2.PredictRequest` like TF Serving would.

    Returns a `PredictResponse` whose `outputs` hold the signature's outputs as TensorProtos.
    """
    from tensorflow_serving.apis import predict_pb2

    loaded = (tf.saved_model.load(export_dir_or_loaded)
              if isinstance(export_dir_or_loaded, str) else export_dir_or_loaded)
    signature = _signature(loaded, request.model_spec.signature_name or "serving_default")
    inputs = {key: tf.make_ndarray(proto) for key, proto in request.inputs.items()}
    outputs = signature(**check_inputs(signature, inputs))
    response = predict_pb2.PredictResponse()
    response.model_spec.CopyFrom(request.model_spec)
    for key, value in outputs.items():
        response.outputs[key].CopyFrom(tf.make_tensor_proto(value.numpy()))
    return response
