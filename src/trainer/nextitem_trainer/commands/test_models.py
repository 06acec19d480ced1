"""``test-models``: one tiny trained version per model, for the Java tests."""
from __future__ import annotations

from pathlib import Path

NAME = "test-models"


def add_parser(sub) -> None:
    p = sub.add_parser("test-models", help="train and export one tiny version per model for the Java tests")
    p.add_argument("--models", nargs="*", help="model names (default: every configs/tiny/*.yaml)")
    p.add_argument("--out", help="folder of per-model registries (default: src/test/resources/nextitem/models/)")
    p.add_argument("--reexport", action="store_true",
                   help="no training: export each test version again from its own weights.pt (after an "
                        "exporter change; weights and model.onnx stay the same)")


def run(args) -> int:
    from ..tools.test_models import TEST_MODELS_DIR, build_test_models

    build_test_models(args.models, Path(args.out) if args.out else TEST_MODELS_DIR, reexport=args.reexport)
    return 0
