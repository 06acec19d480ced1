"""``full-retrain``: the streaming protocol's upper bound, a version trained from scratch on
everything seen up to each snapshot (protocols/full_retrain.py)."""
from __future__ import annotations

NAME = "full-retrain"


def add_parser(sub) -> None:
    p = sub.add_parser("full-retrain", help="train one version from scratch per snapshot interval of a replay; with "
                                            "--watch, publish each as the job's snapshot for it completes")
    p.add_argument("--config", required=True, help="the static model's YAML config (its data: stream-split's train.csv.gz)")
    p.add_argument("--replay", required=True, help="stream-split's replay.csv.gz")
    p.add_argument("--out", required=True, help="folder for the trained versions (kept; a rerun trains only what is missing)")
    p.add_argument("--interval-minutes", type=int, default=1440, help="the job's snapshots.interval-minutes")
    p.add_argument("--top-k", type=int, default=10)
    p.add_argument("--watch", action="store_true", help="after training, publish into --registry as --snapshots complete")
    p.add_argument("--registry", help="with --watch: the job's model.registry")
    p.add_argument("--snapshots", help="with --watch: the job's snapshots.dir")
    p.add_argument("--interval-seconds", type=float, default=1.0, help="with --watch: how often to look")
    p.add_argument("--no-progress", action="store_true")


def run(args) -> int:
    from ..core import paths
    from ..core.config import load_config
    from ..protocols.full_retrain import publish_as_snapshots_complete, train_all

    if args.watch and not (args.registry and args.snapshots):
        raise ValueError("full-retrain --watch: give --registry and --snapshots (the job's model.registry and snapshots.dir)")
    config = load_config(paths.config_file(args.config))
    versions = train_all(config, paths.input_file(args.replay), args.out, args.interval_minutes, args.top_k,
                         progress=not args.no_progress)
    print(f"{len(versions)} versions in {args.out}", flush=True)
    if args.watch:
        publish_as_snapshots_complete(args.out, args.registry, args.snapshots, args.interval_seconds)
    return 0
