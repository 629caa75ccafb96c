"""Precision/recall of the metrics and claims extractors against the hand-labelled gold set.

    python bench/eval_gold.py               # every figure
    python bench/eval_gold.py --misses      # also every miss of the dev pages and dev corpus
    python bench/eval_gold.py --split holdout --misses   # misses of the hold-out (once, at the end)

Gold: tests/gold/ (see its README). Input: the real fixtures under tests/fixtures/ only.

**Real pages** (tests/gold/real/<arxiv_id>/: page.json, cells.csv, notes.md; any number of pages,
each ``dev`` or ``holdout``; a folder as the labelling session wrote it, with ``"fixture": null``
and the HTML next to page.json, is read as it is), scored as tests/gold/README.md and the
labelling spec say: an item is matched by (page, table_id, row_index, col_index, value_index); labels are
compared after Unicode NFKC, whitespace removal and casefold; a predicted row is *right* when its
value (and value_high), row_label and column_label are all right. Precision and recall are those
of `results` tables: precision = right predicted rows whose table_kind is `results` (matching an
item of a table labelled `results`) / predicted rows whose table_kind is `results`; recall = the
same right rows / gold items of `results` tables. Kind accuracy is per labelled table; unit
accuracy and spreads/total accuracy are over matched items of every kind. Figures per page and
per split (dev / holdout).

**LaTeXML corpus** (tests/gold/latexml/tables_*.tex, ``%G``/``%K`` truth lines, two HTML shapes):
scored the same way, plus per field exactly (no normalisation): for each field an item counts as
correct when the keys match and the field agrees (``all``: every field at once).

**Claims**: per abstract, predicted and gold claims are paired greedily by value (and value_from
when the gold claim has one); precision = pairs / predicted, recall = pairs / gold; unit, kind
and baseline agreement over the pairs.

**Headline claims**: the share of `papers.headline_claims` that stop inside a phrase, by the
issue's rule: the text that follows the headline in its abstract ends a clause (punctuation, or
the end of the sentence) or starts a new one with a joining word, a bracketed aside right after
the headline looked past (`stops_inside_phrase`); over
every recorded abstract (tests/fixtures/hf_daily_api/, hf_daily_html/ and abstracts/).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scraper.derive.claims import extract_claims, normalize_text, split_sentences  # noqa: E402
from scraper.derive.metrics import table_kind_of, table_metrics  # noqa: E402
from scraper.parse.arxiv_html import extract_tables  # noqa: E402

GOLD = ROOT / "tests" / "gold"
REAL = GOLD / "real"
FIXTURES = ROOT / "tests" / "fixtures"
LATEXML = GOLD / "latexml"
#: The two shapes each LaTeXML source is converted to (see tests/gold/latexml/regenerate.sh).
LATEXML_MODES = ("guess", "noguess")

Key = tuple[str, str, int, int, int]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _opt_float(s: str | None) -> float | None:
    return float(s) if s and s.strip() else None


def norm_label(text: str | None) -> str:
    """Labels as the spec compares them: NFKC, no whitespace, casefolded."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def _key(r: dict) -> Key:
    return (r.get("source", ""), r["table_id"], r["row_index"], r["col_index"], r["value_index"])


# ----------------------------------------------------------------------------------- real pages


def real_pages(split: str | None = None) -> list[Path]:
    """The folders of tests/gold/real/ (each one page), optionally of one split only."""
    out = []
    for folder in sorted(p for p in REAL.iterdir() if (p / "page.json").is_file()) if REAL.is_dir() else []:
        if (
            split is None
            or json.loads((folder / "page.json").read_text(encoding="utf-8")).get("split") == split
        ):
            out.append(folder)
    return out


def page_html(folder: Path, page: dict) -> Path:
    """The page's HTML: its fixture under tests/fixtures/, or (a page folder dropped in as the
    labelling session wrote it: ``"fixture": null``) the ``file`` next to page.json."""
    if page.get("fixture"):
        return FIXTURES / page["fixture"]
    return folder / page["file"]


def load_page(folder: Path) -> tuple[dict, list[dict]]:
    """(page.json, gold items) of one real page (``page["html"]``: the path of its HTML)."""
    page = json.loads((folder / "page.json").read_text(encoding="utf-8"))
    page["html"] = page_html(folder, page)
    version = str(page.get("version") or "").lstrip("v")
    page["version"] = int(version) if version.isdigit() else None
    source = page["arxiv_id"]
    kinds = {tid: t.get("kind") for tid, t in page["tables"].items()}
    rows = []
    with (folder / "cells.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            spread = _opt_float(r.get("spread"))
            rows.append(
                {
                    "source": source,
                    "table_id": r["table_id"],
                    "table_kind": kinds.get(r["table_id"]),
                    "row_index": int(r["row_index"]),
                    "col_index": int(r["col_index"]),
                    "value_index": int(r.get("value_index") or 0),
                    "value": float(r["value"]),
                    "value_high": _opt_float(r.get("value_high")),
                    "spread": spread,
                    "spread_plus": _opt_float(r.get("spread_plus")) if r.get("spread_plus") else spread,
                    "spread_minus": _opt_float(r.get("spread_minus")) if r.get("spread_minus") else spread,
                    "total": _opt_float(r.get("total")),
                    "unit": (r.get("unit") or "").strip() or None,
                    "row_label": r.get("row_label") or None,
                    "column_label": r.get("column_label") or None,
                    "is_best": (r.get("is_best") or "").strip().lower() in ("true", "1", "yes"),
                }
            )
    return page, rows


def predict_page(page: dict) -> tuple[list[dict], dict[str, str]]:
    """(metrics rows of the page's labelled tables, predicted kind of each labelled table)."""
    body = Path(page["html"]).read_bytes()
    labelled = {tid for tid, t in page["tables"].items() if t.get("labelled", True)}
    rows: list[dict] = []
    kinds: dict[str, str] = {}
    for table in extract_tables(body):
        tid = table["id"]
        if tid not in labelled:
            continue
        kinds[tid] = table_kind_of(table)
        rows.extend(
            {**m, "source": page["arxiv_id"]}
            for m in table_metrics(table, page["arxiv_id"], page.get("version"))
        )
    return rows, kinds


def _spreads_agree(p: dict, g: dict) -> bool:
    return all(_close(p.get(f), g.get(f)) for f in ("spread", "spread_plus", "spread_minus", "total"))


def score(pred: list[dict], gold: list[dict], pred_kinds: dict, gold_kinds: dict) -> dict:
    """The spec's figures for one set of items (see the module docstring); `*_kinds` map
    (source, table_id) -> kind for every labelled table."""
    g = {_key(r): r for r in gold}
    p = {_key(r): r for r in pred}
    results_tables = {t for t, k in gold_kinds.items() if k == "results"}

    def right(k: Key) -> bool:
        a, b = p[k], g[k]
        return (
            _close(a["value"], b["value"])
            and _close(a.get("value_high"), b.get("value_high"))
            and norm_label(a.get("row_label")) == norm_label(b.get("row_label"))
            and norm_label(a.get("column_label")) == norm_label(b.get("column_label"))
        )

    pred_results = [k for k in p if p[k].get("table_kind") == "results"]
    gold_results = [k for k in g if (k[0], k[1]) in results_tables]
    ok = [k for k in pred_results if k in g and (k[0], k[1]) in results_tables and right(k)]
    matched = sorted(set(p) & set(g))
    kind_ok = sum(1 for t, k in gold_kinds.items() if pred_kinds.get(t) == k)
    return {
        "n_gold": len(gold_results),
        "n_pred": len(pred_results),
        "n_right": len(ok),
        "precision": len(ok) / len(pred_results) if pred_results else 1.0,
        "recall": len(ok) / len(gold_results) if gold_results else 1.0,
        "n_tables": len(gold_kinds),
        "kind_accuracy": kind_ok / len(gold_kinds) if gold_kinds else 1.0,
        "n_matched": len(matched),
        "unit_accuracy": (sum(p[k].get("unit") == g[k].get("unit") for k in matched) / len(matched))
        if matched
        else 1.0,
        "spread_accuracy": (sum(_spreads_agree(p[k], g[k]) for k in matched) / len(matched))
        if matched
        else 1.0,
        "misses": {
            "wrong_kind": sorted(
                (t, pred_kinds.get(t), k) for t, k in gold_kinds.items() if pred_kinds.get(t) != k
            ),
            "false_positives": sorted(
                k for k in pred_results if k not in g or (k[0], k[1]) not in results_tables
            ),
            "false_negatives": sorted(k for k in gold_results if k not in p),
            "wrong": [
                (k, _diff(p[k], g[k])) for k in sorted(set(pred_results) & set(gold_results)) if not right(k)
            ],
            "unit": [
                (k, p[k].get("unit"), g[k].get("unit"))
                for k in matched
                if p[k].get("unit") != g[k].get("unit")
            ],
            "spreads": [k for k in matched if not _spreads_agree(p[k], g[k])],
        },
    }


def _diff(a: dict, b: dict) -> dict:
    out = {}
    for f in ("value", "value_high"):
        if not _close(a.get(f), b.get(f)):
            out[f] = (a.get(f), b.get(f))
    for f in ("row_label", "column_label"):
        if norm_label(a.get(f)) != norm_label(b.get(f)):
            out[f] = (a.get(f), b.get(f))
    return out


def eval_real(split: str | None = None) -> dict:
    """Per-page and pooled figures of the real pages (of one split, or all)."""
    pages: dict[str, dict] = {}
    all_pred: list[dict] = []
    all_gold: list[dict] = []
    all_pk: dict = {}
    all_gk: dict = {}
    for folder in real_pages(split):
        page, gold = load_page(folder)
        pred, kinds = predict_page(page)
        source = page["arxiv_id"]
        gk = {(source, tid): t.get("kind") for tid, t in page["tables"].items() if t.get("labelled", True)}
        pk = {(source, tid): k for tid, k in kinds.items()}
        res = score(pred, gold, pk, gk)
        res["split"], res["field"] = page.get("split"), page.get("field")
        pages[source] = res
        all_pred += pred
        all_gold += gold
        all_pk.update(pk)
        all_gk.update(gk)
    pooled = score(all_pred, all_gold, all_pk, all_gk)
    pooled["pages"] = pages
    return pooled


# --------------------------------------------------------------------------------- LaTeXML corpus

# The truth is written under each table of tests/gold/latexml/tables_*.tex as
#   %K <kind>
#   %G <row> <col>[.<vi>] | <row label> | <column label> | <value>[..<high>] [u=U] [pm=S]
#      [up=A dn=B] [tot=N] [best]
# (a space inside the unit U is written "~": u=erg~cm^-3)
_TAG = re.compile(r"\\caption\{\[(L\d+)\]")


def load_latexml_gold() -> tuple[list[dict], dict[tuple[str, str], str]]:
    """(gold items, kind of each table keyed by (source, tag)) of every LaTeXML source."""
    rows: list[dict] = []
    kinds: dict[tuple[str, str], str] = {}
    for tex in sorted(LATEXML.glob("tables_*.tex")):
        tag = sub = None
        for line in tex.read_text(encoding="utf-8").splitlines():
            m = _TAG.search(line)
            if m:
                tag, sub = m.group(1), None
            elif line.startswith("%K ") and tag:
                kinds[(tex.stem, tag)] = line.split()[1]
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
                spread = float(opts["pm"]) if "pm" in opts else None
                rows.append(
                    {
                        "source": tex.stem,
                        "tag": tag,
                        "table_id": f"{tag}#{sub}" if sub else tag,
                        "row_index": int(r),
                        "col_index": int(c),
                        "value_index": int(vi or 0),
                        "value": float(low),
                        "value_high": float(high) if high else None,
                        "unit": opts["u"].replace("~", " ") if "u" in opts else None,  # "erg~cm^-3"
                        "spread": spread,
                        "spread_plus": float(opts["up"]) if "up" in opts else spread,
                        "spread_minus": float(opts["dn"]) if "dn" in opts else spread,
                        "total": float(opts["tot"]) if "tot" in opts else None,
                        "row_label": row_label or None,
                        "column_label": column_label or None,
                        "is_best": "best" in flags,
                    }
                )
    for row in rows:
        row["table_kind"] = kinds.get((row["source"], row["tag"]))
    return rows, kinds


def predict_latexml(mode: str) -> tuple[list[dict], dict[tuple[str, str], str]]:
    """(metrics rows, predicted kinds keyed by (source, tag)) of every tagged table in the `mode`
    HTML of each LaTeXML source."""
    out: list[dict] = []
    kinds: dict[tuple[str, str], str] = {}
    for html in sorted(LATEXML.glob(f"tables_*.{mode}.html")):
        source = html.name.split(".")[0]
        for table in extract_tables(html.read_bytes()):
            m = re.match(r"\[(L\d+)\]", table.get("caption") or "")
            if not m:
                continue
            _, _, sub = (table["id"] or "").partition("#")
            tid = f"{m.group(1)}#{sub}" if sub else m.group(1)
            if sub in ("", "1"):
                kinds[(source, m.group(1))] = table_kind_of(table)
            out.extend(
                {**row, "source": source, "table_id": tid} for row in table_metrics(table, source, None)
            )
    return out, kinds


def _holdout_sources() -> set[str]:
    return {
        tex.stem
        for tex in LATEXML.glob("tables_*.tex")
        if "HOLD-OUT" in tex.read_text(encoding="utf-8")[:400]
    }


def eval_latexml_cells() -> dict:
    """The LaTeXML corpus, both HTML shapes together (each gold item counts once per shape):
    exact per-field figures (`eval_cells`) plus the spec's figures (``spec``); ``by_mode`` and
    ``by_split`` hold the same for each shape / each split."""
    gold, gold_kinds = load_latexml_gold()
    holdout = _holdout_sources()
    parts: dict[str, tuple[list, list, dict, dict]] = {}
    for mode in LATEXML_MODES:
        pred, kinds = predict_latexml(mode)
        parts[mode] = (
            [{**p, "source": f"{p['source']}.{mode}"} for p in pred],
            [{**g, "source": f"{g['source']}.{mode}"} for g in gold],
            {(f"{s}.{mode}", t): k for (s, t), k in kinds.items()},
            {(f"{s}.{mode}", t): k for (s, t), k in gold_kinds.items()},
        )

    def pooled(keep) -> tuple[list, list, dict, dict]:  # type: ignore[no-untyped-def]
        pred: list[dict] = []
        gold_rows: list[dict] = []
        pk: dict = {}
        gk: dict = {}
        for mode, (p, g, k1, k2) in parts.items():
            pred += [x for x in p if keep(mode, x["source"])]
            gold_rows += [x for x in g if keep(mode, x["source"])]
            pk.update({t: k for t, k in k1.items() if keep(mode, t[0])})
            gk.update({t: k for t, k in k2.items() if keep(mode, t[0])})
        # the spec's scoring keys tables by (source, table_id) with the tag as table id
        return pred, gold_rows, pk, gk

    def both(keep) -> dict:  # type: ignore[no-untyped-def]
        pred, gold_rows, pk, gk = pooled(keep)
        res = eval_cells(pred, gold_rows)
        res["spec"] = score(_tag_ids(pred), _tag_ids(gold_rows), pk, gk)
        return res

    res = both(lambda mode, source: True)
    res["by_mode"] = {m: both(lambda mode, source, m=m: mode == m) for m in LATEXML_MODES}
    res["by_split"] = {
        split: both(
            lambda mode, source, split=split: (source.split(".")[0] in holdout) == (split == "holdout")
        )
        for split in ("dev", "holdout")
    }
    res["n_tables"] = len(gold_kinds)
    return res


def _tag_ids(rows: list[dict]) -> list[dict]:
    """Rows keyed by their caption tag (side-by-side tabulars "L21#2" belong to table L21)."""
    return [{**r, "table_id": r["table_id"].split("#")[0], "value_index": _sub_index(r)} for r in rows]


def _sub_index(r: dict) -> int:
    _, _, sub = r["table_id"].partition("#")
    return r["value_index"] + 100 * int(sub or 0)


#: Fields scored one by one; ``all`` = every one of them right at once.
CELL_FIELDS = (
    "value", "value_high", "unit", "row_label", "column_label", "spread", "spread_plus", "spread_minus",
    "total", "is_best",
)  # fmt: skip
_FLOAT_FIELDS = ("value", "value_high", "spread", "spread_plus", "spread_minus", "total")


def _agree(field: str, a: object, b: object) -> bool:
    return _close(a, b) if field in _FLOAT_FIELDS else a == b  # type: ignore[arg-type]


def eval_cells(pred: list[dict], gold: list[dict]) -> dict:
    """Exact per-field precision/recall plus the lists of misses (see the module docstring)."""
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
    print(f"{title}: {cells['n_gold']} gold items, {cells['n_pred']} predicted")
    for f in (*CELL_FIELDS, "all"):
        r = cells[f]
        print(f"  {f:<13} precision {r['precision']:.3f}  recall {r['recall']:.3f}")


def _spec_line(name: str, r: dict) -> str:
    return (
        f"  {name:<26} results P {r['precision']:.3f}  R {r['recall']:.3f}  "
        f"({r['n_right']} right of {r['n_pred']} predicted, {r['n_gold']} gold)  "
        f"kind {r['kind_accuracy']:.3f} ({r['n_tables']} tables)  unit {r['unit_accuracy']:.3f}  "
        f"spreads/total {r['spread_accuracy']:.3f} ({r['n_matched']} matched)"
    )


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
    """Claim precision/recall, unit/kind/baseline agreement and the misses (module docstring)."""
    n_pred = n_gold = n_pair = n_unit = n_kind = n_strict = n_base = 0
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
            base = _close(
                x.get("baseline"), _opt_float(str(y["baseline"])) if y.get("baseline") is not None else None
            )
            n_unit += u
            n_kind += k
            n_base += base
            n_strict += u and k
            if not (u and k and base):
                wrong.append(
                    (
                        a["arxiv_id"],
                        y["quote"],
                        (x["unit"], x["kind"], x.get("baseline")),
                        (y.get("unit"), y["kind"], y.get("baseline")),
                    )
                )
    return {
        "n_abstracts": len(abstracts),
        "n_pred": n_pred,
        "n_gold": n_gold,
        "precision": n_pair / n_pred if n_pred else 1.0,
        "recall": n_pair / n_gold if n_gold else 1.0,
        "unit_agreement": n_unit / n_pair if n_pair else 1.0,
        "kind_agreement": n_kind / n_pair if n_pair else 1.0,
        "baseline_agreement": n_base / n_pair if n_pair else 1.0,
        "strict_precision": n_strict / n_pred if n_pred else 1.0,
        "strict_recall": n_strict / n_gold if n_gold else 1.0,
        "false_positives": fps,
        "false_negatives": fns,
        "unit_or_kind_wrong": wrong,
    }


# ------------------------------------------------------------------------- headline claims

# Words that start a new clause: coordinating and subordinating conjunctions, relative pronouns and
# the adverbs that join clauses. The scorer's own list, written from English grammar.
JOINING_WORDS = frozenset(
    re.findall(
        r"\S+",
        """and or but nor yet so while whereas which who whom whose that when where whereby wherein
        although though because since as if unless until after before once thus hence therefore
        then respectively meanwhile moreover furthermore additionally however also""",
    )
)
# A clause ends at punctuation (a closing bracket ends the aside the headline sat in); a bracketed
# aside right after the headline ("… 20x fewer frames (vs. 512), demonstrating …") is looked past.
_ASIDE = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])")
_CLAUSE_END = re.compile(r"^\s*(?:$|[,;:.!?)\]]|--?\s|—|–\s)")


def stops_inside_phrase(headline: str, abstract: str) -> bool | None:
    """True when the text that follows `headline` in its abstract neither ends a clause nor starts
    a new one with a joining word (the headline stops inside a phrase); None when the headline
    cannot be found in the abstract (brackets it dropped, say) at all."""
    from scraper.derive.clean import readable_latex
    from scraper.parse.text import squash

    text = normalize_text(readable_latex(squash(abstract)) or "")  # as scraper.derive.rows reads it
    end = _find_end(headline, text)
    if end is None:
        return None
    rest = text[end:]
    while (aside := _ASIDE.match(rest)) is not None:  # a bracketed aside: look past it
        rest = rest[aside.end() :]
    if _CLAUSE_END.match(rest):
        return False
    first = rest.split(None, 1)[0].strip(".,;:!?\"'()").lower() if rest.strip() else ""
    return first not in JOINING_WORDS


def _find_end(headline: str, text: str) -> int | None:
    i = text.find(headline)
    if i >= 0:
        return i + len(headline)
    # a headline without the bracketed asides it dropped: its words, asides allowed between them
    gap = r"\s*(?:(?:\([^()]*\)|\[[^\[\]]*\])\s*)*"
    m = re.search(gap.join(re.escape(w) for w in headline.split()), text)
    return m.end() if m else None


def recorded_abstracts() -> list[tuple[str, str, dict]]:
    """(file, arxiv_id, papers record) of every recorded abstract, each paper once: the HF daily
    lists of tests/fixtures/hf_daily_api/, the listing pages of tests/fixtures/hf_daily_html/ and
    the extra captures of tests/fixtures/abstracts/ (see tests/fixtures/MANIFEST.md)."""
    from scraper.parse.hf_daily_api import parse_daily_api
    from scraper.parse.hf_listing_html import parse_listing_html

    files = [
        *sorted((FIXTURES / "hf_daily_api").glob("*.json")),
        *sorted((FIXTURES / "abstracts").glob("*.json")),
        *sorted((FIXTURES / "hf_daily_html").glob("*.html")),
        *sorted((FIXTURES / "abstracts").glob("*.html")),
    ]
    out = []
    seen: set[str] = set()
    for path in files:
        parse = parse_daily_api if path.suffix == ".json" else parse_listing_html
        for record in parse(path.read_bytes(), str(path)).records:
            if record["arxiv_id"] in seen or not record.get("summary"):
                continue
            seen.add(record["arxiv_id"])
            out.append((path.name, record["arxiv_id"], record))
    return out


def headline_fragments() -> dict:
    """Over every recorded abstract, each headline built as the crawl builds it: how many stop
    inside a phrase (`stops_inside_phrase`), and the old end-word check (`is_fragment`)."""
    from scraper.derive.rows import abstract_claims

    abstracts = recorded_abstracts()
    headlines: list[tuple[str, str, str]] = []
    for _, arxiv_id, record in abstracts:
        abstract_claims(record)
        headlines += [(arxiv_id, h, record.get("summary") or "") for h in record["headline_claims"]]
    inside = [(a, h) for a, h, s in headlines if stops_inside_phrase(h, s)]
    unfound = [(a, h) for a, h, s in headlines if stops_inside_phrase(h, s) is None]
    fragments = [(a, h) for a, h, _ in headlines if is_fragment(h)]
    return {
        "files": len({f for f, _, _ in abstracts}),
        "papers": len({a for a, _, _ in headlines}),
        "abstracts": len(abstracts),
        "headlines": len(headlines),
        "inside_phrase": inside,
        "not_found": unfound,
        "inside_rate": len(inside) / len(headlines) if headlines else 0.0,
        "fragments": fragments,
        "rate": len(fragments) / len(headlines) if headlines else 0.0,
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


def _sentences_of(text: str) -> Iterable[str]:
    return split_sentences(normalize_text(text))


# ------------------------------------------------------------------------------------ main


def run() -> tuple[dict, dict]:
    """(real pages: pooled figures with ``pages`` and ``by_split``, claims with ``by_split``)."""
    cells = eval_real()
    cells["by_split"] = {split: eval_real(split) for split in ("dev", "holdout")}
    abstracts = load_claim_gold()
    pred = predict_claims(abstracts)
    claims = eval_claims(abstracts, pred)
    claims["by_split"] = {
        split: eval_claims([a for a in abstracts if a.get("split") == split], pred)
        for split in sorted({a.get("split") for a in abstracts if a.get("split")})
    }
    return cells, claims


def _print_misses(res: dict, title: str) -> None:
    for name, xs in res["misses"].items():
        for x in xs:
            print(f"{title} {name}", x)


def main(argv: list[str] | None = None) -> int:
    """Print the figures (with --misses every error of the chosen split; dev by default)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="list every miss")
    ap.add_argument("--split", choices=("dev", "holdout"), default="dev", help="whose misses --misses lists")
    args = ap.parse_args(argv)
    cells, claims = run()
    print("real pages (tests/gold/real/), results tables; labels compared after NFKC/whitespace/casefold")
    for source, r in cells["pages"].items():
        print(_spec_line(f"{source} [{r['split']}, {r['field']}]", r))
    for split, r in cells["by_split"].items():
        if r["pages"]:
            print(_spec_line(f"all {split} ({len(r['pages'])} pages)", r))
    latexml = eval_latexml_cells()
    print(f"LaTeXML corpus ({latexml['n_tables']} tables x {len(LATEXML_MODES)} HTML shapes)")
    for name, r in (("all", latexml), *latexml["by_mode"].items(), *latexml["by_split"].items()):
        print(_spec_line(name, r["spec"]))
    print_cells("LaTeXML corpus, every field exactly", latexml)
    print(f"claims: {claims['n_abstracts']} abstracts, {claims['n_gold']} gold, {claims['n_pred']} predicted")
    print(f"  value         precision {claims['precision']:.3f}  recall {claims['recall']:.3f}")
    print(f"  +unit+kind    precision {claims['strict_precision']:.3f}  recall {claims['strict_recall']:.3f}")
    print(
        f"  unit agreement {claims['unit_agreement']:.3f}  kind agreement {claims['kind_agreement']:.3f}  "
        f"baseline agreement {claims['baseline_agreement']:.3f} (of matched claims)"
    )
    for split, r in claims["by_split"].items():
        print(
            f"  [{split}: {r['n_abstracts']} abstracts, {r['n_gold']} gold] precision "
            f"{r['precision']:.3f}  recall {r['recall']:.3f}  "
            f"strict P {r['strict_precision']:.3f}  strict R {r['strict_recall']:.3f}"
        )
    heads = headline_fragments()
    print(
        f"headline claims: {heads['headlines']} from {heads['papers']} papers "
        f"({heads['abstracts']} abstracts, "
        f"{heads['files']} files): {len(heads['inside_phrase'])} stop inside a phrase "
        f"(rate {heads['inside_rate']:.3f}), {len(heads['not_found'])} not found in their abstract; "
        f"{len(heads['fragments'])} end on a function word (rate {heads['rate']:.3f})"
    )
    if args.misses:
        real = cells["by_split"][args.split]
        _print_misses(real, f"real[{args.split}]")
        spec = latexml["by_split"][args.split]
        _print_misses(spec["spec"], f"latexml[{args.split}]")
        for name in ("false_positives", "false_negatives", "field_errors"):
            for x in spec[name]:
                print(f"latexml[{args.split}] exact {name}", x)
        for x in heads["inside_phrase"]:
            print("headline inside a phrase", x)
        for name in ("false_positives", "false_negatives", "unit_or_kind_wrong"):
            for x in claims[name]:
                print("claims", name, x)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
