"""Item categories from a side file, joined onto the interaction rows (the context-aware models,
DMRAN and SSRF, read one category per event as ``cat_seq``).

MovieLens has no single category per movie but a set of genres; the category of a movie is its
whole genre set, written in the file's order (``Animation|Children's|Comedy``), so no genre is
arbitrarily preferred and an item has exactly one category, as in the papers' Amazon data
(Electronics: 801 categories; ML-1M gives 301 genre sets, ML-100K 216).

- ``movielens-movies``: ML-1M ``movies.dat``, ``MovieID::Title::Genres`` (Latin-1).
- ``movielens-items``: ML-100K ``u.item``, ``id|title|release|video release|url|19 genre flags``
  (Latin-1); the category is the set of genre indexes whose flag is 1 (``3|4|5``), the index
  numbering of ``u.genre``.
"""
from __future__ import annotations

from pathlib import Path

from .readers import DataFormatError, RawInteractions, _HashingLines, _malformed, split_lines

ML100K_GENRE_FLAGS = 19


def _read_movies(path: Path) -> tuple[dict[str, str], str]:
    lines = _HashingLines(path, "latin-1")
    out: dict[str, str] = {}
    for number, line, fields in split_lines(lines, "::"):
        if len(fields) != 3 or not fields[0] or not fields[2]:
            raise _malformed(str(path), number, "MovieID::Title::Genres", line)
        out[fields[0]] = fields[2]
    return out, lines.digest.hexdigest()


def _read_items(path: Path) -> tuple[dict[str, str], str]:
    lines = _HashingLines(path, "latin-1")
    out: dict[str, str] = {}
    for number, line, fields in split_lines(lines, "|"):
        flags = fields[-ML100K_GENRE_FLAGS:]
        if len(fields) != 5 + ML100K_GENRE_FLAGS or not fields[0] or any(f not in ("0", "1") for f in flags):
            raise _malformed(str(path), number, f"id|title|release|video release|url|{ML100K_GENRE_FLAGS} genre flags (0/1)", line)
        out[fields[0]] = "|".join(str(g) for g, flag in enumerate(flags) if flag == "1")
    return out, lines.digest.hexdigest()


CATEGORY_READERS = {"movielens-movies": _read_movies, "movielens-items": _read_items}


def read_item_categories(path: str | Path, fmt: str) -> tuple[dict[str, str], str]:
    """-> ({item id: category}, sha256 of the uncompressed file)"""
    path = Path(path)
    if fmt not in CATEGORY_READERS:
        raise ValueError(f"unknown item-category format {fmt!r}; expected one of {', '.join(CATEGORY_READERS)}")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such item-category file")
    return CATEGORY_READERS[fmt](path)


def attach_categories(raw: RawInteractions, categories: dict[str, str], source: str) -> int:
    """Sets ``raw.categories`` row by row from the item's category ("" = unknown, index 0 later).
    Refuses a file that knows none of the items (the wrong side file). -> rows without a category"""
    if raw.categories is not None:
        raise DataFormatError(f"{raw.source} already carries a category column; drop data.item_categories")
    raw.categories = [categories.get(item, "") for item in raw.items]
    missing = sum(1 for c in raw.categories if not c)
    if raw.items and missing == len(raw.items):
        raise DataFormatError(f"{source}: none of the {len(set(raw.items))} items of {raw.source} has a category "
                              f"there; is it the side file of this dataset?")
    return missing
