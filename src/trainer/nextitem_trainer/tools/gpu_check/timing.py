"""The figures: the version's encoder with a random item table of N rows, timed as one request
(batch to the device, encoder, scores, padding masked, exact TopK, outputs back), cell by cell
within the run's time and the device's free memory."""
from __future__ import annotations

import copy
import itertools
import os
import statistics
import time
from pathlib import Path

import torch

from ...core.models import SequenceEncoderModel, TopKGraph, build_model
from .version import VersionError

# A cell runs only when its estimated memory fits this share of what the device has free.
MEMORY_SHARE = 0.8


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
