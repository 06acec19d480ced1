"""``synthetic``: a seeded synthetic click log: the 500-item world (``--users``), or a catalogue
at scale (``--items``, tools/synthetic_catalogue.py)."""
from __future__ import annotations

NAME = "synthetic"


def add_parser(sub) -> None:
    p = sub.add_parser("synthetic", help="write a seeded synthetic click log (csv with category)")
    p.add_argument("--users", type=int, help="users of the 500-item world (tools/synthetic.py)")
    p.add_argument("--items", type=int, help="instead of --users: a catalogue of this many items with Zipf popularity "
                                             "and category cycles, drawn with numpy (tools/synthetic_catalogue.py)")
    p.add_argument("--events-per-item", type=float, default=20.0,
                   help="with --items: events = items x this (whole users, so slightly more)")
    p.add_argument("--seed", type=int, required=True, help="seed of the users (the item world has --world-seed; "
                                                           "with --items everything comes from --seed)")
    p.add_argument("--out", required=True, help="output file, .csv or .csv.gz")
    p.add_argument("--world-seed", type=int, default=0)
    p.add_argument("--user-prefix", default=None, help="user id prefix (default u<seed>-)")


def run(args) -> int:
    if (args.users is None) == (args.items is None):
        raise ValueError("synthetic: give --users (the 500-item world) or --items (a catalogue at scale), not both")
    if args.items is not None:
        from ..tools.synthetic_catalogue import write_catalogue

        if args.items < 2 or args.events_per_item <= 0:
            raise ValueError("synthetic: --items must be at least 2 and --events-per-item positive")
        write_catalogue(args.out, items=args.items, events_per_item=args.events_per_item, seed=args.seed)
        return 0
    from ..tools.synthetic import write_clicks

    write_clicks(args.out, users=args.users, seed=args.seed, world_seed=args.world_seed,
                 user_prefix=args.user_prefix)
    return 0
