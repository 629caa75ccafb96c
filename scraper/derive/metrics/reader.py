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

import functools
import re
from typing import Any

from . import rules
from .cells import CellItem, tex_marks_best
from .grid import _COL, _EMPHASIS, _ITEMS, _RECORD, _ROW, _SPAN, EMPHASIS, SPREAD, VALUE, Grid
from .kind import table_kind
from .text import normalize_cell_text
from .units import LABEL_SEP, caption_unit, label_unit

_DIRECTION_WORDS = ("better", "higher", "lower", "↑", "↓", "uparrow", "downarrow")
_HIGHER = re.compile(r"higher\s+(?:is\s+)?better|\(higher\)")
_LOWER = re.compile(r"lower\s+(?:is\s+)?better|\(lower\)")


@functools.lru_cache(maxsize=4096)
def _direction(text: str | None) -> str | None:
    if not text:
        return None
    t = text.lower()
    up = "↑" in text or ("higher" in t and _HIGHER.search(t))
    down = "↓" in text or ("lower" in t and _LOWER.search(t))
    if up and not down:
        return "higher"
    if down and not up:
        return "lower"
    return None


# What normalize_cell_text may turn into an arrow or into "higher is better" (TeX, braces,
# scripts, math, a zero-width space inside a word); a caption without any reads the same as is.
_TEX_MARKS = ("\\", "{", "}", "_", "^", "$", "\u200b")


@functools.lru_cache(maxsize=1024)
def _caption_direction(caption: str | None) -> str | None:
    if not caption or not any(word in caption for word in _DIRECTION_WORDS):
        return None
    c = normalize_cell_text(caption) if any(m in caption for m in _TEX_MARKS) else caption
    if "↑" in c or "↓" in c:  # an arrow legend: applies per column, not to the whole table
        return None
    return _direction(c)


def _kind_of(grid: Grid, header: rules.Header, caption: str | None) -> str:
    header_texts = [grid.label(r, c) for r in header.rows for c, _ in grid.texts(r)]
    rows = set(header.rows)
    body = [r for r in range(grid.n_rows) if r not in rows]
    marks = 0
    for r in body:
        marks |= grid.marks[r]
    has_values, has_best, has_spread = bool(marks & VALUE), bool(marks & EMPHASIS), bool(marks & SPREAD)
    blank = False
    if not has_values and body and grid.n_cols > 1:
        filled = sum(1 for r in body for c, _ in grid.texts(r) if c > 0)
        blank = 2 * filled < len(body) * (grid.n_cols - 1)
    return table_kind(
        caption,
        header_texts,
        lambda: [grid.label(r, 0) for r in body if grid.text(r, 0)],
        has_values=has_values,
        has_best=has_best,
        has_spread=has_spread,
        blank_body=blank,
        text_columns=lambda: _text_columns(grid, body) if has_values else 0,
    )


def _text_columns(grid: Grid, body: list[int]) -> int:
    """Columns after the first whose body cells are mostly words, not values, against the columns
    that hold values: positive when words outnumber them (a sheet of settings such as `Tune: LN`,
    `Head: MLP-512` beside one `d` column), else 0."""
    text: dict[int, int] = {}
    values: dict[int, int] = {}
    for r in body:
        value_cols = grid.value_columns(r)  # a few columns: a list is searched faster than a set built
        for c, _ in grid.texts(r):
            if c == 0:
                continue
            if c in value_cols:
                values[c] = values.get(c, 0) + 1
            else:
                text[c] = text.get(c, 0) + 1
    words = sum(1 for c, n in text.items() if n > values.get(c, 0) and 2 * n >= len(body))
    numbers = sum(1 for c, n in values.items() if n >= text.get(c, 0))
    return words if words >= 2 and words > numbers else 0


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
    if not grid.n_rows or grid.n_cols < 2 or not grid.values_from(0):
        return []  # no value past the first column: a text table gives no rows (and needs no kind)
    caption = table.get("caption")
    header = rules.header_block(grid)
    kind = _kind_of(grid, header, caption)
    paths = rules.column_paths(grid, header)
    labels = rules.label_columns(grid, header, kind, paths)
    label_set = set(labels)
    header_rows = set(header.rows)
    body = [r for r in range(grid.n_rows) if r not in header_rows]
    row_label_of = rules.row_labels(grid, body, labels)
    col_labels = [LABEL_SEP.join(p) or None for p in paths]
    units_by_row = [u for _, u in sorted(header.units.items())]
    table_unit = caption_unit(caption) if caption else None
    table_id, table_label = table.get("id"), table.get("label")
    caption_dir = _caption_direction(caption)
    columns: dict[tuple[int, int], tuple[str | None, bool, str | None, str | None]] = {}

    def column(c: int, span: int) -> tuple[str | None, bool, str | None, str | None]:
        """(label, holds pairs, direction, unit) of the value column(s) c … c+span-1."""
        found = columns.get((c, span))
        if found is None:
            # A cell spanning columns gives one row, labelled with every column it covers
            label = rules.spanned_label(paths[c : c + span]) if span > 1 else col_labels[c]
            unit = label_unit(label) or next((u[c] for u in units_by_row if u[c]), None)
            found = columns[(c, span)] = (label, rules.is_pair_header(label), _direction(label), unit)
        return found

    # Every row of the table, in the METRICS column order; the columns after `caption` are each
    # value's own, filled in below
    table_row: dict[str, Any] = {
        "arxiv_id": arxiv_id,
        "version": version,
        "table_id": table_id,
        "table_label": table_label,
        "table_kind": kind,
        "caption": caption,
        "row_index": None,
        "col_index": None,
        "value_index": None,
        "row_label": None,
        "column_label": None,
        "raw_text": None,
        "value": None,
        "value_high": None,
        "unit": None,
        "spread": None,
        "spread_plus": None,
        "spread_minus": None,
        "total": None,
        "is_best": None,
        "direction": None,
    }
    out: list[dict[str, Any]] = []
    for r in body:
        cols = [c for c in grid.value_columns(r) if c not in label_set]
        if not cols or r not in row_label_of:
            continue  # group, spacer and text rows give no values
        row_label = row_label_of[r]
        row_unit: str | None | bool = False  # worked out when a value has no unit of its own
        row_dir = _direction(row_label) or caption_dir
        line = grid.slots[r]
        items: tuple[CellItem, ...]
        cell: dict
        for c in cols:
            # grid.items / grid.cell / grid.colspan of slot (r, c), read at once
            placed = line[c]
            if placed is None:
                items, cell, span, emphasis = (), {}, 1, False
            else:
                items = placed[_ITEMS] if placed[_ROW] == r and placed[_COL] == c else ()
                cell, span, emphasis = placed[_RECORD] or {}, placed[_SPAN], placed[_EMPHASIS]
            col_label, pairs, col_dir, col_unit = column(c, span)
            if pairs:
                items = _split_pairs(items)
            if col_unit is None and row_unit is False:
                row_unit = label_unit(row_label, False) or table_unit  # bare_percent=False
            fallback = col_unit or row_unit or None
            raw = cell.get("text")
            best = emphasis or tex_marks_best(raw)
            direction = col_dir or row_dir
            for i, (value, unit, spread, high, spread_plus, spread_minus, total) in enumerate(items):
                # a copy of the table's row, then its value's columns: copying a dict clones its
                # key table at once, where a 21-key literal would insert every key again
                row = table_row.copy()
                row["row_index"] = r
                row["col_index"] = c
                row["value_index"] = i
                row["row_label"] = row_label
                row["column_label"] = col_label
                row["raw_text"] = raw
                row["value"] = value
                row["value_high"] = high
                row["unit"] = unit or fallback
                row["spread"] = spread
                row["spread_plus"] = spread_plus
                row["spread_minus"] = spread_minus
                row["total"] = total
                row["is_best"] = best
                row["direction"] = direction
                out.append(row)
    return out


def tables_metrics(tables: list[dict], arxiv_id: str, version: int | None) -> list[dict[str, Any]]:
    """`table_metrics` over all tables of a paper."""
    out: list[dict[str, Any]] = []
    for t in tables:
        out.extend(table_metrics(t, arxiv_id, version))
    return out
