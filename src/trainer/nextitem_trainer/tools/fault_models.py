"""Model versions broken on purpose, for the Java tests of model faults at serving time.

``nan``: a copy of a version whose graph answers NaN scores for every request that holds one
chosen item (the "poison" item) and exactly the original scores otherwise, the way a model with
one corrupted embedding row behaves: it passes every load-time check (sha256, signature,
vocabulary, golden parity, since the golden cases never hold that item) and fails only on the
traffic that touches the row. The poison item is written into the manifest
(``fault.poison_item_id``) so the test knows which clicks trip it. The copy leaves out the source's
retrieval form (query.onnx, item_vectors.npy), which knows nothing of the fault: a job that
served it would never meet the NaN.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from ..serving.export import sha256_file


def _golden_items(version: Path) -> set[int]:
    golden = json.loads((version / "golden.json").read_text())
    used: set[int] = set()
    for case in golden["cases"]:
        for row in case["inputs"]["item_seq"]:
            used.update(int(i) for i in row)
    return used


def poison_with_nan(graph: onnx.ModelProto, poison_index: int) -> onnx.ModelProto:
    """The graph with ``top_scores`` replaced by NaN on every row whose ``item_seq`` holds ``poison_index``."""
    out = onnx.ModelProto()
    out.CopyFrom(graph)
    g = out.graph
    scores = next(o for o in g.output if o.name == "top_scores")
    for node in g.node:  # the original scores now feed the guard, under another name
        node.output[:] = ["top_scores_clean" if name == "top_scores" else name for name in node.output]
    g.initializer.extend([
        numpy_helper.from_array(np.array(poison_index, dtype=np.int64), "fault_poison_index"),
        numpy_helper.from_array(np.array(np.nan, dtype=np.float32), "fault_nan"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "fault_axis"),
    ])
    g.node.extend([
        helper.make_node("Equal", ["item_seq", "fault_poison_index"], ["fault_hits"]),  # (B, L) bool
        helper.make_node("Cast", ["fault_hits"], ["fault_hits_f"], to=TensorProto.FLOAT),
        helper.make_node("ReduceMax", ["fault_hits_f"], ["fault_any"], axes=[1], keepdims=1),  # (B, 1)
        helper.make_node("Cast", ["fault_any"], ["fault_row"], to=TensorProto.BOOL),
        helper.make_node("Where", ["fault_row", "fault_nan", "top_scores_clean"], [scores.name]),  # (B, K)
    ])
    onnx.checker.check_model(out)
    return out


def write_nan_version(source: Path, registry: Path, version: str) -> Path:
    """Copies ``source`` into ``registry/version`` with the NaN fault; returns the new folder."""
    source, target = Path(source), Path(registry) / version
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    manifest = json.loads((target / "manifest.json").read_text())
    retrieval = manifest.pop("retrieval", None)
    if retrieval:  # served exactly, through the poisoned graph
        for name in (retrieval["query_graph"], retrieval["item_vectors"]):
            (target / name).unlink()
            del manifest["files"][name]
    used = _golden_items(target)
    poison = next(i for i in range(manifest["num_items"], 0, -1) if i not in used)
    poison_id = (target / "items.tsv").read_text().splitlines()[poison - 1].split("\t")[1]
    onnx.save(poison_with_nan(onnx.load(target / "model.onnx"), poison), target / "model.onnx")
    manifest["version"] = version
    manifest["fault"] = {"kind": "nan", "poison_item_index": poison, "poison_item_id": poison_id,
                         "what": "top_scores is NaN for every request whose item_seq holds the poison item"}
    manifest["files"]["model.onnx"]["sha256"] = sha256_file(target / "model.onnx")
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return target
