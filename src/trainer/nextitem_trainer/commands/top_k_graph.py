"""``top-k-graph``: writes the job's exact-scan graph (tools/top_k_graph.py)."""
from __future__ import annotations

NAME = "top-k-graph"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="write the ONNX graph the job scans its longest items with "
                                  "(Gemm then TopK; tools/top_k_graph.py)")
    p.add_argument("--out", default="src/main/resources/nextitem/ann/inner_product_top_k.onnx")


def run(args) -> int:
    from pathlib import Path

    from ..tools.top_k_graph import write

    print(write(Path(args.out)))
    return 0
