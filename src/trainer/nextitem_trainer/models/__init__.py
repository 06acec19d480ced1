"""Model registry: ``model.name`` in a config -> class. Importing this package registers all."""
from . import convrec, mostpop, sasrec  # noqa: F401  (registration side effect)
from . import casfe  # noqa: F401
from . import attrec  # noqa: F401
from .base import (CONTRACT_INPUTS, Recommender, SequenceEncoderModel, TopKGraph, model_class,
                   registered_models)

__all__ = ["CONTRACT_INPUTS", "Recommender", "SequenceEncoderModel", "TopKGraph", "model_class",
           "registered_models", "build_model"]


def build_model(name: str, config, num_items: int, num_users: int = 0) -> Recommender:
    """num_users sizes the user table of models that read ``user_idx`` (the others ignore it)."""
    cls = model_class(name)
    if "user_idx" in cls.inputs:
        return cls(config, num_items, num_users)
    return cls(config, num_items)
