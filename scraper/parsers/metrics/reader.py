"""`table_metrics`: one table record -> its `metrics` rows, by the rules of this package, in order:

1. `Grid` — the logical grid (spans expanded);
2. `rules.header_block` — the header rows, and the units row among them;
3. `kind.table_kind` — results / configuration / data / other;
4. `rules.label_columns` — the columns that name the row;
5. `rules.column_paths` and `rules.row_labels` — the labels of each value (groups included);
6. `cells` — the items of each value cell (one per result), split in two when the header says
   the cell holds two results (`rules.is_pair_header`);
7. `units` — each item's unit: cell, header, units row, row label, caption.
"""

from __future__ import annotations

import re
from typing import Any

from . import rules
from .cells import CellItem, tex_marks_best
from .grid import Grid
from .kind import table_kind
from .text import normalize_cell_text
from .units import LABEL_SEP, caption_unit, label_unit


def _direction(text: str | None) -> str | None:
    if not text:
        return None
    t = text.lower()
    up = "↑" in text or re.search(r"higher\s+(?:is\s+)?better|\(higher\)", t)
    down = "↓" in text or re.search(r"lower\s+(?:is\s+)?better|\(lower\)", t)
    if up and not down:
        return "higher"
    if down and not up:
        return "lower"
    return None


def _caption_direction(caption: str | None) -> str | None:
    if not caption:
        return None
    c = normalize_cell_text(caption)
    if "↑" in c or "↓" in c:  # an arrow legend: applies per column, not to the whole table
        return None
    return _direction(c)


def _kind_of(grid: Grid, header: rules.Header, caption: str | None) -> str:
    header_texts = [grid.label(r, c) for r in header.rows for c, _ in grid.texts(r)]
    rows = set(header.rows)
    body = [r for r in range(grid.n_rows) if r not in rows]
    row_texts = [grid.label(r, 0) for r in body if grid.text(r, 0)]
    has_values = has_best = has_spread = False
    for r in body:
        for c in range(1, grid.n_cols):
            items = grid.items(r, c)
            if not items:
                continue
            has_values = True
            cell = grid.cell(r, c) or {}
            if cell.get("bold") or cell.get("underline"):
                has_best = True
            if any(i.spread is not None or i.spread_plus is not None for i in items):
                has_spread = True
    return table_kind(
        caption, header_texts, row_texts, has_values=has_values, has_best=has_best, has_spread=has_spread
    )


def table_kind_of(table: dict) -> str:
    """The `table_kind` of one table record (also for tables that give no `metrics` rows)."""
    grid = Grid(table)
    if not grid.n_rows or not grid.n_cols:
        return "other"
    return _kind_of(grid, rules.header_block(grid), table.get("caption"))


def _split_pairs(items: tuple[CellItem, ...]) -> tuple[CellItem, ...]:
    """A count k/n under a header naming two results (``EM/F1``) is two results, k and n."""
    out: list[CellItem] = []
    for it in items:
        if it.total is not None:
            out += [CellItem(it.value), CellItem(it.total)]
        else:
            out.append(it)
    return tuple(out)


def table_metrics(table: dict, arxiv_id: str, version: int | None) -> list[dict[str, Any]]:
    """One METRICS row (without the common columns) per result in the table's value cells."""
    grid = Grid(table)
    if not grid.n_rows or not grid.n_cols:
        return []
    caption = table.get("caption")
    header = rules.header_block(grid)
    kind = _kind_of(grid, header, caption)
    paths = rules.column_paths(grid, header)
    labels = rules.label_columns(grid, header, kind, paths)
    label_set = set(labels)
    value_cols = [c for c in range(grid.n_cols) if c not in label_set]
    header_rows = set(header.rows)
    body = [r for r in range(grid.n_rows) if r not in header_rows]
    row_label_of = rules.row_labels(grid, body, labels)
    col_labels = [LABEL_SEP.join(p) or None for p in paths]
    units_by_row = [u for _, u in sorted(header.units.items())]
    table_unit = caption_unit(caption) if caption else None
    caption_dir: str | None = None
    caption_read = False
    out: list[dict[str, Any]] = []
    for r in body:
        if r not in row_label_of or not any(grid.items(r, c) for c in value_cols):
            continue  # group, spacer and text rows give no values
        if not caption_read:
            caption_dir, caption_read = _caption_direction(caption), True
        row_label = row_label_of[r]
        row_unit = label_unit(row_label, bare_percent=False)
        for c in value_cols:
            items = grid.items(r, c)
            if not items:
                continue
            cell = grid.cell(r, c) or {}
            span = grid.colspan(r, c)
            # A cell spanning columns gives one row, labelled with every column it covers
            col_label = rules.spanned_label(paths[c : c + span]) if span > 1 else col_labels[c]
            if rules.is_pair_header(col_label):
                items = _split_pairs(items)
            direction = _direction(col_label) or _direction(row_label) or caption_dir
            fallback = (
                label_unit(col_label)
                or next((u[c] for u in units_by_row if u[c]), None)
                or row_unit
                or table_unit
            )
            raw = cell.get("text")
            best = bool(cell.get("bold") or cell.get("underline")) or tex_marks_best(raw)
            for i, item in enumerate(items):
                out.append(
                    {
                        "arxiv_id": arxiv_id,
                        "version": version,
                        "table_id": table.get("id"),
                        "table_label": table.get("label"),
                        "table_kind": kind,
                        "caption": caption,
                        "row_index": r,
                        "col_index": c,
                        "value_index": i,
                        "row_label": row_label,
                        "column_label": col_label,
                        "raw_text": raw,
                        "value": item.value,
                        "value_high": item.high,
                        "unit": item.unit or fallback,
                        "spread": item.spread,
                        "spread_plus": item.spread_plus,
                        "spread_minus": item.spread_minus,
                        "total": item.total,
                        "is_best": best,
                        "direction": direction,
                    }
                )
    return out


def tables_metrics(tables: list[dict], arxiv_id: str, version: int | None) -> list[dict[str, Any]]:
    """`table_metrics` over all tables of a paper."""
    out: list[dict[str, Any]] = []
    for t in tables:
        out.extend(table_metrics(t, arxiv_id, version))
    return out
