"""``dashboard-plots``: the Grafana dashboard's panels drawn from a Prometheus server's answers."""
from __future__ import annotations

import sys

NAME = "dashboard-plots"


def add_parser(sub) -> None:
    p = sub.add_parser("dashboard-plots", help="the Grafana dashboard's panels, each query answered by a Prometheus server")
    p.add_argument("--prometheus", required=True, help="the server's base URL, e.g. http://localhost:9090")
    p.add_argument("--minutes", type=float, default=10.0, help="how far back from now to draw")
    p.add_argument("--step", type=float, default=5.0, help="seconds between points (query_range's step)")
    p.add_argument("--dashboard", default="deploy/grafana/dashboards/nextitem.json")
    p.add_argument("--out", default="src/site/images/dashboard.png")


def run(args) -> int:
    from ..core.paths import from_config
    from ..tools.dashboard_plots import EmptyPanels, dashboard_plots

    try:
        dashboard_plots(args.prometheus, from_config(args.dashboard), from_config(args.out), args.minutes, args.step)
    except (EmptyPanels, ConnectionError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0
