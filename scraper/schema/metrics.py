"""Schema of `metrics`: the numbers of arXiv HTML results tables, long format.

One row per number found in a table cell (a cell such as ``1008 (17.07%)`` or ``0.97 / 0.09`` gives
two rows, told apart by `value_index`). Filled by `scraper.derive.metrics`; the common columns are
added by the pipeline. The sentences' numbers are `claims` (scraper/schema/claims.py).
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import CRAWLER, DERIVED, HTML, Table, column

#: Values of `metrics.direction` (null when the table does not say).
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
#: Values of `metrics.table_kind` (how it is decided: docs/results.md, `scraper.derive.metrics.kind`).
TABLE_KINDS: tuple[str, ...] = ("results", "configuration", "data", "other")

METRICS_TABLE = Table(
    "metrics",
    doc="One row per result in a cell of an arXiv HTML table (long format); `table_kind` tells results "
    "from configuration and data tables.",
    columns=[
        column("arxiv_id", pa.string(), "arXiv identifier without version.", CRAWLER, nullable=False),
        column("version", pa.int16(), "Paper version the table was read from.", HTML),
        column(
            "table_id",
            pa.string(),
            "LaTeXML id of the table, e.g. `S3.T2` (`S3.T2#2` for a second tabular).",
            HTML,
        ),
        column("table_label", pa.string(), "Printed label, e.g. `Table 2`.", HTML),
        column(
            "table_kind",
            pa.string(),
            "What the table holds: `results` (measured outcomes: scores, errors, speeds, ablations, "
            "comparisons, fitted quantities), `configuration` (settings chosen by the authors: "
            "hyperparameters, architecture sizes, training or encoding settings), `data` (statistics of "
            "datasets or inputs, catalogues) or `other` (anything else, or a kind that cannot be told). "
            "Decided from the caption, the header words and the cells; filter on `results` for results.",
            DERIVED,
        ),
        column(
            "caption",
            pa.string(),
            "Table caption. Null when the paper's licence does not allow redistribution.",
            HTML,
        ),
        column("row_index", pa.int32(), "Row of the cell within the table (header rows included).", HTML),
        column("col_index", pa.int32(), "Logical grid column of the cell (spans expanded).", HTML),
        column(
            "value_index",
            pa.int16(),
            "n-th result of the cell (`1008 (17.07%)` gives 0 and 1; `9.9^{+0.3}_{-0.2}`, `[0.2, 0.3]` and "
            "`8/8` are one result each).",
            DERIVED,
        ),
        column(
            "row_label",
            pa.string(),
            "The texts of the row's label columns left to right, joined with ` / ` (`80% / 10% / 10%`, "
            "`Uniform / 8`), after the label of its group row (`Zero-shot / T5-XL`); empty and dash cells "
            "skipped. Label columns name the row: names, numeric settings (`Frames`, `#L`), identifiers and "
            "coordinates. TeX as text (`tanh`, `J_0`).",
            DERIVED,
        ),
        column(
            "column_label",
            pa.string(),
            "Header texts above the column, top level first, joined with ` / ` (`Dev Set Results / MNLI / "
            "Fine-tune`), whatever tag the header cells have; a units row is not part of it. A value "
            "spanning columns gives one row labelled with their shared levels, then their own joined with ` "
            "| ` (`Training Cost (FLOPs) / EN-DE | EN-FR`).",
            DERIVED,
        ),
        column("raw_text", pa.string(), "The cell text as extracted (math as TeX).", HTML),
        column(
            "value",
            pa.float64(),
            "The result; for a range or interval (`54.4–73`, `[0.208, 0.324]`) its low end; for a count "
            "`k/n` its k. TeX is read: `2.3\\cdot 10^{19}` is 2.3e19.",
            DERIVED,
        ),
        column(
            "value_high",
            pa.float64(),
            "High end of a range or interval (`54.4–73` gives `value` 54.4, `value_high` 73, one row; "
            "`[0.208, 0.324]` likewise); null for a single number.",
            DERIVED,
        ),
        column(
            "unit",
            pa.string(),
            "`%`, `×`, `s`, `ms`, `GB`, `M`, `B`, `K`, `tok/s`, `km/s`, … from the cell, else the column "
            "header (`Latency (ms)`, `Memory [GB]`, `Tok/s (↑)`, `params ×10^6` -> `M`), else a units row "
            "under the header, else the row label (`Params (B)`), else a unit the caption names for the "
            "whole table (`throughput in tok/s`); null when none is written (never guessed).",
            DERIVED,
        ),
        column("spread", pa.float64(), "The symmetric `±` part (`0.14 ± 0.01`), null otherwise.", DERIVED),
        column(
            "spread_plus",
            pa.float64(),
            "Upper error: `a` of an asymmetric error `9.9^{+a}_{-b}` (scaled with a mantissa: "
            "`1.2^{+1.3}_{-0.5}\\times 10^{12}` gives 1.3e12; on an exponent it is kept as written, in dex), "
            "or the spread of a symmetric `±`; null when the value has no error.",
            DERIVED,
        ),
        column(
            "spread_minus",
            pa.float64(),
            "Lower error: `b` of `9.9^{+a}_{-b}` (a positive number), or the spread of a symmetric `±`; "
            "null when the value has no error.",
            DERIVED,
        ),
        column(
            "total",
            pa.float64(),
            "n of a count `k/n` (`45/50` gives `value` 45, `total` 50, one row); null otherwise. Under a "
            "header naming two results (`EM/F1`, `m/mm`, `P/R`) such a cell gives two rows instead.",
            DERIVED,
        ),
        column(
            "is_best",
            pa.bool_(),
            "The number is bold or underlined (how papers mark their best result), by markup or by TeX "
            "(`\\textbf{…}`, `\\underline{…}`).",
            HTML,
        ),
        column(
            "direction",
            pa.string(),
            "`higher` / `lower` is better when the table says (↑/↓), else null.",
            DERIVED,
        ),
    ],
    keys=("arxiv_id", "version", "table_id", "row_index", "col_index", "value_index"),
)
METRICS = METRICS_TABLE.schema
