"""Ranks and metrics against hand-computed cases."""
import math

import numpy as np
import pytest
import torch

from nextitem_trainer.core.metrics import auc_against_unseen, full_ranking_ranks, pessimistic_rank, ranking_metrics, sampled_ranks


def test_rank_counts_strictly_higher_and_ties_against_the_target():
    target = torch.tensor([0.5, 0.5, 0.9])
    others = torch.tensor([[0.9, 0.1, 0.2],    # one higher            -> rank 2
                           [0.5, 0.5, 0.1],    # two ties count against -> rank 3
                           [0.1, 0.2, 0.3]])   # best                  -> rank 1
    assert pessimistic_rank(target, others).tolist() == [2, 3, 1]


def test_constant_scorer_gets_no_credit():
    # 1 padding + 20 items, all scored the same: the target ties with the 19 other items.
    scores = torch.zeros(1, 21)
    ranks = full_ranking_ranks(scores, torch.tensor([5]), torch.tensor([[0]]))
    assert ranks.tolist() == [20]
    assert ranking_metrics(ranks.numpy()) == pytest.approx(
        {"HR@10": 0.0, "NDCG@10": 0.0, "HR@20": 1.0, "NDCG@20": 1 / math.log2(21), "MRR": 1 / 20})


def test_full_ranking_excludes_the_input_sequence_and_padding():
    # items 1..6 (index 0 = padding, scored highest to check it is ignored)
    scores = torch.tensor([[9.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.5]])
    # target 4 (score 2.0); items 1 and 2 score higher but were already seen -> only item 3 beats it
    ranks = full_ranking_ranks(scores, torch.tensor([4]), torch.tensor([[0, 1, 2]]))
    assert ranks.tolist() == [2]


def test_a_repeated_target_in_the_history_keeps_its_own_score():
    scores = torch.tensor([[0.0, 1.0, 3.0, 2.0]])
    ranks = full_ranking_ranks(scores, torch.tensor([3]), torch.tensor([[2, 3]]))
    assert ranks.tolist() == [1]  # item 2 is excluded as seen, item 3 is the target itself


def test_sampled_ranks_use_only_the_negatives():
    scores = torch.tensor([[0.0, 0.1, 0.9, 0.5, 0.5, 0.7]])
    ranks = sampled_ranks(scores, torch.tensor([3]), torch.tensor([[1, 4, 5]]))
    assert ranks.tolist() == [3]  # item 5 higher, item 4 ties, item 1 lower; item 2 not sampled


def test_metrics_by_hand():
    ranks = np.array([1, 2, 11, 3, 25])
    m = ranking_metrics(ranks)
    assert m["HR@10"] == pytest.approx(3 / 5)
    assert m["NDCG@10"] == pytest.approx((1 + 1 / math.log2(3) + 1 / math.log2(4)) / 5)
    assert m["HR@20"] == pytest.approx(4 / 5)
    assert m["NDCG@20"] == pytest.approx((1 + 1 / math.log2(3) + 1 / math.log2(12) + 1 / math.log2(4)) / 5)
    assert m["MRR"] == pytest.approx((1 + 1 / 2 + 1 / 11 + 1 / 3 + 1 / 25) / 5)


def test_auc_against_unseen_items_by_hand():
    # items 1..6; the user touched 2 and 5 (5 is the target); unseen: 1, 3, 4, 6
    scores = torch.tensor([[0.0, 0.9, 3.0, 0.5, 0.7, 0.7, 0.2]])
    auc = auc_against_unseen(scores, torch.tensor([5]), torch.tensor([[0, 2, 5]]))
    assert auc.tolist() == [pytest.approx(2 / 4)]  # 3 (0.5) and 6 (0.2) below; 1 (0.9) above; 4 ties (0.7)
    constant = auc_against_unseen(torch.ones(1, 7), torch.tensor([5]), torch.tensor([[2, 5]]))
    assert constant.tolist() == [0.0]  # ties never count for the model
