"""Model registry: ``model.name`` in a config -> class. Importing this package registers all."""
from . import convrec, mostpop, sasrec  # noqa: F401  (registration side effect)
from . import casfe  # noqa: F401
from .base import (CONTRACT_INPUTS, Recommender, SequenceEncoderModel, TopKGraph, model_class,
                   registered_models)

__all__ = ["CONTRACT_INPUTS", "Recommender", "SequenceEncoderModel", "TopKGraph", "model_class",
           "registered_models", "build_model"]


def build_model(name: str, config, num_items: int) -> Recommender:
    return model_class(name)(config, num_items)
