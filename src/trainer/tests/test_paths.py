"""Where the trainer looks for things: configs name a dataset ``datasets/<file>``, found in
$NEXTITEM_DATASETS or else shared/datasets beside the repository, and results write it back so;
values written before the folder had that name are still read. Nothing in src/trainer points
outside the repository or at the issue tracker."""
import re
from pathlib import Path

import pytest

from nextitem_trainer.core import paths

TRAINER = Path(__file__).resolve().parents[1]


@pytest.fixture
def datasets(tmp_path, monkeypatch):
    folder = tmp_path / "data-elsewhere"
    (folder / "sub").mkdir(parents=True)
    monkeypatch.setenv(paths.DATASETS_ENV, str(folder))
    return folder


def test_the_default_is_shared_datasets_beside_the_repository(monkeypatch):
    monkeypatch.delenv(paths.DATASETS_ENV, raising=False)
    assert paths.datasets_dir() == paths.REPO_ROOT.parent / "shared" / "datasets"
    assert paths.from_config("datasets/ml-1m.txt.gz") == paths.REPO_ROOT.parent / "shared" / "datasets" / "ml-1m.txt.gz"


def test_datasets_resolve_in_the_configured_folder_and_are_written_back_by_name(datasets):
    assert paths.from_config("datasets/sub/x.csv") == datasets / "sub" / "x.csv"
    assert paths.portable(datasets / "sub" / "x.csv") == "datasets/sub/x.csv"
    assert paths.from_config("runs/a/best.pt") == paths.REPO_ROOT / "runs" / "a" / "best.pt"
    assert paths.portable(paths.REPO_ROOT / "runs" / "a") == "runs/a"


def test_a_dataset_path_spelt_from_the_repository_root_is_still_read_from_the_datasets_folder(datasets):
    old = Path("..") / "shared" / "datasets" / "ml-1m_movies.dat"  # as configs and results wrote it before
    assert paths.from_config(old.as_posix()) == datasets / "ml-1m_movies.dat"


def test_a_command_line_file_is_taken_as_given_when_it_exists_else_as_a_config_names_it(datasets, tmp_path):
    here = tmp_path / "clicks.csv"
    here.write_text("")
    assert paths.input_file(here) == here
    assert paths.input_file("datasets/sub/y.csv") == datasets / "sub" / "y.csv"


def test_the_trainer_names_no_place_outside_the_repository_and_no_issue_number():
    outside = re.compile(r"\.\./shared/|(?i:\bissue\s*#?\d+)")
    files = [p for p in TRAINER.rglob("*") if p.is_file() and "tests" not in p.relative_to(TRAINER).parts
             and p.suffix in (".py", ".md", ".yaml", ".yml", "") and "__pycache__" not in p.parts]
    assert len(files) > 50
    found = [f"{p.relative_to(TRAINER)}:{n}" for p in files
             for n, line in enumerate(p.read_text(errors="replace").splitlines(), 1) if outside.search(line)]
    assert found == []
