"""Model registry: ``model.name`` in a config -> class. Importing this package registers all."""
from . import convrec
from . import mostpop
from . import sasrec
from . import casfe
from . import attrec
from . import dmran
from . import ssrf
from .base import (CONTRACT_INPUTS, Recommender, SequenceEncoderModel, TopKGraph, model_class,
                   registered_models)
from .retrieval import RetrievalForm, RetrievalUnsupported

__all__ = ["CONTRACT_INPUTS", "Recommender", "SequenceEncoderModel", "TopKGraph", "model_class",
           "registered_models", "build_model", "RetrievalForm", "RetrievalUnsupported"]


def build_model(name: str, config, num_items: int, num_users: int = 0, num_categories: int = 0) -> Recommender:
    """num_users sizes the user table of models that read ``user_idx``, num_categories the
    category table of models that read ``cat_seq`` (the others ignore them)."""
    cls = model_class(name)
    sizes = {}
    if "user_idx" in cls.inputs:
        sizes["num_users"] = num_users
    if "cat_seq" in cls.inputs:
        sizes["num_categories"] = num_categories
    return cls(config, num_items, **sizes)
