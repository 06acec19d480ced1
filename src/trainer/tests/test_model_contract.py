"""The inputs contract (schemas/model/inputs-contract.json) from the trainer's side: every case's
raw clicks through ``batches._features`` (after ``build_log``, as training and evaluation build
their logs) and through ``finetune.example_batch`` (as fine-tuning reads snapshot rows) give the
inputs the file holds, which the job's RequestInputs gives too (InputsContractTest). A copy of
the file with the padding, the order or the id map changed is caught, and so is a padding change
in the code."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

# The trainer's code under contract, imported here only (the one place to change if it moves).
from nextitem_trainer.core.data import batches
from nextitem_trainer.core.data.dataset import build_log
from nextitem_trainer.core.data.readers import RawInteractions
from nextitem_trainer.serving.finetune import Vocabulary, example_batch

CONTRACT = Path(__file__).resolve().parents[3] / "schemas" / "model" / "inputs-contract.json"
INPUTS = ("item_seq", "time_seq", "query_time", "cat_seq", "user_idx")


def load(path: Path = CONTRACT) -> dict:
    return json.loads(path.read_text())


def features_log(contract: dict):
    """One log of every ``features`` case's clicks (one user per case), built against the
    contract's items as evaluation builds logs of other users."""
    raw = RawInteractions(source=CONTRACT.name, sha256="", times_ms=[], categories=[])
    for case in (c for c in contract["cases"] if "features" in c["paths"]):
        for click in case["clicks"]:
            raw.users.append(case["user_id"])
            raw.items.append(click["item_id"])
            raw.times_ms.append(click["time_ms"])
            raw.categories.append(click["category"])
    return build_log(raw, "inputs contract", min_interactions=1, vocabulary=contract["items"])


def from_features(contract: dict) -> dict[str, dict[str, np.ndarray] | None]:
    """Inputs per ``features`` case: ``_features`` over each user's whole sequence in the log."""
    log = features_log(contract)
    feats = batches._features(log, np.arange(log.num_users), [len(s) for s in log.sequences], contract["max_seq_len"])
    out = {}
    for case in (c for c in contract["cases"] if "features" in c["paths"]):
        if case["user_id"] not in log.user_ids:
            out[case["name"]] = None  # no known item: the log has no such user
            continue
        u = log.user_ids.index(case["user_id"])
        out[case["name"]] = {name: value[u:u + 1] for name, value in feats.items()}
    return out


def from_example_batch(contract: dict) -> dict[str, dict[str, np.ndarray] | None]:
    out = {}
    vocabularies = [Vocabulary(contract[k]) for k in ("items", "users", "categories")]
    for case in (c for c in contract["cases"] if "finetune" in c["paths"]):
        row = {"user_id": case["user_id"], "prefix_item_ids": [c["item_id"] for c in case["clicks"]],
               "prefix_event_times_millis": [c["time_ms"] for c in case["clicks"]],
               "prefix_categories": [c["category"] for c in case["clicks"]], "next_item_id": None}
        batch = example_batch([row], *vocabularies, contract["max_seq_len"])
        inputs = {name: batch[name].numpy() for name in INPUTS}
        # An all-padding row is what example_batch makes of "nothing for the model" (a miss in validate).
        out[case["name"]] = None if not inputs["item_seq"].any() else inputs
    return out


def mismatches(contract: dict, actual: dict) -> list[str]:
    """Every difference between the contract's inputs and ``actual`` (case name -> inputs)."""
    found = []
    length = contract["max_seq_len"]
    for case in contract["cases"]:
        name = case["name"]
        if name not in actual:
            continue
        expected, got = case["inputs"], actual[name]
        if expected is None or got is None:
            if (expected is None) != (got is None):
                found.append(f"{name}: expected {'nothing' if expected is None else 'inputs'}, got "
                             f"{'nothing' if got is None else {k: v.tolist() for k, v in got.items()}}")
            continue
        for tensor, spec in contract["tensors"].items():
            value = got.get(tensor)
            shape = tuple(1 if d == "B" else length for d in spec["shape"])
            if value is None:
                found.append(f"{name}: {tensor} missing")
            elif str(value.dtype) != spec["dtype"] or value.shape != shape:
                found.append(f"{name}: {tensor} is {value.dtype} {value.shape}, expected {spec['dtype']} {shape}")
            elif value.tolist() != expected[tensor]:
                found.append(f"{name}: {tensor} is {value.tolist()}, expected {expected[tensor]}")
    return found


@pytest.fixture(scope="module")
def contract() -> dict:
    return load()


def test_the_contract_covers_the_hard_cases(contract):
    cases = contract["cases"]
    known = set(contract["items"])
    assert any(len(c["clicks"]) > contract["max_seq_len"] for c in cases)
    assert any(not c["clicks"] for c in cases)
    assert any(c["user_id"] not in contract["users"] for c in cases)
    assert any(k["item_id"] not in known for c in cases for k in c["clicks"])
    assert any(k["category"] is None for c in cases for k in c["clicks"])
    assert all({"job", "finetune"} <= set(c["paths"]) for c in cases)


def test_features_give_the_contracts_inputs(contract):
    # build_log numbers the categories as export then writes categories.tsv: the contract's id map.
    assert features_log(contract).category_ids == contract["categories"]
    assert mismatches(contract, from_features(contract)) == []


def test_example_batch_gives_the_contracts_inputs(contract):
    assert mismatches(contract, from_example_batch(contract)) == []


def _edit_rows(contract, edit):
    """Applies ``edit`` to every (B, L) row of every case's inputs."""
    for case in contract["cases"]:
        for name, value in (case["inputs"] or {}).items():
            if contract["tensors"][name]["shape"] == ["B", "L"]:
                value[0] = edit(value[0])


def _pad_right(row):
    kept = [v for v in row if v]
    return kept + [0] * (len(row) - len(kept))


def _reverse(row):
    kept = [v for v in row if v]
    return [0] * (len(row) - len(kept)) + kept[::-1]


def _shift_ids(contract):
    contract["items"] = contract["items"][1:] + contract["items"][:1]


MUTATIONS = {
    "padding on the right": lambda c: _edit_rows(c, _pad_right),
    "order reversed": lambda c: _edit_rows(c, _reverse),
    "item id map shifted by one": _shift_ids,
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=list(MUTATIONS))
@pytest.mark.parametrize("path", [from_features, from_example_batch], ids=["features", "example_batch"])
def test_a_changed_copy_of_the_contract_is_caught(contract, tmp_path, mutation, path):
    changed = copy.deepcopy(contract)
    MUTATIONS[mutation](changed)
    copied = tmp_path / CONTRACT.name
    copied.write_text(json.dumps(changed))
    changed = load(copied)
    actual = path(changed)
    found = mismatches(changed, actual)
    original = {c["name"]: c["inputs"] for c in contract["cases"]}
    affected = {c["name"] for c in changed["cases"] if c["name"] in actual
                and c["inputs"] is not None and (c["inputs"] != original[c["name"]] or changed["items"] != contract["items"])}
    assert affected, f"{mutation} changes no case this path runs"
    assert {c["name"] for c in changed["cases"] if any(m.startswith(c["name"] + ": ") for m in found)} == affected


def test_a_padding_change_in_the_code_is_caught(contract, monkeypatch):
    def right_pad(rows, length):
        out = np.zeros((len(rows), length), dtype=np.int64)
        for i, row in enumerate(rows):
            tail = row[-length:]
            out[i, :len(tail)] = tail
        return out

    monkeypatch.setattr(batches, "left_pad", right_pad)
    assert mismatches(contract, from_features(contract))


def test_query_time_is_the_newest_clicks_even_when_the_model_does_not_know_it(contract):
    case = next(c for c in contract["cases"] if c["clicks"] and c["clicks"][-1]["item_id"] not in contract["items"]
                and c["inputs"] is not None)
    assert case["inputs"]["query_time"] == [case["clicks"][-1]["time_ms"] // 1000]
    assert from_example_batch(contract)[case["name"]]["query_time"].tolist() == case["inputs"]["query_time"]
