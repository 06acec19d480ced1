"""The canary fixture's shuffle: every user keeps exactly the items it clicked, in another order,
and the same seed gives the same orders."""
from collections import Counter

import numpy as np

from nextitem_trainer.tools.canary_fixture import shuffle_orders, shuffled_log


def _shuffled(sequences, seed):
    return [s[p] for s, p in zip(sequences, shuffle_orders(sequences, seed))]


def test_shuffle_keeps_each_users_items_and_changes_their_order():
    rng = np.random.default_rng(0)
    sequences = [rng.choice(np.arange(1, 200), size=n, replace=False) for n in (2, 3, 5, 8, 20, 40)]
    sequences.append(np.array([4, 9, 4, 4]))  # repeats: still another order
    out = _shuffled(sequences, seed=7)
    for before, after in zip(sequences, out):
        assert Counter(before.tolist()) == Counter(after.tolist())
        assert after.tolist() != before.tolist()


def test_shuffle_is_deterministic_for_a_seed_and_differs_across_seeds():
    rng = np.random.default_rng(1)
    sequences = [rng.choice(np.arange(1, 500), size=15, replace=False) for _ in range(50)]
    a, b = _shuffled(sequences, seed=7), _shuffled(sequences, seed=7)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    c = _shuffled(sequences, seed=8)
    assert any(not np.array_equal(x, y) for x, y in zip(a, c))


def test_a_sequence_without_two_different_items_keeps_its_order():
    sequences = [np.array([], dtype=np.int64), np.array([5]), np.array([3, 3, 3])]
    assert [p.tolist() for p in shuffle_orders(sequences, seed=7)] == [[], [0], [0, 1, 2]]


def test_shuffled_log_keeps_vocabulary_counts_times_and_item_categories(tiny_log):
    out = shuffled_log(tiny_log, seed=7)
    assert out.item_ids == tiny_log.item_ids and out.user_ids == tiny_log.user_ids
    assert out.num_interactions == tiny_log.num_interactions and out.sha256 == tiny_log.sha256
    assert "shuffled (seed 7)" in out.name
    changed = 0
    for u in range(tiny_log.num_users):
        before, after = tiny_log.sequences[u], out.sequences[u]
        assert sorted(before.tolist()) == sorted(after.tolist())
        changed += before.tolist() != after.tolist()
        assert np.array_equal(out.times_s[u], tiny_log.times_s[u])
        # each item keeps the category it was clicked with
        assert dict(zip(before.tolist(), tiny_log.categories[u].tolist())) == \
            dict(zip(after.tolist(), out.categories[u].tolist()))
    assert changed == tiny_log.num_users
    # the input log is left as it was
    assert tiny_log.name == "tiny synthetic"
