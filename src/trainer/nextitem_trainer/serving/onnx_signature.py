"""The contract's checks of an exported graph's signature (schemas/model/README.md): opset,
``onnx.checker``, inputs by name with int64 [B, L] / [B] shapes and dynamic axes, and the
outputs of model.onnx (top_items, top_scores [B, K']) or of query.onnx (query [B, D]). Both
graphs share the input checks: the job feeds them the same tensors."""
from __future__ import annotations

from pathlib import Path

import onnx
from onnx import TensorProto

OPSET = 17
OUTPUTS = ("top_items", "top_scores")
QUERY_OUTPUT = "query"


def _checked_graph(path: Path, inputs: tuple[str, ...]) -> onnx.ModelProto:
    """onnx.checker, the opset and the inputs: names in ``inputs`` order, int64 of rank 2 for
    the sequences and 1 for the rest, every axis dynamic."""
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    opsets = {o.domain: o.version for o in proto.opset_import}
    if opsets.get("", opsets.get("ai.onnx")) != OPSET:
        raise ValueError(f"{path.name}: opset {opsets}, the contract needs {OPSET}")
    got_inputs = [i.name for i in proto.graph.input]
    if got_inputs != list(inputs):
        raise ValueError(f"{path.name}: graph inputs {got_inputs}, the model declares {list(inputs)}")
    for value in proto.graph.input:
        tensor = value.type.tensor_type
        dims = tensor.shape.dim
        want_rank = 2 if value.name.endswith("_seq") else 1
        if tensor.elem_type != TensorProto.INT64 or len(dims) != want_rank:
            raise ValueError(f"{path.name}: input {value.name} must be int64 of rank {want_rank}")
        if any(d.dim_param == "" for d in dims):
            raise ValueError(f"{path.name}: input {value.name} has a fixed axis {dims}; B and L must be dynamic")
    return proto


def check_onnx_signature(path: Path, inputs: tuple[str, ...], k_graph: int) -> None:
    """model.onnx: the inputs as above, outputs top_items int64 and top_scores float32 of shape
    [B, K']."""
    proto = _checked_graph(path, inputs)
    outputs = {o.name: o.type.tensor_type for o in proto.graph.output}
    if list(outputs) != list(OUTPUTS):
        raise ValueError(f"{path.name}: graph outputs {list(outputs)}, the contract needs {list(OUTPUTS)}")
    for name, dtype in zip(OUTPUTS, (TensorProto.INT64, TensorProto.FLOAT)):
        tensor = outputs[name]
        dims = tensor.shape.dim
        if tensor.elem_type != dtype:
            raise ValueError(f"{path.name}: {name} has dtype {TensorProto.DataType.Name(tensor.elem_type)}")
        if len(dims) != 2 or dims[0].dim_param == "" or dims[1].dim_value != k_graph:
            raise ValueError(f"{path.name}: {name} must have shape [B, {k_graph}], has {dims}")


def check_query_signature(path: Path, inputs: tuple[str, ...], dim: int) -> None:
    """query.onnx: exactly model.onnx's inputs, one output query float32 of shape [B, D]."""
    proto = _checked_graph(path, inputs)
    outputs = [o.name for o in proto.graph.output]
    if outputs != [QUERY_OUTPUT]:
        raise ValueError(f"{path.name}: graph outputs {outputs}, the contract needs [{QUERY_OUTPUT!r}]")
    tensor = proto.graph.output[0].type.tensor_type
    dims = tensor.shape.dim
    if tensor.elem_type != TensorProto.FLOAT:
        raise ValueError(f"{path.name}: {QUERY_OUTPUT} has dtype {TensorProto.DataType.Name(tensor.elem_type)}")
    if len(dims) != 2 or dims[0].dim_param == "" or dims[1].dim_value != dim:
        raise ValueError(f"{path.name}: {QUERY_OUTPUT} must have shape [B, {dim}], has {dims}")
