"""Readers for the three interaction file formats, one row per interaction.

- ``sasrec``: ``user item`` separated by one space, each user's lines already in time order
  (SASRec's ``ml-1m.txt``, ``Video.txt``); no timestamps.
- ``movielens``: ``user::item::rating::timestamp_seconds`` (ML-1M ``ratings.dat``); every
  rating counts as an implicit interaction (the rating is kept for protocols that filter on it).
- ``movielens-tab``: ``user<TAB>item<TAB>rating<TAB>timestamp_seconds`` (ML-100K ``u.data``), the same.
- ``csv``: a header naming ``user_id,item_id,timestamp_ms`` and optionally ``category``,
  ``session_id`` (the demo click log; the Java replayer reads the same format).

Files ending in ``.gz`` are decompressed. The sha256 is of the uncompressed bytes, as in
datasets/README.md. A malformed line stops with ``file:line: expected ..., got '...'``.
"""
from __future__ import annotations

import gzip
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator


class DataFormatError(ValueError):
    """A malformed input line; the message starts with ``file:line:``."""


@dataclass
class RawInteractions:
    """Interactions as read, in file order. Times are epoch milliseconds, or None when absent."""
    source: str                      # file name as given (for messages)
    sha256: str                      # of the uncompressed content
    users: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    times_ms: list[int] | None = None
    categories: list[str] | None = None
    ratings: list[int] | None = None   # explicit rating per row (MovieLens), or None


BLOCK_BYTES = 1 << 22  # 4 MiB read, hashed and decoded at once


class _HashingLines:
    """Iterates text lines of a (possibly gzipped) file while hashing the raw bytes."""

    def __init__(self, path: Path, encoding: str):
        self.path = path
        self.encoding = encoding
        self.digest = hashlib.sha256()

    def __iter__(self) -> Iterator[tuple[int, str]]:
        # Blocks of whole lines, hashed and decoded a block at a time: per-line calls cost minutes
        # at 10^7 lines. A block ends after its last b"\n", which no UTF-8 or Latin-1 character
        # contains, so a character is never cut; lines split on "\n" only, as the byte stream's.
        opener = gzip.open if self.path.name.endswith(".gz") else open
        number = 0
        with opener(self.path, "rb") as raw:
            rest = b""
            while True:
                block = raw.read(BLOCK_BYTES)
                if not block:
                    break
                self.digest.update(block)
                block = rest + block
                cut = block.rfind(b"\n") + 1
                rest = block[cut:]
                for line in block[:cut].decode(self.encoding).split("\n")[:-1]:
                    number += 1
                    yield number, line.rstrip("\r")
            if rest:  # a last line without its newline
                yield number + 1, rest.decode(self.encoding).rstrip("\r")


def split_lines(lines: _HashingLines, separator: str) -> Iterator[tuple[int, str, list[str]]]:
    """(line number, line, fields) of every non-blank line."""
    for number, line in lines:
        if line.strip():
            yield number, line, line.split(separator)


def _malformed(source: str, line: int, expected: str, got: str) -> DataFormatError:
    shown = got if len(got) <= 120 else got[:120] + "..."
    return DataFormatError(f"{source}:{line}: expected {expected}, got '{shown}'")


def _parse_int(text: str, source: str, line: int, what: str, content: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise _malformed(source, line, f"{what} as an integer", content) from None


def read_sasrec(path: Path) -> RawInteractions:
    lines = _HashingLines(path, "utf-8")
    out = RawInteractions(source=str(path), sha256="")
    for number, line, fields in split_lines(lines, " "):
        if len(fields) != 2 or not fields[0] or not fields[1]:
            raise _malformed(str(path), number, "'user item' separated by one space", line)
        out.users.append(fields[0])
        out.items.append(fields[1])
    out.sha256 = lines.digest.hexdigest()
    return out


def _read_rated(path: Path, separator: str, layout: str) -> RawInteractions:
    # MovieLens files are Latin-1; ids and timestamps are ASCII either way.
    lines = _HashingLines(path, "latin-1")
    out = RawInteractions(source=str(path), sha256="", times_ms=[], ratings=[])
    for number, line, fields in split_lines(lines, separator):
        if len(fields) != 4 or not fields[0] or not fields[1]:
            raise _malformed(str(path), number, layout, line)
        rating = _parse_int(fields[2], str(path), number, "rating", line)
        seconds = _parse_int(fields[3], str(path), number, "timestamp in seconds", line)
        out.users.append(fields[0])
        out.items.append(fields[1])
        out.ratings.append(rating)
        out.times_ms.append(seconds * 1000)
    out.sha256 = lines.digest.hexdigest()
    return out


def read_movielens(path: Path) -> RawInteractions:
    return _read_rated(path, "::", "user::item::rating::timestamp")


def read_movielens_tab(path: Path) -> RawInteractions:
    return _read_rated(path, "\t", "user<TAB>item<TAB>rating<TAB>timestamp")


def read_csv(path: Path) -> RawInteractions:
    intern = sys.intern
    hashing = _HashingLines(path, "utf-8")
    lines = iter(hashing)
    source = str(path)
    try:
        _, header = next(lines)
    except StopIteration:
        raise DataFormatError(f"{source}:1: expected a header with user_id,item_id,timestamp_ms, got an empty file") from None
    columns = header.strip().split(",")
    if not {"user_id", "item_id", "timestamp_ms"} <= set(columns):
        raise _malformed(source, 1, "a header naming user_id, item_id and timestamp_ms", header)
    user, item, time = columns.index("user_id"), columns.index("item_id"), columns.index("timestamp_ms")
    category = columns.index("category") if "category" in columns else -1
    out = RawInteractions(source=source, sha256="", times_ms=[], categories=[] if category >= 0 else None)
    for number, line in lines:
        if not line.strip():
            continue
        fields = line.split(",")
        if len(fields) != len(columns):
            raise _malformed(source, number, f"{len(columns)} comma-separated fields ({header})", line)
        if not fields[user] or not fields[item]:
            raise _malformed(source, number, "a non-empty user_id and item_id", line)
        # Interned: a user's, an item's and a category's rows share one string object, not one
        # each (10^7 rows: hundreds of MB instead of several GB).
        out.users.append(intern(fields[user]))
        out.items.append(intern(fields[item]))
        out.times_ms.append(_parse_int(fields[time], source, number, "timestamp_ms", line))
        if category >= 0:
            out.categories.append(intern(fields[category]))
    out.sha256 = hashing.digest.hexdigest()
    return out


READERS = {"sasrec": read_sasrec, "movielens": read_movielens, "movielens-tab": read_movielens_tab, "csv": read_csv}


def read_interactions(path: str | Path, fmt: str) -> RawInteractions:
    path = Path(path)
    if fmt not in READERS:
        raise ValueError(f"unknown data format {fmt!r}; expected one of {', '.join(READERS)}")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such dataset file (give another with --data)")
    return READERS[fmt](path)
