"""``tie-order``: measures how much of next-item quality rests on the order of same-second clicks.

MovieLens-1M records many ratings within the same second (53% of consecutive pairs of users
1-2,999). The rebuild of SASRec's ``ml-1m.txt`` in the datasets folder has the real order of such
ties for users 1-2,999 only (from their timestamps and the official file order); for users
3,000-6,040 ties were broken arbitrarily. This command writes a copy of a SASRec-format file in
which, for the chosen users, every run of same-second clicks is shuffled (seeded), using the
timestamps of a MovieLens ratings file for the same users. Evaluating one checkpoint on both
files (``evaluate --data ... --user-range``) shows what arbitrary tie order costs.

A user is rewritten only when the timestamps file has exactly as many of their clicks as the
SASRec file (the rebuild dropped the ratings of 290 rare movies; users with one of those are
left as they are, and counted).
"""
from __future__ import annotations

import gzip
import logging
from pathlib import Path

import numpy as np

from ..core.data.readers import read_interactions

log = logging.getLogger("nextitem.tie_order")


def shuffle_ties(sasrec_file: str | Path, timestamps_file: str | Path, timestamps_format: str, out: str | Path,
                 seed: int) -> dict[str, int]:
    """-> counts: users rewritten, users left as they were, clicks in shuffled tie runs."""
    seqs = read_interactions(sasrec_file, "sasrec")
    stamped = read_interactions(timestamps_file, timestamps_format)
    if stamped.times_ms is None:
        raise ValueError(f"{timestamps_file}: no timestamps in format {timestamps_format}")
    times: dict[str, list[int]] = {}
    order: dict[str, list[int]] = {}
    for row, user in enumerate(stamped.users):
        order.setdefault(user, []).append(row)
    for user, rows in order.items():
        rows.sort(key=stamped.times_ms.__getitem__)  # stable: ties keep file order, as the rebuild
        times[user] = [stamped.times_ms[r] for r in rows]
    by_user: dict[str, list[str]] = {}
    for user, item in zip(seqs.users, seqs.items):
        by_user.setdefault(user, []).append(item)

    rng = np.random.default_rng(seed)
    counts = {"users_rewritten": 0, "users_unchanged_length_mismatch": 0, "clicks_in_tie_runs": 0}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt") if out.suffix == ".gz" else open(out, "w") as f:
        for user, items in by_user.items():
            stamps = times.get(user)
            if stamps is not None and len(stamps) == len(items):
                items = list(items)
                start = 0
                while start < len(items):
                    end = start + 1
                    while end < len(items) and stamps[end] == stamps[start]:
                        end += 1
                    if end - start > 1:
                        run = items[start:end]
                        items[start:end] = [run[i] for i in rng.permutation(len(run))]
                        counts["clicks_in_tie_runs"] += end - start
                    start = end
                counts["users_rewritten"] += 1
            elif stamps is not None:
                counts["users_unchanged_length_mismatch"] += 1
            for item in items:
                f.write(f"{user} {item}\n")
    log.info("wrote %s: %s", out, counts)
    return counts
