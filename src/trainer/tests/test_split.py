"""Leave-one-out: last item = test, second-last = validation, the rest = training."""
import numpy as np
import torch

from nextitem_trainer.core.data import TrainSequences, eval_batches, eval_users, train_popularity
from nextitem_trainer.core.data.dataset import InteractionLog


def tiny():
    seqs = [np.array([1, 2, 3, 4, 5]), np.array([3, 1, 2]), np.array([4, 5])]
    return InteractionLog(name="t", source_file="t", sha256="", item_ids=["a", "b", "c", "d", "e"],
                          user_ids=["u", "v", "w"], sequences=seqs, times_s=None, categories=None)


def test_training_pairs_stop_before_validation_and_test():
    data = TrainSequences(tiny(), max_len=4)
    # user u trains on 1,2,3 -> inputs 1,2 targets 2,3; v on 3 only (no pair); w has < 3 items: all train
    assert data.users.tolist() == [0, 2]
    assert data.inputs["item_seq"].tolist() == [[0, 0, 1, 2], [0, 0, 0, 4]]
    assert data.inputs["target_seq"].tolist() == [[0, 0, 2, 3], [0, 0, 0, 5]]


def test_older_windows_make_every_training_item_a_target_once():
    log = InteractionLog(name="t", source_file="t", sha256="", item_ids=[str(i) for i in range(1, 13)],
                         user_ids=["u"], sequences=[np.arange(1, 13)], times_s=None, categories=None)
    newest = TrainSequences(log, max_len=4)
    assert newest.inputs["target_seq"].tolist() == [[7, 8, 9, 10]]  # items 11, 12: validation, test
    data = TrainSequences(log, max_len=4, older_windows=True)
    assert data.users.tolist() == [0, 0, 0]
    assert data.inputs["item_seq"].tolist() == [[6, 7, 8, 9], [2, 3, 4, 5], [0, 0, 0, 1]]
    assert data.inputs["target_seq"].tolist() == [[7, 8, 9, 10], [3, 4, 5, 6], [0, 0, 0, 2]]
    targets = data.inputs["target_seq"][data.inputs["target_seq"] > 0]
    assert sorted(targets.tolist()) == list(range(2, 11))


def test_older_windows_change_nothing_for_short_histories():
    short, windows = TrainSequences(tiny(), max_len=4), TrainSequences(tiny(), max_len=4, older_windows=True)
    for key in short.inputs:
        assert np.array_equal(short.inputs[key], windows.inputs[key]), key


def test_validation_and_test_cases():
    log = tiny()
    users = eval_users(log)
    assert users.tolist() == [0, 1]
    valid = next(eval_batches(log, users, "valid", max_len=3, batch_size=8))
    assert valid["item_seq"].tolist() == [[1, 2, 3], [0, 0, 3]]
    assert valid["target"].tolist() == [4, 1]
    test = next(eval_batches(log, users, "test", max_len=3, batch_size=8))
    assert test["item_seq"].tolist() == [[2, 3, 4], [0, 3, 1]]
    assert test["target"].tolist() == [5, 2]
    # history is the whole input sequence, not only the last max_len items
    assert test["history"].tolist() == [[1, 2, 3, 4], [0, 0, 3, 1]]


def test_popularity_counts_training_items_only():
    assert train_popularity(tiny()).tolist() == [0, 1, 1, 2, 1, 1]  # u: 1,2,3  v: 3  w: 4,5


def test_batches_are_a_permutation_of_all_users(tiny_log):
    data = TrainSequences(tiny_log, max_len=10)
    seen = torch.cat([b["item_seq"] for b in data.batches(32, np.random.default_rng(0))])
    assert seen.shape == (len(data), 10)
    assert sorted(map(tuple, seen.tolist())) == sorted(map(tuple, data.inputs["item_seq"].tolist()))
