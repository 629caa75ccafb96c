"""Quality floors of the metrics/claims extractors on the hand-labelled gold set (tests/gold/).

The floors sit just below the figures measured when the gold set was built (see
tests/gold/README.md); a change that makes extraction worse on the gold set fails here.
"""

from __future__ import annotations

import eval_gold  # bench/, put on sys.path by conftest
import pytest

# measured: every cell figure 1.000; claims all P 1.000 R 0.956, holdout P 1.000 R 0.818
CELL_FLOORS = {"value": 0.98, "unit": 0.98, "row_label": 0.98, "column_label": 0.98,
               "spread": 0.98, "is_best": 0.98}
CLAIM_FLOORS = {"precision": 0.95, "recall": 0.93, "strict_precision": 0.93,
                "strict_recall": 0.90}
HOLDOUT_FLOORS = {"precision": 0.9, "recall": 0.8}


@pytest.fixture(scope="module")
def results() -> tuple[dict, dict]:
    return eval_gold.run()


def test_gold_set_size() -> None:
    meta, gold = eval_gold.load_cell_gold()
    tables = {t["id"]: t for t in eval_gold.extract_tables(
        (eval_gold.FIXTURES / meta["fixture"]).read_bytes())}
    labelled_cells = sum(len(r["cells"]) for tid in meta["tables"] for r in tables[tid]["rows"])
    assert labelled_cells >= 150 and len(gold) >= 100
    assert len({g["table_id"] for g in gold}) >= 5
    abstracts = eval_gold.load_claim_gold()
    assert len(abstracts) >= 20
    assert sum(1 for a in abstracts if not a["claims"]) >= 5
    assert len({a["file"] for a in abstracts}) >= 10


@pytest.mark.parametrize("field", sorted(CELL_FLOORS))
def test_cell_floors(results: tuple[dict, dict], field: str) -> None:
    cells, _ = results
    assert cells[field]["precision"] >= CELL_FLOORS[field], cells["field_errors"]
    assert cells[field]["recall"] >= CELL_FLOORS[field], cells["false_negatives"]


@pytest.mark.parametrize("name", sorted(CLAIM_FLOORS))
def test_claim_floors(results: tuple[dict, dict], name: str) -> None:
    _, claims = results
    assert claims[name] >= CLAIM_FLOORS[name], (claims["false_positives"],
                                                claims["false_negatives"])


@pytest.mark.parametrize("name", sorted(HOLDOUT_FLOORS))
def test_claim_holdout_floors(results: tuple[dict, dict], name: str) -> None:
    _, claims = results
    assert claims["by_split"]["holdout"][name] >= HOLDOUT_FLOORS[name]


def test_eval_detects_errors() -> None:
    """The scorer itself: a wrong value and a spurious row lower the figures."""
    _, gold = eval_gold.load_cell_gold()
    pred = [dict(g) for g in gold]
    pred[0]["value"] += 1
    pred.append({**gold[0], "value_index": 9})
    res = eval_gold.eval_cells(pred, gold)
    assert res["value"]["precision"] < 1 and res["value"]["recall"] < 1
    assert res["unit"]["recall"] == 1.0
