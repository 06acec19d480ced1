"""Interaction files -> per-user sequences -> leave-one-out splits -> model input batches."""
from .batches import TrainSequences, TrainWindows, eval_batches, left_pad
from .dataset import InteractionLog, build_log, check_data_has_inputs, item_categories, load_log
from .readers import DataFormatError, read_interactions
from .split import eval_users, sample_users, train_popularity

__all__ = ["DataFormatError", "InteractionLog", "TrainSequences", "TrainWindows", "build_log", "check_data_has_inputs", "eval_batches", "eval_users",
           "item_categories", "left_pad", "load_log", "read_interactions", "sample_users", "train_popularity"]
