"""Quality floors of the metrics/claims extractors on the hand-labelled gold set (tests/gold/).

The floors sit just below the figures measured when the gold set was last extended (see
tests/gold/README.md); a change that makes extraction worse on the gold set fails here.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re

import eval_gold  # bench/, put on sys.path by conftest
import pytest

from scraper.schema.metrics import TABLE_KINDS

# Real pages, dev split (tests/gold/real/*/page.json "split": "dev"), measured: results P 1.000,
# R 1.000 (412 items of 6 pages), kind 1.000 (31 tables), unit 1.000, spreads/total 1.000 (525
# matched items). The reader was developed against these pages: the floors guard it, the hold-out
# pages (judged apart) give the honest estimate.
# Just under the measured figures, all ten dev pages together (four of them scored first as a
# hold-out, which the reader of round 1 did not generalise to; round 2 raises these).
REAL_DEV_FLOORS = {
    "precision": 0.53,
    "recall": 0.26,
    "kind_accuracy": 0.98,
    "unit_accuracy": 0.94,
    "spread_accuracy": 0.98,
}
# LaTeXML corpus (85 tables x 2 HTML shapes, 1236 items), measured: every field exactly P and R
# 1.000 but is_best 0.997 (all fields at once 0.997); results P 0.961 R 1.000, kind 0.965.
LATEXML_FIELD_FLOORS = {
    "value": 0.99,
    "value_high": 0.99,
    "unit": 0.99,
    "row_label": 0.99,
    "column_label": 0.99,
    "spread": 0.99,
    "spread_plus": 0.99,
    "spread_minus": 0.99,
    "total": 0.99,
    "is_best": 0.99,
    "all": 0.985,
}
LATEXML_SPEC_FLOORS = {"precision": 0.95, "recall": 0.99, "kind_accuracy": 0.95}
# Hold-out parts F and H (16 tables x 2 shapes, 220 items), every field at once, measured 1.000
LATEXML_HOLDOUT_FLOORS = (0.95, 0.95)
CLAIM_FLOORS = {"precision": 0.95, "recall": 0.93, "strict_precision": 0.93, "strict_recall": 0.90}
HOLDOUT_FLOORS = {"precision": 0.9, "recall": 0.8}


@pytest.fixture(scope="module")
def results() -> tuple[dict, dict]:
    return eval_gold.run()


# ------------------------------------------------------------------------------- real pages


def test_real_pages_are_complete_and_traceable() -> None:
    """Every page folder: page.json with provenance and a kind per labelled table, the fixture it
    names, cells.csv in the spec's columns, notes.md."""
    folders = eval_gold.real_pages()
    assert len(folders) >= 6
    fields = {json.loads((f / "page.json").read_text(encoding="utf-8"))["field"].split()[0] for f in folders}
    assert len(fields) >= 3, fields
    columns = re.findall(
        r"\w+",
        "table_id row_index col_index value_index cell_text value value_high spread spread_plus "
        "spread_minus total unit row_label column_label is_best",
    )
    for folder in folders:
        page = json.loads((folder / "page.json").read_text(encoding="utf-8"))
        assert page["arxiv_id"] == folder.name and page["split"] in ("dev", "holdout")
        assert page["fixture"] and (eval_gold.FIXTURES / page["fixture"]).is_file(), page["fixture"]
        assert {"repo", "path", "commit"} <= set(page["provenance"]), folder.name
        assert re.fullmatch(r"[0-9a-f]{40}", page["provenance"]["commit"])
        assert page["tables"] and all(t["kind"] in TABLE_KINDS for t in page["tables"].values())
        with (folder / "cells.csv").open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            assert reader.fieldnames == columns
            rows = list(reader)
        assert {r["table_id"] for r in rows} <= set(page["tables"])
        assert (folder / "notes.md").is_file()


@pytest.mark.parametrize("name", sorted(REAL_DEV_FLOORS))
def test_real_dev_floors(results: tuple[dict, dict], name: str) -> None:
    cells, _ = results
    dev = cells["by_split"]["dev"]
    assert dev[name] >= REAL_DEV_FLOORS[name], dev["misses"]


def test_real_pages_are_scored_one_by_one(results: tuple[dict, dict]) -> None:
    """Figures per page and per split; the hold-out split is scored the same way when its pages
    are in tests/gold/real/ (none are in the repository while the code is developed)."""
    cells, _ = results
    assert set(cells["pages"]) == {f.name for f in eval_gold.real_pages()}
    for page in cells["pages"].values():
        assert {"precision", "recall", "kind_accuracy", "unit_accuracy", "split"} <= set(page)
    assert set(cells["by_split"]) == {"dev", "holdout"}


def test_attention_paper_table_2(results: tuple[dict, dict]) -> None:
    """Issue 11's "done when": every value of 1706.03762's Table 2 is scored, none missed."""
    cells, _ = results
    page = cells["pages"]["1706.03762"]
    _, gold = eval_gold.load_page(eval_gold.REAL / "1706.03762")
    table2 = {eval_gold._key(g) for g in gold if g["table_id"] == "S6.T2"}
    assert len(table2) == 31  # 17 BLEU scores, 14 training costs
    missed = set(page["misses"]["false_negatives"]) | {k for k, _ in page["misses"]["wrong"]}
    assert not table2 & missed


def test_scorer_detects_errors() -> None:
    """The spec's scorer: a wrong label, a wrong kind and a spurious row lower the figures;
    labels compare after NFKC, whitespace removal and casefold."""
    page, gold = eval_gold.load_page(eval_gold.REAL / "1706.03762")
    kinds = {("1706.03762", tid): t["kind"] for tid, t in page["tables"].items()}
    pred = [{**g, "table_kind": kinds[(g["source"], g["table_id"])]} for g in gold]
    assert eval_gold.score(pred, gold, kinds, kinds)["precision"] == 1.0
    pred[0] = {**pred[0], "row_label": pred[0]["row_label"].upper().replace(" ", "  ")}
    assert eval_gold.score(pred, gold, kinds, kinds)["recall"] == 1.0  # same label after normalising
    pred[1] = {**pred[1], "column_label": "other"}
    pred.append({**gold[2], "value_index": 9, "table_kind": "results"})
    res = eval_gold.score(pred, gold, kinds, kinds)
    assert res["precision"] < 1 and res["recall"] < 1
    wrong_kind = {**kinds, ("1706.03762", "S6.T2"): "data"}
    assert eval_gold.score(pred, gold, wrong_kind, kinds)["kind_accuracy"] < 1


# ----------------------------------------------------------------------------- LaTeXML corpus


@pytest.fixture(scope="module")
def latexml() -> dict:
    return eval_gold.eval_latexml_cells()


@pytest.mark.parametrize("field", sorted(LATEXML_FIELD_FLOORS))
def test_latexml_field_floors(latexml: dict, field: str) -> None:
    floor = LATEXML_FIELD_FLOORS[field]
    assert latexml[field]["precision"] >= floor, latexml["field_errors"]
    assert latexml[field]["recall"] >= floor, latexml["false_negatives"]


@pytest.mark.parametrize("name", sorted(LATEXML_SPEC_FLOORS))
def test_latexml_spec_floors(latexml: dict, name: str) -> None:
    assert latexml["spec"][name] >= LATEXML_SPEC_FLOORS[name], latexml["spec"]["misses"]


def test_latexml_holdout_floor(latexml: dict) -> None:
    holdout = latexml["by_split"]["holdout"]
    assert holdout["n_gold"] >= 200
    assert holdout["all"]["precision"] >= LATEXML_HOLDOUT_FLOORS[0]
    assert holdout["all"]["recall"] >= LATEXML_HOLDOUT_FLOORS[1]


def test_latexml_corpus_is_complete() -> None:
    """At least 80 tables, each with its kind and converted in both HTML shapes, covering what
    results tables do (issue 11) and the idioms of issue 18."""
    gold, kinds = eval_gold.load_latexml_gold()
    sources = sorted(eval_gold.LATEXML.glob("tables_*.tex"))
    tags = {(g["source"], g["table_id"].split("#")[0]) for g in gold}
    assert len(kinds) >= 80 and len(tags) >= 75 and len(gold) >= 600
    assert {"results", "configuration", "data"} <= set(kinds.values()) <= set(TABLE_KINDS)
    for tex in sources:
        written = set(re.findall(r"\\caption\{\[(L\d+)\]", tex.read_text(encoding="utf-8")))
        assert written <= {t for s, t in kinds if s == tex.stem}, tex.name  # every table has a kind
        for mode in eval_gold.LATEXML_MODES:
            html = tex.with_name(f"{tex.stem}.{mode}.html").read_text(encoding="utf-8")
            assert "LaTeXML" in html
            assert set(re.findall(r"</span>\[(L\d+)\]", html)) == written, (tex.name, mode)
    latex = "".join(t.read_text(encoding="utf-8") for t in sources)
    for idiom in (
        r"\multirow",
        r"\multicolumn",
        r"\cmidrule",
        r"\textbf",
        r"\underline",
        r"\pm",
        r"\uparrow",
        r"\downarrow",
        r"(\%)",
        r"(ms)",
        r"\cdot 10^",
        r"\times10^",
        "--",
        r"$^{\dagger}$",
        "N/A",
        "Avg.",
        r"\mathbf",
        r"\cellcolor",
        "%SUB 2",
        # issue 18
        r"\multicolumn{3}{c|}{Masking Rates}",  # three-level header, label group
        r"\#L & \#H & \#A",  # numeric setting columns
        "Frames",
        "[0.208, 0.324]",  # interval
        "^{+0.3}_{-0.2}",  # asymmetric errors, both orders
        "_{-0.04}^{+0.06}",
        "8/8",  # counts, and pairs under EM/F1
        "EM/F1",
        r"$\tanh$",  # TeX row labels
        "$J_0$",
        "Mean &",  # group ends at a summary row
        "Source ID",  # identifiers and coordinates
        "09:34:09.21",
        r"Tok/s ($\uparrow$)",  # units in headers, a units row, a caption unit
        "Memory [GB]",
        r"Acc. (\%)",
        " & km/s & km/s & kpc & Myr",
        "throughput in tok/s",
        "%K configuration",
        "%K data",
    ):
        assert idiom in latex, idiom
    assert any(g["value_high"] is not None for g in gold)
    assert any(g["spread"] is not None for g in gold)
    assert any(g["spread_plus"] is not None and g["spread"] is None for g in gold)
    assert any(g["total"] is not None for g in gold)
    assert any(" | " in (g["column_label"] or "") for g in gold)


def test_latexml_html_is_regenerated_from_the_current_sources() -> None:
    """regenerate.sh records what each HTML was made from (the LaTeX without comment lines)."""
    recorded = dict(
        reversed(line.split()) for line in (eval_gold.LATEXML / "sources.sha256").read_text().splitlines()
    )
    for tex in sorted(eval_gold.LATEXML.glob("tables_*.tex")):
        lines = tex.read_text(encoding="utf-8").splitlines(keepends=True)
        latex = "".join(line for line in lines if not line.startswith("%"))
        assert recorded.get(tex.name) == hashlib.sha256(latex.encode()).hexdigest(), (
            f"{tex.name} changed: run sh tests/gold/latexml/regenerate.sh (needs LaTeXML)"
        )


def test_eval_cells_detects_errors() -> None:
    """The exact per-field scorer: a wrong value and a spurious row lower the figures."""
    gold, _ = eval_gold.load_latexml_gold()
    pred = [dict(g) for g in gold]
    pred[0]["value"] += 1
    pred.append({**gold[0], "value_index": 9})
    res = eval_gold.eval_cells(pred, gold)
    assert res["value"]["precision"] < 1 and res["value"]["recall"] < 1
    assert res["unit"]["recall"] == 1.0


# ------------------------------------------------------------------------------------ claims


def test_claim_gold_size() -> None:
    abstracts = eval_gold.load_claim_gold()
    assert len(abstracts) >= 20
    assert sum(1 for a in abstracts if not a["claims"]) >= 5
    assert len({a["file"] for a in abstracts}) >= 10
    assert sum(1 for a in abstracts for c in a["claims"] if c.get("baseline") is not None) >= 5


@pytest.mark.parametrize("name", sorted(CLAIM_FLOORS))
def test_claim_floors(results: tuple[dict, dict], name: str) -> None:
    _, claims = results
    assert claims[name] >= CLAIM_FLOORS[name], (claims["false_positives"], claims["false_negatives"])


def test_claim_baselines(results: tuple[dict, dict]) -> None:
    """Measured: every matched from-to claim carries its baseline (agreement 1.000)."""
    _, claims = results
    assert claims["baseline_agreement"] >= 0.95, claims["unit_or_kind_wrong"]


@pytest.mark.parametrize("name", sorted(HOLDOUT_FLOORS))
def test_claim_holdout_floors(results: tuple[dict, dict], name: str) -> None:
    _, claims = results
    assert claims["by_split"]["holdout"][name] >= HOLDOUT_FLOORS[name]
