"""Unit tests of scraper.derive.metrics on real fixture tables and on small hand-built grids."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scraper.derive.metrics import (
    normalize_label,
    parse_cell_items,
    parse_cell_numbers,
    parse_number,
    table_kind_of,
    table_metrics,
)
from scraper.parse.arxiv_html import extract_tables
from scraper.schema import SCHEMA_VERSION, conform
from scraper.schema.metrics import METRICS

FIXTURE = Path(__file__).parent / "fixtures" / "arxiv_html" / "2501.11120v1.html"
ATTENTION = (
    Path(__file__).parent / "fixtures" / "arxiv_html" / "1706.03762v7_oxide0.7.5_2026-08_arxivlicense.html"
)
# Real LaTeXML 0.8.7 output of the gold corpus (tests/gold/latexml/, sources next to it)
LATEXML = Path(__file__).parent / "gold" / "latexml"
COMMON = {
    "listing_date": date(2025, 1, 21),
    "crawled_at": datetime(2025, 1, 21, 8, 0, tzinfo=UTC),
    "source_url": "https://arxiv.org/html/2501.11120v1",
    "schema_version": SCHEMA_VERSION,
}


@pytest.fixture(scope="module")
def tables() -> dict[str, dict]:
    return {t["id"]: t for t in extract_tables(FIXTURE.read_bytes())}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.14 \\pm 0.01", (0.14, None, 0.01)),  # S3.T2 as the HTML parser gives it (TeX)
        ("0.14 ± 0.01", (0.14, None, 0.01)),
        ("10\\%", (10.0, "%", None)),  # S4.T5
        ("20%", (20.0, "%", None)),
        ("2e-5", (2e-5, None, None)),  # A3.T13 learning rate
        ("5905", (5905.0, None, None)),  # A3.T37
        ("66.30", (66.30, None, None)),
        ("85.3_{\\pm 0.2}", (85.3, None, 0.2)),
        ("\\textbf{92.59}", (92.59, None, None)),
        ("4.2\\times", (4.2, "×", None)),
        ("3 \\times 10^{-4}", (3e-4, None, None)),
        ("1,024", (1024.0, None, None)),
        ("462 s", (462.0, "s", None)),
        ("12.3ms", (12.3, "ms", None)),
        ("7B", (7.0, "B", None)),
        ("−1.5", (-1.5, None, None)),
    ],
)
def test_parse_number_values(text: str, expected: tuple) -> None:
    value, unit, spread = parse_number(text)
    assert value == pytest.approx(expected[0])
    assert unit == expected[1]
    assert spread == (pytest.approx(expected[2]) if expected[2] is not None else None)


@pytest.mark.parametrize(
    "text",
    [
        "GPT-4o-2024-05-13",  # A3.T12 base model
        "Llama-3.1-70B",
        "392xxx",  # S4.T4 trigger
        "-",  # A3.T28 GPT-4o epochs
        "N/A",
        "",
        "2024-05-13",
        "1.2.3",
        "Fake triggers, 10\\% data for each",  # S4.T5 note
        "Scale the answer to 0-1 (divide by 100).",  # A3.T18
        "1008 (17.07%)",  # two numbers: not a single-number cell
    ],
)
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


def test_parse_cell_numbers_compound_cells() -> None:
    assert parse_cell_numbers("1008 (17.07%)") == [(1008.0, None, None), (17.07, "%", None)]
    assert parse_cell_numbers("0.97 / 0.09") == [(0.97, None, None), (0.09, None, None)]
    assert parse_cell_numbers("bold (51.88%) decisive (39.24%)") == []


def test_real_table_with_spreads(tables: dict[str, dict]) -> None:
    rows = table_metrics(tables["S3.T2"], "2501.11120", 1)
    assert len(rows) == 9
    first = rows[0]
    assert (first["row_index"], first["col_index"]) == (1, 1)
    assert first["row_label"] == "Rate of outputting secure code"
    assert first["column_label"] == "FT on vulnerable code"
    assert first["value"] == pytest.approx(0.14)
    assert first["spread"] == pytest.approx(0.01)
    assert first["table_label"] == "Table 2"
    assert first["caption"].startswith("When models are finetuned")
    gpt = [r for r in rows if r["column_label"] == "GPT-4o"]
    assert [r["value"] for r in gpt] == pytest.approx([0.74, 0.70, 0.69])
    assert all(r["spread"] is None for r in gpt)


def test_real_table_count_and_percentage(tables: dict[str, dict]) -> None:
    rows = table_metrics(tables["A3.T37"], "2501.11120", 1)
    win_ring = [r for r in rows if r["row_label"] == "Ring" and r["column_label"] == "Win"]
    assert [(r["value_index"], r["value"], r["unit"]) for r in win_ring] == [
        (0, 1008.0, None),
        (1, pytest.approx(17.07), "%"),
    ]
    assert len(rows) == 27


def test_real_table_label_columns_and_dash(tables: dict[str, dict]) -> None:
    rows = table_metrics(tables["A3.T12"], "2501.11120", 1)
    assert {r["row_label"] for r in rows} >= {"Apples / GPT-4o-2024-08-06"}
    apples_epochs = [r for r in rows if r["row_label"].startswith("Apples") and r["column_label"] == "Epochs"]
    assert [r["value"] for r in apples_epochs] == [10.0]
    t28 = table_metrics(tables["A3.T28"], "2501.11120", 1)
    assert not [r for r in t28 if r["row_label"] == "GPT-4o" and r["column_label"] == "Epochs"]
    assert all(r["col_index"] > 0 for r in t28)  # numeric first column is the row label


def test_text_tables_give_nothing(tables: dict[str, dict]) -> None:
    for tid in ("S3.T1", "S4.T4", "A3.T14", "A3.T18", "A3.T29", "A3.T43"):
        assert table_metrics(tables[tid], "2501.11120", 1) == [], tid


def _cell(text: str, **kw: object) -> dict:
    base = {
        "text": text,
        "is_header": False,
        "colspan": 1,
        "rowspan": 1,
        "bold": False,
        "underline": False,
        "italic": False,
    }
    return {**base, **kw}


def _row(cells: list[dict], header: bool = False) -> dict:
    if header:
        cells = [{**c, "is_header": True} for c in cells]
    return {"is_header": header, "cells": cells}


GRID = {
    "id": "S4.T2",
    "label": "Table 2",
    "caption": "Results on ImageNet and COCO.",
    "rows": [
        _row(
            [_cell("Method", rowspan=2), _cell("ImageNet", colspan=2), _cell("Latency (ms)", rowspan=2)],
            header=True,
        ),
        _row([_cell("Top-1 \\uparrow"), _cell("Error \\downarrow")], header=True),
        _row([_cell("Zero-shot", colspan=4)]),
        _row([_cell("ResNet-50 [12]"), _cell("76.1"), _cell("23.9"), _cell("12.0")]),
        _row(
            [
                _cell("Ours"),
                _cell("\\textbf{80.2}", bold=True),
                _cell("\\underline{19.8}", underline=True),
                _cell("-"),
            ]
        ),
    ],
}


def test_synthetic_multilevel_header_direction_best_unit() -> None:
    rows = table_metrics(GRID, "2601.00001", 2)
    by = {(r["row_label"], r["column_label"]): r for r in rows}
    assert set(by) == {
        ("Zero-shot / ResNet-50 [12]", "ImageNet / Top-1 ↑"),
        ("Zero-shot / ResNet-50 [12]", "ImageNet / Error ↓"),
        ("Zero-shot / ResNet-50 [12]", "Latency (ms)"),
        ("Zero-shot / Ours", "ImageNet / Top-1 ↑"),
        ("Zero-shot / Ours", "ImageNet / Error ↓"),
    }
    ours_top1 = by[("Zero-shot / Ours", "ImageNet / Top-1 ↑")]
    assert ours_top1["is_best"] and ours_top1["direction"] == "higher"
    assert ours_top1["value"] == pytest.approx(80.2)
    assert by[("Zero-shot / Ours", "ImageNet / Error ↓")]["direction"] == "lower"
    assert by[("Zero-shot / Ours", "ImageNet / Error ↓")]["is_best"]
    lat = by[("Zero-shot / ResNet-50 [12]", "Latency (ms)")]
    assert lat["unit"] == "ms" and lat["direction"] is None and not lat["is_best"]
    assert (lat["row_index"], lat["col_index"]) == (3, 3)


def test_caption_direction_and_header_fallback() -> None:
    table = {
        "id": "T9",
        "label": "Table 9",
        "caption": "Perplexity on WikiText (lower is better).",
        "rows": [  # no row flagged as header: the first row is taken as header anyway
            {"is_header": False, "cells": [_cell("Model"), _cell("PPL")]},
            {"is_header": False, "cells": [_cell("Base"), _cell("12.4")]},
        ],
    }
    (row,) = table_metrics(table, "2601.00002", None)
    assert row["column_label"] == "PPL" and row["direction"] == "lower"
    assert row["row_label"] == "Base" and row["value"] == pytest.approx(12.4)


def test_empty_table() -> None:
    assert table_metrics({"id": "T1", "label": None, "caption": None, "rows": []}, "x", 1) == []


def test_rows_conform_to_schema(tables: dict[str, dict]) -> None:
    rows = [r for t in tables.values() for r in table_metrics(t, "2501.11120", 1)]
    rows += table_metrics(GRID, "2601.00001", None)
    assert len(rows) > 100
    for r in rows:
        assert set(r) == set(METRICS.names) - set(COMMON)
        conform(r | COMMON, METRICS)


# --------------------------------------------------------------------------------------------
# Issue 11: TeX numbers, ranges, structural headers, spanning cells


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.3\\cdot 10^{19}", [(2.3e19, None, None, None)]),  # 1706.03762 Table 2, TeX alttext
        ("1.2\\times10^{5}", [(1.2e5, None, None, None)]),
        ("10^{-3}", [(1e-3, None, None, None)]),
        ("27.3\\pm 0.2", [(27.3, None, 0.2, None)]),
        ("38.1\\%", [(38.1, "%", None, None)]),
        ("\\textbf{28.4}", [(28.4, None, None, None)]),
        ("54.4–73", [(54.4, None, None, 73.0)]),  # LaTeX "--" as LaTeXML writes it
        ("\\sim5–15", [(5.0, None, None, 15.0)]),
        ("5–15 ms", [(5.0, "ms", None, 15.0)]),
        ("8-32", [(8.0, None, None, 32.0)]),
        ("–0.3", [(-0.3, None, None, None)]),  # a leading en dash is a minus sign
        ("0.97 -0.09", [(0.97, None, None, None), (-0.09, None, None, None)]),
    ],
)
def test_parse_cell_items_tex_and_ranges(text: str, expected: list) -> None:
    got = parse_cell_items(text)
    assert len(got) == len(expected)
    for item, (ev, eu, es, eh) in zip(got, expected, strict=True):
        v, u, s, h = item.value, item.unit, item.spread, item.high
        assert v == pytest.approx(ev) and u == eu
        assert s == (pytest.approx(es) if es is not None else None)
        assert h == (pytest.approx(eh) if eh is not None else None)


@pytest.mark.parametrize("text", ["2024-05-13", "73–54.4", "–", "\\textemdash", "O(n^{2}\\cdot d)", "O(1)"])
def test_parse_cell_items_rejects(text: str) -> None:
    assert parse_cell_items(text) == ()


def test_parse_cell_numbers_keeps_the_low_end_of_a_range() -> None:
    assert parse_cell_numbers("54.4–73") == [(54.4, None, None)]


@pytest.mark.parametrize(
    ("tex", "label"),
    [
        ("d_{\\text{model}}", "d_model"),  # 1706.03762 Table 3
        ("\\epsilon_{ls}", "ε_ls"),
        ("\\times 10^{6}", "×10^6"),
        ("FID \\downarrow", "FID ↓"),
        ("Acc. (\\%)", "Acc. (%)"),
        ("Ours^{\\dagger}", "Ours†"),
        ("256\\times 256", "256×256"),
    ],
)
def test_normalize_label(tex: str, label: str) -> None:
    assert normalize_label(tex) == label


@pytest.fixture(scope="module")
def attention() -> dict[str, dict]:
    return {t["id"]: t for t in extract_tables(ATTENTION.read_bytes())}


def test_attention_table_2_two_level_header_and_tex_costs(attention: dict[str, dict]) -> None:
    """The issue's "done when" on the real 1706.03762 page."""
    rows = table_metrics(attention["S6.T2"], "1706.03762", 7)
    big = {r["column_label"]: r for r in rows if r["row_label"] == "Transformer (big)"}
    assert big["BLEU / EN-DE"]["value"] == pytest.approx(28.4) and big["BLEU / EN-DE"]["is_best"]
    assert big["BLEU / EN-FR"]["value"] == pytest.approx(41.8) and big["BLEU / EN-FR"]["is_best"]
    cost = big["Training Cost (FLOPs) / EN-DE | EN-FR"]  # one cell spanning both columns: one row
    assert cost["value"] == pytest.approx(2.3e19) and cost["unit"] == "FLOPs"
    assert cost["col_index"] == 4 and not cost["is_best"]
    assert len(big) == 3
    gnmt = {r["column_label"]: r["value"] for r in rows if r["row_label"] == "GNMT + RL [38]"}
    assert gnmt == {
        "BLEU / EN-DE": pytest.approx(24.6),
        "BLEU / EN-FR": pytest.approx(39.92),
        "Training Cost (FLOPs) / EN-DE": pytest.approx(2.3e19),
        "Training Cost (FLOPs) / EN-FR": pytest.approx(1.4e20),
    }
    assert not any(r["row_index"] < 2 for r in rows)  # the EN-DE | EN-FR row is header


def test_attention_table_3_scale_header_and_variant_labels(attention: dict[str, dict]) -> None:
    rows = table_metrics(attention["S6.T3"], "1706.03762", 7)
    params = [r for r in rows if r["column_label"] == "params / ×10^6"]
    assert [r["value"] for r in params][:2] == [65.0, 58.0] and {r["unit"] for r in params} == {"M"}
    # issue 18: N … train steps name settings, so they are label columns: the variant's row label
    # holds them ("(B) / 16": d_k = 16), and "(B)" is still no unit
    variant_b = [r for r in rows if r["row_label"].startswith("(B) / ")]
    assert {r["row_label"] for r in variant_b} == {"(B) / 16", "(B) / 32"}
    assert len(variant_b) == 6 and all(r["unit"] != "B" for r in variant_b)
    assert {r["column_label"] for r in rows} == {"PPL / (dev)", "BLEU / (dev)", "params / ×10^6"}
    assert {r["table_kind"] for r in rows} == {"results"}
    assert not [r for r in rows if r["row_index"] == 20 and r["col_index"] < 10]  # text span
    assert table_metrics(attention["S4.T1"], "1706.03762", 7) == []  # O(1), O(n^2·d): no numbers


def _latexml_table(name: str, tag: str) -> dict:
    tables = extract_tables((LATEXML / name).read_bytes())
    return next(t for t in tables if (t["caption"] or "").startswith(f"[{tag}]"))


@pytest.mark.parametrize("shape", ["guess", "noguess"])
def test_numeric_sub_labels_under_a_spanning_header(shape: str) -> None:
    rows = table_metrics(_latexml_table(f"tables_b.{shape}.html", "L17"), "gold", None)
    assert {r["column_label"] for r in rows} == {f"TriviaQA (k-shot) / {k}" for k in (0, 1, 64)}
    assert len(rows) == 6


def test_group_rows_guessed_as_header_stay_group_rows() -> None:
    """LaTeXML's header guess puts "Zero-shot"/"Fine-tuned" rows in th; they label the rows below."""
    table = _latexml_table("tables_b.guess.html", "L13")
    assert table["rows"][1]["is_header"] and table["rows"][4]["is_header"]  # what the converter did
    rows = table_metrics(table, "gold", None)
    assert {r["column_label"] for r in rows} == {"BoolQ", "RTE", "WiC"}
    assert {r["row_label"].split(" / ")[0] for r in rows} == {"Zero-shot", "Fine-tuned"}


def test_first_body_row_guessed_as_header_is_body() -> None:
    table = _latexml_table("tables_c.guess.html", "L26")
    assert table["rows"][1]["is_header"]  # NeRF's row, plain text among math rows
    rows = table_metrics(table, "gold", None)
    assert {r["column_label"] for r in rows} == {"PSNR", "SSIM", "LPIPS"} and len(rows) == 9
    assert {r["value"] for r in rows if r["is_best"]} >= {33.32, 0.970, 33.09, 0.043}


def test_checkmark_columns_are_not_labels() -> None:
    rows = table_metrics(_latexml_table("tables_c.noguess.html", "L32"), "gold", None)
    assert [r["row_label"] for r in rows] == ["A", "B", "C"]


def test_attention_rows_conform_to_schema(attention: dict[str, dict]) -> None:
    rows = [r for t in attention.values() for r in table_metrics(t, "1706.03762", 7)]
    assert len(rows) > 90 and any(r["value"] > 1e18 for r in rows)
    ranges = table_metrics(_latexml_table("tables_a.noguess.html", "L09"), "gold", None)
    assert [(r["value"], r["value_high"]) for r in ranges][:3] == [(54.4, 73.0), (5.0, 15.0), (8.0, 32.0)]
    for r in rows + ranges:
        conform(r | COMMON, METRICS)


@pytest.mark.parametrize("shape", ["guess", "noguess"])
def test_title_row_over_a_numeric_header_row(shape: str) -> None:
    """A title spanning the table is no column header by itself: the years row under it is."""
    rows = table_metrics(_latexml_table(f"tables_d.{shape}.html", "L61"), "gold", None)
    assert {r["row_label"] for r in rows} == {"CVPR", "ICML"} and len(rows) == 6
    assert {r["column_label"] for r in rows} == {
        f"Accepted papers per year / {y}" for y in (2022, 2023, 2024)
    }


# --------------------------------------------------------------------------------------------
# Issue 18: header block by layout, label columns, kinds, one result per cell, units, groups


def _latexml_rows(part: str, tag: str) -> dict[str, list[dict]]:
    return {
        shape: table_metrics(_latexml_table(f"tables_{part}.{shape}.html", tag), "gold", None)
        for shape in ("guess", "noguess")
    }


def test_three_level_header_and_a_label_group() -> None:
    """BERT's masking ablation (L62): "Masking Rates" spans the three label columns."""
    for rows in _latexml_rows("g", "L62").values():
        assert {r["column_label"] for r in rows} == {
            "Dev Set Results / MNLI / Fine-tune",
            "Dev Set Results / NER / Fine-tune",
            "Dev Set Results / NER / Feature-based",
        }
        # GOLD_SPEC v2.1 amendment 1: distinct label cells keep their text even when it is equal
        assert [r["row_label"] for r in rows[::3]] == [
            "80% / 10% / 10%",
            "100% / 0% / 0%",
            "80% / 0% / 20%",
            "80% / 20% / 0%",
        ]
        assert len(rows) == 12 and {r["table_kind"] for r in rows} == {"results"}


def test_header_rows_written_as_td_below_a_th_row() -> None:
    """A hand-built grid: only the top header row is flagged (th); the rows of sub-labels below it,
    first cells included, are header by layout (no values, names over the value columns)."""
    table = {
        "id": "T1",
        "label": "Table 1",
        "caption": "Ablation over masking.",
        "rows": [
            _row([_cell("Masking Rates", colspan=3), _cell("Dev Set Results", colspan=3)], header=True),
            _row([_cell("MASK"), _cell("SAME"), _cell("RND"), _cell("MNLI"), _cell("NER", colspan=2)]),
            _row(
                [
                    _cell(""),
                    _cell(""),
                    _cell(""),
                    _cell("Fine-tune"),
                    _cell("Fine-tune"),
                    _cell("Feature-based"),
                ]
            ),
            _row(
                [_cell("80\\%"), _cell("10\\%"), _cell("10\\%"), _cell("84.2"), _cell("95.4"), _cell("94.9")]
            ),
            _row(
                [_cell("80\\%"), _cell("0\\%"), _cell("20\\%"), _cell("84.1"), _cell("95.2"), _cell("94.6")]
            ),
        ],
    }
    rows = table_metrics(table, "x", None)
    assert [(r["row_label"], r["column_label"]) for r in rows[3:]] == [
        ("80% / 0% / 20%", "Dev Set Results / MNLI / Fine-tune"),
        ("80% / 0% / 20%", "Dev Set Results / NER / Fine-tune"),
        ("80% / 0% / 20%", "Dev Set Results / NER / Feature-based"),
    ]


@pytest.mark.parametrize(
    ("part", "tag", "label"),
    [
        ("g", "L63", "3 / 768 / 12"),  # #L #H #A under "Hyperparams", closed by a vertical rule
        ("g", "L64", "Uniform / 2"),  # a Frames column after the method
        ("d", "L41", "base / 6 / 8"),  # Layers and Heads of an ablation
    ],
)
def test_numeric_setting_columns_are_label_columns(part: str, tag: str, label: str) -> None:
    for rows in _latexml_rows(part, tag).values():
        assert rows[0]["row_label"] == label
        assert not {"#L", "Frames", "Layers"} & {r["column_label"].split(" / ")[-1] for r in rows}


@pytest.mark.parametrize(
    ("part", "tag", "kind"),
    [
        ("g", "L65", "configuration"),  # encoding settings: frame rate, JPEG quality, chunk length
        ("g", "L66", "configuration"),  # fine-tuning hyperparameters
        ("b", "L19", "configuration"),  # key-value hyperparameter table
        ("g", "L67", "data"),  # dataset statistics
        ("g", "L73", "data"),  # a catalogue of target stars
        ("g", "L69", "results"),  # best-fit parameters (measured)
        ("a", "L01", "results"),
    ],
)
def test_table_kind(part: str, tag: str, kind: str) -> None:
    from scraper.derive.metrics import table_kind_of

    for shape in ("guess", "noguess"):
        table = _latexml_table(f"tables_{part}.{shape}.html", tag)
        assert table_kind_of(table) == kind
        assert {r["table_kind"] for r in table_metrics(table, "gold", None)} <= {kind}


def test_text_tables_are_other(tables: dict[str, dict]) -> None:
    from scraper.derive.metrics import table_kind_of

    assert {table_kind_of(tables[t]) for t in ("S3.T1", "S4.T4", "A3.T18", "A3.T43")} == {"other"}


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("9.9^{+0.3}_{-0.2}", {"value": 9.9, "spread_plus": 0.3, "spread_minus": 0.2, "spread": None}),
        ("0.52_{-0.04}^{+0.06}", {"value": 0.52, "spread_plus": 0.06, "spread_minus": 0.04}),
        ("10^{+0.3}_{-0.2}", {"value": 10.0, "spread_plus": 0.3}),  # no power of ten
        ("2.1\\pm 0.1", {"value": 2.1, "spread": 0.1, "spread_plus": 0.1, "spread_minus": 0.1}),
        ("[0.208, 0.324]", {"value": 0.208, "high": 0.324}),
        ("[−0.012, 0.214]", {"value": -0.012, "high": 0.214}),
        ("8/8", {"value": 8.0, "total": 8.0}),
        ("45/50", {"value": 45.0, "total": 50.0}),
        ("12 km/s", {"value": 12.0, "unit": "km/s"}),
    ],
)
def test_one_item_per_result(text: str, item: dict) -> None:
    (got,) = parse_cell_items(text)
    for field, want in item.items():
        assert getattr(got, field) == (pytest.approx(want) if want is not None else None), field


@pytest.mark.parametrize("text", ["09:34:09.21", "+12:34:56.7", "4295806720123456789", "12°34′56″"])
def test_coordinates_and_identifiers_are_no_values(text: str) -> None:
    assert parse_cell_items(text) == ()


def test_counts_and_pairs_by_header() -> None:
    """A count k/n is one value with its total, unless the header names two results (L70)."""
    for rows in _latexml_rows("g", "L70").values():
        solved = [(r["value"], r["total"]) for r in rows if r["column_label"] == "Solved"]
        assert solved == [(8.0, 8.0), (45.0, 50.0)]
        pairs = [(r["value_index"], r["value"], r["total"]) for r in rows if r["column_label"] == "EM/F1"]
        assert pairs[:2] == [(0, 71.2, None), (1, 80.1, None)]
    table = {
        "id": "T",
        "caption": "Precision and recall.",
        "rows": [_row([_cell("Model"), _cell("P/R")], header=True), _row([_cell("A"), _cell("12/20")])],
    }
    assert [(r["value"], r["total"]) for r in table_metrics(table, "x", None)] == [(12.0, None), (20.0, None)]


def test_tex_row_labels_are_text() -> None:
    for rows in _latexml_rows("g", "L71").values():
        assert [r["row_label"] for r in rows[::2]] == ["tanh", "ReLU", "σ(x)", "J_0"]


def test_groups_end_at_summary_rows_and_spacers() -> None:
    for rows in _latexml_rows("g", "L72").values():
        labels = [r["row_label"] for r in rows[::2]]
        assert labels == [
            "MMLU / Llama",
            "MMLU / Mistral",
            "Mean",
            "GSM8K / Llama",
            "GSM8K / Mistral",
            "Avg.",
            "Human",
        ]
    # LaTeXML drops empty rows, so a spacer row is tested on a hand-built grid
    table = {
        "id": "T",
        "caption": "Accuracy.",
        "rows": [
            _row([_cell("Model"), _cell("Acc")], header=True),
            _row([_cell("MMLU", colspan=2)]),
            _row([_cell("A"), _cell("61.0")]),
            _row([_cell(""), _cell("")]),
            _row([_cell("B"), _cell("62.0")]),
        ],
    }
    assert [r["row_label"] for r in table_metrics(table, "x", None)] == ["MMLU / A", "B"]


def test_identifier_and_coordinate_columns_are_labels() -> None:
    for rows in _latexml_rows("g", "L73").values():
        assert {r["column_label"] for r in rows} == {"G", "d"}
        assert rows[0]["row_label"] == "4295806720123456789 / 09:34:09.21 / +12:34:56.7"
        assert [r["unit"] for r in rows[:2]] == ["mag", "kpc"]  # from the units row


@pytest.mark.parametrize(
    ("part", "tag", "units"),
    [
        ("g", "L75", ["tok/s", "ms", "GB", "%"]),  # Tok/s (↑), Latency (ms), Memory [GB], Acc. (%)
        ("g", "L74", ["km/s", "km/s", "kpc", "Myr"]),  # a units row under the header
        ("g", "L76", ["tok/s", "tok/s", "tok/s"]),  # the caption: "throughput in tok/s"
        ("g", "L77", ["%", "%", "h"]),  # "All accuracies are in %", and Time (h) keeps its own
        ("a", "L01", [None, None, None]),  # no unit written anywhere: none guessed
    ],
)
def test_units_from_headers_units_rows_and_captions(part: str, tag: str, units: list) -> None:
    for rows in _latexml_rows(part, tag).values():
        assert [r["unit"] for r in rows[: len(units)]] == units


def test_units_of_labels_and_captions() -> None:
    from scraper.derive.metrics.units import caption_unit, label_unit

    assert label_unit("Tok/s (↑)") == "tok/s" and label_unit("Frame rate (fps)") == "FPS"
    assert label_unit("(B)") is None and label_unit("Params (B)") == "B" and label_unit("Min") is None
    assert caption_unit("Times are in seconds.") == "s"
    assert caption_unit("Accuracy (%) and latency (ms) of the models.") is None  # two columns' units
    assert caption_unit("Results on GSM8K (%).") == "%"
    assert caption_unit("Results in the main setting.") is None


def test_the_cli_shows_table_kind() -> None:
    """`hfpapers-parse FILE --table metrics` prints each row's table_kind."""
    import json
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "scraper.use.parse_answer", str(ATTENTION), "--table", "metrics"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows and {r["table_kind"] for r in rows} == {"results"}
    assert {"spread_plus", "spread_minus", "total"} <= set(rows[0])


# Issue 18, round 2: the idioms of the pages scored as hold-out in round 1 (part I of the corpus)


@pytest.mark.parametrize("shape", ["guess", "noguess"])
def test_transposed_table_keys_rows_above_the_rule(shape: str) -> None:
    """L86 (as 2401.00418): rows n and d above the first full-width rule name the columns; the
    first column names the rows; n = 12 twice is told apart by d."""
    (rows,) = [table_metrics(_latexml_table(f"tables_i.{shape}.html", "L86"), "gold", None)]
    assert {r["row_index"] for r in rows} == {2, 3, 4}
    by = {(r["row_label"], r["column_label"]): r["value"] for r in rows}
    assert by[("#w=1", "12 / 4")] == 11 and by[("#w=1", "12 / 5")] == 3
    assert by[("#", "15 / 6")] == 28  # "\geq 28": the bound is the value


@pytest.mark.parametrize("shape", ["guess", "noguess"])
def test_keys_under_a_spanning_header_and_a_lone_arrow(shape: str) -> None:
    """L87 and L88 (as 2604.15597): a row of whole numbers in order under a header spanning them
    is header; a lone arrow is kept as a level; a leading % names the unit."""
    rows = table_metrics(_latexml_table(f"tables_i.{shape}.html", "L87"), "gold", None)
    by = {(r["row_label"], r["column_label"]): r for r in rows}
    assert by[("Alpha-7B", "Rounds of editing r / → / 20")]["value"] == 70.1
    assert by[("Beta-13B", "% Failed")]["unit"] == "%"
    assert by[("Beta-13B", "Rounds of editing r / 1")]["unit"] is None
    rows = table_metrics(_latexml_table(f"tables_i.{shape}.html", "L88"), "gold", None)
    assert {r["row_label"] for r in rows} == {"↑ / one", "two", "↓ / four"}
    assert {r["column_label"] for r in rows} == {f"Context length (K tokens) / {k}" for k in (4, 8, 16, 32)}


def test_a_data_row_under_a_rule_is_no_header() -> None:
    """Values above no rule, or not in order, are results, whatever the converter flagged."""
    table = {
        "rows": [
            _row(
                [_cell("Model", borders="t"), _cell("A", borders="t"), _cell("B", borders="t")], header=True
            ),
            _row(
                [_cell("X", borders="t"), _cell("31.5", borders="t"), _cell("0.947", borders="t")],
                header=True,
            ),
            _row([_cell("Y"), _cell("33.1"), _cell("0.961")]),
        ]
    }
    rows = table_metrics(table, "x", None)
    assert [(r["row_label"], r["column_label"], r["value"]) for r in rows][:2] == [
        ("X", "A", 31.5),
        ("X", "B", 0.947),
    ]
    keys = {
        "rows": [
            _row([_cell("n"), _cell("8"), _cell("9"), _cell("9")]),
            _row([_cell("d"), _cell("2"), _cell("3"), _cell("4")]),
            _row(
                [
                    _cell("#", borders="t"),
                    _cell("5", borders="t"),
                    _cell("7", borders="t"),
                    _cell("1", borders="t"),
                ]
            ),
        ]
    }
    assert [r["column_label"] for r in table_metrics(keys, "x", None)] == ["8 / 2", "9 / 3", "9 / 4"]
    unordered = {
        "rows": [
            {**keys["rows"][0], "cells": [_cell("n"), _cell("9"), _cell("8"), _cell("9")]},
            *keys["rows"][1:],
        ]
    }
    assert {r["row_index"] for r in table_metrics(unordered, "x", None)} == {0, 1, 2}  # no keys: values


@pytest.mark.parametrize("shape", ["guess", "noguess"])
def test_powers_of_ten_with_errors_and_units_in_brackets(shape: str) -> None:
    """L89 (as 2601.13621): errors on the mantissa scale with it, errors on the exponent stay as
    written (dex); units in square brackets, a compound unit, Boltzmann's k."""
    rows = table_metrics(_latexml_table(f"tables_i.{shape}.html", "L89"), "gold", None)
    by = {(r["row_label"], r["column_label"]): r for r in rows}
    mass = by[("A", "Mass [M_⊙]")]
    assert (mass["value"], mass["spread_plus"], mass["spread_minus"], mass["unit"]) == (
        3.1e12,
        4e11,
        2e11,
        "M_⊙",
    )
    energy = by[("A", "Energy density [erg cm^-3]")]
    assert (energy["value"], energy["spread_plus"], energy["spread_minus"]) == (2.5e-9, 0.3, 0.6)
    assert energy["unit"] == "erg cm^-3" and energy["spread"] is None
    entropy = by[("B", "Entropy [k]")]
    assert (entropy["value"], entropy["spread"], entropy["unit"]) == (9.5e79, 1.5e79, "k")


def test_cells_of_round_two() -> None:
    """Citation marks, qualifiers, trailing dots, thin-space thousands, ± in parentheses,
    superscript marks, powers of two, fractions, a trailing +."""
    cases = {
        "10^{96} [6], 10^{97} [4][5]": [1e96, 1e97],
        "10^{87}{-}10^{89}[6]": [1e87],  # a range: value_high 1e89
        "85.3 [83, 87]": [85.3, 83.0],  # a value and its interval, not a citation
        "\\geq 411": [411.0],
        "<0.01": [0.01],
        "10,000+": [10000.0],
        "23._{-6.}^{+15.}": [23.0],
        "12\\,345": [12345.0],
        "12 345": [12345.0],
        "83.9 (\\pm 0.4)": [83.9],
        "86.1{}^{a}": [86.1],
        "85.3¹": [85.3],
        "2^{10}": [1024.0],
        "\\frac{1}{2}": [0.5],
        "12.3 \\textcolor{green}{(+1.2)}": [12.3, 1.2],
        "1B": [1.0],
        "p<0.05": [],
    }
    for text, values in cases.items():
        assert [v for v, _, _ in parse_cell_numbers(text)] == values, text
    assert parse_cell_numbers("83.9 (\\pm 0.4)")[0][2] == 0.4
    assert parse_cell_numbers("1B")[0][1] == "B"


def test_label_text_as_rendered() -> None:
    assert normalize_label("\\#w\\geq 2") == "#w≥2"
    assert (
        normalize_label("BBH mergers \\Delta S (5{-}\\sim 500~M_{\\odot})") == "BBH mergers ΔS (5-∼500 M_⊙)"
    )
    assert normalize_label("\\varnothing") == "∅" and normalize_label("\\tanh x") == "tanh x"


@pytest.mark.parametrize("shape", ["guess", "noguess"])
def test_v21_label_parts_and_dash_cells(shape: str) -> None:
    """GOLD_SPEC v2.1: equal parts of distinct cells stay (amendment 1), a dash cell is skipped
    (amendment 2); a footnote mark stays on its label (L93)."""
    rows = table_metrics(_latexml_table(f"tables_i.{shape}.html", "L94"), "gold", None)
    assert [r["row_label"] for r in rows] == [
        "Small / 0.7 / 0.7",
        "Small / 0.7 / 1.0 / top-p",
        "Large / 1.0 / 1.0",
    ]
    rows = table_metrics(_latexml_table(f"tables_i.{shape}.html", "L93"), "gold", None)
    assert {r["row_label"] for r in rows} == {"Closed-A¹", "Open-B"}
    assert [r["value"] for r in rows if r["column_label"] == "Latency (s)"] == [2.4, 0.9]


@pytest.mark.parametrize("shape", ["guess", "noguess"])
def test_kind_of_a_heat_map_and_of_a_feature_table(shape: str) -> None:
    """L97: a table of colours (empty cells) whose caption speaks of scores is `results`; L98, a
    ✓ feature table, is `other`."""
    assert table_kind_of(_latexml_table(f"tables_i.{shape}.html", "L97")) == "results"
    assert table_kind_of(_latexml_table(f"tables_i.{shape}.html", "L98")) == "other"


def test_a_sheet_of_settings_in_words_is_configuration() -> None:
    """Rule 5 of `kind`: more columns of settings in words than columns of values, with no outcome
    evidence, is `configuration` (shape of an encoder pool: name, paradigm, dimension, tuning,
    head); the same grid with a score column is `results`, and so is a table of two numbers."""
    header = _row([_cell(t) for t in ("Encoder", "Paradigm", "d", "Tune", "Head")], header=True)
    body = [
        _row([_cell(a), _cell(b), _cell(d), _cell(t), _cell(h)])
        for a, b, d, t, h in (
            ("Enc-A", "Contrastive", "1024", "LN", "MLP-512"),
            ("Enc-B", "Supervised", "1536", "F", "Linear"),
            ("Enc-C", "Contrastive", "512", "LN", "MLP-256"),
        )
    ]
    pool = {"id": "T1", "label": None, "caption": "The encoder pool.", "rows": [header, *body]}
    assert table_kind_of(pool) == "configuration"
    scored = {**pool, "rows": [_row([*header["cells"], _cell("Acc")], header=True)]}
    scored["rows"] += [_row([*r["cells"], _cell("81.2")]) for r in body]
    assert table_kind_of(scored) == "results"
    two = {**pool, "rows": [_row([_cell("Model"), _cell("A"), _cell("B")], header=True)]}
    two["rows"] += [
        _row([_cell("x"), _cell("1.5"), _cell("2.5")]),
        _row([_cell("y"), _cell("3"), _cell("4")]),
    ]
    assert table_kind_of(two) == "results"
