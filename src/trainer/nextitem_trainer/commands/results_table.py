"""``results-table``: the quality tables of docs/results.md (and docs/scaling.md's sampled-loss table) from the result files."""
from __future__ import annotations

NAME = "results-table"


def add_parser(sub) -> None:
    p = sub.add_parser("results-table", help="print the quality tables of docs/results.md and docs/scaling.md from "
                                             "src/site/results/quality/ and stream/")
    p.add_argument("--write", action="store_true", help="rewrite the tables between their markers in those pages")


def run(args) -> int:
    from ..core.paths import portable
    from ..tools.results_table import print_tables, write_tables

    if args.write:
        changed = write_tables()
        print("rewrote " + (", ".join(portable(p) for p in changed) if changed else "nothing: every table is current"))
        return 0
    print_tables()
    return 0
