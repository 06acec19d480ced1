"""sha256 of a file, read in chunks: the checksum manifests and result files record. A leaf module
(stdlib only), so the GPU check, which may find only torch and numpy, shares it with export."""
from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()
