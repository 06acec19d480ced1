"""``demo-assets``: the demo model and the clicks the demo replays."""
from __future__ import annotations

NAME = "demo-assets"


def add_parser(sub) -> None:
    p = sub.add_parser("demo-assets", help="train, export and write the demo model and replay clicks")
    p.add_argument("--config", default="sasrec_demo.yaml")
    p.add_argument("--train-users", type=int, default=3000)
    p.add_argument("--replay-events", type=int, default=20000, help="at least this many replay events")
    p.add_argument("--version", help="version folder name (default: sasrec-demo-<UTC timestamp>)")
    p.add_argument("--keep-old", action="store_true", help="keep older versions in the demo registry")


def run(args) -> int:
    from ..core import paths
    from ..tools.demo_assets import build_demo_assets

    build_demo_assets(paths.config_file(args.config), train_users=args.train_users,
                      replay_events=args.replay_events, version=args.version, keep_old=args.keep_old)
    return 0
