"""``dashboard-plots``: the dashboard's PromQL forms evaluated on scrapes, hand-checked values."""
import json

import pytest

from nextitem_trainer.dashboard_plots import UnsupportedQuery, dashboard_plots, evaluate, load_scrapes, parse_scrape
from nextitem_trainer.paths import REPO_ROOT

DASHBOARD = REPO_ROOT / "deploy/grafana/dashboards/nextitem.json"
OP = "flink_taskmanager_job_task_operator_"


def scrape(accepted_a, accepted_b, dead, hits, judged, p50):
    return "\n".join([
        "# TYPE x counter",
        f'{OP}clicksAccepted{{subtask_index="0",}} {accepted_a}',
        f'{OP}clicksAccepted{{subtask_index="1",}} {accepted_b}',
        f'{OP}reason_deadLetters{{reason="TRUNCATED",subtask_index="0",}} {dead}',
        f'{OP}reason_deadLetters{{reason="EMPTY_PAYLOAD",subtask_index="0",}} 1.0',
        f'{OP}modelVersion_liveHits10{{modelVersion="v1",subtask_index="0",}} {hits}',
        f'{OP}modelVersion_liveJudged{{modelVersion="v1",subtask_index="0",}} {judged}',
        f'{OP}inferenceMicros{{quantile="0.5",subtask_index="0",}} {p50}',
        f'{OP}inferenceMicros{{quantile="0.5",subtask_index="1",}} {p50 * 2}',
        f'{OP}inferenceMicros{{quantile="0.999",subtask_index="0",}} 99999.0',
        f'{OP}modelVersionCreatedAtSeconds{{subtask_index="0",}} 1767225600',
        f'{OP}executionProviderIsGpu{{subtask_index="0",}} NaN',
    ])


@pytest.fixture()
def scrapes(tmp_path):
    (tmp_path / "1000.prom").write_text(scrape(0, 0, 0, 0, 0, 100.0))
    (tmp_path / "1010.prom").write_text(scrape(50, 30, 5, 3, 10, 200.0))
    (tmp_path / "1020.prom").write_text(scrape(150, 90, 5, 9, 20, 300.0))
    return tmp_path


def test_the_dashboards_forms_give_the_hand_computed_values(scrapes):
    s = load_scrapes(scrapes)
    assert [t for t, _ in s] == [0.0, 10.0, 20.0]
    # rate over the 1 m window at 20 s: (150 + 90 - 0) / 20 s
    assert evaluate(f"sum(rate({OP}clicksAccepted[1m]))", s, 2) == {"": pytest.approx(12.0)}
    assert evaluate(f"sum(rate({OP}clicksAccepted[1m]))", s, 0) == {}, "no earlier scrape: no rate yet"
    assert evaluate(f"sum by (reason) (rate({OP}reason_deadLetters[1m]))", s, 2) == {
        "TRUNCATED": pytest.approx(0.25), "EMPTY_PAYLOAD": pytest.approx(0.0)}
    # increase over 1 h from 20 s of data, extrapolated as Prometheus does: 240 * 3600 / 20
    assert evaluate(f"sum(increase({OP}clicksAccepted[1h]))", s, 2)[""] == pytest.approx(240 * 180)
    assert evaluate(f'max by (quantile) ({OP}inferenceMicros{{quantile=~"0.5|0.95"}})', s, 2) == {"0.5": 600.0}
    hr = f"sum by (modelVersion) ({OP}modelVersion_liveHits10) / sum by (modelVersion) ({OP}modelVersion_liveJudged)"
    assert evaluate(hr, s, 2) == {"v1": pytest.approx(0.45)}
    assert evaluate(hr, s, 0) == {}, "0 judged lists: no ratio, not a division by zero"
    assert evaluate(f"max({OP}modelVersionCreatedAtSeconds) * 1000", s, 1) == {"": 1767225600000.0}
    assert evaluate(f"max({OP}executionProviderIsGpu)", s, 1) == {}, "NaN samples are left out"
    with pytest.raises(UnsupportedQuery):
        evaluate(f"histogram_quantile(0.9, {OP}x)", s, 1)


def test_every_query_of_the_shipped_dashboard_is_understood_and_drawn(scrapes, tmp_path):
    s = load_scrapes(scrapes)
    for panel in json.loads(DASHBOARD.read_text())["panels"]:
        for target in panel.get("targets", []):
            evaluate(target["expr"], s, 2)  # raises UnsupportedQuery for a form it cannot draw
    out = dashboard_plots(scrapes, DASHBOARD, tmp_path / "dashboard.png")
    assert out.stat().st_size > 10_000


def test_a_single_scrape_is_not_enough_for_rates(tmp_path):
    (tmp_path / "1.prom").write_text(scrape(0, 0, 0, 0, 0, 1.0))
    with pytest.raises(FileNotFoundError, match="at least two"):
        load_scrapes(tmp_path)


def test_parse_skips_comments_and_reads_labels():
    parsed = parse_scrape('# HELP a b\nm{a="x",b="y",} 2.5\nn 1\n')
    assert parsed["m"] == {frozenset({("a", "x"), ("b", "y")}): 2.5}
    assert parsed["n"] == {frozenset(): 1.0}
