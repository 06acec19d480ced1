"""``scaling-catalogues``: rebuilds the trained synthetic catalogues of the serving scaling bench
from nothing (data, training, P1 against MostPop, export), tools/scaling_catalogues.py."""
from __future__ import annotations

from pathlib import Path

NAME = "scaling-catalogues"


def add_parser(sub) -> None:
    p = sub.add_parser(NAME, help="draw, train, evaluate and export the 10^4..10^6-item synthetic catalogues "
                                  "(runs/scaling/; figures in src/site/results/scaling/trained_catalogues.json)")
    p.add_argument("--items", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                   help="catalogue sizes, built in this order (each has its epoch and time budget)")
    p.add_argument("--sampler", default="popularity", choices=["uniform", "popularity", "in_batch"],
                   help="negatives of the sampled softmax (the trial on 10^4 items: sampler_trials in the result)")
    p.add_argument("--trial", action="store_true",
                   help="a sampler trial: train and evaluate without export, recorded under sampler_trials")
    p.add_argument("--epochs", type=int, help="override the catalogue's epoch budget")
    p.add_argument("--max-minutes", type=float, help="override the catalogue's time budget")
    p.add_argument("--result-file", type=Path,
                   help="record the figures here instead of src/site/results/scaling/trained_catalogues.json "
                        "(a rebuild for a new bench run, beside the figures of the versions earlier runs used)")


def run(args) -> int:
    from ..tools.scaling_catalogues import BUDGETS, RESULT_FILE, Budget, build_catalogue, record

    for items in args.items:
        default = BUDGETS.get(items, Budget(4, 10.0))
        budget = Budget(args.epochs or default.epochs, args.max_minutes or default.minutes)
        entry = build_catalogue(items, args.sampler, budget, export_version=not args.trial)
        record(entry, result_file=args.result_file or RESULT_FILE, trial=args.trial, command=command_line(args))
    return 0


def command_line(args) -> str:
    """The command as typed, for the result file (paths as given)."""
    words = ["trainer", NAME, "--items", *map(str, args.items), "--sampler", args.sampler]
    for flag, value in (("--epochs", args.epochs), ("--max-minutes", args.max_minutes), ("--result-file", args.result_file)):
        if value is not None:
            words += [flag, str(value)]
    return " ".join(words) + (" --trial" if args.trial else "")
