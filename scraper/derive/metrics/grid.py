"""`Grid`: a table record (see `scraper.parse.arxiv_html.tables`) laid out as its logical grid,
spans expanded as in the HTML table model, with what the rules ask of a slot or a row (its text,
its label, its result items, whether a row is a group row) worked out once, in one pass."""

from __future__ import annotations

from .cells import CellItem, parse_cell_items
from .text import normalize_label

# No real table is this wide; a bogus colspan (the schema allows up to 2^31) must not make the grid
# take all memory. Cells past this many logical columns are left out of the grid.
MAX_COLUMNS = 1000

_NO_ITEMS: tuple[CellItem, ...] = ()

# Grid.marks[r]: what the cells past the first column of row r hold, as bits
VALUE, EMPHASIS, SPREAD = 1, 2, 4

# A placed cell, shared by every slot it covers:
# [row, column, record, text, items, label, colspan, emphasis]; emphasis (bold or underlined) is
# read once, for the value cells past the first column (what the kind, the label columns and the
# reader ask), and False for any other cell.
_ROW, _COL, _RECORD, _TEXT, _ITEMS, _LABEL, _SPAN, _EMPHASIS = range(8)


def _span(value: object) -> int:
    if value is None or value == 1:
        return 1
    try:
        return max(1, int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 1


class Grid:
    """The logical grid of one table record.

    ``slots[r][c]`` is the placed cell covering slot (r, c) (one list object per cell, shared by
    every slot it covers), or None for an empty slot. Everything below is derived from the record
    alone.
    """

    __slots__ = ("table", "rows", "n_rows", "n_cols", "slots", "_texts", "_values", "marks", "_group")

    def __init__(self, table: dict) -> None:
        self.table = table
        rows: list[dict] = [r for r in (table.get("rows") or []) if isinstance(r, dict)]
        self.rows = rows
        n = self.n_rows = len(rows)
        slots: list[list[list | None]] = [[] for _ in rows]
        texts: list[list[tuple[int, str]]] = [[] for _ in rows]
        values: list[list[int]] = [[] for _ in rows]
        marks = [0] * n
        parse = parse_cell_items
        for r, row in enumerate(rows):
            line = slots[r]
            row_texts = texts[r]
            row_values = values[r]
            c = 0
            for cell in row.get("cells") or ():
                while c < len(line) and line[c] is not None:  # taken by a cell spanning down
                    c += 1
                if c >= MAX_COLUMNS:
                    break
                text = cell.get("text")
                # strip() hands back the text itself when there is nothing to strip
                text = text.strip() if text.__class__ is str else ""
                items = parse(text) if text else _NO_ITEMS
                span_c = cell.get("colspan")
                span_r = cell.get("rowspan")
                # the common cell takes one slot at the end of its row: its spans need no reading
                common = (
                    (span_c == 1 or span_c is None) and (span_r == 1 or span_r is None) and c == len(line)
                )
                if common:
                    span_c = span_r = 1
                else:
                    span_c = 1 if span_c is None or span_c == 1 else min(_span(span_c), MAX_COLUMNS - c)
                    span_r = 1 if span_r is None or span_r == 1 else _span(span_r)
                # the label is worked out when first asked for (an empty cell's is known: "")
                placed = [r, c, cell, text, items, None if text else "", span_c, False]
                if common:
                    line.append(placed)
                else:
                    for rr in range(r, min(n, r + span_r)):
                        target = slots[rr]
                        if len(target) < c + span_c:
                            target.extend([None] * (c + span_c - len(target)))
                        for cc in range(c, c + span_c):
                            target[cc] = placed
                if text:
                    row_texts.append((c, text))
                    if items:
                        row_values.append(c)
                        if c > 0:  # what the table kind reads: values, emphasis, spreads
                            flags = VALUE
                            if cell.get("bold") or cell.get("underline"):
                                placed[_EMPHASIS] = True
                                flags |= EMPHASIS
                            for it in items:
                                if it.spread is not None or it.spread_plus is not None:
                                    flags |= SPREAD
                                    break
                            marks[r] |= flags
                c += span_c
        width = self.n_cols = max(map(len, slots), default=0)
        for line in slots:
            if len(line) < width:
                line.extend([None] * (width - len(line)))
        self.slots = slots
        self._texts = texts
        self._values = values
        self.marks = marks
        self._group: dict[int, bool] = {}

    # ----------------------------------------------------------------------------- slots

    def cell(self, r: int, c: int) -> dict | None:
        placed = self.slots[r][c]
        return None if placed is None else placed[_RECORD]

    def is_origin(self, r: int, c: int) -> bool:
        """Slot (r, c) is the top-left slot of the cell covering it."""
        placed = self.slots[r][c]
        return placed is not None and placed[_ROW] == r and placed[_COL] == c

    def same_cell(self, r: int, c: int, d: int) -> bool:
        """Slots (r, c) and (r, d) are covered by one cell."""
        a = self.slots[r][c]
        return a is not None and a is self.slots[r][d]

    def text(self, r: int, c: int) -> str:
        """Raw text (math as TeX) of the cell covering slot (r, c), '' for none."""
        placed = self.slots[r][c]
        return "" if placed is None else placed[_TEXT]

    def label(self, r: int, c: int) -> str:
        """Plain text of the cell covering slot (r, c), as a label (`normalize_label`)."""
        placed = self.slots[r][c]
        if placed is None:
            return ""
        found = placed[_LABEL]
        if found is None:
            found = placed[_LABEL] = normalize_label(placed[_TEXT])
        return found

    def colspan(self, r: int, c: int) -> int:
        """Columns the cell covering slot (r, c) spans from its first column."""
        placed = self.slots[r][c]
        return 1 if placed is None else placed[_SPAN]

    def emphasis(self, r: int, c: int) -> bool:
        """The value cell covering slot (r, c), past the first column, is bold or underlined."""
        placed = self.slots[r][c]
        return placed is not None and placed[_EMPHASIS]

    def items(self, r: int, c: int) -> tuple[CellItem, ...]:
        """Result items of the cell whose top-left slot is (r, c); () elsewhere."""
        placed = self.slots[r][c]
        if placed is None or placed[_ROW] != r or placed[_COL] != c:
            return _NO_ITEMS
        return placed[_ITEMS]

    # ------------------------------------------------------------------------------ rows

    def texts(self, r: int) -> list[tuple[int, str]]:
        """(column, raw text) of the non-empty cells that start in row r."""
        return self._texts[r]

    def value_columns(self, r: int) -> list[int]:
        """The columns where a cell starting in row r holds result items."""
        return self._values[r]

    def is_empty(self, r: int) -> bool:
        """A spacer row: no cell starting in it shows text (cells spanning down into it from above
        do not count)."""
        return not self._texts[r]

    def is_group_row(self, r: int) -> bool:
        """A row whose only text is its first cell (often spanning the table): "Zero-shot"."""
        found = self._group.get(r)
        if found is None:
            texts = self._texts[r]
            found = self._group[r] = (
                self.n_cols > 1 and len(texts) == 1 and texts[0][0] == 0 and not self._values[r]
            )
        return found

    def values_from(self, r: int) -> bool:
        """Some row from row r on holds values past the first column (`has_values(…, 1)`: a
        row's marks are set exactly then)."""
        return any(self.marks[r:])

    def has_values(self, r: int, start: int = 0) -> bool:
        """Some cell starting in row r at column >= start holds result items."""
        cols = self._values[r]
        return bool(cols) and cols[-1] >= start
