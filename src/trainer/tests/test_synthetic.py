"""The synthetic click world: seeded, shared between user seeds, time-ordered, no repeats."""
import gzip

from nextitem_trainer.core.data import read_interactions
from nextitem_trainer.tools.synthetic import generate, make_world, write_clicks


def test_same_seed_same_bytes_and_more_users_extend_the_log(tmp_path, tiny_world):
    a = write_clicks(tmp_path / "a.csv.gz", users=30, seed=4, world=tiny_world).read_bytes()
    b = write_clicks(tmp_path / "b.csv.gz", users=30, seed=4, world=tiny_world).read_bytes()
    assert a == b
    small = generate(30, 4, tiny_world)
    large = generate(40, 4, tiny_world)
    assert set(small) <= set(large)


def test_worlds_are_shared_and_users_disjoint(tiny_world):
    one, two = generate(20, 1, tiny_world), generate(20, 2, tiny_world)
    assert {r[1] for r in one + two} <= set(tiny_world.item_ids)
    assert not {r[0] for r in one} & {r[0] for r in two}
    assert make_world(0, items=160, categories=10).successors.tolist() == tiny_world.successors.tolist()


def test_rows_are_time_ordered_without_repeats(tiny_world):
    rows = generate(50, 3, tiny_world, min_events=1500)
    assert len(rows) >= 1500
    assert [r[2] for r in rows] == sorted(r[2] for r in rows)
    per_user = {}
    for user, item, _, category, session in rows:
        per_user.setdefault(user, []).append(item)
        assert session.startswith(user) and category.startswith("cat-")
    assert all(len(items) == len(set(items)) for items in per_user.values())


def test_written_file_is_the_csv_click_format(tmp_path, tiny_world):
    path = write_clicks(tmp_path / "c.csv.gz", users=5, seed=9, world=tiny_world, user_prefix="x-")
    header = gzip.open(path, "rt").readline().strip()
    assert header == "user_id,item_id,timestamp_ms,category,session_id"
    raw = read_interactions(path, "csv")
    assert raw.users and all(u.startswith("x-") for u in raw.users) and raw.categories
