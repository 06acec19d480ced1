"""epoch-time and scaling-catalogues on catalogues small enough for a test: what their result
files record (no timing is asserted: they are benchmarks)."""
import json

from nextitem_trainer.tools import epoch_time, scaling_catalogues
from nextitem_trainer.tools.scaling_catalogues import Budget, build_catalogue, record


def test_epoch_time_records_every_loss_with_positions_and_memory(tmp_path):
    out = epoch_time.run_epoch_time([300], steps=1, result_file=tmp_path / "epoch_time.json")
    result = json.loads(out.read_text())
    catalogue = result["catalogues"][0]
    assert catalogue["items"] == 300 and catalogue["events"] >= 6000 and catalogue["epoch_positions"] > 0
    assert [(f["loss"], f["negatives"]) for f in catalogue["losses"]] == list(epoch_time.LOSSES)
    for figures in catalogue["losses"]:
        assert figures["timed_positions"] > 0 and figures["peak_rss_mb"] >= figures["rss_before_mb"] * 0.5
        assert figures["epoch_seconds_extrapolated"] >= 0
    assert "shared" in result["note"] and result["machine"]["cores"] and result["commit"]


def test_a_catalogue_trains_beats_mostpop_and_exports(tmp_path, monkeypatch):
    monkeypatch.setattr(scaling_catalogues, "SCALING_RUNS", tmp_path / "scaling")
    monkeypatch.setattr(scaling_catalogues, "EVAL_USERS", 200)
    entry = build_catalogue(400, "in_batch", Budget(6, 5.0, valid_users=200))
    assert entry["P1_test"]["users_evaluated"] == 200 and entry["beats_mostpop"]
    assert (tmp_path / "scaling" / "registry" / "synthetic-400" / "model.onnx").is_file()
    path = record(entry, tmp_path / "trained.json")
    record(dict(entry, items_asked=500), tmp_path / "trained.json")
    record(entry, tmp_path / "trained.json")  # the same catalogue again replaces its entry
    assert [e["items_asked"] for e in json.loads(path.read_text())["catalogues"]] == [400, 500]


def test_the_command_line_is_recorded_as_typed_with_its_result_file():
    from argparse import ArgumentParser

    from nextitem_trainer.commands import scaling_catalogues as command

    parser = ArgumentParser()
    command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["scaling-catalogues", "--items", "3416", "1000000", "--max-minutes", "60",
                              "--result-file", "results/trained.json"])
    assert command.command_line(args) == ("trainer scaling-catalogues --items 3416 1000000 --sampler popularity "
                                          "--max-minutes 60.0 --result-file results/trained.json")
