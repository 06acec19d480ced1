"""``fault-model``: a copy of a version with a fault built in, for the Java model-fault tests."""
from __future__ import annotations

from pathlib import Path

NAME = "fault-model"


def add_parser(sub) -> None:
    p = sub.add_parser("fault-model", help="copy a version with a fault built in, for the Java model-fault tests")
    p.add_argument("--kind", choices=["nan"], required=True,
                   help="nan: NaN scores for every request that holds one item the golden cases never use")
    p.add_argument("--source", required=True, help="the version folder to copy")
    p.add_argument("--registry", required=True, help="registry folder to write the faulty version into")
    p.add_argument("--version", required=True, help="the faulty version's folder name")


def run(args) -> int:
    from ..tools.fault_models import write_nan_version

    print(write_nan_version(Path(args.source), Path(args.registry), args.version))
    return 0
