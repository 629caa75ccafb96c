"""Precision/recall of the metrics and claims extractors against the hand-labelled gold set.

    python bench/eval_gold.py            # prints the figures
    python bench/eval_gold.py --misses   # also lists every false positive / false negative

Gold: tests/gold/ (see its README). Input: the real fixtures under tests/fixtures/ only.

Cells: a predicted metric and a gold metric are the same item when they share (table_id,
row_index, col_index, value_index). For each field f in value/unit/row_label/column_label (and
spread, is_best) an item counts as correct when the keys match and f agrees;
precision_f = correct_f / predicted items in the labelled tables, recall_f = correct_f / gold items.

Claims: per abstract, predicted and gold claims are paired greedily by value (and value_from when
the gold claim has one). precision = pairs / predicted, recall = pairs / gold. Unit and kind are
reported as the share of pairs that also agree, and as strict P/R (value + unit + kind).
"""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scraper.parsers.arxiv_html import extract_tables  # noqa: E402
from scraper.parsers.claims import extract_claims  # noqa: E402
from scraper.parsers.metrics import table_metrics  # noqa: E402

GOLD = ROOT / "tests" / "gold"
FIXTURES = ROOT / "tests" / "fixtures"

Key = tuple[str, int, int, int]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _opt_float(s: str) -> float | None:
    return float(s) if s.strip() else None


# ------------------------------------------------------------------------------------- cells


def load_cell_gold() -> tuple[dict, list[dict]]:
    """(table metadata, gold metric rows) from tests/gold/cells_tables.json + cells_gold.csv."""
    meta = json.loads((GOLD / "cells_tables.json").read_text(encoding="utf-8"))
    rows = []
    with (GOLD / "cells_gold.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rows.append(
                {
                    "table_id": r["table_id"],
                    "row_index": int(r["row_index"]),
                    "col_index": int(r["col_index"]),
                    "value_index": int(r["value_index"]),
                    "value": float(r["value"]),
                    "unit": r["unit"] or None,
                    "spread": _opt_float(r["spread"]),
                    "row_label": r["row_label"] or None,
                    "column_label": r["column_label"] or None,
                    "is_best": r["is_best"] == "true",
                }
            )
    return meta, rows


def predict_cells(meta: dict) -> list[dict]:
    """Metric rows the extractors produce for the gold fixture's labelled tables."""
    body = (FIXTURES / meta["fixture"]).read_bytes()
    wanted = set(meta["tables"])
    out: list[dict] = []
    for table in extract_tables(body):
        if table["id"] in wanted:
            out.extend(table_metrics(table, meta["arxiv_id"], meta["version"]))
    return out


def _key(r: dict) -> Key:
    return (r["table_id"], r["row_index"], r["col_index"], r["value_index"])


CELL_FIELDS = ("value", "unit", "row_label", "column_label", "spread", "is_best")


def eval_cells(pred: list[dict], gold: list[dict]) -> dict:
    """Per-field precision/recall (see module docstring) plus the lists of misses."""
    g = {_key(r): r for r in gold}
    p = {_key(r): r for r in pred}
    res: dict = {"n_pred": len(pred), "n_gold": len(gold)}
    for field in CELL_FIELDS:
        ok = 0
        for k, pr in p.items():
            gr = g.get(k)
            if gr is None:
                continue
            a, b = pr.get(field), gr.get(field)
            good = _close(a, b) if field in ("value", "spread") else a == b
            ok += good
        res[field] = {
            "precision": ok / len(p) if p else 1.0,
            "recall": ok / len(g) if g else 1.0,
        }
    res["false_positives"] = sorted(set(p) - set(g))
    res["false_negatives"] = sorted(set(g) - set(p))
    res["field_errors"] = [
        (k, f, p[k].get(f), g[k].get(f))
        for k in sorted(set(p) & set(g))
        for f in CELL_FIELDS
        if not (_close(p[k].get(f), g[k].get(f)) if f in ("value", "spread") else
                p[k].get(f) == g[k].get(f))
    ]
    return res


# ------------------------------------------------------------------------------------ claims


def load_claim_gold() -> list[dict]:
    """Gold abstracts: arxiv_id, file, claims, plus the abstract text read from the fixture."""
    data = json.loads((GOLD / "claims_gold.json").read_text(encoding="utf-8"))
    cache: dict[str, list] = {}
    out = []
    for a in data["abstracts"]:
        entries = cache.setdefault(
            a["file"],
            json.loads((FIXTURES / "hf_daily_api" / a["file"]).read_text(encoding="utf-8")),
        )
        text = next(e["paper"]["summary"] for e in entries if e["paper"]["id"] == a["arxiv_id"])
        out.append({**a, "text": text})
    return out


def predict_claims(abstracts: list[dict]) -> dict[str, list[dict]]:
    """extract_claims over each gold abstract, keyed by arxiv id."""
    return {a["arxiv_id"]: extract_claims(a["text"], a["arxiv_id"]) for a in abstracts}


def _pair(pred: list[dict], gold: list[dict]) -> list[tuple[dict, dict]]:
    pairs = []
    left = list(pred)
    for g in gold:
        for p in left:
            if _close(p["value"], float(g["value"])) and (
                g.get("value_from") is None or _close(p.get("value_from"), float(g["value_from"]))
            ):
                pairs.append((p, g))
                left.remove(p)
                break
    return pairs


def eval_claims(abstracts: list[dict], pred: dict[str, list[dict]]) -> dict:
    """Claim precision/recall, unit/kind agreement and the misses (see module docstring)."""
    n_pred = n_gold = n_pair = n_unit = n_kind = n_strict = 0
    fps, fns, wrong = [], [], []
    for a in abstracts:
        p, g = pred.get(a["arxiv_id"], []), a["claims"]
        pairs = _pair(p, g)
        n_pred += len(p)
        n_gold += len(g)
        n_pair += len(pairs)
        paired_p = [id(x) for x, _ in pairs]
        paired_g = [id(y) for _, y in pairs]
        fps += [(a["arxiv_id"], x["claim_text"], x["value"]) for x in p if id(x) not in paired_p]
        fns += [(a["arxiv_id"], y["quote"], y["value"]) for y in g if id(y) not in paired_g]
        for x, y in pairs:
            u = x["unit"] == y.get("unit")
            k = x["kind"] == y["kind"]
            n_unit += u
            n_kind += k
            n_strict += u and k
            if not (u and k):
                wrong.append((a["arxiv_id"], y["quote"], (x["unit"], x["kind"]),
                              (y.get("unit"), y["kind"])))
    return {
        "n_abstracts": len(abstracts),
        "n_pred": n_pred,
        "n_gold": n_gold,
        "precision": n_pair / n_pred if n_pred else 1.0,
        "recall": n_pair / n_gold if n_gold else 1.0,
        "unit_agreement": n_unit / n_pair if n_pair else 1.0,
        "kind_agreement": n_kind / n_pair if n_pair else 1.0,
        "strict_precision": n_strict / n_pred if n_pred else 1.0,
        "strict_recall": n_strict / n_gold if n_gold else 1.0,
        "false_positives": fps,
        "false_negatives": fns,
        "unit_or_kind_wrong": wrong,
    }


def run() -> tuple[dict, dict]:
    """Evaluate both extractors on the gold set; returns (cells result, claims result).

    The claims result covers all gold abstracts; ``claims["by_split"]`` holds the same figures
    for the ``dev`` and ``holdout`` subsets (see tests/gold/README.md).
    """
    meta, gold_cells = load_cell_gold()
    cells = eval_cells(predict_cells(meta), gold_cells)
    abstracts = load_claim_gold()
    pred = predict_claims(abstracts)
    claims = eval_claims(abstracts, pred)
    claims["by_split"] = {
        split: eval_claims([a for a in abstracts if a.get("split") == split], pred)
        for split in sorted({a.get("split") for a in abstracts if a.get("split")})
    }
    return cells, claims


def main(argv: list[str] | None = None) -> int:
    """Print the figures (and with --misses every error)."""
    argv = sys.argv[1:] if argv is None else argv
    cells, claims = run()
    print(f"cells: {cells['n_gold']} gold metric values, {cells['n_pred']} predicted")
    for f in CELL_FIELDS:
        r = cells[f]
        print(f"  {f:<13} precision {r['precision']:.3f}  recall {r['recall']:.3f}")
    print(f"claims: {claims['n_abstracts']} abstracts, {claims['n_gold']} gold, "
          f"{claims['n_pred']} predicted")
    print(f"  value         precision {claims['precision']:.3f}  recall {claims['recall']:.3f}")
    print(f"  +unit+kind    precision {claims['strict_precision']:.3f}  "
          f"recall {claims['strict_recall']:.3f}")
    print(f"  unit agreement {claims['unit_agreement']:.3f}  "
          f"kind agreement {claims['kind_agreement']:.3f} (of matched claims)")
    for split, r in claims["by_split"].items():
        print(f"  [{split}: {r['n_abstracts']} abstracts, {r['n_gold']} gold] precision "
              f"{r['precision']:.3f}  recall {r['recall']:.3f}  "
              f"strict P {r['strict_precision']:.3f}  strict R {r['strict_recall']:.3f}")
    if "--misses" in argv:
        for name in ("false_positives", "false_negatives", "field_errors"):
            for x in cells[name]:
                print("cells", name, x)
        for name in ("false_positives", "false_negatives", "unit_or_kind_wrong"):
            for x in claims[name]:
                print("claims", name, x)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
