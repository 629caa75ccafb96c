"""`Grid`: a table record (see `scraper.parsers.arxiv_html.tables`) laid out as its logical grid,
spans expanded as in the HTML table model, with what the rules ask of a slot or a row (its text,
its label, its result items, whether a row is a group row) worked out once."""

from __future__ import annotations

from .cells import CellItem, parse_cell_items
from .text import normalize_label

# No real table is this wide; a bogus colspan (the schema allows up to 2^31) must not make the grid
# take all memory. Cells past this many logical columns are left out of the grid.
MAX_COLUMNS = 1000

_NO_ITEMS: tuple[CellItem, ...] = ()


def _span(value: object) -> int:
    try:
        return max(1, int(value or 1))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 1


class Grid:
    """The logical grid of one table record.

    ``slots[r][c]`` = (row, index in that row) of the cell covering slot (r, c), or None for an
    empty slot. Everything below is derived from the record alone and cached per slot or row.
    """

    __slots__ = ("table", "rows", "n_rows", "n_cols", "slots", "_items", "_group", "_texts")

    def __init__(self, table: dict) -> None:
        self.table = table
        rows: list[dict] = [r for r in (table.get("rows") or []) if isinstance(r, dict)]
        self.rows = rows
        self.n_rows = len(rows)
        slots: list[list[tuple[int, int] | None]] = [[] for _ in rows]
        for r, row in enumerate(rows):
            c = 0
            for k, cell in enumerate(row.get("cells") or []):
                line = slots[r]
                while c < len(line) and line[c] is not None:
                    c += 1
                if c >= MAX_COLUMNS:
                    break
                span_c = min(_span(cell.get("colspan")), MAX_COLUMNS - c)
                span_r = _span(cell.get("rowspan"))
                for rr in range(r, min(len(rows), r + span_r)):
                    target = slots[rr]
                    if len(target) < c + span_c:
                        target.extend([None] * (c + span_c - len(target)))
                    for cc in range(c, c + span_c):
                        target[cc] = (r, k)
                c += span_c
        self.n_cols = max((len(line) for line in slots), default=0)
        for line in slots:
            if len(line) < self.n_cols:
                line.extend([None] * (self.n_cols - len(line)))
        self.slots = slots
        self._items: dict[tuple[int, int], tuple[CellItem, ...]] = {}
        self._group: dict[int, bool] = {}
        self._texts: dict[int, list[tuple[int, str]]] = {}

    # ----------------------------------------------------------------------------- slots

    def cell(self, r: int, c: int) -> dict | None:
        ref = self.slots[r][c]
        return None if ref is None else self.rows[ref[0]]["cells"][ref[1]]

    def is_origin(self, r: int, c: int) -> bool:
        """Slot (r, c) is the top-left slot of the cell covering it."""
        ref = self.slots[r][c]
        return ref is not None and ref[0] == r and (c == 0 or self.slots[r][c - 1] != ref)

    def text(self, r: int, c: int) -> str:
        """Raw text (math as TeX) of the cell covering slot (r, c), '' for none."""
        cell = self.cell(r, c)
        return ((cell.get("text") or "") if cell else "").strip()

    def label(self, r: int, c: int) -> str:
        """Plain text of the cell covering slot (r, c), as a label (`normalize_label`)."""
        t = self.text(r, c)
        return normalize_label(t) if t else ""

    def colspan(self, r: int, c: int) -> int:
        """Columns the cell at slot (r, c) covers from c on (within the grid)."""
        ref = self.slots[r][c]
        n = 1
        while c + n < self.n_cols and self.slots[r][c + n] == ref:
            n += 1
        return n

    def items(self, r: int, c: int) -> tuple[CellItem, ...]:
        """Result items of the cell whose top-left slot is (r, c); () elsewhere."""
        key = (r, c)
        found = self._items.get(key)
        if found is None:
            if self.is_origin(r, c):
                cell = self.rows[r]["cells"][self.slots[r][c][1]]  # type: ignore[index]
                text = cell.get("text") or ""
                found = parse_cell_items(text) if isinstance(text, str) else _NO_ITEMS
            else:
                found = _NO_ITEMS
            self._items[key] = found
        return found

    # ------------------------------------------------------------------------------ rows

    def texts(self, r: int) -> list[tuple[int, str]]:
        """(column, raw text) of the non-empty cells that start in row r."""
        found = self._texts.get(r)
        if found is None:
            found = self._texts[r] = [
                (c, t) for c in range(self.n_cols) if self.is_origin(r, c) and (t := self.text(r, c))
            ]
        return found

    def is_empty(self, r: int) -> bool:
        """A spacer row: no cell starting in it shows text (cells spanning down into it from above
        do not count)."""
        return not self.texts(r)

    def is_group_row(self, r: int) -> bool:
        """A row whose only text is its first cell (often spanning the table): "Zero-shot"."""
        found = self._group.get(r)
        if found is None:
            texts = self.texts(r)
            found = self._group[r] = (
                self.n_cols > 1 and len(texts) == 1 and texts[0][0] == 0 and not self.items(r, 0)
            )
        return found

    def has_values(self, r: int, start: int = 0) -> bool:
        """Some cell starting in row r at column >= start holds result items."""
        return any(self.items(r, c) for c in range(start, self.n_cols))
