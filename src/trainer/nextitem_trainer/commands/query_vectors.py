"""``query-vectors``: a version's query vectors on a click log's users, for ``ann-compare
--query-vectors`` (tools/query_vectors.py)."""
from __future__ import annotations

import logging
from pathlib import Path

NAME = "query-vectors"
log = logging.getLogger("nextitem.query_vectors")


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="write a version's query vectors (query graph outputs) on sampled users' click "
                                  "prefixes as .npy, to judge an approximate-search index on real queries")
    p.add_argument("--version", required=True, help="version folder with weights.pt and a retrieval form")
    p.add_argument("--log", required=True, help="click csv (user_id,item_id,timestamp_ms,...), e.g. the catalogue's")
    p.add_argument("--users", type=int, default=2000, help="sampled users, one query each (default: %(default)s)")
    p.add_argument("--seed", type=int, default=1, help="sampling seed (default: %(default)s)")
    p.add_argument("--out", required=True, help=".npy file to write")


def run(args) -> int:
    from ..tools.query_vectors import write

    if args.users < 1:
        raise ValueError(f"--users must be at least 1, got {args.users}")
    vectors = write(Path(args.version), Path(args.log), args.users, args.seed, Path(args.out))
    log.info("wrote %s: %d queries of %d dimensions", args.out, *vectors.shape)
    return 0
