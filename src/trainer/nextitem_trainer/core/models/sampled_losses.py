"""Training losses whose cost per position does not grow with the catalogue.

Only the targets' and the negatives' rows of the item table are gathered, so only they get a
gradient, and nothing costs O(N) per step.

- Sampled softmax shares one draw of K negatives per batch among all its M target positions (the
  standard efficient form): one (M, d) x (d, K) product.
- gBCE draws K negatives for each position, as gSASRec does: (M, K) rows gathered, M*K*d floats.
  Shared negatives suit the softmax, whose gradient on a negative fades once it is pushed below
  the target, but not BCE, where each shared negative is pushed down by every position of the
  batch at once: on the tests' tiny synthetic world (160 items, K 32, 20 epochs) shared-negative
  gBCE peaked at HR@10 0.03-0.10 after two epochs and fell, per-position gBCE reached 0.22.

- ``sampled_softmax_loss``: the target's logit against the K negatives, every logit corrected by
  subtracting log Q(item), the probability of drawing that item (Yi et al., RecSys'19, "Sampling-
  bias-corrected neural modeling"; the target's too, as TensorFlow's ``sampled_softmax_loss``
  does). With Q uniform and every item drawn once this is exactly the full softmax. A negative
  equal to the row's target (an accidental hit) is masked to -inf.
- ``in_batch_softmax_loss``: the batch's own M targets are the negatives (nothing is drawn; Yi et
  al.'s in-batch softmax). The positions' targets are M draws from the training frequency q
  (an item's count / all counts of the training part), so item j appears in a batch M q_j times
  in expectation. The estimator: the row's target logit s+ uncorrected; every other position's
  target j a negative with logit s_j - log(M q_j); the copies of the row's own target (its own
  position and the same item at other positions) masked. The sum of exp(s_j) / (M q_j) over
  the unmasked columns is then an unbiased estimate of the sum of exp(s_j) over every item but
  the target, the full softmax's denominator less the target's term, so the loss's gradient
  approaches the full softmax's as M grows (tests/test_sampled_losses.py checks it on a small
  case). Yi et al. subtract log q_j from every column, the diagonal included, and mask nothing;
  with the own target's copies masked (as TensorFlow Recommenders' remove_accidental_hits) the
  positive has to stay uncorrected and the negatives carry the log M, or a popular target would
  count once against its negatives instead of M q_t times. Without any correction popular items,
  the most frequent negatives, are pushed down in proportion to their frequency.
- ``gbce_loss``: gSASRec's generalised BCE (Petrov & Macdonald, RecSys'23): log sigmoid(s+)^beta
  for the positive and log(1 - sigmoid(s-)) for each negative, beta from the sampling rate
  alpha = K / (N - 1) and the calibration t (``gbce_beta``); t = 0 gives beta = 1, plain BCE.

Samplers draw with replacement and say log Q of any item:
- ``UniformSampler``: Q = 1/N over items 1..N.
- ``PopularitySampler``: Q proportional to count^exponent of the training data (word2vec's 0.75
  flattens the head), every count floored at 1 so items unseen in training can still be drawn.
  Draws are a binary search in the cumulative distribution: O(K log N) per batch, not O(N).
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

NEGATIVE_SAMPLERS = ("uniform", "popularity", "in_batch")


class UniformSampler:
    def __init__(self, num_items: int):
        self.num_items = num_items

    def draw(self, count: int) -> torch.Tensor:
        """``count`` items in 1..N, with replacement.  -> (count,) long"""
        return torch.randint(1, self.num_items + 1, (count,))

    def log_q(self, items: torch.Tensor) -> torch.Tensor:
        """log of the probability of drawing each item.  (...) -> (...) float"""
        return torch.full(items.shape, -math.log(self.num_items))


class PopularitySampler:
    def __init__(self, popularity: np.ndarray, exponent: float):
        """popularity (N+1,): training counts per item index, index 0 (padding) ignored."""
        weights = np.maximum(np.asarray(popularity, dtype=np.float64)[1:], 1.0) ** exponent  # (N,)
        probs = weights / weights.sum()
        self.num_items = len(probs)
        self._log_q = torch.from_numpy(np.concatenate([[-np.inf], np.log(probs)])).float()  # (N+1,)
        cdf = np.cumsum(probs)
        cdf[-1] = 1.0
        self._cdf = torch.from_numpy(cdf)  # (N,) float64, so the tail of a 10^7 catalogue keeps its mass

    def draw(self, count: int) -> torch.Tensor:
        u = torch.rand(count, dtype=torch.float64)
        return torch.searchsorted(self._cdf, u, right=True).clamp_(max=self.num_items - 1) + 1  # (count,)

    def log_q(self, items: torch.Tensor) -> torch.Tensor:
        return self._log_q[items]


def sampled_softmax_loss(hidden: torch.Tensor, target_rows: torch.Tensor, negative_rows: torch.Tensor,
                         targets: torch.Tensor, negatives: torch.Tensor, log_q_targets: torch.Tensor,
                         log_q_negatives: torch.Tensor) -> torch.Tensor:
    """Mean over positions of -log softmax([s+ - log Q(t), s_k - log Q(n_k)])[0].
    hidden (M, d), target_rows (M, d), negative_rows (K, d), targets (M,), negatives (K,),
    log_q_targets (M,), log_q_negatives (K,)  -> scalar"""
    positive = (hidden * target_rows).sum(-1) - log_q_targets  # (M,)
    negative = hidden @ negative_rows.t() - log_q_negatives  # (M, K)
    negative = negative.masked_fill(negatives[None, :] == targets[:, None], float("-inf"))  # accidental hits
    logits = torch.cat([positive[:, None], negative], dim=1)  # (M, 1+K)
    return (torch.logsumexp(logits, dim=1) - positive).mean()


class TargetFrequency:
    """log q for in-batch negatives: q = an item's training count / the sum of all training
    counts, the probability that a training position's target is that item."""

    def __init__(self, popularity: np.ndarray):
        """popularity (N+1,): training counts per item index, index 0 (padding) ignored."""
        counts = np.maximum(np.asarray(popularity, dtype=np.float64), 1.0)  # floored: never log 0 for a target
        counts[0] = 0.0
        with np.errstate(divide="ignore"):
            self._log_q = torch.from_numpy(np.log(counts / counts.sum())).float()  # (N+1,), -inf at padding

    def log_q(self, items: torch.Tensor) -> torch.Tensor:
        return self._log_q[items]


def in_batch_softmax_loss(hidden: torch.Tensor, target_rows: torch.Tensor, targets: torch.Tensor,
                          log_q_targets: torch.Tensor) -> torch.Tensor:
    """Mean over positions of -log softmax([s+, s_j - log(M q_j) for the other positions' targets
    j other than the row's own])[0], the estimator of the module docstring.
    hidden (M, d), target_rows (M, d), targets (M,), log_q_targets (M,)  -> scalar"""
    m = targets.shape[0]
    scores = hidden @ target_rows.t()  # (M, M): row i's hidden against position j's target
    positive = scores.diagonal()  # (M,)
    negative = scores - (log_q_targets + math.log(m))[None, :]  # (M, M), s_j - log(M q_j)
    negative = negative.masked_fill(targets[None, :] == targets[:, None], float("-inf"))  # own target and its copies
    logits = torch.cat([positive[:, None], negative], dim=1)  # (M, 1+M)
    return (torch.logsumexp(logits, dim=1) - positive).mean()


def gbce_beta(num_negatives: int, num_items: int, t: float) -> float:
    """gSASRec's beta = alpha (t (1 - 1/alpha) + 1/alpha), alpha = K / (N - 1) the sampling rate
    (capped at 1: drawing at least every other item once is no subsampling)."""
    alpha = min(1.0, num_negatives / max(num_items - 1, 1))
    return alpha * (t * (1.0 - 1.0 / alpha) + 1.0 / alpha)


def gbce_loss(positive: torch.Tensor, negative: torch.Tensor, hits: torch.Tensor, beta: float) -> torch.Tensor:
    """-(beta log sigmoid(s+) + sum_k log(1 - sigmoid(s_k))) / (1 + K), mean over positions (the
    authors' code averages the 1 + K terms); accidental hits add nothing.
    positive (M,), negative (M, K), hits (M, K) bool  -> scalar"""
    positive_term = beta * F.logsigmoid(positive)  # (M,) = log sigmoid(s+)^beta
    negative_terms = F.logsigmoid(-negative).masked_fill(hits, 0.0).sum(1)  # (M,), log(1 - sigmoid(s)) = log sigmoid(-s)
    return -((positive_term + negative_terms) / (1 + negative.shape[1])).mean()
