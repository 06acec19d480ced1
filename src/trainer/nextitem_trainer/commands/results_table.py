"""``results-table``: the quality tables of docs/results.md (and docs/scaling.md's sampled-loss table) from the result files."""
from __future__ import annotations

NAME = "results-table"


def add_parser(sub) -> None:
    sub.add_parser("results-table", help="print the quality tables of docs/results.md and docs/scaling.md from src/site/results/*.json")


def run(args) -> int:
    from ..tools.results_table import print_tables

    print_tables()
    return 0
