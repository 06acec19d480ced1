"""The job's exact scan over the longest items (src/main/resources/nextitem/ann/inner_product_top_k.onnx):
a graph of two operators, written here once and committed, so that ONNX Runtime's matrix
multiply (vectorised, batched) scores the items a Java loop would score one float at a time.

Inputs: ``queries`` float32 [B, D], ``items`` float32 [H, D] (the job passes the scanned rows of
item_vectors.npy once and keeps them), ``k`` int64 [1]. Outputs: ``scores`` float32 [B, k] and
``indices`` int64 [B, k] (rows of ``items``), best first: Gemm(queries, items^T), then TopK."""
from __future__ import annotations

from pathlib import Path

import onnx
from onnx import TensorProto, helper

OPSET = 17
IR_VERSION = 8
RESOURCE = Path("src/main/resources/nextitem/ann/inner_product_top_k.onnx")


def graph() -> onnx.ModelProto:
    queries = helper.make_tensor_value_info("queries", TensorProto.FLOAT, ["batch", "dim"])
    items = helper.make_tensor_value_info("items", TensorProto.FLOAT, ["rows", "dim"])
    k = helper.make_tensor_value_info("k", TensorProto.INT64, [1])
    scores = helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", "k"])
    indices = helper.make_tensor_value_info("indices", TensorProto.INT64, ["batch", "k"])
    nodes = [
        helper.make_node("Gemm", ["queries", "items"], ["all_scores"], transB=1),
        helper.make_node("TopK", ["all_scores", "k"], ["scores", "indices"], axis=-1, largest=1, sorted=1),
    ]
    model = helper.make_model(helper.make_graph(nodes, "inner_product_top_k", [queries, items, k], [scores, indices]),
                              opset_imports=[helper.make_opsetid("", OPSET)], producer_name="nextitem")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


def write(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(graph().SerializeToString())
    return out
