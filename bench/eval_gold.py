"""Precision/recall of the metrics and claims extractors against the hand-labelled gold set.

    python bench/eval_gold.py            # prints the figures
    python bench/eval_gold.py --misses   # also lists every false positive / false negative

Gold: tests/gold/ (see its README). Input: the real fixtures under tests/fixtures/ only.

Cells: two gold sets, scored alike. *Real pages*: 2501.11120 and every table of 1706.03762,
labelled by hand (tests/fixtures/arxiv_html/). *LaTeXML corpus*: tests/gold/latexml/, tables
written in LaTeX with their truth under each one (``%G`` lines), converted by the real LaTeXML into
two HTML shapes (guessed ``th`` headers, plain ``td``); part E is a hold-out reported apart.
A predicted metric and a gold metric are the same item when they share (page, table_id,
row_index, col_index, value_index). For each field f in value/value_high/unit/row_label/
column_label/spread/is_best an item counts as correct when the keys match and f agrees (``all``:
every field agrees); precision_f = correct_f / predicted items in the labelled tables,
recall_f = correct_f / gold items.

Claims: per abstract, predicted and gold claims are paired greedily by value (and value_from when
the gold claim has one). precision = pairs / predicted, recall = pairs / gold. Unit and kind are
reported as the share of pairs that also agree, and as strict P/R (value + unit + kind).

Headline claims: the share of `papers.headline_claims` that are cut-off fragments (see
`is_fragment`), over the abstracts of every recorded day, built as the crawl builds them.
"""

from __future__ import annotations

import csv
import json
import math
import re
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

Key = tuple[str, str, int, int, int]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _opt_float(s: str) -> float | None:
    return float(s) if s.strip() else None


# ------------------------------------------------------------------------------------- cells


#: Real pages labelled by hand: (table metadata, gold values) file pairs under tests/gold/.
REAL_PAGES = (("cells_tables.json", "cells_gold.csv"), ("cells_1706_tables.json", "cells_1706_gold.csv"))
LATEXML = GOLD / "latexml"
#: The two shapes each LaTeXML source is converted to (see tests/gold/latexml/regenerate.sh).
LATEXML_MODES = ("guess", "noguess")


def load_cell_gold(
    tables_file: str = "cells_tables.json", gold_file: str = "cells_gold.csv"
) -> tuple[dict, list[dict]]:
    """(table metadata, gold metric rows) of one hand-labelled real page (default 2501.11120)."""
    meta = json.loads((GOLD / tables_file).read_text(encoding="utf-8"))
    rows = []
    with (GOLD / gold_file).open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rows.append(
                {
                    "source": meta["arxiv_id"],
                    "table_id": r["table_id"],
                    "row_index": int(r["row_index"]),
                    "col_index": int(r["col_index"]),
                    "value_index": int(r["value_index"]),
                    "value": float(r["value"]),
                    "value_high": _opt_float(r.get("value_high") or ""),
                    "unit": r["unit"] or None,
                    "spread": _opt_float(r["spread"]),
                    "row_label": r["row_label"] or None,
                    "column_label": r["column_label"] or None,
                    "is_best": r["is_best"] == "true",
                }
            )
    return meta, rows


def predict_cells(meta: dict) -> list[dict]:
    """Metric rows the extractors produce for a gold page's labelled tables."""
    body = (FIXTURES / meta["fixture"]).read_bytes()
    wanted = set(meta["tables"])
    out: list[dict] = []
    for table in extract_tables(body):
        if table["id"] in wanted:
            out.extend(
                {**m, "source": meta["arxiv_id"]}
                for m in table_metrics(table, meta["arxiv_id"], meta["version"])
            )
    return out


def eval_real_cells() -> dict:
    """`eval_cells` over every hand-labelled real page together."""
    pred: list[dict] = []
    gold: list[dict] = []
    for tables_file, gold_file in REAL_PAGES:
        meta, rows = load_cell_gold(tables_file, gold_file)
        pred += predict_cells(meta)
        gold += rows
    return eval_cells(pred, gold)


# LaTeXML corpus: the truth is written under each table of tests/gold/latexml/tables_*.tex as
#   %G <row> <col>[.<value index>] | <row label> | <column label> | <value>[..<high>] [u=U] [pm=S] [best]
_TAG = re.compile(r"\\caption\{\[(L\d+)\]")


def load_latexml_gold() -> list[dict]:
    """Gold metric rows of every LaTeXML source, keyed by source file and caption tag."""
    rows: list[dict] = []
    for tex in sorted(LATEXML.glob("tables_*.tex")):
        tag = sub = None
        for line in tex.read_text(encoding="utf-8").splitlines():
            m = _TAG.search(line)
            if m:
                tag, sub = m.group(1), None
            elif line.startswith("%SUB "):
                sub = line.split()[1]
            elif line.startswith("%G "):
                fields = [f.strip() for f in line[3:].split(" | ")]
                where, row_label, spec = fields[0], fields[1], fields[-1]
                column_label = " | ".join(fields[2:-1])  # a spanned label holds " | " itself
                r, c = where.split()
                c, _, vi = c.partition(".")
                value, *flags = spec.split()
                low, _, high = value.partition("..")
                opts = dict(f.split("=", 1) for f in flags if "=" in f)
                rows.append(
                    {
                        "source": tex.stem,
                        "table_id": f"{tag}#{sub}" if sub else tag,
                        "row_index": int(r),
                        "col_index": int(c),
                        "value_index": int(vi or 0),
                        "value": float(low),
                        "value_high": float(high) if high else None,
                        "unit": opts.get("u"),
                        "spread": float(opts["pm"]) if "pm" in opts else None,
                        "row_label": row_label or None,
                        "column_label": column_label or None,
                        "is_best": "best" in flags,
                    }
                )
    return rows


def predict_latexml(mode: str) -> list[dict]:
    """Metric rows of every tagged table in the `mode` HTML of each LaTeXML source."""
    out: list[dict] = []
    for html in sorted(LATEXML.glob(f"tables_*.{mode}.html")):
        source = html.name.split(".")[0]
        for table in extract_tables(html.read_bytes()):
            m = re.match(r"\[(L\d+)\]", table.get("caption") or "")
            if not m:
                continue
            _, _, sub = (table["id"] or "").partition("#")
            tid = f"{m.group(1)}#{sub}" if sub else m.group(1)
            out.extend(
                {**row, "source": source, "table_id": tid} for row in table_metrics(table, source, None)
            )
    return out


def eval_latexml_cells() -> dict:
    """`eval_cells` over the LaTeXML corpus, both HTML shapes together (each gold row counts once
    per shape); ``by_mode`` holds each shape alone."""
    gold = load_latexml_gold()
    by_mode = {}
    all_pred: list[dict] = []
    all_gold: list[dict] = []
    for mode in LATEXML_MODES:
        pred = [{**p, "source": f"{p['source']}.{mode}"} for p in predict_latexml(mode)]
        mode_gold = [{**g, "source": f"{g['source']}.{mode}"} for g in gold]
        by_mode[mode] = eval_cells(pred, mode_gold)
        all_pred += pred
        all_gold += mode_gold
    res = eval_cells(all_pred, all_gold)
    res["by_mode"] = by_mode
    holdout = {
        tex.stem
        for tex in LATEXML.glob("tables_*.tex")
        if "HOLD-OUT" in tex.read_text(encoding="utf-8")[:400]
    }
    res["by_split"] = {
        split: eval_cells(
            [p for p in all_pred if (p["source"].split(".")[0] in holdout) == (split == "holdout")],
            [g for g in all_gold if (g["source"].split(".")[0] in holdout) == (split == "holdout")],
        )
        for split in ("dev", "holdout")
    }
    res["n_tables"] = len({(g["source"], g["table_id"].split("#")[0]) for g in gold})
    return res


def _key(r: dict) -> Key:
    return (r.get("source", ""), r["table_id"], r["row_index"], r["col_index"], r["value_index"])


#: Fields scored one by one; ``all`` = every one of them right at once.
CELL_FIELDS = ("value", "value_high", "unit", "row_label", "column_label", "spread", "is_best")
_FLOAT_FIELDS = ("value", "value_high", "spread")


def _agree(field: str, a: object, b: object) -> bool:
    return _close(a, b) if field in _FLOAT_FIELDS else a == b  # type: ignore[arg-type]


def eval_cells(pred: list[dict], gold: list[dict]) -> dict:
    """Per-field precision/recall (see module docstring) plus the lists of misses."""
    g = {_key(r): r for r in gold}
    p = {_key(r): r for r in pred}
    res: dict = {"n_pred": len(pred), "n_gold": len(gold)}
    both = sorted(set(p) & set(g))
    for field in (*CELL_FIELDS, "all"):
        fields = CELL_FIELDS if field == "all" else (field,)
        ok = sum(all(_agree(f, p[k].get(f), g[k].get(f)) for f in fields) for k in both)
        res[field] = {
            "precision": ok / len(p) if p else 1.0,
            "recall": ok / len(g) if g else 1.0,
        }
    res["false_positives"] = sorted(set(p) - set(g))
    res["false_negatives"] = sorted(set(g) - set(p))
    res["field_errors"] = [
        (k, f, p[k].get(f), g[k].get(f))
        for k in both
        for f in CELL_FIELDS
        if not _agree(f, p[k].get(f), g[k].get(f))
    ]
    return res


def print_cells(title: str, cells: dict) -> None:
    """The per-field figures of one cell gold set."""
    print(f"{title}: {cells['n_gold']} gold metric values, {cells['n_pred']} predicted")
    for f in (*CELL_FIELDS, "all"):
        r = cells[f]
        print(f"  {f:<13} precision {r['precision']:.3f}  recall {r['recall']:.3f}")


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
                wrong.append((a["arxiv_id"], y["quote"], (x["unit"], x["kind"]), (y.get("unit"), y["kind"])))
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


# A headline claim is a fragment when it ends on a word that needs a continuation (preposition,
# article, conjunction, determiner, auxiliary) or leaves a bracket open/closed. The list is this
# scorer's own, written from English grammar, not copied from the extractor's.
FUNCTION_WORDS = frozenset(
    re.findall(
        r"\S+",
        """a an the aboard about above across after against along amid among around as at before behind
    below beneath beside besides between beyond by concerning despite down during except for from in
    inside into like near of off on onto outside over past per plus regarding since than through to
    toward towards under unlike until upon versus vs vs. via with within without and but or nor that
    which who whom whose while whereas because although if unless when where this these those its
    their our my your his her each every some any is are was were be been being has have had do does
    did can could will would shall should may might must""",
    )
)


def is_fragment(headline: str) -> bool:
    """True for a cut-off headline (see FUNCTION_WORDS) or one with unbalanced brackets."""
    words = headline.split()
    if not words or words[-1].lower().strip(".,;:") in FUNCTION_WORDS or headline.rstrip()[-1] in "-,(":
        return True
    return any(headline.count(o) != headline.count(c) for o, c in ("()", "[]", "{}"))


def headline_fragments() -> dict:
    """The fragment rate of `papers.headline_claims` over the abstracts of every recorded day
    (tests/fixtures/hf_daily_api/*.json), each built as the crawl builds it."""
    from scraper.derive import abstract_claims
    from scraper.parsers.hf_daily_api import parse_daily_api

    files = sorted((FIXTURES / "hf_daily_api").glob("*.json"))
    headlines: list[tuple[str, str]] = []
    for path in files:
        for record in parse_daily_api(path.read_bytes(), str(path)).records:
            abstract_claims(record)
            headlines += [(record["arxiv_id"], h) for h in record["headline_claims"]]
    fragments = [(arxiv_id, h) for arxiv_id, h in headlines if is_fragment(h)]
    return {
        "files": len(files),
        "papers": len({a for a, _ in headlines}),
        "headlines": len(headlines),
        "fragments": fragments,
        "rate": len(fragments) / len(headlines) if headlines else 0.0,
    }


def run() -> tuple[dict, dict]:
    """Evaluate both extractors on the gold set; returns (cells result, claims result).

    The claims result covers all gold abstracts; ``claims["by_split"]`` holds the same figures
    for the ``dev`` and ``holdout`` subsets (see tests/gold/README.md).
    """
    cells = eval_real_cells()
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
    print_cells("cells, real pages (2501.11120, 1706.03762)", cells)
    latexml = eval_latexml_cells()
    print_cells(
        f"cells, LaTeXML corpus ({latexml['n_tables']} tables x {len(LATEXML_MODES)} HTML shapes)", latexml
    )
    for name, r in (*latexml["by_mode"].items(), *latexml["by_split"].items()):
        print(
            f"  [{name}: {r['n_gold']} gold] all fields precision {r['all']['precision']:.3f}  "
            f"recall {r['all']['recall']:.3f}; value P {r['value']['precision']:.3f} "
            f"R {r['value']['recall']:.3f}"
        )
    print(f"claims: {claims['n_abstracts']} abstracts, {claims['n_gold']} gold, {claims['n_pred']} predicted")
    print(f"  value         precision {claims['precision']:.3f}  recall {claims['recall']:.3f}")
    print(f"  +unit+kind    precision {claims['strict_precision']:.3f}  recall {claims['strict_recall']:.3f}")
    print(
        f"  unit agreement {claims['unit_agreement']:.3f}  "
        f"kind agreement {claims['kind_agreement']:.3f} (of matched claims)"
    )
    for split, r in claims["by_split"].items():
        print(
            f"  [{split}: {r['n_abstracts']} abstracts, {r['n_gold']} gold] precision "
            f"{r['precision']:.3f}  recall {r['recall']:.3f}  "
            f"strict P {r['strict_precision']:.3f}  strict R {r['strict_recall']:.3f}"
        )
    heads = headline_fragments()
    print(
        f"headline claims: {heads['headlines']} from {heads['papers']} papers of {heads['files']} "
        f"recorded days, {len(heads['fragments'])} fragments (rate {heads['rate']:.3f})"
    )
    if "--misses" in argv:
        for x in heads["fragments"]:
            print("headline fragment", x)
        for name in ("false_positives", "false_negatives", "field_errors"):
            for x in cells[name] + latexml[name]:
                print("cells", name, x)
        for name in ("false_positives", "false_negatives", "unit_or_kind_wrong"):
            for x in claims[name]:
                print("claims", name, x)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
