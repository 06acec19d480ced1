"""``results-table``: the quality and streaming tables of docs/results.md, docs/scaling.md's sampled-loss table and the
README's headline table, and every marked figure in the prose of README.md and docs/
(``tools/inline_figures.py``), from the result files."""
from __future__ import annotations

NAME = "results-table"


def add_parser(sub) -> None:
    p = sub.add_parser("results-table", help="print the quality tables of docs/results.md and docs/scaling.md from "
                                             "src/site/results/quality/ and stream/")
    p.add_argument("--write", action="store_true", help="rewrite the tables between their markers in those pages "
                                                        "(and the README's headline table, and every <!--fig ...--> figure in README.md and docs/)")
    p.add_argument("--find", metavar="FIGURE", help="print every FILE#POINTER whose number prints as FIGURE (e.g. "
                                                    "7,977 or 0.81): the marker to write around it in a page")
    p.add_argument("--under", default="", help="with --find: only the result files under this folder (e.g. bench)")
    p.add_argument("--check", action="store_true", help="write nothing; fail naming each table that differs from the files")


def run(args) -> int:
    from ..core.paths import portable
    import sys

    from ..tools.results_table import print_tables, stale_tables, write_tables

    if args.find:
        from ..core.paths import RESULTS_DIR
        from ..tools.inline_figures import find_value

        found = find_value(args.find, RESULTS_DIR, args.under)
        print("\n".join(found) if found else f"no number in the result files prints as {args.find}")
        return 0 if found else 1
    if args.check:
        stale = stale_tables()
        for table in stale:
            print(f"{table}: differs from the result files (rewrite it with trainer results-table --write)", file=sys.stderr)
        return 1 if stale else 0
    if args.write:
        changed = write_tables()
        print("rewrote " + (", ".join(portable(p) for p in changed) if changed else "nothing: every table is current"))
        return 0
    print_tables()
    return 0
