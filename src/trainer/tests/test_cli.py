"""The command line ends input errors with one line naming the input, and exit status 2."""
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import TINY_CONFIG
from nextitem_trainer.__main__ import main

TRAINER = Path(__file__).resolve().parents[1]


def test_bad_config_key(tmp_path, capsys):
    config = dict(TINY_CONFIG, train={"epochz": 1})
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(config))
    assert main(["train", "--config", str(path)]) == 2
    assert f"error: {path}: train.epochz: unknown key" in capsys.readouterr().err


def test_malformed_data_line(tmp_path, capsys):
    data = tmp_path / "clicks.csv"
    data.write_text("user_id,item_id,timestamp_ms\nu,a,1\nu,b\n")
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(dict(TINY_CONFIG, data={**TINY_CONFIG["data"], "path": str(data)})))
    assert main(["train", "--config", str(path), "--run-dir", str(tmp_path / "run")]) == 2
    assert f"error: {data}:3: expected 3 comma-separated fields" in capsys.readouterr().err


def test_bin_script_finds_an_interpreter():
    out = subprocess.run([str(TRAINER / "bin" / "trainer"), "--help"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "demo-assets" in out.stdout


def test_train_overrides_are_what_the_run_records(tmp_path, tiny_clicks):
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(dict(TINY_CONFIG, data={**TINY_CONFIG["data"], "path": str(tiny_clicks)})))
    run = tmp_path / "run"
    assert main(["train", "--config", str(path), "--run-dir", str(run), "--threads", "2", "--epochs", "1",
                 "--no-progress"]) == 0
    recorded = yaml.safe_load((run / "config.yaml").read_text())
    assert recorded["train"]["threads"] == 2
    assert recorded["train"]["epochs"] == 1


def test_continue_from_copies_a_stopped_run_and_resumes_it_under_the_new_config(tmp_path, tiny_clicks, capsys):
    base = dict(TINY_CONFIG, data={**TINY_CONFIG["data"], "path": str(tiny_clicks)})
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text(yaml.safe_dump(base))
    second.write_text(yaml.safe_dump(dict(base, name="tiny-more", train={**base["train"], "epochs": 3})))
    stopped, more = tmp_path / "stopped", tmp_path / "more"
    assert main(["train", "--config", str(first), "--run-dir", str(stopped), "--no-progress"]) == 0
    before = (stopped / "last.pt").read_bytes()
    assert main(["train", "--config", str(second), "--run-dir", str(more), "--continue-from", str(stopped),
                 "--no-progress"]) == 0
    assert (stopped / "last.pt").read_bytes() == before  # the source run is left as it was
    assert "resumed" in (more / "train.log").read_text()
    assert yaml.safe_load((more / "config.yaml").read_text())["name"] == "tiny-more"
    assert main(["train", "--config", str(second), "--run-dir", str(more), "--continue-from", str(stopped),
                 "--no-progress"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["train", "--config", str(second), "--run-dir", str(tmp_path / "x"), "--continue-from",
                 str(tmp_path / "nothing"), "--no-progress"]) == 2
    assert "no last.pt" in capsys.readouterr().err


def test_each_command_module_registers_the_command_it_names(capsys):
    import pytest

    from nextitem_trainer.__main__ import COMMANDS

    names = [command.NAME for command in COMMANDS]
    modules = [p.stem for p in (Path(__file__).resolve().parents[1] / "nextitem_trainer" / "commands").glob("*.py")
               if p.stem != "__init__"]
    assert len(set(names)) == len(names) == len(modules), "every module in commands/ is listed once in COMMANDS"
    for name in names:
        with pytest.raises(SystemExit) as stop:
            main([name, "--help"])
        assert stop.value.code == 0 and f"usage: trainer {name}" in capsys.readouterr().out
