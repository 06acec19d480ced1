"""What a GPU check result says about the machine it ran on, and the commit it measured."""
from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess

import torch

from ...core.cpu_threads import openblas_threads
from ...core.results import cpu_model, git_commit


def memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        return None


def commit() -> str:
    """The project's result-file commit (HEAD, "-dirty" when tracked files differ). A copied
    working tree has no git: then $NEXTITEM_COMMIT, as the sender stated it, else "unknown"."""
    found = git_commit()
    if found == "unknown":
        return os.environ.get("NEXTITEM_COMMIT") or found
    return found


def machine(devices: list[str]) -> dict:
    facts = {"cpu_model": cpu_model(), "cores": os.cpu_count(), "memory_gib": memory_gib(),
             "python": platform.python_version(), "torch": torch.__version__,
             "torch_threads": torch.get_num_threads(), "openblas_threads": openblas_threads(),
             "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "default"),
             "cuda": {"available": torch.cuda.is_available(), "used": "cuda" in devices}}
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        facts["cuda"].update({"device_name": props.name, "capability": f"{props.major}.{props.minor}",
                              "memory_gib": round(props.total_memory / 2**30, 1),
                              "torch_cuda_version": torch.version.cuda, "driver": nvidia_driver(),
                              "tf32_matmul": torch.backends.cuda.matmul.allow_tf32})
    return facts


def nvidia_driver() -> str:
    if shutil.which("nvidia-smi") is None:
        return "unknown"
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
        return out.strip().splitlines()[0] if out.strip() else "unknown"
    except (subprocess.SubprocessError, OSError):
        return "unknown"


def machine_slug(facts: dict) -> str:
    name = facts["cuda"]["device_name"] if facts["cuda"]["used"] else f"{facts['cpu_model']} cpu-only"
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unknown"
