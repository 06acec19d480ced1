"""Shared by the per-model tests: catalogue scores of a model for hand-written rows."""
import torch


def catalogue_scores(model, rows, **per_row_inputs):
    """Scores of items 1..N for `rows` (item_seq, left-padded), with extra contract inputs such
    as user_idx given per row.  -> (B, N)"""
    batch = {"item_seq": torch.tensor(rows), **{k: torch.tensor(v) for k, v in per_row_inputs.items()}}
    with torch.no_grad():
        return model.full_sort_scores(batch)[:, 1:]
