"""A seeded synthetic catalogue at scale (10^4..10^6 items), drawn with numpy in O(events).

The 500-item world of ``synthetic.py`` draws click by click in Python, which cannot reach 2x10^7
events; this one draws one step of every user at once, so its cost is a few array operations
per step (users' lengths are at most ``5 + 4 * mean`` steps). The same structure at scale:

- Items fall into categories of about ``CATEGORY_SIZE`` items; within a category the items form
  a random cycle. From an item the next click goes to its cycle successor (p 0.6), the one after
  (0.25) or a fixed random member of its category (0.15).
- Popularity is Zipf: item weight 1 / rank^``ZIPF_EXPONENT`` over a random ranking.
- A user prefers 1-3 categories (drawn by their popularity mass). The first click is a popular
  item of a preferred category; then each click follows the current item's transitions with p
  0.75, jumps to a popular item of a preferred category with 0.15, and to any popular item with
  0.10. A repeat of an item the user already clicked is dropped (the job never recommends seen
  items), so a user's clicks are distinct.
- Users are drawn until the log holds ``items * events_per_item`` events; user lengths are
  5 + Poisson(15) steps before repeats are dropped. Times are epoch milliseconds, seconds to
  minutes apart, with a pause of hours (a new session) at one step in ten.

Everything comes from ``seed``: the same seed gives the same bytes. A sequence model learns the
successor cycles (HR@10 far above MostPop's, whose head is spread over many categories).
"""
from __future__ import annotations

import gzip
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .synthetic import FOLLOW, PREFERRED_JUMP, START_MS, SUCCESSOR_P

log = logging.getLogger("nextitem.synthetic")

CATEGORY_SIZE = 50  # items per category, so the cycles are long enough for 20-click users
ZIPF_EXPONENT = 0.8  # as the 500-item world
MEAN_EXTRA_LENGTH = 15  # user length = 5 + Poisson(15) steps
ROWS_PER_WRITE = 1_000_000  # csv rows formatted at a time: bounds the text held in memory


@dataclass
class Catalogue:
    items: int
    category: np.ndarray     # (I,) int32 category per item
    popularity: np.ndarray   # (I,) float64 click weight, sums to 1
    successors: np.ndarray   # (I, 3) int32: cycle successor, the one after, a fixed sibling
    by_category: np.ndarray  # (I,) int32 item indices sorted by category
    category_start: np.ndarray  # (C+1,) int64: category c's items are by_category[start[c]:start[c+1]]
    cumulative: np.ndarray   # (I,) float64 cumulative popularity along by_category

    @property
    def categories(self) -> int:
        return len(self.category_start) - 1


def make_catalogue(items: int, rng: np.random.Generator) -> Catalogue:
    categories = max(1, items // CATEGORY_SIZE)
    category = (np.arange(items) % categories).astype(np.int32)
    rng.shuffle(category)
    popularity = 1.0 / (rng.permutation(items) + 1.0) ** ZIPF_EXPONENT
    popularity /= popularity.sum()
    # The cycles: items sorted by (category, random key); each item's successor is the next one of
    # its category in that order, wrapping around at the category's end.
    by_category = np.lexsort((rng.random(items), category)).astype(np.int32)  # (I,)
    counts = np.bincount(category, minlength=categories)
    start = np.concatenate([[0], np.cumsum(counts)])  # (C+1,)
    pos = np.arange(items)  # position along by_category
    cat_of_pos = category[by_category]
    size = counts[cat_of_pos]
    offset = pos - start[cat_of_pos]

    def along(k):  # the item k places further along its category's cycle, for every position
        return by_category[start[cat_of_pos] + (offset + k) % size]

    sibling = by_category[start[cat_of_pos] + rng.integers(0, size)]
    successors = np.empty((items, 3), dtype=np.int32)
    successors[by_category] = np.stack([along(1), along(2), sibling], axis=1)
    cumulative = np.cumsum(popularity[by_category])
    return Catalogue(items, category, popularity, successors, by_category, start, cumulative)


def _popular_in(cat: Catalogue, categories: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One item per row drawn by popularity within that row's category.  (R,) -> (R,)"""
    lo = np.where(cat.category_start[categories] > 0, cat.cumulative[cat.category_start[categories] - 1], 0.0)
    hi = cat.cumulative[cat.category_start[categories + 1] - 1]
    at = np.searchsorted(cat.cumulative, lo + rng.random(len(categories)) * (hi - lo), side="right")
    at = np.clip(at, cat.category_start[categories], cat.category_start[categories + 1] - 1)  # float edges
    return cat.by_category[at]


def _popular(cat: Catalogue, count: int, rng: np.random.Generator) -> np.ndarray:
    at = np.searchsorted(cat.cumulative, rng.random(count) * cat.cumulative[-1], side="right")
    return cat.by_category[np.minimum(at, cat.items - 1)]


def _walks(cat: Catalogue, users: int, rng: np.random.Generator) -> np.ndarray:
    """Every user's clicks, one column per step, -1 past the user's length.  -> (U, S) int32"""
    lengths = 5 + rng.poisson(MEAN_EXTRA_LENGTH, users)  # (U,)
    steps = int(lengths.max())
    category_mass = np.bincount(cat.category, weights=cat.popularity, minlength=cat.categories)
    preferred = rng.choice(cat.categories, size=(users, 3), p=category_mass / category_mass.sum())  # (U, 3)
    how_many = rng.integers(1, 4, users)  # 1-3 preferred categories
    clicks = np.full((users, steps), -1, dtype=np.int32)

    def preferred_item(rows):
        pick = preferred[rows, (rng.random(len(rows)) * how_many[rows]).astype(np.int64)]
        return _popular_in(cat, pick, rng)

    every = np.arange(users)
    clicks[:, 0] = preferred_item(every)
    for step in range(1, steps):
        rows = every[lengths > step]
        u = rng.random(len(rows))
        which = np.searchsorted(np.cumsum(SUCCESSOR_P), rng.random(len(rows)), side="right").clip(max=2)
        nxt = cat.successors[clicks[rows, step - 1], which]
        jump = u >= FOLLOW
        nxt[jump] = preferred_item(rows[jump])
        anywhere = u >= FOLLOW + PREFERRED_JUMP
        nxt[anywhere] = _popular(cat, int(anywhere.sum()), rng)
        clicks[rows, step] = nxt
    return clicks


@dataclass
class ClickLog:
    """Events in user order, each user's in time order. (E,) arrays."""
    user: np.ndarray      # int64 user index
    item: np.ndarray      # int32 item index
    time_ms: np.ndarray   # int64 epoch milliseconds
    session: np.ndarray   # int32 session number within the user
    category: np.ndarray  # int32 category of the item
    items: int
    users: int


def generate_catalogue(items: int, events_per_item: float, seed: int) -> ClickLog:
    """At least ``items * events_per_item`` events of whole users (the last user's all kept)."""
    rng = np.random.default_rng(seed)
    cat = make_catalogue(items, rng)
    wanted = int(np.ceil(items * events_per_item))
    users = int(np.ceil(wanted / (5 + MEAN_EXTRA_LENGTH) * 1.3)) + 1  # repeats (about 10%) are dropped
    clicks = _walks(cat, users, rng)  # (U, S)
    user = np.repeat(np.arange(users), clicks.shape[1])
    flat = clicks.ravel()
    keep = flat >= 0
    # Repeats: keep each (user, item)'s first click only (np.unique's first index, re-sorted).
    first = np.unique(user[keep] * np.int64(items) + flat[keep], return_index=True)[1]
    kept = np.flatnonzero(keep)[np.sort(first)]
    user, item = user[kept], flat[kept]
    if len(item) < wanted:
        raise ValueError(f"drew {len(item)} events, fewer than {wanted}: raise the user margin")
    ends = np.flatnonzero(np.diff(np.concatenate([user, [users]])))  # each user's last event
    last = ends[np.searchsorted(ends, wanted - 1)]  # whole users up to the wanted count
    user, item = user[:last + 1], item[:last + 1]
    count = len(item)
    pause = rng.random(count) < 0.1  # a pause of 1-6 hours starts a new session
    gap = np.where(pause, rng.integers(3600_000, 6 * 3600_000, count), 1000 + rng.exponential(40_000, count).astype(np.int64))
    first_of_user = np.concatenate([[True], user[1:] != user[:-1]])
    start = START_MS + rng.integers(0, 24 * 3600 * 1000, int(user[-1]) + 1)  # (U,)
    gap[first_of_user] = 0
    pause[first_of_user] = False
    time_ms = start[user] + _cumsum_within(gap, first_of_user)
    session = _cumsum_within(pause.astype(np.int64), first_of_user).astype(np.int32)
    return ClickLog(user=user, item=item.astype(np.int32), time_ms=time_ms, session=session,
                    category=cat.category[item], items=items, users=int(user[-1]) + 1)


def _cumsum_within(values: np.ndarray, group_start: np.ndarray) -> np.ndarray:
    """Running sum of ``values`` restarting at every True of ``group_start``.  (E,) -> (E,)"""
    total = np.cumsum(values)
    starts = np.flatnonzero(group_start)
    before = total[starts] - values[starts]  # the running sum just before each group
    return total - np.repeat(before, np.diff(np.concatenate([starts, [len(values)]])))


def write_catalogue(out: str | Path, items: int, events_per_item: float, seed: int) -> dict:
    """Writes the csv click format (the ``synthetic`` command's, rows sorted by time, stable) and
    returns its description. ``.gz``: gzip level 1 with a fixed mtime (level 9 costs minutes at
    10^7 rows), so the bytes depend only on the arguments."""
    clicks = generate_catalogue(items, events_per_item, seed)
    order = np.argsort(clicks.time_ms, kind="stable")
    width = len(str(items - 1))
    user_ids = np.array([f"u{seed}-{u:07d}" for u in range(clicks.users)], dtype=object)
    item_ids = np.array([f"item-{i:0{width}d}" for i in range(items)], dtype=object)
    category_ids = np.array([f"cat-{c:05d}" for c in range(int(clicks.category.max()) + 1)], dtype=object)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as raw, (gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=1, mtime=0)
                                   if out.name.endswith(".gz") else raw) as f:  # no name in the gzip header either
        f.write(b"user_id,item_id,timestamp_ms,category,session_id\n")
        for at in range(0, len(order), ROWS_PER_WRITE):
            rows = order[at:at + ROWS_PER_WRITE]
            users = user_ids[clicks.user[rows]]
            text = "".join(f"{u},{i},{t},{c},{u}-s{s}\n" for u, i, t, c, s in zip(
                users, item_ids[clicks.item[rows]], clicks.time_ms[rows].tolist(), category_ids[clicks.category[rows]],
                clicks.session[rows].tolist()))
            f.write(text.encode("ascii"))
    description = {"generator": "synthetic_catalogue", "items": items, "events_per_item": events_per_item,
                   "seed": seed, "events": int(len(order)), "users": clicks.users,
                   "items_clicked": int(len(np.unique(clicks.item))), "categories": len(category_ids),
                   "zipf_exponent": ZIPF_EXPONENT, "category_size": CATEGORY_SIZE}
    log.info("wrote %s: %d events of %d users over %d items (%d clicked), seed %d", out, len(order), clicks.users,
             items, description["items_clicked"], seed)
    return description
