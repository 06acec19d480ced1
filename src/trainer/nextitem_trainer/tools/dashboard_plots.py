"""``dashboard-plots``: the Grafana dashboard's panels drawn from a real Prometheus server.

Grafana cannot run on the development machines (no container runtime), so this renders what the
shipped dashboard (deploy/grafana/dashboards/nextitem.json) would show by sending every panel's
query, unchanged, to Prometheus's HTTP API (``/api/v1/query_range``), as Grafana does. Prometheus
evaluates the PromQL, so the picture is of exactly the queries operators get. A query that
Prometheus rejects stops the command with Prometheus's error; a panel whose queries answer with
nothing is drawn as "no data" and makes the command exit non-zero after writing the picture, so a
dashboard that shows empty panels never passes for a working one.
"""
from __future__ import annotations

import json
import logging
import math
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

log = logging.getLogger("nextitem.dashboard_plots")


class QueryRejected(ValueError):
    """Prometheus answered a panel's query with an error (bad PromQL, unknown function, ...)."""


class EmptyPanels(RuntimeError):
    """Panels whose every query answered with no series; the picture was written anyway."""


def query_range(prometheus: str, expr: str, start: float, end: float, step_s: float) -> list[dict]:
    """The series Prometheus returns for ``expr`` over [start, end] (UNIX seconds), each {"metric": labels, "values": [[t, "v"], ...]}."""
    params = urllib.parse.urlencode({"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step_s:g}"})
    url = prometheus.rstrip("/") + "/api/v1/query_range?" + params
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            body = json.loads(reply.read())
    except urllib.error.HTTPError as e:  # 400/422: Prometheus refused the query and says why in the body
        body = json.loads(e.read() or b"{}")
    except urllib.error.URLError as e:
        raise ConnectionError(f"cannot reach Prometheus at {prometheus}: {e.reason}") from e
    if body.get("status") != "success":
        raise QueryRejected(f"Prometheus rejected {expr!r}: {body.get('errorType', '?')}: {body.get('error', body)}")
    return body["data"]["result"]


def legend(template: str, labels: dict) -> str:
    """Grafana's legendFormat: ``{{label}}`` replaced by the series' label value."""
    if not template:
        return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "value"
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: str(labels.get(m.group(1), "")), template)


def dashboard_plots(prometheus: str, dashboard: Path, out: Path, minutes: float = 10.0, step_s: float = 5.0,
                    end: float | None = None) -> Path:
    end = time.time() if end is None else end
    start = end - minutes * 60
    panels = [p for p in json.loads(Path(dashboard).read_text())["panels"] if p.get("type") != "row"]
    columns = 4
    rows = math.ceil(len(panels) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 2.6 * rows), squeeze=False)
    empty = []
    for ax, panel in zip(axes.flat, panels):
        for target in panel.get("targets", []):
            for series in query_range(prometheus, target["expr"], start, end, step_s):
                xs = [float(t) - start for t, _ in series["values"]]
                ys = [float(v) for _, v in series["values"]]
                ax.plot(xs, ys, label=legend(target.get("legendFormat", ""), series.get("metric", {})))
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "")
        ax.set_title(panel["title"] + (f" ({unit})" if unit and unit not in ("short",) else ""), fontsize=9)
        ax.tick_params(labelsize=7)
        if ax.lines:
            ax.legend(fontsize=6, loc="best")
        else:
            empty.append(panel["title"])
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, fontsize=8)
        ax.set_xlabel("s", fontsize=7)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(f"nextitem dashboard panels: the dashboard's queries answered by Prometheus over {minutes:g} min "
                 f"(step {step_s:g} s; Grafana sends the same queries)", fontsize=11)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    log.info("wrote %s (%d panels)", out, len(panels))
    if empty:
        raise EmptyPanels(f"{len(empty)} of {len(panels)} panels have no data from {prometheus} "
                          f"(picture written to {out}): {', '.join(empty)}")
    return out
