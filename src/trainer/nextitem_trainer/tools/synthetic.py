"""A seeded synthetic click world that a sequence model can visibly learn from.

The *world* (items, categories, popularity, transitions) comes from ``world_seed`` alone, so
click logs drawn with different user seeds share it: a model trained on seed-1 users can be
judged on seed-2 users. In the world, 500 items fall into 20 categories; within a category the
items form a random cycle, and from each item the next click goes to its cycle successor
(most likely), the one after, or one fixed random sibling. Popularity is Zipf-skewed.

A user prefers 1-3 categories. The first click is a popular item of a preferred category; then
each click follows the current item's transitions with probability 0.75, jumps to a popular
item of a preferred category with 0.15, and to any popular item with 0.10 (noise). A user
never clicks the same item twice (the job never recommends seen items either). Timestamps are
epoch milliseconds, seconds to minutes apart, with an occasional pause of hours that starts a
new session.

So a perfect next-item model reaches HR@10 of roughly 0.75 or more, and MostPop stays far below.
"""
from __future__ import annotations

import gzip
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger("nextitem.synthetic")

START_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
FOLLOW, PREFERRED_JUMP = 0.75, 0.15  # the rest (0.10) is a jump to any popular item
SUCCESSOR_P = np.array([0.6, 0.25, 0.15])  # cycle successor, the one after, a fixed sibling


@dataclass
class SyntheticWorld:
    item_ids: list[str]
    category_ids: list[str]
    item_category: np.ndarray   # (I,) category index per item
    popularity: np.ndarray      # (I,) click weight, sums to 1
    successors: np.ndarray      # (I, 3) next-item candidates, in SUCCESSOR_P order

    def category_members(self, category: int) -> np.ndarray:
        return np.flatnonzero(self.item_category == category)


def make_world(seed: int = 0, items: int = 500, categories: int = 20) -> SyntheticWorld:
    rng = np.random.default_rng(seed)
    item_category = np.arange(items) % categories
    rng.shuffle(item_category)
    ranks = rng.permutation(items) + 1
    popularity = 1.0 / ranks ** 0.8  # Zipf-like skew
    popularity /= popularity.sum()
    successors = np.zeros((items, 3), dtype=np.int64)
    for c in range(categories):
        members = np.flatnonzero(item_category == c)
        cycle = rng.permutation(members)
        for pos, item in enumerate(cycle):
            sibling = rng.choice(np.delete(cycle, [pos, (pos + 1) % len(cycle), (pos + 2) % len(cycle)]))
            successors[item] = [cycle[(pos + 1) % len(cycle)], cycle[(pos + 2) % len(cycle)], sibling]
    return SyntheticWorld(item_ids=[f"item-{i:04d}" for i in range(items)],
                          category_ids=[f"cat-{c:02d}" for c in range(categories)],
                          item_category=item_category, popularity=popularity, successors=successors)


def _popular(rng: np.random.Generator, world: SyntheticWorld, pool: np.ndarray, seen: set[int]) -> int | None:
    pool = np.array([i for i in pool if i not in seen])
    if len(pool) == 0:
        return None
    p = world.popularity[pool] / world.popularity[pool].sum()
    return int(rng.choice(pool, p=p))


def user_clicks(world: SyntheticWorld, rng: np.random.Generator) -> list[int]:
    """One user's item indices, in click order."""
    category_weight = np.bincount(world.item_category, weights=world.popularity)
    preferred = rng.choice(len(category_weight), size=rng.integers(1, 4), replace=False,
                           p=category_weight / category_weight.sum())
    preferred_items = np.flatnonzero(np.isin(world.item_category, preferred))
    everything = np.arange(len(world.item_ids))
    length = 5 + rng.poisson(15)
    seen: set[int] = set()
    clicks = [_popular(rng, world, preferred_items, seen)]
    seen.add(clicks[0])
    while len(clicks) < length:
        u = rng.random()
        nxt = None
        if u < FOLLOW:
            order = rng.choice(3, size=3, replace=False, p=SUCCESSOR_P)  # preferred successor first
            nxt = next((int(world.successors[clicks[-1], j]) for j in order
                        if int(world.successors[clicks[-1], j]) not in seen), None)
        if nxt is None and u < FOLLOW + PREFERRED_JUMP:
            nxt = _popular(rng, world, preferred_items, seen)
        if nxt is None:
            nxt = _popular(rng, world, everything, seen)
        if nxt is None:
            break
        clicks.append(nxt)
        seen.add(nxt)
    return clicks


def generate(users: int, seed: int, world: SyntheticWorld | None = None, user_prefix: str | None = None,
             min_events: int = 0) -> list[tuple[str, str, int, str, str]]:
    """Rows (user_id, item_id, timestamp_ms, category, session_id) sorted by time (stable).

    User i draws from its own generator seeded (seed, i), so asking for more users (or
    ``min_events``) extends a log without changing the users already in it."""
    world = world or make_world()
    prefix = f"u{seed}-" if user_prefix is None else user_prefix
    rows = []
    i = 0
    while i < users or len(rows) < min_events:
        rng = np.random.default_rng([seed, i])
        user = f"{prefix}{i:05d}"
        t = START_MS + int(rng.integers(0, 24 * 3600 * 1000))
        session = 0
        for item in user_clicks(world, rng):
            if rng.random() < 0.1:  # a pause of 1-6 hours starts a new session
                t += int(rng.integers(3600_000, 6 * 3600_000))
                session += 1
            else:
                t += 1000 + int(rng.exponential(40_000))
            rows.append((user, world.item_ids[item], t, world.category_ids[world.item_category[item]],
                         f"{user}-s{session}"))
        i += 1
    rows.sort(key=lambda r: r[2])
    return rows


def write_clicks(out: str | Path, users: int, seed: int, world_seed: int = 0, user_prefix: str | None = None,
                 min_events: int = 0, world: SyntheticWorld | None = None) -> Path:
    """Writes the csv click format (header user_id,item_id,timestamp_ms,category,session_id);
    gzip when the name ends in .gz (with a fixed mtime, so the bytes depend only on the seeds)."""
    rows = generate(users, seed, world or make_world(world_seed), user_prefix, min_events)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "user_id,item_id,timestamp_ms,category,session_id\n" + "".join(
        f"{u},{i},{t},{c},{s}\n" for u, i, t, c, s in rows)
    data = text.encode("utf-8")
    if out.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=9, mtime=0)
    out.write_bytes(data)
    log.info("wrote %s: %d events of %d users (seed %d, world seed %d)", out, len(rows),
             len({r[0] for r in rows}), seed, world_seed)
    return out
