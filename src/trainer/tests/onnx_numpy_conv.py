"""The ONNX operators CASFE's graph needs beyond onnx_numpy's (1-D Conv, ReduceSum, Squeeze,
Tanh), added to its operator table on import so onnx_numpy.run executes the exported graph.
Kept apart from onnx_numpy.py so the two can change independently; an operator onnx_numpy
already knows is left as it is."""
from __future__ import annotations

import numpy as np

import onnx_numpy


def _conv(x, w, b=None, group=1, kernel_shape=None, pads=None, strides=None, dilations=None, auto_pad=b"NOTSET"):
    """1-D convolution (N, C, L) * (O, C/group, k) -> (N, O, L'), as ONNX Conv."""
    if x.ndim != 3:
        raise NotImplementedError(f"Conv: only 1-D convolution, got input rank {x.ndim}")
    if auto_pad not in (b"NOTSET", "NOTSET") or any(int(s) != 1 for s in (strides or [1])) \
            or any(int(d) != 1 for d in (dilations or [1])):
        raise NotImplementedError("Conv: only stride 1, dilation 1 and explicit pads")
    begin, end = (int(p) for p in (pads or [0, 0]))
    x = np.pad(x, ((0, 0), (0, 0), (begin, end)))
    out_channels, per_group, k = w.shape
    length = x.shape[2] - k + 1
    windows = np.stack([x[:, :, t:t + length] for t in range(k)], axis=-1)  # (N, C, L', k)
    out = np.zeros((x.shape[0], out_channels, length), dtype=x.dtype)
    per_out = out_channels // group
    for g in range(group):
        xs = windows[:, g * per_group:(g + 1) * per_group]  # (N, C/g, L', k)
        ws = w[g * per_out:(g + 1) * per_out]  # (O/g, C/g, k)
        out[:, g * per_out:(g + 1) * per_out] = np.einsum("nclk,ock->nol", xs, ws)
    if b is not None:
        out += b[None, :, None]
    return out.astype(x.dtype)


def _reduce_sum(x, axes=None, keepdims=1, noop_with_empty_axes=0):
    if axes is None or len(axes) == 0:
        if noop_with_empty_axes:
            return x
        axes = range(x.ndim)
    return np.sum(x, axis=tuple(int(a) for a in axes), keepdims=bool(keepdims)).astype(x.dtype)


def _squeeze(x, axes=None):
    return np.squeeze(x) if axes is None else np.squeeze(x, axis=tuple(int(a) for a in axes))


for _name, _op in {"Conv": _conv, "ReduceSum": _reduce_sum, "Squeeze": _squeeze,
                   "Tanh": lambda x: np.tanh(x).astype(x.dtype)}.items():
    onnx_numpy.OPS.setdefault(_name, _op)
