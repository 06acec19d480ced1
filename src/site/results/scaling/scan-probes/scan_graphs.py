"""The ONNX graphs ScanCostProbe times: an exact scan of H = 232,000 rows of 64 floats for a batch of
queries, in four forms. Usage: python3 scan_graphs.py OUT_DIR (the trainer's interpreter, deploy/bin/python-for-trainer) (needs the onnx package)."""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

H, D = 232_000, 64
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
q = helper.make_tensor_value_info("queries", TensorProto.FLOAT, ["batch", D])
items_in = helper.make_tensor_value_info("items", TensorProto.FLOAT, ["rows", D])
k = helper.make_tensor_value_info("k", TensorProto.INT64, [1])
scores = helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["batch", "k"])
indices = helper.make_tensor_value_info("indices", TensorProto.INT64, ["batch", "k"])
mx = helper.make_tensor_value_info("mx", TensorProto.FLOAT, ["batch", 1])
c = lambda n, v: numpy_helper.from_array(np.array(v, np.int64), n)


def save(name, nodes, inputs, outputs, inits=()):
    m = helper.make_model(helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits)),
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.save(m, str(out / (name + ".onnx")))
    return m


gemm_topk = [helper.make_node("Gemm", ["queries", "items"], ["all"], transB=1),
             helper.make_node("TopK", ["all", "k"], ["scores", "indices"], axis=-1, largest=1, sorted=1)]
# today's ExactHeadScan: rows fed as an input
save("topk_input", gemm_topk, [q, items_in, k], [scores, indices])
# the matrix multiply alone with the rows an initializer (ONNX Runtime prepacks them)
rows = np.random.default_rng(1).standard_normal((H, D)).astype(np.float32)
save("gemm_prepacked", [helper.make_node("Gemm", ["queries", "items"], ["all"], transB=1),
                        helper.make_node("ReduceMax", ["all"], ["mx"], axes=[1], keepdims=1)],
     [q], [mx], [numpy_helper.from_array(rows, "items")])
# exact block-max TopK: the k best items lie in the k blocks of 16 with the best maxima
block = [
    helper.make_node("Gemm", ["queries", "items"], ["all"], transB=1),
    helper.make_node("Reshape", ["all", "blockShape"], ["blocks"]),
    helper.make_node("ReduceMax", ["blocks"], ["blockMax"], axes=[2], keepdims=0),
    helper.make_node("Shape", ["blockMax"], ["bmShape"]),
    helper.make_node("Slice", ["bmShape", "one", "two"], ["numBlocks"]),
    helper.make_node("Min", ["k", "numBlocks"], ["kb"]),
    helper.make_node("TopK", ["blockMax", "kb"], ["_bs", "blockIdx"], axis=-1, largest=1, sorted=0),
    helper.make_node("Unsqueeze", ["blockIdx", "minusOne"], ["blockIdx3"]),
    helper.make_node("GatherND", ["blocks", "blockIdx3"], ["cand"], batch_dims=1),
    helper.make_node("Reshape", ["cand", "flat"], ["candFlat"]),
    helper.make_node("TopK", ["candFlat", "k"], ["scores", "pos"], axis=-1, largest=1, sorted=1),
    helper.make_node("Div", ["pos", "sixteen"], ["slot"]),
    helper.make_node("Mod", ["pos", "sixteen"], ["within"]),
    helper.make_node("GatherElements", ["blockIdx", "slot"], ["blk"], axis=1),
    helper.make_node("Mul", ["blk", "sixteen"], ["base"]),
    helper.make_node("Add", ["base", "within"], ["indices"]),
]
consts = [c("blockShape", [0, -1, 16]), c("one", [1]), c("two", [2]), c("minusOne", [-1]), c("flat", [0, -1]),
          c("sixteen", 16)]
save("block_input", block, [q, items_in, k], [scores, indices], consts)
# the same with the rows as an in-memory external initializer (its shape must match)
placeholder = numpy_helper.from_array(np.zeros((1, D), np.float32), "items")
placeholder.ClearField("raw_data")
placeholder.data_location = TensorProto.EXTERNAL
entry = placeholder.external_data.add()
entry.key, entry.value = "location", "items.bin"
del placeholder.dims[:]
placeholder.dims.extend([H, D])
save("block_external", block, [q, k], [scores, indices], consts + [placeholder])
print("wrote", sorted(p.name for p in out.glob("*.onnx")))
