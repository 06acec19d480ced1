"""``evaluate``: test-split figures of checkpoints (or a baseline) into src/site/results/."""
from __future__ import annotations

NAME = "evaluate"


def add_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="test-split P1/P2 figures, written to src/site/results/")
    p.add_argument("--checkpoint", nargs="*", default=[],
                   help="best.pt files (or run folders), one per seed; several give mean and std")
    p.add_argument("--baseline", choices=["mostpop"], help="evaluate a baseline instead of the checkpoint's model")
    p.add_argument("--config", help="config for the data (needed for --baseline without --checkpoint)")
    p.add_argument("--protocol", nargs="+", default=["P1", "P2"], choices=["P1", "P2", "P3", "P4", "P5"],
                   help="P4 (CASFE's MovieLens windows) needs a checkpoint trained with data.p4_window")
    p.add_argument("--data", help="evaluate on another file through the checkpoint's vocabulary")
    p.add_argument("--format", choices=["sasrec", "movielens", "movielens-tab", "csv"], help="format of --data")
    p.add_argument("--dataset-name", help="dataset name written into the result")
    p.add_argument("--key", help="dataset key in result file names (default: the config's data.key)")
    p.add_argument("--out", help="result folder (default: src/site/results/)")
    p.add_argument("--p2-seed", type=int, default=None, help="seed of P2's negatives")
    p.add_argument("--note", help="free text written into the result (e.g. how the run was resumed)")
    p.add_argument("--variant", help="a setting of the same model (e.g. plus for SASRec+): written into the "
                                     "result and its file name <model>-<variant>_<key>_<protocol>.json")
    p.add_argument("--user-range", help="evaluate only the users whose numeric id is in FIRST-LAST (e.g. 1-2999: "
                                        "the ML-1M users whose tie order is real in the rebuild); recorded in the result")
    p.add_argument("--sample-users", type=int, default=0,
                   help="evaluate a seeded sample of this many users (0 = all): full ranking of a 10^6-item catalogue "
                        "for every user is slow; recorded in the result")
    p.add_argument("--sample-seed", type=int, default=0, help="seed of --sample-users")
    p.add_argument("--no-write", action="store_true", help="print only")


def user_range(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    first, sep, last = text.partition("-")
    if not sep or not first.isdigit() or not last.isdigit() or int(first) > int(last):
        raise ValueError(f"--user-range: expected FIRST-LAST with FIRST <= LAST, e.g. 1-2999, got {text!r}")
    return int(first), int(last)


def run(args) -> int:
    from ..core import paths
    from ..core.config import load_config
    from ..core.evaluation import P2_SEED
    from ..tools.reports import run_evaluate

    if not args.checkpoint and not args.baseline:
        raise ValueError("evaluate needs --checkpoint (one per seed) or --baseline with --config")
    run_evaluate(args.checkpoint, tuple(args.protocol), baseline=args.baseline,
                 config=load_config(paths.config_file(args.config)) if args.config else None,
                 data=str(paths.input_file(args.data)) if args.data else None, fmt=args.format, dataset_name=args.dataset_name, key=args.key,
                 out_dir=args.out or paths.QUALITY_RESULTS_DIR,
                 p2_seed=P2_SEED if args.p2_seed is None else args.p2_seed, write=not args.no_write,
                 note=args.note, variant=args.variant, user_range=user_range(args.user_range),
                 sample=(args.sample_users, args.sample_seed) if args.sample_users else None)
    return 0
