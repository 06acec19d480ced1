"""GPU check: the served arithmetic in PyTorch, on CUDA and on the CPU, for catalogues of 10^4..10^7 items.

Written for a lent GPU machine that offers Python 3 with PyTorch (any CUDA build) and numpy, and
nothing else: no Java, no ONNX Runtime, no network. So this module imports torch, numpy, the
standard library and the trainer's light modules only (the models and the checkpoint loader;
no yaml, onnx or tqdm), and runs straight from a copy of the working tree
(``deploy/bin/gpu-check``, docs/gpu-check.md).

1. Golden check: a model version (default: the demo version shipped in the repository) is
   rebuilt from its ``weights.pt`` with the project's own model class, wrapped in the same
   ``TopKGraph`` the exporter traces, and fed every case of its ``golden.json``, on each device:
   items must be identical and scores within the contract's 1e-4 (schemas/model/README.md). A
   failure stops the run with exit status 1 before anything is timed.
2. Figures: the version's encoder with a random item table of N rows (same hidden size, same
   scale as the trained table), timed as one request: the (B, L) batch to the device, encoder,
   scores ``q @ E^T`` (the graph's Gemm), padding masked, exact ``torch.topk`` (the graph's TopK),
   both outputs back to the host. Warm-up, then repetitions within a time budget per cell;
   median, min, max, requests/s. The encoder alone, and the encoder with the scores but no TopK,
   are timed too, to show where the time goes. A cell whose
   memory estimate does not fit the device is skipped with its reason, as is every cell once the
   whole run's budget is spent.
3. A result JSON (machine, commit, golden check, figures, settings with the seed) and a short table.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import itertools
import json
import os
import pickle
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

from ..core.checksums import sha256_file
from ..core import checkpoint
from ..core.cpu_threads import openblas_threads, set_cpu_threads
from ..core.models import SequenceEncoderModel, TopKGraph, build_model
from ..core.paths import DEMO_DIR, REPO_ROOT, RESULTS_DIR
from ..core.results import cpu_model, git_commit, write_result

# The contract's parity tolerance: the Java parity test requires identical items and scores within 1e-4.
SCORE_TOLERANCE = 1e-4
SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
BATCHES = (1, 64, 256)
QUICK_SIZES = (1_000, 10_000)
QUICK_BATCHES = (1, 8)
# A cell must fit in this share of the memory the device has free.
MEMORY_SHARE = 0.8
EXIT_GOLDEN_FAILED = 1
EXIT_BAD_INPUT = 2


class VersionError(ValueError):
    """The model version cannot be checked: a file missing, a sha256 that differs, a model the bench cannot size."""


# ---------------------------------------------------------------------------------------------
# the version


def default_version() -> Path:
    found = sorted(p for p in (DEMO_DIR / "registry").glob("*") if (p / "manifest.json").is_file())
    if not found:
        raise VersionError(f"no version under {(DEMO_DIR / 'registry').relative_to(REPO_ROOT)}; pass --version")
    return found[-1]


def load_version(folder: Path) -> tuple[dict, SequenceEncoderModel, dict]:
    """-> (manifest, model in eval mode on the CPU, golden). golden.json and weights.pt must
    match the manifest's sha256s, so what is checked is what was exported."""
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise VersionError(f"{folder}: no manifest.json; --version takes a model version folder")
    manifest = json.loads(manifest_path.read_text())
    for name in ("golden.json", "weights.pt"):
        listed = manifest.get("files", {}).get(name)
        if listed is None or not (folder / name).is_file():
            raise VersionError(f"{folder}: {name} is missing or not in manifest.json's files "
                               f"(versions exported before weights.pt was added cannot be rebuilt in PyTorch)")
        actual = sha256_file(folder / name)
        if actual != listed["sha256"]:
            raise VersionError(f"{folder / name}: sha256 {actual} differs from manifest.json's {listed['sha256']}; "
                               f"the version was changed after export")
    try:
        payload = torch.load(folder / "weights.pt", map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        # Older torch's weights-only reader does not know every opcode the checkpoint uses; the
        # file's sha256 was checked against the manifest above.
        payload = torch.load(folder / "weights.pt", map_location="cpu", weights_only=False)
    model, _ = checkpoint.model_from_checkpoint(payload)
    if model.num_items != manifest["num_items"]:
        raise VersionError(f"{folder}: weights.pt has {model.num_items} items, manifest.json {manifest['num_items']}")
    golden = json.loads((folder / "golden.json").read_text())
    return manifest, model, golden


# ---------------------------------------------------------------------------------------------
# golden check


def golden_check(model: SequenceEncoderModel, manifest: dict, golden: dict, device: str) -> dict:
    """Every golden case through the served graph on ``device``: identical items, scores within
    SCORE_TOLERANCE. -> {"device", "passed", "cases", "rows", "max_abs_score_diff", "problems"}"""
    on_device = model if device == "cpu" else copy.deepcopy(model).to(device)  # Module.to moves in place
    graph = TopKGraph(on_device, manifest["top_k_graph"]).eval()
    problems: list[str] = []
    worst = 0.0
    rows = 0
    for c, case in enumerate(golden["cases"]):
        inputs = [torch.tensor(case["inputs"][name], dtype=torch.int64, device=device) for name in model.inputs]
        with torch.no_grad():
            items, scores = graph(*inputs)  # (B, K') each
        items, scores = items.cpu(), scores.cpu()
        want_items = torch.tensor(case["top_items"], dtype=torch.int64)
        want_scores = torch.tensor(case["top_scores"], dtype=torch.float32)
        rows += items.shape[0]
        if items.shape != want_items.shape:
            problems.append(f"case {c}: top_items of shape {tuple(items.shape)}, golden.json has {tuple(want_items.shape)}")
            continue
        for r, k in (items != want_items).nonzero().tolist()[:1]:
            problems.append(f"case {c} row {r} rank {k}: item {items[r, k].item()}, golden.json has {want_items[r, k].item()}")
        diff = (scores - want_scores).abs()  # (B, K')
        worst = max(worst, float(diff.max()))
        if float(diff.max()) > SCORE_TOLERANCE:
            r, k = divmod(int(diff.argmax()), diff.shape[1])
            problems.append(f"case {c} row {r} rank {k}: score {scores[r, k].item():.6f}, golden.json has "
                            f"{want_scores[r, k].item():.6f} (off by {diff[r, k].item():.2e}, more than {SCORE_TOLERANCE})")
    return {"device": device, "passed": not problems, "cases": len(golden["cases"]), "rows": rows,
            "max_abs_score_diff": worst, "problems": problems}


# ---------------------------------------------------------------------------------------------
# figures


def catalogue_model(template: SequenceEncoderModel, num_items: int, seed: int) -> SequenceEncoderModel:
    """The template's encoder with a random item table of ``num_items`` rows, drawn with the
    trained table's standard deviation so scores have the trained scale; row 0 (padding) zero."""
    torch.manual_seed(seed)
    model = build_model(template.name, template.config, num_items)
    encoder = {k: v for k, v in template.state_dict().items() if not k.startswith("item_emb.")}
    missing, unexpected = model.load_state_dict(encoder, strict=False)
    if unexpected or set(missing) != {"item_emb.weight"}:
        raise VersionError(f"{template.name}: the encoder's weights do not carry over to a bigger catalogue "
                           f"(missing {missing}, unexpected {unexpected})")
    with torch.no_grad():
        std = float(template.item_emb.weight[1:].std())
        model.item_emb.weight.normal_(0.0, std)
        model.item_emb.weight[0].zero_()
    return model.eval()


def model_bytes(num_items: int, hidden: int) -> int:
    return (num_items + 1) * hidden * 4  # the float32 item table; the encoder is tiny beside it


def request_bytes(num_items: int, batch: int) -> int:
    """What one request holds beside the table: scores (B, N+1) float32, their masked copy and
    TopK's working set, plus the padding mask, its arange and the zero bias over N+1."""
    return 3 * batch * (num_items + 1) * 4 + (num_items + 1) * (8 + 1 + 4)


def free_bytes(device: str) -> int:
    if device == "cuda":
        return torch.cuda.mem_get_info()[0]
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")


def synchronize(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def timed(call, device: str, warmup: int, min_reps: int, max_reps: int, budget_s: float) -> list[float]:
    """Milliseconds per call: ``warmup`` untimed calls (one only, when that one alone takes the
    budget), then at least ``min_reps`` and at most ``max_reps`` timed ones, stopping once
    ``budget_s`` is spent."""
    for _ in range(warmup):
        t0 = time.perf_counter()
        call()
        synchronize(device)
        if time.perf_counter() - t0 > budget_s:
            break
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_reps and (len(times) < min_reps or time.perf_counter() - start < budget_s):
        t0 = time.perf_counter()
        call()
        synchronize(device)
        times.append((time.perf_counter() - t0) * 1000.0)
    return times


def measure_cell(model: SequenceEncoderModel, graph: TopKGraph, device: str, num_items: int, batch: int,
                 settings: dict) -> dict:
    g = torch.Generator().manual_seed(settings["seed"] + batch)
    # A few different full-length batches, taken in turn: no padding, the encoder's most work.
    pool = [torch.randint(1, num_items + 1, (batch, model.max_len), generator=g) for _ in range(4)]  # (B, L)
    turn = itertools.count()

    def request():
        seq = pool[next(turn) % len(pool)].to(device)
        items, scores = graph(seq)  # (B, K') each
        return items.cpu(), scores.cpu()

    resident = [p.to(device) for p in pool]

    def encoder_only():
        return model.encode_newest({"item_seq": resident[next(turn) % len(resident)]})  # (B, d)

    def scores_only():  # encoder, Gemm and the padding mask: the request less TopK and the copies
        return model.full_sort_scores({"item_seq": resident[next(turn) % len(resident)]})  # (B, N+1)

    reps = dict(warmup=settings["warmup"], min_reps=settings["min_reps"], max_reps=settings["max_reps"],
                budget_s=settings["cell_budget_s"])
    with torch.no_grad():
        times = timed(request, device, **reps)
        median = statistics.median(times)
        if median > 1000.0 * settings["cell_budget_s"] / settings["min_reps"]:
            # A slow cell: the split is read from one call each, the request has warmed the kernels.
            reps.update(warmup=0, min_reps=1)
        encoder_times = timed(encoder_only, device, **reps)
        scores_times = timed(scores_only, device, **reps)
    return {"device": device, "items": num_items, "batch": batch, "reps": len(times),
            "median_ms": round(median, 3), "min_ms": round(min(times), 3), "max_ms": round(max(times), 3),
            "requests_per_s": round(batch * 1000.0 / median, 1),
            "encoder_median_ms": round(statistics.median(encoder_times), 3),
            "scores_median_ms": round(statistics.median(scores_times), 3)}


def figures(template: SequenceEncoderModel, k_graph: int, devices: list[str], settings: dict) -> list[dict]:
    """Every (N, device, B) cell in turn, smallest N first; the table of each N is built once on the
    CPU and copied to the GPU."""
    deadline = time.monotonic() + settings["budget_s"]
    hidden = template.config.hidden
    out: list[dict] = []
    # Per device, the most milliseconds per score (B x (N+1)) seen so far: a cell whose estimate
    # would run past the deadline is skipped instead of overrunning the run's time.
    ms_per_score: dict[str, float] = {}
    calls_per_cell = settings["warmup"] + settings["min_reps"] + 2
    for num_items in settings["sizes"]:
        def skip(device: str, batch: int, reason: str) -> None:
            out.append({"device": device, "items": num_items, "batch": batch, "skipped": reason})
            print(f"  {device:4s} N={num_items:>10,} B={batch:<4d} skipped: {reason}", flush=True)

        table_need = model_bytes(num_items, hidden)
        if time.monotonic() > deadline or table_need > MEMORY_SHARE * free_bytes("cpu"):
            reason = (f"the run's budget of {settings['budget_s']} s is spent" if time.monotonic() > deadline else
                      f"the item table needs ~{table_need / 2**30:.1f} GiB, the host has {free_bytes('cpu') / 2**30:.1f} GiB free")
            for device in devices:
                for batch in settings["batches"]:
                    skip(device, batch, reason)
            continue
        cpu_model = catalogue_model(template, num_items, settings["seed"])
        for device in devices:
            model = cpu_model if device == "cpu" else None
            for batch in settings["batches"]:
                need = request_bytes(num_items, batch) + (table_need if model is None else 0)
                if time.monotonic() > deadline:
                    skip(device, batch, f"the run's budget of {settings['budget_s']} s is spent")
                    continue
                if need > MEMORY_SHARE * free_bytes(device):
                    skip(device, batch, f"needs ~{need / 2**30:.1f} GiB, {device} has {free_bytes(device) / 2**30:.1f} GiB free")
                    continue
                estimate_s = ms_per_score.get(device, 0.0) * batch * (num_items + 1) * calls_per_cell / 1000.0
                if time.monotonic() + estimate_s > deadline:
                    skip(device, batch, f"would take ~{estimate_s:.0f} s (from the cells before), past the run's "
                                        f"budget of {settings['budget_s']} s")
                    continue
                if model is None:
                    model = copy.deepcopy(cpu_model).to(device)  # Module.to moves in place: keep the CPU one
                graph = TopKGraph(model, k_graph).eval()
                cell = measure_cell(model, graph, device, num_items, batch, settings)
                out.append(cell)
                ms_per_score[device] = max(ms_per_score.get(device, 0.0), cell["median_ms"] / (batch * (num_items + 1)))
                print(f"  {device:4s} N={num_items:>10,} B={batch:<4d} {cell['median_ms']:10.3f} ms "
                      f"{cell['requests_per_s']:12,.1f} req/s", flush=True)
            if device != "cpu":
                model = None
                torch.cuda.empty_cache()
        del cpu_model
    return out


# ---------------------------------------------------------------------------------------------
# machine and result


def memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        return None


def commit() -> str:
    """The project's result-file commit (HEAD, "-dirty" when tracked files differ). A copied
    working tree has no git: then $NEXTITEM_COMMIT, as the sender stated it, else "unknown"."""
    found = git_commit()
    if found == "unknown":
        return os.environ.get("NEXTITEM_COMMIT") or found
    return found


def machine(devices: list[str]) -> dict:
    facts = {"cpu_model": cpu_model(), "cores": os.cpu_count(), "memory_gib": memory_gib(),
             "python": platform.python_version(), "torch": torch.__version__,
             "torch_threads": torch.get_num_threads(), "openblas_threads": openblas_threads(),
             "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "default"),
             "cuda": {"available": torch.cuda.is_available(), "used": "cuda" in devices}}
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        facts["cuda"].update({"device_name": props.name, "capability": f"{props.major}.{props.minor}",
                              "memory_gib": round(props.total_memory / 2**30, 1),
                              "torch_cuda_version": torch.version.cuda, "driver": nvidia_driver(),
                              "tf32_matmul": torch.backends.cuda.matmul.allow_tf32})
    return facts


def nvidia_driver() -> str:
    if shutil.which("nvidia-smi") is None:
        return "unknown"
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
        return out.strip().splitlines()[0] if out.strip() else "unknown"
    except (subprocess.SubprocessError, OSError):
        return "unknown"


def machine_slug(facts: dict) -> str:
    name = facts["cuda"]["device_name"] if facts["cuda"]["used"] else f"{facts['cpu_model']} cpu-only"
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unknown"


def relative(path: Path) -> str:
    """A path inside the repository as written from its root; anything else by its name only."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return path.name


def print_table(result: dict) -> None:
    print(f"{'device':6s} {'items':>12s} {'batch':>5s} {'median ms':>10s} {'min..max ms':>21s} "
          f"{'req/s':>12s} {'encoder ms':>10s} {'+scores ms':>10s}")
    for f in result["figures"]:
        if "skipped" in f:
            print(f"{f['device']:6s} {f['items']:>12,} {f['batch']:>5d}  skipped: {f['skipped']}")
            continue
        print(f"{f['device']:6s} {f['items']:>12,} {f['batch']:>5d} {f['median_ms']:>10.3f} "
              f"{f['min_ms']:>10.3f}..{f['max_ms']:<10.3f} {f['requests_per_s']:>12,.1f} {f['encoder_median_ms']:>10.3f} {f['scores_median_ms']:>10.3f}")


def markdown_table(result: dict) -> str:
    """The figures of a result file as the Markdown table docs/gpu-check.md shows (a test keeps
    the two equal)."""
    lines = ["| device | items | batch | median ms (min..max) | requests/s | encoder ms | + scores ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for f in result["figures"]:
        if "skipped" in f:
            lines.append(f"| {f['device']} | {f['items']:,} | {f['batch']} | skipped: {f['skipped']} | | | |")
        else:
            lines.append(f"| {f['device']} | {f['items']:,} | {f['batch']} | {f['median_ms']:,.2f} "
                         f"({f['min_ms']:,.2f}..{f['max_ms']:,.2f}) | {f['requests_per_s']:,.1f} | "
                         f"{f['encoder_median_ms']:,.2f} | {f['scores_median_ms']:,.2f} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# command line


def positive_ints(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        values = []
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"expected positive integers separated by commas, got {text!r}")
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="gpu-check", description=__doc__.split("\n\n")[0])
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


if __name__ == "__main__":
    sys.exit(main())
