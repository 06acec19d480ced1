"""deploy/bin/python-for-trainer refuses an AVX-512 OpenBLAS kernel on a CPU without AVX-512,
which would otherwise end the trainer with "Illegal instruction" in its first matrix product."""
import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "bin" / "python-for-trainer"


def cpu_env(tmp_path: Path, flags: str, coretype: str | None) -> dict[str, str]:
    """The environment with a CPU of these flags (NEXTITEM_CPUINFO) and OPENBLAS_CORETYPE as given (None: unset)."""
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {flags}\n")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    env["NEXTITEM_CPUINFO"] = str(cpuinfo)
    if coretype is not None:
        env["OPENBLAS_CORETYPE"] = coretype
    return env


def run(tmp_path: Path, flags: str, coretype: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT)], env=cpu_env(tmp_path, f"fpu sse2 avx2 fma {flags}", coretype),
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("coretype", ["SKYLAKEX", "skylakex", "CooperLake", "SAPPHIRERAPIDS"])
def test_an_avx512_kernel_without_avx512_is_refused_with_the_reason(tmp_path, coretype):
    done = run(tmp_path, "avx512_bf16_is_not_avx512f", coretype)
    assert done.returncode == 2
    assert f"OPENBLAS_CORETYPE={coretype}" in done.stderr and "no AVX-512" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("flags,coretype", [("avx512f avx512bw", "SKYLAKEX"), ("", None), ("", "HASWELL")])
def test_other_settings_still_name_an_interpreter(tmp_path, flags, coretype):
    done = run(tmp_path, flags, coretype)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).name.startswith("python")


KERNEL = SCRIPT.parent / "openblas-kernel.sh"


@pytest.mark.parametrize("flags,preset,expected", [
    ("fpu sse2 avx2 fma", None, "Haswell"),          # an AVX2 CPU OpenBLAS may not recognise: pinned
    ("fpu sse2 avx2 fma avx512f", None, "Haswell"),  # the same kernel on an AVX-512 one, for the same rounding
    ("fpu sse2 sse4_2", None, ""),                    # no AVX2: OpenBLAS chooses
    ("fpu sse2 avx2 fma", "SKYLAKEX", "SKYLAKEX"),    # set by hand: kept
])
def test_the_openblas_kernel_is_pinned_only_where_the_cpu_runs_it(tmp_path, flags, preset, expected):
    done = subprocess.run(["bash", "-c", f'source "{KERNEL}"; printf %s "${{OPENBLAS_CORETYPE:-}}"'],
                          env=cpu_env(tmp_path, flags, preset), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
