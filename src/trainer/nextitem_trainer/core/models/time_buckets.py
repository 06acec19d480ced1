"""DMRAN's (and ATRank's) time signal: how long before the request each item was seen, in
log2-spaced day buckets, computed inside the graph from raw epoch seconds so the job only passes
``time_seq`` and ``query_time``.

Paper (002, sec. 4.1): days in [0,1), [1,2), [2,4), ..., [2^k, 2^(k+1)) map to 0, 1, 2, ..., k+1.
Here index 0 is kept for padding, so a real item gets bucket + 1, and the last bucket is open
ended (everything from 2^(num_buckets-2) days on). The bucket is the count of thresholds
1, 2, 4, ... days that the age reaches, in int64 arithmetic: no float log2, whose rounding at
exact powers of two could differ between PyTorch and ONNX Runtime. An item newer than the query
(clock skew between producers) counts as age 0.
"""
from __future__ import annotations

import torch

SECONDS_PER_DAY = 86_400


def day_thresholds(num_buckets: int) -> torch.Tensor:
    """Ages in days at which the bucket grows: 1, 2, 4, ... (num_buckets - 1 values, int64)."""
    if num_buckets < 2:
        raise ValueError(f"num_buckets must be at least 2 ([0,1) days and the rest), got {num_buckets}")
    return torch.tensor([2 ** k for k in range(num_buckets - 1)], dtype=torch.int64)


def time_bucket_index(time_seq: torch.Tensor, query_time: torch.Tensor, thresholds: torch.Tensor,
                      real: torch.Tensor) -> torch.Tensor:
    """time_seq (B, L) epoch s, query_time (B,) epoch s, thresholds (K,) days, real (B, L) bool
    -> (B, L) int64: 0 under padding, else 1 + number of thresholds the age in days reaches."""
    age_s = torch.clamp(query_time.unsqueeze(1) - time_seq, min=0)  # (B, L)
    age_days = torch.div(age_s, SECONDS_PER_DAY, rounding_mode="floor")  # (B, L), whole days
    bucket = (age_days.unsqueeze(-1) >= thresholds).sum(dim=-1)  # (B, L) in 0..K
    return torch.where(real, bucket + 1, torch.zeros_like(bucket))
