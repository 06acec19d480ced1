"""The command line of deploy/bin/gpu-check: golden check first, figures only when it passed,
one result file either way."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import torch

from ...core.cpu_threads import set_cpu_threads
from ...core.models import SequenceEncoderModel
from ...core.paths import RESULTS_DIR
from ...core.results import write_result
from .machine import commit, machine, machine_slug
from .report import print_table, relative
from .timing import figures
from .version import SCORE_TOLERANCE, VersionError, default_version, golden_check, load_version

SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
BATCHES = (1, 64, 256)
QUICK_SIZES = (1_000, 10_000)
QUICK_BATCHES = (1, 8)
EXIT_GOLDEN_FAILED = 1
EXIT_BAD_INPUT = 2
DESCRIPTION = "GPU check: the served arithmetic in PyTorch, on CUDA and on the CPU, for catalogues of 10^4..10^7 items."


def positive_ints(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        values = []
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"expected positive integers separated by commas, got {text!r}")
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="gpu-check", description=DESCRIPTION)
    p.add_argument("--version", type=Path, help="model version folder (default: the demo version in the repository)")
    p.add_argument("--out", type=Path, help="result file (default: src/site/results/gpu/<GPU or CPU name>.json)")
    p.add_argument("--devices", default="auto", help="auto (CUDA when present, then CPU), cpu, cuda, or cuda,cpu")
    p.add_argument("--sizes", type=positive_ints, help="catalogue sizes N, comma-separated (default 10^4..10^7)")
    p.add_argument("--batches", type=positive_ints, help="batch sizes B, comma-separated (default 1,64,256)")
    p.add_argument("--threads", type=int, help="CPU threads for torch and OpenBLAS (default: their own choice, recorded)")
    p.add_argument("--budget-s", type=float, default=420.0, help="time for all figures; cells after it are skipped")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quick", action="store_true", help="small N, few repetitions: for the test suite")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    if args.threads:
        set_cpu_threads(args.threads)  # torch's pool and OpenBLAS's, which does not hear torch
    # The exported graph multiplies in float32; TF32 would round the scores past the tolerance.
    torch.backends.cuda.matmul.allow_tf32 = False
    wanted = ["cuda", "cpu"] if args.devices == "auto" else [d.strip() for d in args.devices.split(",") if d.strip()]
    devices = [d for d in wanted if d != "cuda" or torch.cuda.is_available()]
    if args.devices != "auto" and "cuda" in wanted and not torch.cuda.is_available():
        print(f"error: --devices {args.devices}: this torch ({torch.__version__}) sees no CUDA device", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not devices or set(devices) - {"cpu", "cuda"}:
        print(f"error: --devices {args.devices}: expected auto, cpu, cuda or a list of them", file=sys.stderr)
        return EXIT_BAD_INPUT
    settings = {"seed": args.seed,
                "sizes": args.sizes or list(QUICK_SIZES if args.quick else SIZES),
                "batches": args.batches or list(QUICK_BATCHES if args.quick else BATCHES),
                "warmup": 1 if args.quick else 2, "min_reps": 2 if args.quick else 3,
                "max_reps": 3 if args.quick else 50, "cell_budget_s": 0.2 if args.quick else 4.0,
                "budget_s": args.budget_s, "sequence": "full length (no padding), items uniform over 1..N",
                "timed": "batch to the device, encoder, scores q @ E^T, padding masked, exact TopK, outputs to the host"}
    try:
        folder = args.version or default_version()
        manifest, model, golden = load_version(folder)
        if not isinstance(model, SequenceEncoderModel) or tuple(model.inputs) != ("item_seq",):
            raise VersionError(f"{folder}: model {model.name} reads {list(model.inputs)}; the figures need a "
                               f"dot-product encoder that reads item_seq only (e.g. sasrec)")
    except (VersionError, FileNotFoundError, ValueError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    facts = machine(devices)
    out = args.out or RESULTS_DIR / "gpu" / f"{machine_slug(facts)}{'-quick' if args.quick else ''}.json"
    result = {"kind": "gpu-check", "created_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
              "commit": commit(), "machine": facts, "devices": devices,
              "version": {"name": manifest["version"], "folder": relative(folder), "model": manifest["name"],
                          "num_items": manifest["num_items"], "max_seq_len": manifest["max_seq_len"],
                          "hidden": model.config.hidden, "top_k_graph": manifest["top_k_graph"]},
              "score_tolerance": SCORE_TOLERANCE, "settings": settings}

    print(f"gpu-check: {manifest['version']} on {', '.join(devices)} ({facts['cuda'].get('device_name', facts['cpu_model'])}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads)", flush=True)
    result["golden"] = [golden_check(model, manifest, golden, device) for device in devices]
    failed = [g for g in result["golden"] if not g["passed"]]
    for g in result["golden"]:
        print(f"golden check on {g['device']}: {'passed' if g['passed'] else 'FAILED'} ({g['cases']} cases, "
              f"{g['rows']} rows, max score difference {g['max_abs_score_diff']:.2e})", flush=True)
    if failed:
        result["figures"] = []
        result["wall_s"] = round(time.monotonic() - started, 1)
        write_result(out, result)
        for g in failed:
            for problem in g["problems"]:
                print(f"golden check failed on {g['device']}: {problem}", file=sys.stderr)
        print(f"golden check failed: {relative(folder / 'golden.json')} is not reproduced (items must be identical, "
              f"scores within {SCORE_TOLERANCE}); nothing was timed; result in {out}", file=sys.stderr)
        return EXIT_GOLDEN_FAILED

    result["figures"] = figures(model, manifest["top_k_graph"], devices, settings)
    result["wall_s"] = round(time.monotonic() - started, 1)
    write_result(out, result)
    print_table(result)
    print(f"result: {out} ({result['wall_s']} s)")
    return 0
