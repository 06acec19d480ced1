"""deploy/bin/python-for-trainer refuses an AVX-512 OpenBLAS kernel on a CPU without AVX-512,
which would otherwise end the trainer with "Illegal instruction" in its first matrix product."""
import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "bin" / "python-for-trainer"


def run(tmp_path: Path, flags: str, coretype: str | None) -> subprocess.CompletedProcess:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: fpu sse2 avx2 fma {flags}\n")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    env["NEXTITEM_CPUINFO"] = str(cpuinfo)
    if coretype is not None:
        env["OPENBLAS_CORETYPE"] = coretype
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120)


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
