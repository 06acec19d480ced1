"""A GPU check result as text: the table printed at the end of a run and the Markdown table
docs/gpu-check.md shows."""
from __future__ import annotations

from pathlib import Path

from ...core.paths import REPO_ROOT


def relative(path: Path) -> str:
    """A path inside the repository as written from its root; anything else by its name only."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return path.name


def print_table(result: dict) -> None:
    print(f"{'device':6s} {'items':>12s} {'batch':>5s} {'median ms':>10s} {'min..max ms':>21s} "
          f"{'req/s':>12s} {'encoder ms':>10s} {'+scores ms':>10s}")
    for f in result["figures"]:
        if "skipped" in f:
            print(f"{f['device']:6s} {f['items']:>12,} {f['batch']:>5d}  skipped: {f['skipped']}")
            continue
        print(f"{f['device']:6s} {f['items']:>12,} {f['batch']:>5d} {f['median_ms']:>10.3f} "
              f"{f['min_ms']:>10.3f}..{f['max_ms']:<10.3f} {f['requests_per_s']:>12,.1f} {f['encoder_median_ms']:>10.3f} {f['scores_median_ms']:>10.3f}")


def markdown_table(result: dict) -> str:
    """The figures of a result file as the Markdown table docs/gpu-check.md shows (a test keeps
    the two equal)."""
    lines = ["| device | items | batch | median ms (min..max) | requests/s | encoder ms | + scores ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for f in result["figures"]:
        if "skipped" in f:
            lines.append(f"| {f['device']} | {f['items']:,} | {f['batch']} | skipped: {f['skipped']} | | | |")
        else:
            lines.append(f"| {f['device']} | {f['items']:,} | {f['batch']} | {f['median_ms']:,.2f} "
                         f"({f['min_ms']:,.2f}..{f['max_ms']:,.2f}) | {f['requests_per_s']:,.1f} | "
                         f"{f['encoder_median_ms']:,.2f} | {f['scores_median_ms']:,.2f} |")
    return "\n".join(lines)
