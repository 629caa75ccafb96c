"""Schemas of the two results tables: `metrics` (numeric table cells) and `claims` (sentences).

`metrics` is long format: one row per number found in an arXiv HTML table cell (a cell such as
``1008 (17.07%)`` or ``0.97 / 0.09`` gives two rows, told apart by `value_index`). `claims` holds
one row per quantitative result stated in an abstract or conclusion sentence. Both are filled by
`scraper.parsers.metrics` / `scraper.parsers.claims`; the common columns are added by the pipeline.
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import table_schema

#: Values of `claims.kind`.
CLAIM_KINDS: tuple[str, ...] = ("speedup", "reduction", "improvement", "absolute", "relative")
#: Values of `metrics.direction` (null when the table does not say).
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
#: Values of `claims.source_section`.
CLAIM_SECTIONS: tuple[str, ...] = ("abstract", "conclusion")

METRICS = table_schema(
    [
        pa.field("arxiv_id", pa.string(), nullable=False),
        pa.field("version", pa.int16()),
        pa.field("table_id", pa.string()),  # LaTeXML figure id, e.g. "S3.T2" ("S3.T2#2" for panels)
        pa.field("table_label", pa.string()),  # "Table 2"
        pa.field("caption", pa.string()),
        pa.field("row_index", pa.int32()),  # index into the table's rows (header rows included)
        pa.field("col_index", pa.int32()),  # logical grid column (colspans/rowspans expanded)
        pa.field("value_index", pa.int16()),  # n-th number of the cell, 0 for single-number cells
        pa.field("row_label", pa.string()),  # leading label column(s) joined with " / "
        pa.field("column_label", pa.string()),  # header levels joined with " / "
        pa.field("raw_text", pa.string()),  # the cell text as extracted (math as TeX)
        pa.field("value", pa.float64()),  # the number; for a range ("54.4–73") its low end
        pa.field("value_high", pa.float64()),  # a range's high end; null for a single number
        pa.field("unit", pa.string()),  # "%", "×", "s", "ms", "GB", "M", "B", "K", … or null
        pa.field("spread", pa.float64()),  # the ± part, null when absent
        pa.field("is_best", pa.bool_()),  # bold or underlined number
        pa.field("direction", pa.string()),  # "higher" | "lower" | null
    ],
    doc="One row per number in an arXiv HTML results table cell (long format).",
)

CLAIMS = table_schema(
    [
        pa.field("arxiv_id", pa.string(), nullable=False),
        pa.field("source_section", pa.string()),  # "abstract" | "conclusion"
        pa.field("sentence_index", pa.int32()),  # position of the sentence within the section
        pa.field("sentence", pa.string()),
        pa.field("claim_text", pa.string()),  # the matched span
        pa.field("value", pa.float64()),  # the last number of the span (new value / upper end)
        pa.field("value_from", pa.float64()),  # "from A to B" / ranges: A
        pa.field("value_to", pa.float64()),  # "from A to B" / ranges: B
        pa.field("unit", pa.string()),  # "%", "×", "pt", "s", "ms", "FPS", "GB", "days", … or null
        pa.field("kind", pa.string()),  # one of CLAIM_KINDS
        pa.field("qualifier", pa.string()),  # "up to" | "over" | "about" | "less than" | null
    ],
    doc="One row per quantitative result stated in a paper's abstract or conclusion.",
)
