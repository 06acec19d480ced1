"""Command line: ``python3 -m nextitem_trainer <command>`` (or ``src/trainer/bin/trainer``).

Commands: train, evaluate, export, bench-model, bench-plots, synthetic, demo-assets, test-models, fault-model, dashboard-plots, results-table. Run one with --help for its options.
Errors in inputs (a malformed data line, a bad config key, a missing file) end with one line
naming the input and what was expected, and exit status 2.
"""
from __future__ import annotations

import argparse
import logging
import shutil
import sys
from pathlib import Path

from .core.config import ConfigError
from .core.data import DataFormatError


def _add_train(sub) -> None:
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


def _copy_run(source: Path, run_dir: str | None, name: str) -> Path:
    """train --continue-from: the stopped run's folder copied to where this config's run goes."""
    from .core.paths import RUNS_DIR

    target = Path(run_dir) if run_dir else RUNS_DIR / name
    if not (source / "last.pt").is_file():
        raise FileNotFoundError(f"--continue-from {source}: no last.pt there to continue from")
    if target.exists():
        raise FileExistsError(f"--continue-from: {target} already exists; resume it with --resume instead")
    shutil.copytree(source, target)
    return target


def _add_evaluate(sub) -> None:
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
    p.add_argument("--no-write", action="store_true", help="print only")


def _add_bench_model(sub) -> None:
    p = sub.add_parser("bench-model", help="export an untrained version of a given catalogue size and length (for bench)")
    p.add_argument("--config", default="sasrec_ml-1m.yaml", help="architecture (model section) to build")
    p.add_argument("--items", type=int, required=True, help="catalogue size N")
    p.add_argument("--max-len", type=int, required=True, help="sequence length L")
    p.add_argument("--registry", required=True, help="registry folder; the version folder is created inside")
    p.add_argument("--version", help="version name (default: <model>-bench-n<N>-l<L>)")
    p.add_argument("--seed", type=int, default=42)


def _add_bench_plots(sub) -> None:
    p = sub.add_parser("bench-plots", help="PNG plots of the Java bench results (bench_*.json)")
    p.add_argument("--results", default="src/site/results/bench", help="folder of bench_*.json")
    p.add_argument("--out", default="src/site/images", help="folder for the PNG files")


def _add_dashboard_plots(sub) -> None:
    p = sub.add_parser("dashboard-plots", help="the Grafana dashboard's panels, each query answered by a Prometheus server")
    p.add_argument("--prometheus", required=True, help="the server's base URL, e.g. http://localhost:9090")
    p.add_argument("--minutes", type=float, default=10.0, help="how far back from now to draw")
    p.add_argument("--step", type=float, default=5.0, help="seconds between points (query_range's step)")
    p.add_argument("--dashboard", default="deploy/grafana/dashboards/nextitem.json")
    p.add_argument("--out", default="src/site/images/dashboard.png")


def _add_export(sub) -> None:
    p = sub.add_parser("export", help="write a model version folder (schemas/model/README.md)")
    p.add_argument("--checkpoint", required=True, help="RUN_DIR/best.pt")
    p.add_argument("--registry", required=True, help="registry folder; the version folder is created inside")
    p.add_argument("--version", help="version name (default: <model>-<UTC timestamp>)")
    p.add_argument("--parent-version", help="version this one was fine-tuned from")
    p.add_argument("--top-k", type=int, default=10, help="K the job serves (K' = K + max_seq_len)")
    p.add_argument("--metrics", help="a result JSON whose metrics go into manifest offline_metrics "
                                     "(default: the checkpoint's validation P1)")


def _add_synthetic(sub) -> None:
    p = sub.add_parser("synthetic", help="write a seeded synthetic click log (csv with category)")
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--seed", type=int, required=True, help="seed of the users (the item world has --world-seed)")
    p.add_argument("--out", required=True, help="output file, .csv or .csv.gz")
    p.add_argument("--world-seed", type=int, default=0)
    p.add_argument("--user-prefix", default=None, help="user id prefix (default u<seed>-)")


def _add_demo_assets(sub) -> None:
    p = sub.add_parser("demo-assets", help="train, export and write the demo model and replay clicks")
    p.add_argument("--config", default="sasrec_demo.yaml")
    p.add_argument("--train-users", type=int, default=3000)
    p.add_argument("--replay-events", type=int, default=20000, help="at least this many replay events")
    p.add_argument("--version", help="version folder name (default: sasrec-demo-<UTC timestamp>)")
    p.add_argument("--keep-old", action="store_true", help="keep older versions in the demo registry")


def _add_test_models(sub) -> None:
    p = sub.add_parser("test-models", help="train and export one tiny version per model for the Java tests")
    p.add_argument("--models", nargs="*", help="model names (default: every configs/tiny/*.yaml)")
    p.add_argument("--out", help="folder of per-model registries (default: src/test/resources/nextitem/models/)")


def _add_fault_model(sub) -> None:
    p = sub.add_parser("fault-model", help="copy a version with a fault built in, for the Java model-fault tests")
    p.add_argument("--kind", choices=["nan"], required=True,
                   help="nan: NaN scores for every request that holds one item the golden cases never use")
    p.add_argument("--source", required=True, help="the version folder to copy")
    p.add_argument("--registry", required=True, help="registry folder to write the faulty version into")
    p.add_argument("--version", required=True, help="the faulty version's folder name")


def _add_finetune(sub) -> None:
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


def _add_stream_split(sub) -> None:
    p = sub.add_parser("stream-split", help="first FRACTION of the events by time to train on, the rest to replay")
    p.add_argument("--data", required=True)
    p.add_argument("--format", required=True, choices=["movielens", "movielens-tab", "csv"])
    p.add_argument("--fraction", type=float, default=0.8)
    p.add_argument("--out-dir", required=True, help="gets train.csv.gz, replay.csv.gz and split.json")
    p.add_argument("--item-categories", help="side file whose categories go into the replay part's events")
    p.add_argument("--item-categories-format", choices=["movielens-movies", "movielens-items"])


def _add_stream_report(sub) -> None:
    p = sub.add_parser("stream-report", help="the streaming protocol's result file from its runs (stream_report.py)")
    p.add_argument("--model", required=True)
    p.add_argument("--key", required=True, help="dataset key in the file name: <model>_<key>_stream.json")
    p.add_argument("--static", required=True, help="demo --result of the static model")
    p.add_argument("--loop", required=True, help="demo --result with snapshots and finetune --watch")
    p.add_argument("--split", required=True, help="stream-split's split.json")
    p.add_argument("--loop-registry", required=True, help="the registry the loop published into")
    p.add_argument("--settings", required=True, help="the finetune --watch command line, recorded as is")


def _add_tie_order(sub) -> None:
    p = sub.add_parser("tie-order", help="copy a SASRec-format file with same-second clicks shuffled (tie_order.py)")
    p.add_argument("--data", required=True, help="SASRec-format file (user item per line, each user's lines in order)")
    p.add_argument("--timestamps", required=True, help="ratings file with timestamps for (some of) the same users")
    p.add_argument("--timestamps-format", default="movielens", choices=["movielens", "movielens-tab", "csv"])
    p.add_argument("--out", required=True, help="output file, .txt or .txt.gz")
    p.add_argument("--seed", type=int, default=1)


def _add_results_table(sub) -> None:
    sub.add_parser("results-table", help="print the README's results tables from src/site/results/*.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="trainer", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_train, _add_evaluate, _add_export, _add_bench_model, _add_bench_plots, _add_synthetic, _add_demo_assets, _add_test_models, _add_fault_model, _add_dashboard_plots,
                _add_finetune, _add_stream_split, _add_stream_report, _add_tie_order, _add_results_table):
        add(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(name)s %(message)s", datefmt="%H:%M:%S", stream=sys.stdout)
    try:
        return _run(args)
    except (ConfigError, DataFormatError, FileNotFoundError, FileExistsError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


def _user_range(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    first, sep, last = text.partition("-")
    if not sep or not first.isdigit() or not last.isdigit() or int(first) > int(last):
        raise ValueError(f"--user-range: expected FIRST-LAST with FIRST <= LAST, e.g. 1-2999, got {text!r}")
    return int(first), int(last)


def _run(args) -> int:
    from .core import paths

    if args.command == "train":
        from .core.config import load_config
        from .core.train import train

        config = load_config(paths.config_file(args.config))
        if args.data:
            config.data.path = paths.portable(args.data)
        if args.seed is not None:
            config.train.seed = args.seed
            config.name = f"{config.name}-s{args.seed}"
        if args.epochs is not None:
            config.train.epochs = args.epochs
        if args.threads is not None:
            config.train.threads = args.threads
        if args.continue_from:
            args.run_dir, args.resume = _copy_run(Path(args.continue_from), args.run_dir, config.name), True
        if config.data.p4_window:  # P4 trains on its own windows (protocol_p4.py)
            from .protocols.p4 import train_p4

            train_p4(config, args.run_dir, resume=args.resume, progress=not args.no_progress)
        else:
            train(config, args.run_dir, resume=args.resume, progress=not args.no_progress)
    elif args.command == "evaluate":
        from .core.config import load_config
        from .core.evaluation import P2_SEED
        from .tools.reports import run_evaluate

        if not args.checkpoint and not args.baseline:
            raise ValueError("evaluate needs --checkpoint (one per seed) or --baseline with --config")
        run_evaluate(args.checkpoint, tuple(args.protocol), baseline=args.baseline,
                     config=load_config(paths.config_file(args.config)) if args.config else None,
                     data=args.data, fmt=args.format, dataset_name=args.dataset_name, key=args.key,
                     out_dir=args.out or paths.RESULTS_DIR,
                     p2_seed=P2_SEED if args.p2_seed is None else args.p2_seed, write=not args.no_write,
                     note=args.note, variant=args.variant, user_range=_user_range(args.user_range))
    elif args.command == "finetune":
        from .serving.finetune import finetune, watch

        options = dict(epochs=args.epochs, replay=args.replay, holdout=args.holdout, tolerance=args.tolerance,
                       seed=args.seed, lr=args.lr, progress=not args.no_progress)
        if args.watch:
            watch(args.registry, args.snapshots, args.interval_seconds, **options)
        else:
            finetune(args.registry, args.snapshots, **options)
    elif args.command == "stream-split":
        from .protocols.stream_split import stream_split

        stream_split(args.data, args.format, args.fraction, args.out_dir, args.item_categories,
                     args.item_categories_format)
    elif args.command == "stream-report":
        from .protocols.stream_report import stream_report

        stream_report(args.model, args.key, args.static, args.loop, args.split, args.loop_registry, args.settings)
    elif args.command == "tie-order":
        from .tools.tie_order import shuffle_ties

        shuffle_ties(args.data, args.timestamps, args.timestamps_format, args.out, args.seed)
    elif args.command == "export":
        from .serving.export import export

        export(args.checkpoint, args.registry, version=args.version, parent_version=args.parent_version,
               top_k=args.top_k, metrics_file=args.metrics)
    elif args.command == "bench-model":
        from .tools.bench_model import bench_model

        bench_model(paths.config_file(args.config), args.items, args.max_len, Path(args.registry),
                    version=args.version, seed=args.seed)
    elif args.command == "dashboard-plots":
        from .tools.dashboard_plots import dashboard_plots
        from .core.paths import from_config

        from .tools.dashboard_plots import EmptyPanels

        try:
            dashboard_plots(args.prometheus, from_config(args.dashboard), from_config(args.out), args.minutes, args.step)
        except (EmptyPanels, ConnectionError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    elif args.command == "bench-plots":
        from .tools.bench_plots import bench_plots

        bench_plots(Path(args.results), Path(args.out))
    elif args.command == "synthetic":
        from .tools.synthetic import write_clicks

        write_clicks(args.out, users=args.users, seed=args.seed, world_seed=args.world_seed,
                     user_prefix=args.user_prefix)
    elif args.command == "demo-assets":
        from .tools.demo_assets import build_demo_assets

        build_demo_assets(paths.config_file(args.config), train_users=args.train_users,
                          replay_events=args.replay_events, version=args.version, keep_old=args.keep_old)
    elif args.command == "fault-model":
        from .tools.fault_models import write_nan_version
        print(write_nan_version(Path(args.source), Path(args.registry), args.version))
    elif args.command == "test-models":
        from .tools.test_models import TEST_MODELS_DIR, build_test_models

        build_test_models(args.models, Path(args.out) if args.out else TEST_MODELS_DIR)
    elif args.command == "results-table":
        from .tools.results_table import print_tables

        print_tables()
    return 0


if __name__ == "__main__":
    sys.exit(main())
