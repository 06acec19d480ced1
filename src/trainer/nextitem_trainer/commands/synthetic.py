"""``synthetic``: a seeded synthetic click log."""
from __future__ import annotations

NAME = "synthetic"


def add_parser(sub) -> None:
    p = sub.add_parser("synthetic", help="write a seeded synthetic click log (csv with category)")
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--seed", type=int, required=True, help="seed of the users (the item world has --world-seed)")
    p.add_argument("--out", required=True, help="output file, .csv or .csv.gz")
    p.add_argument("--world-seed", type=int, default=0)
    p.add_argument("--user-prefix", default=None, help="user id prefix (default u<seed>-)")


def run(args) -> int:
    from ..tools.synthetic import write_clicks

    write_clicks(args.out, users=args.users, seed=args.seed, world_seed=args.world_seed,
                 user_prefix=args.user_prefix)
    return 0
