"""One call that caps every CPU thread pool torch computes with: its own (OpenMP) pool and the
BLAS library's.

Why: Debian's torch does its matrix products in the system BLAS, OpenBLAS (pthreads build),
which keeps its own pool of one thread per core and is deaf to ``torch.set_num_threads``. Its
idle workers spin, so on a 2-core machine two single-threaded training runs put four busy
threads on two cores, 40% of the time in the kernel (capped, the same two runs went from 56 s
to 47 s per epoch). OpenBLAS is told through its own ``openblas_set_num_threads``, found in the library the
process has loaded (no effect, and no error, where torch uses another BLAS).
"""
from __future__ import annotations

import ctypes
import logging
from pathlib import Path

import torch

log = logging.getLogger("nextitem.threads")


def set_cpu_threads(threads: int) -> None:
    """Caps torch and OpenBLAS at ``threads`` each; 0 leaves both at their defaults."""
    if threads <= 0:
        return
    torch.set_num_threads(threads)
    for library in _loaded_openblas():
        try:
            ctypes.CDLL(str(library)).openblas_set_num_threads(threads)
        except (OSError, AttributeError) as e:  # another BLAS build: torch's cap is all there is
            log.debug("could not cap OpenBLAS threads in %s: %s", library, e)


def openblas_threads() -> int | None:
    """OpenBLAS's current pool size, or None where the process has no OpenBLAS loaded."""
    for library in _loaded_openblas():
        try:
            return int(ctypes.CDLL(str(library)).openblas_get_num_threads())
        except (OSError, AttributeError):
            continue
    return None


def _loaded_openblas() -> list[Path]:
    maps = Path("/proc/self/maps")
    if not maps.exists():  # not Linux: nothing to find this way
        return []
    paths = {line.split()[-1] for line in maps.read_text().splitlines() if "openblas" in line and "/" in line}
    return sorted(Path(p) for p in paths if "libopenblas" in Path(p).name)
