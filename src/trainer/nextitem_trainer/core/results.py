"""Result files (docs/evaluation.md "Result files"): one JSON object per figure, with what it takes
to rerun it - seeds, config, dataset checksum, commit, training time and the machine."""
from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

import numpy as np
import torch

from .paths import REPO_ROOT


def git_commit() -> str:
    """HEAD, with "-dirty" when tracked files differ from it. Result files themselves are left
    out of the check: writing one result must not mark the next as dirty."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                                ":(exclude)src/site/results"], cwd=REPO_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# CPU features that move our figures (vector width, int8 dot products, matrix tiles): a machine id
# names the ones present, so two machines with one model name but other flags stay apart.
ID_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile")


def _cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def memory_gib() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / (1024 * 1024))
    except (OSError, ValueError):
        pass
    return None


def cpu_slug(model: str) -> str:
    """The CPU model as a machine id starts: ``Intel(R) Xeon(R) Processor`` -> ``intel-xeon``."""
    name = model.lower()
    for noise in ("(r)", "(tm)", " processor", " cpu", "@"):
        name = name.replace(noise, " ")
    return "-".join("".join(c if c.isalnum() else " " for c in name).split())


def machine_id(model: str, cores: int, memory: int | None, flags: set[str]) -> str:
    """``<cpu model>-<cores>c-<memory>g[-<flags>]``, lower case, e.g.
    ``intel-xeon-2c-24g-avx2-avx512f-avx512-vnni``; the same rule as the Java side's
    ``MachineFacts.machineId`` (a test holds the two together)."""
    parts = [cpu_slug(model), f"{cores}c", f"{memory}g" if memory is not None else "unknown-memory"]
    parts += [f.replace("_", "-") for f in ID_FLAGS if f in flags]
    return "-".join(parts)


def machine() -> dict:
    cores, memory = os.cpu_count(), memory_gib()
    return {"machine_id": machine_id(cpu_model(), cores, memory, _cpu_flags()), "memory_gib": memory,
            "cores": cores, "cpu_model": cpu_model(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "default"),
            "torch_threads": torch.get_num_threads(), "torch": torch.__version__,
            "python": platform.python_version(), "device": "cpu"}


def aggregate(per_seed: list[dict[str, float]]) -> tuple[dict, dict]:
    """Mean and (population) standard deviation of each metric over seeds."""
    keys = [k for k in per_seed[0] if k != "users"]
    mean = {k: round(float(np.mean([m[k] for m in per_seed])), 4) for k in keys}
    std = {k: round(float(np.std([m[k] for m in per_seed])), 4) for k in keys}
    return mean, std


def write_result(path: Path, result: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
