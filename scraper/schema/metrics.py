"""Schemas of the two results tables: `metrics` (numeric table cells) and `claims` (sentences).

`metrics` is long format: one row per number found in an arXiv HTML table cell (a cell such as
``1008 (17.07%)`` or ``0.97 / 0.09`` gives two rows, told apart by `value_index`). `claims` holds
one row per quantitative result stated in an abstract or conclusion sentence. Both are filled by
`scraper.parsers.metrics` / `scraper.parsers.claims`; the common columns are added by the pipeline.
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import CRAWLER, DERIVED, HTML, Table, column

#: Values of `claims.kind`.
CLAIM_KINDS: tuple[str, ...] = ("speedup", "reduction", "improvement", "absolute", "relative")
#: Values of `metrics.direction` (null when the table does not say).
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
#: Values of `claims.source_section`.
CLAIM_SECTIONS: tuple[str, ...] = ("abstract", "conclusion")

METRICS_TABLE = Table(
    "metrics",
    doc="One row per number in an arXiv HTML results table cell (long format).",
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
            "caption",
            pa.string(),
            "Table caption. Null when the paper's licence does not allow redistribution.",
            HTML,
        ),
        column("row_index", pa.int32(), "Row of the cell within the table (header rows included).", HTML),
        column("col_index", pa.int32(), "Logical grid column of the cell (spans expanded).", HTML),
        column(
            "value_index", pa.int16(), "n-th number of the cell (`1008 (17.07%)` gives 0 and 1).", DERIVED
        ),
        column("row_label", pa.string(), "Label column text(s) of the row, joined with ` / `.", DERIVED),
        column(
            "column_label",
            pa.string(),
            "Header texts above the column, top level first, joined with ` / ` (`BLEU / EN-DE`). A value "
            "spanning columns gives one row labelled with their shared levels, then their own joined with ` "
            "| ` (`Training Cost (FLOPs) / EN-DE | EN-FR`).",
            DERIVED,
        ),
        column("raw_text", pa.string(), "The cell text as extracted (math as TeX).", HTML),
        column(
            "value",
            pa.float64(),
            "The number; for a range (`54.4–73`, `~5–15`) its low end. TeX is read: `2.3\\cdot 10^{19}` is "
            "2.3e19.",
            DERIVED,
        ),
        column(
            "value_high",
            pa.float64(),
            "High end of a range (`54.4–73` gives `value` 54.4, `value_high` 73, one row); null for a single "
            "number.",
            DERIVED,
        ),
        column(
            "unit",
            pa.string(),
            "`%`, `×`, `s`, `ms`, `GB`, `M`, `B`, `K`, `FLOPs`, … from the cell, else from the column or row "
            "label (`Time (s)`, `params ×10^6` -> `M`), or null.",
            DERIVED,
        ),
        column("spread", pa.float64(), "The `±` part, null when absent.", DERIVED),
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

CLAIMS_TABLE = Table(
    "claims",
    doc="One row per quantitative result stated in a paper's abstract or conclusion.",
    columns=[
        column("arxiv_id", pa.string(), "arXiv identifier without version.", CRAWLER, nullable=False),
        column(
            "source_section", pa.string(), "`abstract` (HF summary) or `conclusion` (arXiv HTML).", DERIVED
        ),
        column("sentence_index", pa.int32(), "Position of the sentence within its section.", DERIVED),
        column(
            "sentence",
            pa.string(),
            "The sentence stating the result. Null for conclusion sentences of papers whose licence does not "
            "allow redistribution.",
            "HF summary or arXiv HTML",
        ),
        column("claim_text", pa.string(), "The matched span, e.g. `up to 3.2× faster`.", DERIVED),
        column(
            "value", pa.float64(), "Last number of the span (the new value / upper end of a range).", DERIVED
        ),
        column("value_from", pa.float64(), "`from A to B` and ranges: A.", DERIVED),
        column("value_to", pa.float64(), "`from A to B` and ranges: B.", DERIVED),
        column("unit", pa.string(), "`%`, `×`, `pt`, `s`, `ms`, `FPS`, `GB`, `days`, … or null.", DERIVED),
        column(
            "kind", pa.string(), "`speedup`, `reduction`, `improvement`, `absolute` or `relative`.", DERIVED
        ),
        column(
            "qualifier",
            pa.string(),
            "`up to`, `over`, `more than`, `at least`, `about` (also `~`, `≈`, `roughly`), `nearly`, `less "
            "than`, `only`, `just` or null.",
            DERIVED,
        ),
    ],
    keys=("arxiv_id", "source_section", "sentence_index", "claim_text", "value"),
)
CLAIMS = CLAIMS_TABLE.schema
