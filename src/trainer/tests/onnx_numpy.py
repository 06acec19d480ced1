"""A tiny NumPy interpreter for the ONNX operators our exported encoders use.

Debian ships no Python onnxruntime and onnx 1.12 has no reference evaluator, so without this
the exported graph would first run in Java. It is test code: enough operators to run the
exported SASRec graph on the golden inputs, so a wrong export (a fixed sequence axis, a
position counted from the left, padding returned by TopK) fails here already. An operator it
does not know fails loudly with its name.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import numpy_helper
from onnx.mapping import TENSOR_TYPE_TO_NP_TYPE


def _attrs(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _div(a, b):
    if np.issubdtype(a.dtype, np.integer):
        return np.trunc(a / b).astype(a.dtype)
    return (a / b).astype(a.dtype)


def _reshape(x, shape):
    shape = [x.shape[i] if s == 0 else int(s) for i, s in enumerate(shape)]
    return x.reshape(shape)


def _slice(x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[int(a)] = slice(int(s), int(e), int(st))
    return x[tuple(index)]


def _unsqueeze(x, axes):
    rank = x.ndim + len(axes)
    for a in sorted(int(a) % rank for a in axes):
        x = np.expand_dims(x, a)
    return x


def _layer_norm(x, scale, bias=None, axis=-1, epsilon=1e-5, **_):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + epsilon) * scale
    return (y + bias if bias is not None else y).astype(x.dtype)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return (e / e.sum(axis=axis, keepdims=True)).astype(x.dtype)


def _gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):  # noqa: N803 - ONNX attribute names
    y = alpha * np.matmul(a.T if transA else a, b.T if transB else b)
    return (y + beta * c if c is not None else y).astype(a.dtype)


def _reduce(fn, x, axes=None, keepdims=1, noop_with_empty_axes=0):
    """ReduceSum (opset 13+: axes as an input) and ReduceMean (opset 17: axes as an attribute)."""
    if axes is None or len(axes) == 0:
        if noop_with_empty_axes:
            return x
        axes = range(x.ndim)
    return fn(x, axis=tuple(int(a) for a in axes), keepdims=bool(keepdims)).astype(x.dtype)


def _clip(x, low=None, high=None):
    return np.clip(x, -np.inf if low is None else low, np.inf if high is None else high).astype(x.dtype)


def _topk(x, k, axis=-1, largest=1, sorted=1):  # noqa: A002 - ONNX attribute name
    order = np.argsort(-x if largest else x, axis=axis, kind="stable")
    idx = np.take(order, np.arange(int(k[0])), axis=axis)
    return np.take_along_axis(x, idx, axis=axis), idx.astype(np.int64)


OPS = {
    "Add": lambda a, b: a + b,
    "Sub": lambda a, b: a - b,
    "Mul": lambda a, b: a * b,
    "Div": _div,
    "MatMul": lambda a, b: np.matmul(a, b),
    "Gemm": _gemm,
    "Relu": lambda x: np.maximum(x, 0).astype(x.dtype),
    "Sqrt": lambda x: np.sqrt(x),
    "Neg": lambda x: -x,
    "Pow": lambda x, y: np.power(x, y).astype(x.dtype),
    "Clip": _clip,
    "ReduceSum": lambda x, axes=None, **attrs: _reduce(np.sum, x, axes, **attrs),
    "ReduceMean": lambda x, axes=None, **attrs: _reduce(np.mean, x, axes, **attrs),
    "ReduceMax": lambda x, axes=None, **attrs: _reduce(np.max, x, axes, **attrs),
    "Or": lambda a, b: np.logical_or(a, b),
    "LessOrEqual": lambda a, b: a <= b,
    "Not": lambda x: np.logical_not(x),
    "And": lambda a, b: np.logical_and(a, b),
    "Equal": lambda a, b: a == b,
    "Greater": lambda a, b: a > b,
    "GreaterOrEqual": lambda a, b: a >= b,
    "Less": lambda a, b: a < b,
    "Where": lambda c, x, y: np.where(c, x, y),
    "Identity": lambda x: x,
    "Range": lambda start, limit, delta: np.arange(start, limit, delta, dtype=start.dtype),
    "Reshape": lambda x, shape, allowzero=0: _reshape(x, shape),
    "Unsqueeze": _unsqueeze,
    "Slice": _slice,
    "Expand": lambda x, shape: x * np.ones(shape, dtype=x.dtype),
}


def run(model_path, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    model = onnx.load(str(model_path))
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    values.update(feeds)
    for node in model.graph.node:
        args = [values[name] if name else None for name in node.input]
        attrs = _attrs(node)
        op = node.op_type
        if op == "Constant":
            out = [numpy_helper.to_array(attrs["value"])]
        elif op == "Shape":
            shape = np.array(args[0].shape, dtype=np.int64)
            out = [shape[attrs.get("start", 0):attrs.get("end", len(shape))]]
        elif op == "Gather":
            out = [np.take(args[0], args[1], axis=attrs.get("axis", 0))]
        elif op == "Concat":
            out = [np.concatenate(args, axis=attrs["axis"])]
        elif op == "Transpose":
            out = [np.transpose(args[0], attrs.get("perm"))]
        elif op == "Cast":
            out = [args[0].astype(TENSOR_TYPE_TO_NP_TYPE[attrs["to"]])]
        elif op == "Softmax":
            out = [_softmax(args[0], attrs.get("axis", -1))]
        elif op == "LayerNormalization":
            out = [_layer_norm(*args, **attrs)]
        elif op == "TopK":
            out = list(_topk(*args, **attrs))
        elif op == "CumSum":
            out = [np.cumsum(args[0], axis=int(args[1]), dtype=args[0].dtype)]
        elif op == "ConstantOfShape":
            value = numpy_helper.to_array(attrs["value"]) if "value" in attrs else np.zeros(1, np.float32)
            out = [np.full(args[0], value[0], dtype=value.dtype)]
        elif op in OPS:
            out = [OPS[op](*args, **attrs)]
        else:
            raise NotImplementedError(f"onnx_numpy does not implement {op} (node {node.name})")
        for name, value in zip(node.output, out):
            values[name] = np.asarray(value)
    return {o.name: values[o.name] for o in model.graph.output}
