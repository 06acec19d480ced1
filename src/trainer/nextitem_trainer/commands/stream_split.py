"""``stream-split``: the streaming protocol's split of a log by time into train and replay parts."""
from __future__ import annotations

NAME = "stream-split"


def add_parser(sub) -> None:
    p = sub.add_parser("stream-split", help="first FRACTION of the events by time to train on, the rest to replay")
    p.add_argument("--data", required=True)
    p.add_argument("--format", required=True, choices=["movielens", "movielens-tab", "csv"])
    p.add_argument("--fraction", type=float, default=0.8)
    p.add_argument("--out-dir", required=True, help="gets train.csv.gz, replay.csv.gz and split.json")
    p.add_argument("--item-categories", help="side file whose categories go into the replay part's events")
    p.add_argument("--item-categories-format", choices=["movielens-movies", "movielens-items"])


def run(args) -> int:
    from ..core.paths import input_file
    from ..protocols.stream_split import stream_split

    categories = input_file(args.item_categories) if args.item_categories else None
    stream_split(input_file(args.data), args.format, args.fraction, args.out_dir, categories,
                 args.item_categories_format)
    return 0
