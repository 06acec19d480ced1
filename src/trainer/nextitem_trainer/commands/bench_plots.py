"""``bench-plots``: PNG plots of the Java bench results."""
from __future__ import annotations

from pathlib import Path

NAME = "bench-plots"


def add_parser(sub) -> None:
    p = sub.add_parser("bench-plots", help="PNG plots of the Java bench results (bench_*.json)")
    p.add_argument("--results", default="src/site/results/bench", help="folder of bench_*.json")
    p.add_argument("--out", default="src/site/images", help="folder for the PNG files")


def run(args) -> int:
    from ..tools.bench_plots import bench_plots

    bench_plots(Path(args.results), Path(args.out))
    return 0
