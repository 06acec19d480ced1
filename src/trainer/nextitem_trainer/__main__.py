"""Command line: ``python3 -m nextitem_trainer <command>`` (or ``src/trainer/bin/trainer``).

Commands: train, evaluate, export, bench-model, bench-plots, synthetic, demo-assets, canary-fixture, test-models, fault-model, dashboard-plots, finetune, full-retrain, stream-split, stream-report, results-table, results-index, epoch-time, scaling-catalogues, query-vectors. Run one with --help for its options.
Errors in inputs (a malformed data line, a bad config key, a missing file) end with one line
naming the input and what was expected, and exit status 2.
"""
from __future__ import annotations

import argparse
import logging
import sys

from .commands import (bench_model, bench_plots, canary_fixture, dashboard_plots, demo_assets, evaluate, export, fault_model,
                       epoch_time, finetune, full_retrain, query_vectors, results_index, results_table, scaling_catalogues, stream_report, stream_split, synthetic, test_models,
                       tie_order, train, top_k_graph)
from .core.config import ConfigError
from .core.data import DataFormatError

# One module per command (commands/), in the order --help lists them.
COMMANDS = (train, evaluate, export, bench_model, bench_plots, synthetic, demo_assets, canary_fixture, test_models, fault_model,
            dashboard_plots, finetune, full_retrain, stream_split, stream_report, tie_order, results_table, results_index, epoch_time, scaling_catalogues,
            query_vectors, top_k_graph)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="trainer", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(name)s %(message)s", datefmt="%H:%M:%S", stream=sys.stdout)
    by_name = {command.NAME: command for command in COMMANDS}
    try:
        return by_name[args.command].run(args)
    except (ConfigError, DataFormatError, FileNotFoundError, FileExistsError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
