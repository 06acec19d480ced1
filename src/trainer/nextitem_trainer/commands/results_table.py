"""``results-table``: the README's results tables from the result files."""
from __future__ import annotations

NAME = "results-table"


def add_parser(sub) -> None:
    sub.add_parser("results-table", help="print the README's results tables from src/site/results/*.json")


def run(args) -> int:
    from ..tools.results_table import print_tables

    print_tables()
    return 0
