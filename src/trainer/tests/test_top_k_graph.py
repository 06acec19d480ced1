"""The committed exact-scan graph is what tools/top_k_graph.py writes, and it computes Gemm then TopK."""
from pathlib import Path

import onnx

from nextitem_trainer.tools.top_k_graph import RESOURCE, graph

REPO = Path(__file__).resolve().parents[3]


def test_the_committed_graph_is_the_generated_one():
    assert (REPO / RESOURCE).read_bytes() == graph().SerializeToString()


def test_the_graph_is_gemm_against_the_transposed_items_then_top_k_best_first():
    """(The Java tests run it in ONNX Runtime against a brute-force scan.)"""
    model = onnx.load(str(REPO / RESOURCE))
    ops = [(n.op_type, list(n.input), list(n.output)) for n in model.graph.node]
    assert ops == [("Gemm", ["queries", "items"], ["all_scores"]),
                   ("TopK", ["all_scores", "k"], ["scores", "indices"])]
    gemm, top_k = model.graph.node
    assert {a.name: a.i for a in gemm.attribute} == {"transB": 1}
    assert {a.name: a.i for a in top_k.attribute} == {"axis": -1, "largest": 1, "sorted": 1}
    assert [i.name for i in model.graph.input] == ["queries", "items", "k"]
    assert not model.graph.initializer, "the items come in as an input, not inside the graph"
