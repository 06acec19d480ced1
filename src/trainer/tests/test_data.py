"""Readers: formats, gzip, checksums, time order, k-core, vocabulary, and line-precise errors."""
import gzip
import hashlib

import numpy as np
import pytest

from nextitem_trainer.core.data import DataFormatError, build_log, load_log, read_interactions


def write(path, text, gz=False):
    data = text.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


@pytest.mark.parametrize("fmt,text,line,expected", [
    ("sasrec", "1 1\n1 2\n1\n", 3, "expected 'user item' separated by one space, got '1'"),
    ("sasrec", "1 1\n1 2 3\n", 2, "got '1 2 3'"),
    ("movielens", "1::10::5::978300760\n1::11::5::soon\n", 2, "expected timestamp in seconds as an integer"),
    ("movielens", "1::10::5\n", 1, "expected user::item::rating::timestamp"),
    ("movielens", "1::10::good::978300760\n", 1, "expected rating as an integer"),
    ("movielens-tab", "1\t10\t5\t978300760\n1 11 5 978300761\n", 2, "expected user<TAB>item<TAB>rating<TAB>timestamp"),
    ("csv", "user_id,item_id,timestamp_ms\na,x,1\nb,y\n", 3, "expected 3 comma-separated fields"),
    ("csv", "user_id,item_id,timestamp_ms\na,x,1\nb,y,later\n", 3, "expected timestamp_ms as an integer"),
    ("csv", "user,item,time\na,x,1\n", 1, "expected a header naming user_id, item_id and timestamp_ms"),
    ("csv", "user_id,item_id,timestamp_ms\n,x,1\n", 2, "expected a non-empty user_id and item_id"),
])
def test_a_malformed_line_names_file_and_line(tmp_path, fmt, text, line, expected):
    path = write(tmp_path / f"bad.{fmt}", text)
    with pytest.raises(DataFormatError) as e:
        read_interactions(path, fmt)
    assert str(e.value).startswith(f"{path}:{line}: ")
    assert expected in str(e.value)


def test_gzip_by_extension_and_sha256_of_the_uncompressed_content(tmp_path):
    text = "1 1\n1 2\n2 1\n"
    plain = read_interactions(write(tmp_path / "d.txt", text), "sasrec")
    packed = read_interactions(write(tmp_path / "d.txt.gz", text, gz=True), "sasrec")
    assert plain.sha256 == packed.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert packed.users == ["1", "1", "2"] and packed.items == ["1", "2", "1"]


def test_movielens_sorts_each_user_by_time_stably(tmp_path):
    text = "1::30::5::300\n1::10::4::100\n1::21::3::200\n1::20::3::200\n2::10::1::50\n"
    log = load_log(write(tmp_path / "r.dat", text), "movielens", "ml", min_interactions=0)
    first = [log.item_ids[i - 1] for i in log.sequences[0]]
    assert first == ["10", "21", "20", "30"]  # equal times keep file order
    assert log.times_s[0].tolist() == [100, 200, 200, 300]


def test_movielens_tab_reads_ratings_and_seconds_as_milliseconds(tmp_path):
    raw = read_interactions(write(tmp_path / "u.data", "196\t242\t3\t881250949\n22\t377\t1\t878887116\n"),
                            "movielens-tab")
    assert raw.users == ["196", "22"] and raw.items == ["242", "377"]
    assert raw.ratings == [3, 1] and raw.times_ms == [881250949000, 878887116000]


def test_csv_keeps_categories_and_times_in_milliseconds(tmp_path):
    text = "user_id,item_id,timestamp_ms,category,session_id\nu,b,2000,c2,s\nu,a,1000,c1,s\n"
    log = load_log(write(tmp_path / "c.csv", text), "csv", "c", min_interactions=0)
    assert log.item_ids == ["a", "b"]
    assert log.times_s[0].tolist() == [1, 2]
    assert [log.category_ids[c - 1] for c in log.categories[0]] == ["c1", "c2"]


def test_k_core_filter_repeats_until_stable(tmp_path):
    # 'rare' has one interaction; dropping it leaves 'short' with 3, so 'short' goes too, and
    # then a, b, c still have 5 each.
    lines = []
    for u in range(5):
        lines += [f"u{u} a", f"u{u} b", f"u{u} c", f"u{u} d", f"u{u} e"]
    lines += ["short a", "short b", "short c", "short rare"]  # user with 4 interactions
    log = load_log(write(tmp_path / "k.txt", "\n".join(lines) + "\n"), "sasrec", "k", min_interactions=5)
    assert log.user_ids == ["u0", "u1", "u2", "u3", "u4"]
    assert log.item_ids == ["a", "b", "c", "d", "e"]  # 'rare' went with the short user
    assert log.notes["rows_dropped_by_k_core"] == 4


def test_vocabulary_is_first_appearance_and_can_be_fixed(tmp_path):
    path = write(tmp_path / "v.txt", "1 7\n1 3\n2 3\n2 9\n")
    log = load_log(path, "sasrec", "v", min_interactions=0)
    assert log.item_ids == ["7", "3", "9"]
    assert [s.tolist() for s in log.sequences] == [[1, 2], [2, 3]]
    fixed = build_log(read_interactions(path, "sasrec"), "v", vocabulary=["3", "7"])
    assert [s.tolist() for s in fixed.sequences] == [[2, 1], [1]]  # item 9 unknown -> dropped
    assert fixed.notes["rows_with_unknown_items_dropped"] == 1


def test_item_indices_run_from_one_to_n(tiny_log):
    used = np.unique(np.concatenate(tiny_log.sequences))
    assert used.tolist() == list(range(1, tiny_log.num_items + 1))


def test_train_windows_cover_every_training_position_with_the_items_that_follow(tmp_path):
    from nextitem_trainer.core.data import TrainWindows
    log = build_log(read_interactions(write(tmp_path / "d.txt", "".join(f"1 {i}\n" for i in range(1, 9))), "sasrec"),
                    "d", min_interactions=1)
    # 8 items: training part is items 1..6 (the last two are validation and test targets)
    windows = TrainWindows(log, max_len=3, targets=2, min_history=2)
    assert windows.inputs["item_seq"].tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
    assert windows.inputs["target_next"].tolist() == [[3, 4], [4, 5], [5, 6]]
    assert windows.inputs["user_idx"].tolist() == [1, 1, 1]
    batches = list(windows.batches(2, np.random.default_rng(0)))
    assert [len(b["target_next"]) for b in batches] == [2, 1]
