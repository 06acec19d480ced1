"""``dashboard-plots``: the client side of the Prometheus HTTP API (legends, a rejected query, empty panels).

The real server answers the shipped dashboard's queries in GrafanaQueriesOnPrometheusITCase, which
runs this command against Debian's Prometheus scraping a standalone cluster. Here a small HTTP
server answers in Prometheus's reply format, so each of the command's own branches is made to happen.
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from nextitem_trainer.tools.dashboard_plots import EmptyPanels, QueryRejected, dashboard_plots, legend, query_range


def _dashboard(tmp_path, exprs):
    panels = [{"type": "row", "title": "a row"}]
    panels += [{"type": "timeseries", "title": f"panel {i}", "targets": [{"expr": e, "legendFormat": "{{reason}}"}]}
               for i, e in enumerate(exprs)]
    path = tmp_path / "dashboard.json"
    path.write_text(json.dumps({"panels": panels}))
    return path


@pytest.fixture()
def prometheus_api():
    """A server in Prometheus's reply format: 'bad(' is rejected, 'nothing' has no series, the rest one series."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            q = parse_qs(url.query)
            seen.append((url.path, q))
            expr = q["query"][0]
            if expr.startswith("bad("):
                status, body = 400, {"status": "error", "errorType": "bad_data", "error": "parse error: unclosed left parenthesis"}
            elif expr == "nothing":
                status, body = 200, {"status": "success", "data": {"resultType": "matrix", "result": []}}
            else:
                start = float(q["start"][0])
                values = [[start + 10 * i, str(i * 2.5)] for i in range(4)]
                status, body = 200, {"status": "success", "data": {"resultType": "matrix", "result": [
                    {"metric": {"reason": "TRUNCATED"}, "values": values}]}}
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()


def test_every_panel_query_goes_to_query_range_unchanged(tmp_path, prometheus_api):
    url, seen = prometheus_api
    exprs = ['sum by (reason) (rate(flink_x_total[1m]))', 'max(flink_y)']
    out = dashboard_plots(url, _dashboard(tmp_path, exprs), tmp_path / "d.png", minutes=2, step_s=5, end=1_000_000)
    assert out.stat().st_size > 1000
    assert [q["query"][0] for _, q in seen] == exprs
    assert {p for p, _ in seen} == {"/api/v1/query_range"}
    assert seen[0][1]["start"] == ["999880.000"] and seen[0][1]["end"] == ["1000000.000"] and seen[0][1]["step"] == ["5"]


def test_a_query_prometheus_rejects_stops_with_its_error(tmp_path, prometheus_api):
    url, _ = prometheus_api
    with pytest.raises(QueryRejected, match="unclosed left parenthesis"):
        dashboard_plots(url, _dashboard(tmp_path, ["max(ok)", "bad(rate(x[1m])"]), tmp_path / "d.png")


def test_a_panel_with_no_data_fails_after_the_picture_is_written(tmp_path, prometheus_api):
    url, _ = prometheus_api
    with pytest.raises(EmptyPanels, match="1 of 2 panels have no data.*panel 1"):
        dashboard_plots(url, _dashboard(tmp_path, ["max(ok)", "nothing"]), tmp_path / "d.png")
    assert (tmp_path / "d.png").exists()


def test_an_unreachable_server_is_named():
    with pytest.raises(ConnectionError, match="127.0.0.1:9"):
        query_range("http://127.0.0.1:9", "up", 0, 60, 5)


def test_legends_follow_grafanas_format():
    assert legend("{{reason}} on {{subtask_index}}", {"reason": "TRUNCATED", "subtask_index": "0"}) == "TRUNCATED on 0"
    assert legend("", {"b": "2", "a": "1"}) == "a=1,b=2"
    assert legend("", {}) == "value"
