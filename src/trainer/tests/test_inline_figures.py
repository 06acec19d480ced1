"""Figures in the prose of README.md and docs/ come from the result files (tools/inline_figures.py)."""
import json
import re
import shutil

import pytest

from nextitem_trainer.core.paths import REPO_ROOT, RESULTS_DIR
from nextitem_trainer.tools.inline_figures import FIGURE, FigureError, _Files, evaluate, stale_figures, write_figures


@pytest.fixture
def results(tmp_path):
    folder = tmp_path / "results"
    (folder / "bench").mkdir(parents=True)
    (folder / "bench" / "run.json").write_text(json.dumps({
        "job": {"events_per_s": 7977.2}, "ceiling": 9849.96,
        "latency": [{"delivery": "exactly-once", "load": 0.5, "p99_ms": 1062.0},
                    {"delivery": "at-least-once", "load": 0.5, "p99_ms": 33.0},
                    {"delivery": "at-least-once", "load": 0.25, "p99_ms": 29.0}],
        "commit": "e70604100af1ec821e15883a91631823d5504f94"}))
    return folder


def test_an_operand_is_a_pointer_into_a_file_and_the_last_word_formats_it(results):
    files = _Files(results)
    assert evaluate("bench/run.json#/job/events_per_s ,.0f", files) == "7,977"
    assert evaluate("bench/run.json#/job/events_per_s / #/ceiling .2f", files) == "0.81"
    assert evaluate("bench/run.json#/job/events_per_s / #/ceiling - 1 +.1%", files) == "-19.0%"
    assert evaluate("bench/run.json#/latency/[delivery=at-least-once,load=0.5]/p99_ms .0f", files) == "33"
    assert evaluate("bench/run.json#/latency/1/p99_ms .0f", files) == "33"
    assert evaluate("bench/run.json#/commit s", files).startswith("e706041")
    for run, rate in enumerate((100.0, 130.0, 120.0)):
        (results / "bench" / f"pair_run{run}.json").write_text(json.dumps({"rate": rate}))
    assert evaluate("median:bench/pair_run*.json#/rate .0f", files) == "120"
    assert evaluate("max:bench/pair_run*.json#/rate / min:bench/pair_run*.json#/rate .2f", files) == "1.30"
    assert evaluate("bench/run.json#/job/events_per_s - 7396.7 ,.0f", files) == "581", "half up, as the Java tables round"


@pytest.mark.parametrize("spec, says", [
    ("bench/gone.json#/job .0f", "no result file bench/gone.json"),
    ("bench/run.json#/job/rate .0f", "no 'rate'"),
    ("bench/run.json#/latency/[delivery=at-least-once]/p99_ms .0f", "matches 2 list elements"),
    ("bench/run.json#/latency/9/p99_ms .0f", "index 9 outside a list of 3"),
    ("#/ceiling .0f", "names no file"),
    ("bench/run.json#/ceiling % 2 .0f", "is not one of"),
    ("bench/run.json#/commit .0f", "cannot print"),
    ("bench/run.json#/ceiling", "want OPERAND"),
    ("median:bench/nothing*.json#/rate .0f", "matches no result file"),
])
def test_a_marker_that_names_no_figure_says_why(results, spec, says):
    with pytest.raises(FigureError, match=re.escape(says)):
        evaluate(spec, _Files(results))


def test_a_figure_edited_by_hand_or_pointing_nowhere_fails_the_check(results, tmp_path):
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "README.md").write_text("front page\n")
    page = root / "docs" / "performance.md"
    marked = "The job ran <!--fig bench/run.json#/job/events_per_s ,.0f-->7,977<!--/fig--> events/s.\n"
    page.write_text(marked)
    assert stale_figures(results, root) == []

    page.write_text(marked.replace(">7,977<", ">8,100<"))  # a hand "correction"
    assert stale_figures(results, root) == [
        "docs/performance.md:1: '8,100' where the files give '7,977' (bench/run.json#/job/events_per_s ,.0f)"]
    assert write_figures(results, root) == [page] and page.read_text() == marked

    page.write_text(marked + "and <!--fig bench/run.json#/job/gone .0f-->1<!--/fig-->, <!--fig unclosed\n")
    stale = stale_figures(results, root)
    assert "docs/performance.md: 1 '<!--fig' marker(s) without a '-->TEXT<!--/fig-->' after them" in stale
    assert any(s.startswith("docs/performance.md:2: ") and "no 'gone'" in s for s in stale)
    with pytest.raises(FigureError, match="docs/performance.md:2"):
        write_figures(results, root)
    assert "<!--fig unclosed" in page.read_text(), "a failed write changes no page"


def test_the_committed_pages_print_every_figure_from_its_file_and_a_hand_edit_on_a_copy_is_caught(tmp_path):
    shutil.copytree(REPO_ROOT / "docs", tmp_path / "docs")
    shutil.copy(REPO_ROOT / "README.md", tmp_path / "README.md")
    assert stale_figures(RESULTS_DIR, tmp_path) == [], "run trainer results-table --write"

    marked = [(p, m) for p in sorted((tmp_path / "docs").glob("*.md")) for m in FIGURE.finditer(p.read_text())
              if re.fullmatch(r"[\d,]*\d(\.\d+)?", m["text"])]
    assert len(marked) >= 50, "the docs' measured figures stand between markers"
    page, match = marked[len(marked) // 2]
    text = page.read_text()
    edited = match.group(0).replace(f">{match['text']}<", f">{match['text']}1<")
    page.write_text(text.replace(match.group(0), edited, 1))
    stale = stale_figures(RESULTS_DIR, tmp_path)
    assert len(stale) == 1 and stale[0].startswith(f"docs/{page.name}:") and f"'{match['text']}1'" in stale[0]
    assert write_figures(RESULTS_DIR, tmp_path) == [page] and page.read_text() == text
