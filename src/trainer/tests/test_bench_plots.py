"""``bench-plots`` draws what the Java bench wrote, and leaves out what it did not measure."""
import json

import pytest

from nextitem_trainer.tools.bench_plots import bench_plots

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _result(num_items: int, max_len: int, stages=("ceiling", "job", "per_event_job", "latency"), taken="2026-12-01T10:00:00Z"):
    r = {"model": "sasrec", "model_version": f"v-{num_items}-{max_len}", "num_items": num_items, "max_seq_len": max_len,
         "provider": "CPU", "machine": {"cores": 2}, "taken_at": taken,
         "settings": {"intra_op_threads": 1, "batch_max_size": 64, "checkpoint_interval_ms": 1000}}
    if "ceiling" in stages:
        r["ceiling"] = {"timings": [{"batch_size": b, "requests_per_second_median": 1000.0 * b ** 0.3} for b in (1, 8, 64)],
                        "events_per_s_at_batch_limit": 3500.0}
    if "job" in stages:
        r["job"] = {"events_per_s_median": 2500.0}
    if "per_event_job" in stages:
        r["per_event_job"] = {"events_per_s_median": 900.0}
    if "latency" in stages:
        r["latency"] = [{"delivery": d, "offered_events_per_s": rate, "visibility_ms_p50": 500.0, "visibility_ms_p99": 900.0,
                         "inference_path_ms_p99": 20.0} for d in ("exactly-once", "at-least-once") for rate in (600.0, 1200.0)]
    return r


def _write(folder, results):
    folder.mkdir(parents=True, exist_ok=True)
    for r in results:
        (folder / f"bench_{r['model_version']}.json").write_text(json.dumps(r))


def test_headline_and_scaling_plots_are_png_files(tmp_path):
    _write(tmp_path / "results", [_result(3416, 50), _result(100_000, 50, stages=("ceiling",)),
                                  _result(3416, 200, stages=("ceiling",))])
    written = bench_plots(tmp_path / "results", tmp_path / "images")
    assert sorted(p.name for p in written) == ["bench_latency.png", "bench_scaling.png", "bench_throughput.png"]
    for path in written:
        assert path.read_bytes()[:8] == PNG_MAGIC and path.stat().st_size > 5_000


def test_a_ceiling_only_result_draws_no_headline_and_one_size_no_scaling(tmp_path):
    _write(tmp_path / "results", [_result(3416, 50, stages=("ceiling",))])
    assert bench_plots(tmp_path / "results", tmp_path / "images") == []


def test_an_empty_folder_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="nextitem.jar bench"):
        bench_plots(tmp_path, tmp_path / "images")


def test_the_latency_caption_says_when_checkpoints_were_log_based():
    from nextitem_trainer.tools.bench_plots import _checkpoints
    assert _checkpoints({"checkpoint_interval_ms": 1000, "checkpoint_changelog": True}) == ", checkpoints every 1000 ms (changelog)"
    assert _checkpoints({"checkpoint_interval_ms": 1000, "checkpoint_changelog": False}) == ", checkpoints every 1000 ms"
    assert _checkpoints({"checkpoint_interval_ms": 500}) == ", checkpoints every 500 ms"  # results from before the setting


def _scaling(taken="2026-12-06T12:00:00Z"):
    def row(variant, rate, p99, recall=None):
        r = {"variant": variant, "settings": [], "events_per_s_median": rate,
             "latency_at_half_rate": {"inference_path_ms_p99": p99}}
        if recall is not None:
            r["recall_at_10"] = recall
        return r
    catalogues = [{"version": f"synthetic-{n}", "num_items": n, "variants": [
        row("exact", 5000.0 * 3416 / n, 20.0 * n / 3416), row("ef-40", 3000.0, 15.0, 0.93), row("ef-100", 2600.0, 16.0, 0.97)]}
        for n in (10_000, 100_000, 1_000_000)]
    return {"model": "sasrec", "machine": {"cores": 2}, "commit": "abc", "taken_at": taken,
            "scaling": {"reference_variant": "exact", "catalogues": catalogues}}


def test_the_scaling_stage_draws_its_curves_even_without_a_bench_file(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "scaling_old.json").write_text(json.dumps({**_scaling("2026-12-01T00:00:00Z"), "scaling": {"catalogues": []}}))
    (folder / "scaling_synthetic.json").write_text(json.dumps(_scaling()))
    written = bench_plots(folder, tmp_path / "images")
    assert sorted(p.name for p in written) == ["bench_catalogue_scaling.png", "bench_recall_throughput.png"]
    for path in written:
        assert path.read_bytes()[:8] == PNG_MAGIC and path.stat().st_size > 5_000


def test_a_scaling_stage_with_the_reference_alone_has_no_recall_curve(tmp_path):
    from nextitem_trainer.tools.catalogue_scaling_plots import plot_recall_throughput
    result = _scaling()
    for catalogue in result["scaling"]["catalogues"]:
        catalogue["variants"] = catalogue["variants"][:1]
    assert plot_recall_throughput(result, tmp_path) is None
