"""``canary-fixture``: a deliberately worse demo model (training clicks shuffled), for canary tests."""
from __future__ import annotations

from pathlib import Path

NAME = "canary-fixture"


def add_parser(sub) -> None:
    p = sub.add_parser("canary-fixture",
                       help="train the demo config on shuffled click orders and export it as a worse test version")
    p.add_argument("--out", default="src/test/resources/nextitem/canary",
                   help="registry folder of the fixture (default: src/test/resources/nextitem/canary); "
                        "writes <out>/<version>/ and <out>/<version>.quality.json, replacing both")
    p.add_argument("--version", default="sasrec-demo-shuffled", help="version folder name")
    p.add_argument("--seed", type=int, default=7, help="seed of the shuffle of every user's click order")


def run(args) -> int:
    from ..core import paths
    from ..tools.canary_fixture import build_canary_fixture

    out = Path(args.out)
    build_canary_fixture(out if out.is_absolute() else paths.REPO_ROOT / out, version=args.version, seed=args.seed)
    return 0
