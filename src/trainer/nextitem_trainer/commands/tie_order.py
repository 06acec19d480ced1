"""``tie-order``: a SASRec-format file with same-second clicks shuffled."""
from __future__ import annotations

NAME = "tie-order"


def add_parser(sub) -> None:
    p = sub.add_parser("tie-order", help="copy a SASRec-format file with same-second clicks shuffled (tie_order.py)")
    p.add_argument("--data", required=True, help="SASRec-format file (user item per line, each user's lines in order)")
    p.add_argument("--timestamps", required=True, help="ratings file with timestamps for (some of) the same users")
    p.add_argument("--timestamps-format", default="movielens", choices=["movielens", "movielens-tab", "csv"])
    p.add_argument("--out", required=True, help="output file, .txt or .txt.gz")
    p.add_argument("--seed", type=int, default=1)


def run(args) -> int:
    from ..core.paths import input_file
    from ..tools.tie_order import shuffle_ties

    shuffle_ties(input_file(args.data), input_file(args.timestamps), args.timestamps_format, args.out, args.seed)
    return 0
