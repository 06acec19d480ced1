"""``export``: a checkpoint into a model version folder of a registry."""
from __future__ import annotations

NAME = "export"


def add_parser(sub) -> None:
    p = sub.add_parser("export", help="write a model version folder (schemas/model/README.md)")
    p.add_argument("--checkpoint", required=True, help="RUN_DIR/best.pt")
    p.add_argument("--registry", required=True, help="registry folder; the version folder is created inside")
    p.add_argument("--version", help="version name (default: <model>-<UTC timestamp>)")
    p.add_argument("--parent-version", help="version this one was fine-tuned from")
    p.add_argument("--top-k", type=int, default=10, help="K the job serves (K' = K + max_seq_len)")
    p.add_argument("--metrics", help="a result JSON whose metrics go into manifest offline_metrics "
                                     "(default: the checkpoint's validation P1)")
    p.add_argument("--forms", default="auto", choices=("auto", "exact", "exact,retrieval"),
                   help="auto: model.onnx, plus the retrieval form (query.onnx, item_vectors.npy) when the "
                        "model has one; exact: model.onnx only; exact,retrieval: both, or fail with the "
                        "reason the model has none (default: auto)")


def run(args) -> int:
    from ..serving.export import export

    export(args.checkpoint, args.registry, version=args.version, parent_version=args.parent_version,
           top_k=args.top_k, metrics_file=args.metrics, forms=args.forms)
    return 0
