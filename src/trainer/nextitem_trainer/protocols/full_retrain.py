"""``full-retrain``: the streaming protocol's upper bound (docs/evaluation.md, protocol ``stream``):
at each snapshot, a model trained from scratch on everything seen so far, by the recipe of the
static model's config (same model, seed, early stopping), with its compute recorded.

Retraining from scratch takes far longer than the replay gives a snapshot (about a minute of
training against ten seconds of replay per day of ML-100K at 40 events/s), so a live retrain
would serve each version late and stop being the bound it stands for. The versions are trained
ahead instead, one per snapshot interval end, on the static model's training file plus every
replayed click before that end (the clicks the job's snapshots up to there hold). During the
replay, ``--watch`` publishes into the job's registry, as each snapshot completes, the version
trained on everything up to that snapshot's end: no training wait, the bound at its tightest.

Versions are trained in interval order, so their manifests' ``created_at`` rise with the data
they saw and the newest one published is the one the job serves."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import gzip
import json
import logging
import shutil
import time
from pathlib import Path

from ..core.config import RunConfig
from ..core.data.snapshots import MANIFEST, complete_snapshots
from ..core.paths import from_config, portable
from ..core.results import machine
from ..serving.export import export

log = logging.getLogger("nextitem.full_retrain")

DAY_MINUTES = 1440


def interval_ends(replay_times_ms: list[int], interval_ms: int) -> list[int]:
    """The end of every epoch-aligned interval that holds a replayed click (the snapshots the job
    writes, SnapshotInterval), but the last: a version trained on all clicks serves none of them."""
    ends = sorted({(t // interval_ms + 1) * interval_ms for t in replay_times_ms})
    return ends[:-1]


def version_name(model_name: str, end_ms: int) -> str:
    """``<model>-retrain-<interval end, UTC>``: names sort as the data they saw grows."""
    end = dt.datetime.fromtimestamp(end_ms / 1000, dt.timezone.utc)
    return f"{model_name}-retrain-{end.strftime('%Y%m%dT%H%M%SZ')}"


def read_clicks(path: Path) -> list[tuple[str, str, int]]:
    """(user id, item id, event time ms) of a stream-split CSV (user_id,item_id,timestamp_ms[,category])."""
    with gzip.open(path, "rt", newline="") as f:
        return [(row["user_id"], row["item_id"], int(row["timestamp_ms"])) for row in csv.DictReader(f)]


def write_clicks(path: Path, clicks: list[tuple[str, str, int]]) -> None:
    with gzip.open(path, "wt", newline="") as f:
        out = csv.writer(f)
        out.writerow(["user_id", "item_id", "timestamp_ms"])
        out.writerows(clicks)


def train_all(config: RunConfig, replay_csv: str | Path, out_dir: str | Path, interval_minutes: int = DAY_MINUTES,
              top_k: int = 10, progress: bool = True) -> list[Path]:
    """One version per interval end into ``out_dir`` (a folder of versions, not the job's registry);
    a version already there is kept, so an interrupted run picks up where it stopped."""
    from tqdm import tqdm

    from ..core.train import train

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if config.data.format != "csv":
        raise ValueError(f"full-retrain: {config.name} reads data.format {config.data.format!r}; it needs the csv "
                         f"that stream-split writes")
    base = read_clicks(from_config(config.data.path))
    replay = sorted(read_clicks(Path(replay_csv)), key=lambda c: c[2])
    ends = interval_ends([c[2] for c in replay], interval_minutes * 60_000)
    written = []
    for end in tqdm(ends, desc="full retrains", unit="version", disable=not progress):
        name = version_name(config.model_name, end)
        if (out_dir / name / "manifest.json").is_file():
            written.append(out_dir / name)
            continue
        seen = base + [c for c in replay if c[2] < end]
        work = out_dir / f".work-{name}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        data_file = work / "clicks.csv.gz"
        write_clicks(data_file, seen)
        run_config = copy.deepcopy(config)
        run_config.data.path = str(data_file.resolve())
        run_config.data.name = f"{config.data.name} + replay before {end}"
        run_config.name = name
        started = time.time()
        best = train(run_config, run_dir=work / "run", progress=False)
        seconds = round(time.time() - started, 1)
        record = {"data_until_ms": end, "clicks": len(seen), "replayed_clicks": len(seen) - len(base),
                  "train_wall_seconds": seconds, "config": config.name, "seed": config.train.seed,
                  "machine": machine()}
        export(best, out_dir, version=name, top_k=top_k, manifest_extra={"full_retrain": record})
        shutil.rmtree(work)
        log.info("%s: %d clicks, %.0f s of training", name, len(seen), seconds)
        written.append(out_dir / name)
    return written


def publish_as_snapshots_complete(trained_dir: str | Path, registry: str | Path, snapshots: str | Path,
                                  interval_seconds: float = 1.0, max_polls: int | None = None) -> list[str]:
    """Copies into ``registry`` (through a dot folder the job ignores, then a rename) the trained
    version for each snapshot that completes, newest interval last; until interrupted or
    ``max_polls``. -> the versions published."""
    trained_dir, registry, snapshots = Path(trained_dir), Path(registry), Path(snapshots)
    by_end = {json.loads((v / "manifest.json").read_text())["full_retrain"]["data_until_ms"]: v
              for v in sorted(trained_dir.iterdir()) if (v / "manifest.json").is_file()}
    published: list[str] = []
    done: set[str] = set()
    polls = 0
    while max_polls is None or polls < max_polls:
        polls += 1
        for folder in (complete_snapshots(snapshots) if snapshots.is_dir() else []):
            if folder.name in done:
                continue
            done.add(folder.name)
            end = _interval_end_ms(folder)
            version = by_end.get(end)
            if version is None:
                log.warning("%s completed, and %s holds no version trained up to its end", folder.name,
                            portable(trained_dir))
                continue
            if (registry / version.name).exists():
                continue
            staging = registry / f".{version.name}.tmp"
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(version, staging)
            staging.rename(registry / version.name)
            published.append(version.name)
            log.info("published %s as %s completed", version.name, folder.name)
        if max_polls is None or polls < max_polls:
            time.sleep(interval_seconds)
    return published


def _interval_end_ms(snapshot: Path) -> int:
    end = json.loads((snapshot / MANIFEST).read_text())["interval_end"]
    return int(dt.datetime.fromisoformat(end.replace("Z", "+00:00")).timestamp() * 1000)
