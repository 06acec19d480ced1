"""tie-order: same-second runs are shuffled for users with timestamps, everything else stays."""
import gzip

from nextitem_trainer.tools.tie_order import shuffle_ties


def test_only_runs_of_equal_timestamps_move(tmp_path):
    sasrec = tmp_path / "seq.txt"
    # user 1: items 1..6, where 2,3,4 share a second; user 2: no timestamps; user 3: a length mismatch
    sasrec.write_text("".join(f"1 {i}\n" for i in range(1, 7)) + "2 9\n2 8\n3 5\n3 6\n")
    stamps = tmp_path / "ratings.dat"
    stamps.write_text("1::10::5::100\n1::20::5::200\n1::30::5::200\n1::40::5::200\n1::50::5::300\n1::60::5::400\n"
                      "3::10::4::100\n")
    seen = set()
    for seed in range(12):
        out = tmp_path / f"out{seed}.txt.gz"
        counts = shuffle_ties(sasrec, stamps, "movielens", out, seed)
        lines = gzip.open(out, "rt").read().split("\n")[:-1]
        user1 = [int(line.split()[1]) for line in lines if line.startswith("1 ")]
        assert user1[0] == 1 and user1[4:] == [5, 6]  # outside the tie run: fixed
        assert sorted(user1[1:4]) == [2, 3, 4]
        seen.add(tuple(user1[1:4]))
        assert [line for line in lines if not line.startswith("1 ")] == ["2 9", "2 8", "3 5", "3 6"]
        assert counts == {"users_rewritten": 1, "users_unchanged_length_mismatch": 1, "clicks_in_tie_runs": 3}
    assert len(seen) > 1  # the run really is shuffled, differently per seed


def test_user_range_keeps_the_evaluable_users_with_ids_inside(tmp_path):
    import pytest
    from nextitem_trainer.core.data import load_log
    from nextitem_trainer.tools.reports import users_in_range

    data = tmp_path / "seq.txt"
    data.write_text("".join(f"{u} {i}\n" for u in (1, 2, 3000, 3001) for i in range(1, 6)))
    log = load_log(data, "sasrec", "four users", min_interactions=0)
    chosen = users_in_range(log, (1, 2999))
    assert sorted(log.user_ids[u] for u in chosen) == ["1", "2"]
    with pytest.raises(ValueError, match="no evaluable user"):
        users_in_range(log, (7000, 8000))
