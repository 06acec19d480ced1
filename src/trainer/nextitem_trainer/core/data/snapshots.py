"""Fine-tuning snapshots as the job writes them (README, ``snapshots.dir``): one folder per
event-time interval, Avro container files of TrainingExample rows (schemas/avro/TrainingExample.avsc),
complete once ``_manifest.json`` is there. A folder without a manifest is still being written
and is not read; a folder whose rows do not add up to its manifest's count is refused."""
from __future__ import annotations

import json
from pathlib import Path

from avro.datafile import DataFileReader
from avro.io import DatumReader

MANIFEST = "_manifest.json"


class SnapshotError(ValueError):
    """A snapshot folder that does not match its manifest."""


def complete_snapshots(root: str | Path) -> list[Path]:
    """Folders with a manifest, oldest interval first (names sort by interval start)."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no snapshot folder here (the job's snapshots.dir)")
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).is_file())


def read_snapshot(folder: str | Path) -> list[dict]:
    """Every TrainingExample row of the files the manifest lists (Avro's own field names)."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    rows: list[dict] = []
    for name in manifest["files"]:
        with open(folder / name, "rb") as f, DataFileReader(f, DatumReader()) as reader:
            rows.extend(reader)
    if len(rows) != manifest["examples"]:
        raise SnapshotError(f"{folder}: {len(rows)} rows in the files its manifest lists, the manifest says "
                            f"{manifest['examples']}")
    return rows
