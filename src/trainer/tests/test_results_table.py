"""The docs' quality tables (docs/results.md, docs/scaling.md) come from the result files: figures, std, seeds and
the paper's number."""
import json
import re

from nextitem_trainer.core.paths import REPO_ROOT
from nextitem_trainer.tools.results_table import (LOSS_TABLE_MARKERS, RESULTS_PAGE, load_results, own_protocol_table,
                                                  p1_table, results_page_tables, sampled_loss_table,
                                                  stream_table)


def write(folder, name, result):
    """A result file where its suite keeps it: stream-report's in stream/, the rest in quality/."""
    suite = folder / ("stream" if name.endswith("_stream.json") else "quality")
    suite.mkdir(exist_ok=True)
    (suite / name).write_text(json.dumps(result))


def test_tables_show_each_file_with_std_and_the_papers_figure(tmp_path):
    write(tmp_path, "sasrec_ml-1m_P1.json", {"model": "sasrec", "protocol": "P1", "dataset": "ml-1m", "seeds": [42, 43],
                                              "metrics": {"HR@10": 0.27104, "NDCG@10": 0.15}, "metrics_std": {"HR@10": 0.001}})
    write(tmp_path, "mostpop_ml-1m_P1.json", {"model": "mostpop", "protocol": "P1", "dataset": "ml-1m", "seeds": [],
                                               "metrics": {"HR@10": 0.04}})
    write(tmp_path, "convrec_video_P2.json", {"model": "convrec", "protocol": "P2", "dataset": "video games",
                                               "seeds": [42], "metrics": {"HR@10": 0.7, "NDCG@10": 0.5}})
    write(tmp_path, "sasrec_video_P1.json", {"model": "sasrec", "protocol": "P1", "dataset": "video", "seeds": [1],
                                              "metrics": {"HR@10": 0.1}})
    results = load_results(tmp_path)
    p1 = p1_table(results).splitlines()
    assert len(p1) == 4  # header, rule, sasrec, mostpop: other datasets stay out
    assert p1[2].startswith("| sasrec | 42, 43 | 0.2710 ± 0.0010 | 0.1500 |")
    assert p1[3].startswith("| mostpop | - | 0.0400 |")
    own = own_protocol_table(results)
    assert "| convrec | video games | P2 | HR@10 0.7000, NDCG@10 0.5000 | HR@10 0.7361, NDCG@10 0.5379 |" in own


def test_a_figure_published_on_other_data_names_that_data(tmp_path):
    write(tmp_path, "dmran_ml-100k_P5.json", {"model": "dmran", "protocol": "P5", "dataset": "ml-100k", "seeds": [42],
                                               "metrics": {"AUC": 0.9, "AUC_1neg": 0.88, "users": 900}})
    own = own_protocol_table(load_results(tmp_path))
    assert "| dmran | ml-100k | P5 | AUC_1neg 0.8800 | AUC_1neg 0.8932 (on Amazon Electronics) |" in own


def test_a_stream_row_shows_the_loop_beside_the_static_model(tmp_path):
    write(tmp_path, "sasrec_ml-100k_stream.json", {"model": "sasrec", "protocol": "stream", "dataset": "ml-100k replay",
                                                    "metrics": {"static_HR@10": 0.16, "static_NDCG@10": 0.08,
                                                                "loop_HR@10": 0.17, "loop_NDCG@10": 0.09}})
    own = own_protocol_table(load_results(tmp_path))
    assert "static_HR@10 0.1600, loop_HR@10 0.1700 |" in own


def test_the_stream_table_sets_every_arm_beside_the_static_model_with_versions_and_compute():
    r = {"metrics": {"static_HR@10": 0.15, "static_NDCG@10": 0.08, "loop_HR@10": 0.16, "loop_NDCG@10": 0.08,
                     "canary_HR@10": 0.155, "canary_NDCG@10": 0.079, "full_retrain_HR@10": 0.18,
                     "full_retrain_NDCG@10": 0.09},
         "relative_to_static": {"loop": {"HR@10": 0.0667, "NDCG@10": 0.0}, "canary": {"HR@10": 0.0333},
                                "full_retrain": {"HR@10": 0.2, "NDCG@10": 0.125}},
         "judged_lists": {"static": 19699, "loop": 19699, "canary": 19699, "full_retrain": 19699},
         "loop_versions_published": 20, "finetune_wall_seconds": {"median": 3.5, "max": 18.0},
         "canary": {"proposed": 5, "promoted": ["v4"], "aborted": ["v1", "v2", "v3"], "undecided_at_end": "v5",
                    "finetune_wall_seconds": {"median": 4.0, "max": 9.0, "sum": 40.0, "count": 10}},
         "full_retrain": {"versions_trained": 46, "per_model_version": {"v1": {}, "r1": {}, "r2": {}},
                          "train_wall_seconds": {"median": 50.0, "max": 90.0, "sum": 2400.0, "count": 46}}}
    rows = stream_table(r).splitlines()[2:]
    assert [row.split(" | ")[0] for row in rows] == [
        "| static (the first version throughout)", "| loop (snapshots, `finetune --watch`, every version swapped in)",
        "| loop with canaries (each new version tried on a share of users first)",
        "| full retrain from scratch at each snapshot (upper bound)"]
    assert "| 0.1800 (+20.0%) | 0.0900 (+12.5%) | 19,699 | 2 swapped in (46 trained) | trainings 50 s median, 40 min in all |" \
        in rows[3]
    assert "5 tried: 1 promoted, 3 aborted, 1 on trial at the end" in rows[2] and "0.0790 |" in rows[2]
    assert "| 0.1600 (+6.7%) | 0.0800 (+0.0%) |" in rows[1] and "fine-tunes 3.5 s median, 18 s max" in rows[1]
    del r["canary"], r["metrics"]["canary_HR@10"]
    assert len(stream_table(r).splitlines()) == 5, "an arm the file lacks has no row"


def test_other_suites_files_beside_the_results_are_left_out(tmp_path):
    write(tmp_path, "sasrec_ml-1m_P1.json", {"model": "sasrec", "protocol": "P1", "dataset": "ml-1m", "seeds": [42],
                                              "metrics": {"HR@10": 0.27}})
    write(tmp_path, "reliability.json", {"suite": "nextitem reliability", "scenarios": []})
    assert [r["_file"] for r in load_results(tmp_path)] == ["sasrec_ml-1m_P1.json"]


def _p1(model, variant, loss, ndcg, seconds, **model_config):
    result = {"model": model, "protocol": "P1", "dataset": "ml-1m", "seeds": [42], "commit": "abcdef0123",
              "metrics": {"HR@10": 2 * ndcg, "NDCG@10": ndcg}, "train_seconds": seconds,
              "config": {"model": {"loss": loss, **model_config}}}
    if variant:
        result["variant"] = variant
    return result


def test_the_sampled_loss_table_sets_each_run_beside_full_cross_entropy(tmp_path):
    write(tmp_path, "sasrec_ml-1m_P1.json", {**_p1("sasrec", None, "ce", 0.15, [1400.0, 1600.0]),
                                              "epochs": [{"best": 20, "run": 30}, {"best": 25, "run": 35}]})
    write(tmp_path, "sasrec-sampled_ml-1m_P1.json", _p1("sasrec", "sampled", "sampled_softmax", 0.12, [600.0],
                                                         num_negatives=256, negative_sampler="uniform"))
    write(tmp_path, "convrec_ml-1m_P1.json", _p1("convrec", None, "bce", 0.2, 10.0))
    lines = sampled_loss_table(load_results(tmp_path)).splitlines()
    assert len(lines) == 4  # header, rule, the two SASRec runs: other models stay out
    assert lines[2] == ("| ML-1M | sasrec | full cross-entropy | 42 | 0.3000 | 0.1500 | 1.000 | 1,500 | 20 / 30, 25 / 35 "
                        "| abcdef0 | `sasrec_ml-1m_P1.json` |")
    assert lines[3].startswith("| ML-1M | sasrec-sampled | sampled_softmax, 256 uniform negatives | 42 | 0.2400 | 0.1200 "
                               "| 0.800 | 600 | - |")


def test_the_docs_sampled_loss_table_is_the_one_the_result_files_give():
    text = (REPO_ROOT / "docs" / "scaling.md").read_text()
    begin, end = LOSS_TABLE_MARKERS
    assert begin in text and end in text, "docs/scaling.md lost its sampled-loss table markers"
    in_docs = text.split(begin, 1)[1].split(end, 1)[0].strip()
    assert in_docs == sampled_loss_table(load_results()), \
        "docs/scaling.md's sampled-loss table differs from the result files: print it with trainer results-table"


def test_the_results_page_tables_are_the_ones_the_result_files_give():
    text = (REPO_ROOT / RESULTS_PAGE).read_text()
    for name, table in results_page_tables(load_results()).items():
        begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
        assert begin in text and end in text, f"{RESULTS_PAGE} lost its {name} markers"
        assert text.split(begin, 1)[1].split(end, 1)[0].strip() == table, \
            f"{RESULTS_PAGE}'s {name} differs from the result files: print it with trainer results-table"


def test_the_canary_table_names_how_each_trial_ended_with_the_judges_figures():
    from nextitem_trainer.tools.results_table import canary_decisions_table

    r = {"canary": {"decisions": [
        {"action": "CANARY", "version": "v2", "issued_by": "canary.auto"},
        {"action": "ABORT", "version": "v2", "issued_by": "canary-judge", "reason": "difference in [-0.1, 0.1]: inconclusive"},
        {"action": "CANARY", "version": "v3", "issued_by": "canary.auto"}],
        "per_canary": {"v2": {"CANDIDATE": {"HR@10": 0.17, "judged": 2000}, "SERVING": {"HR@10": 0.15, "judged": 2100}}}}}
    rows = canary_decisions_table(r).splitlines()[2:]
    assert rows == ["| `v2` | abort (canary-judge) | 0.1700 (2,000) | 0.1500 (2,100) | difference in [-0.1, 0.1]: inconclusive |",
                    "| `v3` | on trial at the end | - | - |  |"]


def test_a_figure_edited_by_hand_fails_the_check_on_a_copy_of_the_docs(tmp_path):
    from nextitem_trainer.core.paths import RESULTS_DIR
    from nextitem_trainer.tools.results_table import stale_tables, write_tables

    (tmp_path / "docs").mkdir()
    for page in ("docs/results.md", "docs/scaling.md", "docs/gpu-check.md", "README.md"):
        (tmp_path / page).write_text((REPO_ROOT / page).read_text())
    assert stale_tables(RESULTS_DIR, tmp_path) == [], "the committed tables (README's headline too) are the files'"

    page = tmp_path / RESULTS_PAGE
    text = page.read_text()
    begin = "<!-- ml-100k streaming protocol table: begin -->"
    table = text.split(begin, 1)[1].split("<!-- ml-100k streaming protocol table: end -->", 1)[0]
    figure = re.search(r"\| (0\.\d{4}) ", table).group(1)  # the first HR@10 in the table
    edited = table.replace(f"| {figure} ", f"| {float(figure) + 0.01:.4f} ", 1)  # a hand "correction"
    page.write_text(text.replace(table, edited))
    assert stale_tables(RESULTS_DIR, tmp_path) == ["docs/results.md: ml-100k streaming protocol table"]

    assert write_tables(RESULTS_DIR, tmp_path) == [page]
    assert page.read_text() == text and stale_tables(RESULTS_DIR, tmp_path) == []
