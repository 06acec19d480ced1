"""``finetune``: continue the registry's newest version on new snapshots (once, or --watch)."""
from __future__ import annotations

NAME = "finetune"


def add_parser(sub) -> None:
    p = sub.add_parser("finetune", help="continue the registry's newest version on new snapshots; publish if not worse")
    p.add_argument("--registry", required=True, help="the job's model.registry")
    p.add_argument("--snapshots", required=True, help="the job's snapshots.dir (a local path)")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--replay", type=float, default=1.0, help="rows of learned snapshots per new training row")
    p.add_argument("--holdout", type=float, default=0.1, help="newest share of the new rows kept for validation")
    p.add_argument("--tolerance", type=float, default=0.0, help="publish when NDCG@10 >= the parent's minus this")
    p.add_argument("--lr", type=float, help="learning rate (default: a tenth of the version's training lr)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--watch", action="store_true", help="keep fine-tuning as snapshots complete")
    p.add_argument("--interval-seconds", type=float, default=60.0, help="with --watch: how often to look")
    p.add_argument("--no-progress", action="store_true")


def run(args) -> int:
    from ..serving.finetune import finetune, watch

    options = dict(epochs=args.epochs, replay=args.replay, holdout=args.holdout, tolerance=args.tolerance,
                   seed=args.seed, lr=args.lr, progress=not args.no_progress)
    if args.watch:
        watch(args.registry, args.snapshots, args.interval_seconds, **options)
    else:
        finetune(args.registry, args.snapshots, **options)
    return 0
