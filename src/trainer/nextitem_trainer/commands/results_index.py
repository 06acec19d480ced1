"""``results-index``: every result file as data, validated against its kind's schema (tools/results_index.py)."""
from __future__ import annotations

NAME = "results-index"


def add_parser(sub) -> None:
    p = sub.add_parser("results-index", help="validate every file under src/site/results against its kind's schema "
                                             "(schemas/results/) and write src/site/results/index.json")
    p.add_argument("--check", action="store_true", help="write nothing; fail when the index is not current")


def run(args) -> int:
    import json
    import sys

    from ..core.paths import RESULTS_DIR, portable
    from ..tools.results_index import INDEX_FILE, build_index, write_index

    if args.check:
        index = build_index()
        on_disk = RESULTS_DIR / INDEX_FILE
        if not on_disk.is_file() or json.loads(on_disk.read_text()) != index:
            print(f"{portable(on_disk)} is not current: run trainer results-index", file=sys.stderr)
            return 1
        print(f"{index['files']} result files, every JSON one valid; the index is current")
        return 0
    target = write_index()
    print(f"wrote {portable(target)}")
    return 0
