"""``train``: a YAML config into runs/<name>/ (P4 configs train on their windows)."""
from __future__ import annotations

import shutil
from pathlib import Path

NAME = "train"


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a model from a YAML config into runs/<name>/")
    p.add_argument("--config", required=True, help="YAML config (e.g. configs/sasrec_ml-1m.yaml)")
    p.add_argument("--data", help="dataset file, overriding data.path of the config")
    p.add_argument("--run-dir", help="run folder (default: runs/<config name>/ at the repository root)")
    p.add_argument("--seed", type=int, help="override train.seed (the run name gets -s<seed>)")
    p.add_argument("--epochs", type=int, help="override train.epochs")
    p.add_argument("--threads", type=int, help="override train.threads (e.g. to resume on cores another run freed)")
    p.add_argument("--resume", action="store_true", help="continue from RUN_DIR/last.pt")
    p.add_argument("--continue-from", metavar="DIR",
                   help="copy the run folder DIR (e.g. a run that early-stopped) into this run's folder and resume "
                        "it there under this config; DIR is left as it was")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def copy_run(source: Path, run_dir: str | None, name: str) -> Path:
    """train --continue-from: the stopped run's folder copied to where this config's run goes."""
    from ..core.paths import RUNS_DIR

    target = Path(run_dir) if run_dir else RUNS_DIR / name
    if not (source / "last.pt").is_file():
        raise FileNotFoundError(f"--continue-from {source}: no last.pt there to continue from")
    if target.exists():
        raise FileExistsError(f"--continue-from: {target} already exists; resume it with --resume instead")
    shutil.copytree(source, target)
    return target


def run(args) -> int:
    from ..core import paths
    from ..core.config import load_config

    config = load_config(paths.config_file(args.config))
    if args.data:
        config.data.path = paths.portable(paths.input_file(args.data))
    if args.seed is not None:
        config.train.seed = args.seed
        config.name = f"{config.name}-s{args.seed}"
    if args.epochs is not None:
        config.train.epochs = args.epochs
    if args.threads is not None:
        config.train.threads = args.threads
    if args.continue_from:
        args.run_dir, args.resume = copy_run(Path(args.continue_from), args.run_dir, config.name), True
    if config.data.p4_window:  # P4 trains on its own windows (protocols/p4.py)
        from ..protocols.p4 import train_p4

        train_p4(config, args.run_dir, resume=args.resume, progress=not args.no_progress)
    else:
        from ..core.train import train

        train(config, args.run_dir, resume=args.resume, progress=not args.no_progress)
    return 0
