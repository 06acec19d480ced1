"""``epoch-time``: the training cost of each loss on 10^4..10^6-item synthetic catalogues, written to
src/site/results/scaling/epoch_time.json (tools/epoch_time.py). A benchmark, not a test."""
from __future__ import annotations

NAME = "epoch-time"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="seconds per 1,000 training positions and per epoch of SASRec under ce, "
                                  "sampled_softmax (uniform, popularity, in_batch) and gbce, by catalogue size")
    p.add_argument("--items", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--steps", type=int, default=5, help="timed steps per loss (after 2 warm-up steps)")
    p.add_argument("--out", help="result file (default src/site/results/scaling/epoch_time.json)")


def run(args) -> int:
    from pathlib import Path

    from ..tools.epoch_time import RESULT_FILE, run_epoch_time

    if args.steps <= 0:
        raise ValueError("epoch-time: --steps must be positive")
    run_epoch_time(args.items, args.steps, Path(args.out) if args.out else RESULT_FILE)
    return 0
