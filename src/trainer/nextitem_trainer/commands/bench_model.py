"""``bench-model``: an untrained version of a given catalogue size and length, for the Java bench."""
from __future__ import annotations

from pathlib import Path

NAME = "bench-model"


def add_parser(sub) -> None:
    p = sub.add_parser("bench-model", help="export an untrained version of a given catalogue size and length (for bench)")
    p.add_argument("--config", default="sasrec_ml-1m.yaml", help="architecture (model section) to build")
    p.add_argument("--items", type=int, required=True, help="catalogue size N")
    p.add_argument("--max-len", type=int, required=True, help="sequence length L")
    p.add_argument("--registry", required=True, help="registry folder; the version folder is created inside")
    p.add_argument("--version", help="version name (default: <model>-bench-n<N>-l<L>)")
    p.add_argument("--seed", type=int, default=42)


def run(args) -> int:
    from ..core import paths
    from ..tools.bench_model import bench_model

    bench_model(paths.config_file(args.config), args.items, args.max_len, Path(args.registry),
                version=args.version, seed=args.seed)
    return 0
