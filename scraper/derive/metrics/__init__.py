"""Table records -> long-format `metrics` rows (see `scraper.schema.metrics.METRICS`).

Input is one table record of `scraper.parse.arxiv_html.extract_tables` (cell text with math as
TeX). The reader (`reader.table_metrics`) applies the rules of this package in order; each rule
lives in one place, so an idiom is added there:

=================  ==========================================================================
module             rule
=================  ==========================================================================
`grid`             the logical grid of a table (spans expanded), with cached per-slot facts
`rules`            header block, label columns, column paths, row labels and groups, pair
                   headers (``EM/F1``)
`kind`             `table_kind`: results / configuration / data / other
`cells`            the cell grammar: which cells hold results, one item per result
`units`            a value's unit: cell, header, units row, row label, caption
`text`             TeX -> plain text, for cells and for labels
=================  ==========================================================================

The user documentation of every rule is docs/results.md.
"""

from __future__ import annotations

from .cells import CellItem, parse_cell_items, parse_cell_numbers, parse_number
from .grid import MAX_COLUMNS, Grid
from .reader import table_kind_of, table_metrics, tables_metrics
from .rules import SPAN_SEP
from .text import normalize_cell_text, normalize_label
from .units import LABEL_SEP, caption_unit, label_unit


def clear_caches() -> None:
    """Empty the caches of label and cell texts (they fill as papers are read; a benchmark of a
    cold paper starts from empty ones)."""
    from . import reader, rules, units

    for cached in (
        normalize_label, parse_cell_items, label_unit, caption_unit, rules.is_pair_header,
        reader._direction, reader._caption_direction, units._part_unit, rules.names_outcome,
    ):  # fmt: skip
        cached.cache_clear()


__all__ = [
    "LABEL_SEP",
    "MAX_COLUMNS",
    "SPAN_SEP",
    "CellItem",
    "Grid",
    "clear_caches",
    "normalize_cell_text",
    "normalize_label",
    "parse_cell_items",
    "parse_cell_numbers",
    "parse_number",
    "table_kind_of",
    "table_metrics",
    "tables_metrics",
]
