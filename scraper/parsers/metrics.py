"""Table cells -> long-format `metrics` rows (see `scraper.schema.metrics.METRICS`).

Input is one table record of `scraper.parsers.arxiv_html.extract_tables` (cell text with math as
TeX, e.g. ``0.14 \\pm 0.01``, ``10\\%``). Rules, in short:

* A cell is a metric cell when its whole text is numbers with optional units, ``±`` spreads,
  arrows, footnote marks and separators (``/``, ``|``, parentheses). ``1008 (17.07%)`` and
  ``0.97 / 0.09`` give one row per number (`value_index` 0, 1, …). Anything else (method names,
  ``GPT-4o-2024-05-13``, ``392xxx``, ``-``, sentences with numbers in them) is not a metric.
* Header rows: rows flagged ``is_header`` by the table parser; when none is flagged, the rows
  above the first row that holds a number outside the label column(s).
* Label columns: column 0, plus each following column that holds no number in any body row. The
  row label is their texts joined with `` / `` (a body row whose only text is in its first cell
  is a group row; its text prefixes the labels of the rows below it).
* Column label: the distinct header texts above the column, top level first, joined with ``/``.
* Unit: from the cell (``%``, ``×``, ``s``, ``ms``, ``GB``, ``M``/``B``/``K`` …), else from a
  unit in parentheses/brackets at the end of the column or row label (``Time (s)``, ``[%]``).
* `is_best`: the cell is bold or underlined. `direction`: ``↑``/``↓`` (or ``higher/lower is
  better``) in the column label, else the row label, else a single such phrase in the caption.
"""

from __future__ import annotations

import re
from typing import Any

LABEL_SEP = " / "

# ---------------------------------------------------------------------------------------------
# Cell text normalisation (TeX -> plain)

_TEX_DROP_ARG = re.compile(
    r"\\(?:cellcolor|rowcolor|columncolor|color|hspace|vspace|phantom|hphantom|vphantom)"
    r"(?:\[[^\]]*\])?\{[^{}]*\}"
)
_TEX_SYMBOLS = {
    r"\pm": "±",
    r"\mp": "±",
    r"\%": "%",
    r"\times": "×",
    r"\uparrow": "↑",
    r"\downarrow": "↓",
    r"\Uparrow": "↑",
    r"\Downarrow": "↓",
    r"\dagger": "†",
    r"\ddagger": "‡",
    r"\ast": "*",
    r"\star": "*",
    r"\approx": "~",
    r"\sim": "~",
    r"\textasciitilde": "~",
    r"\$": "$",
    r"\,": " ",
    r"\;": " ",
    r"\:": " ",
    r"\!": "",
    r"\ ": " ",
    r"\quad": " ",
    r"\qquad": " ",
    r"\infty": "∞",
}
_TEX_SYMBOL_RE = re.compile("|".join(re.escape(k) for k in sorted(_TEX_SYMBOLS, key=len)[::-1]))
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
_SCI_TEX = re.compile(r"(\d)\s*×\s*10\s*\^?\s*\{?\s*([-+−]?\d+)\s*\}?")
_POW10 = re.compile(r"(?<![\d.])10\s*\^\s*\{?\s*([-+−]?\d+)\s*\}?")


def normalize_cell_text(text: str) -> str:
    """Turn a cell's text (math as TeX) into plain text: ``\\pm`` -> ``±``, ``\\%`` -> ``%``,
    formatting commands and braces dropped, unicode minus -> ``-``, whitespace squashed."""
    s = _TEX_DROP_ARG.sub("", text)
    s = _TEX_SYMBOL_RE.sub(lambda m: _TEX_SYMBOLS[m.group(0)], s)
    s = _TEX_COMMAND.sub(" ", s)
    s = s.replace("−", "-").replace("–", "-").replace("—", "-").replace("\u2009", " ")
    s = s.replace("\xa0", " ").replace("$", " ")
    s = _SCI_TEX.sub(lambda m: f"{m.group(1)}e{m.group(2).replace('−', '-')}", s)
    s = _POW10.sub(lambda m: f"1e{m.group(1).replace('−', '-')}", s)
    s = re.sub(r"[{}]", "", s)
    s = s.replace("_", " ").replace("^", " ")
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------------------------------------
# Numbers

_NUM = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?|[+-]?\.\d+"
# Unit tokens allowed right after a number in a cell; longer alternatives first.
_UNITS = {
    "%": "%",
    "pp": "pp",
    "×": "×",
    "x": "×",
    "X": "×",
    "ms": "ms",
    "μs": "μs",
    "us": "μs",
    "ns": "ns",
    "s": "s",
    "sec": "s",
    "min": "min",
    "h": "h",
    "hrs": "h",
    "days": "days",
    "TB": "TB",
    "GB": "GB",
    "MB": "MB",
    "KB": "KB",
    "G": "G",
    "T": "T",
    "M": "M",
    "B": "B",
    "K": "K",
    "k": "K",
    "fps": "FPS",
    "FPS": "FPS",
    "W": "W",
    "GFLOPs": "GFLOPs",
    "TFLOPs": "TFLOPs",
    "FLOPs": "FLOPs",
    "it/s": "it/s",
    "tok/s": "tok/s",
    "tokens/s": "tok/s",
    "$": "$",
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_MARKS = r"[*†‡§¶#↑↓]"
_ITEM = re.compile(
    rf"(?P<cur>\$)?\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT_RE})?(?![A-Za-z0-9])"
    rf"(?:\s*{_MARKS})*"
    rf"(?:\s*±\s*(?P<spread>{_NUM})\s*(?P<sunit>{_UNIT_RE})?(?![A-Za-z0-9]))?"
)
_SEPARATORS = re.compile(rf"^[\s/|()\[\],;:~{_MARKS[1:-1]}]*$")
_HEADER_UNIT = re.compile(
    r"[(\[]\s*(?:in\s+)?(%|×|x|ms|s|sec|min|h|GB|MB|TB|K|M|B|FPS|fps)\s*[)\]]"
)


def _to_float(num: str) -> float:
    return float(num.replace(",", ""))


def parse_cell_numbers(text: str) -> list[tuple[float, str | None, float | None]]:
    """All (value, unit, spread) triples of a metric cell, or [] when the cell is not one.

    The whole cell must consist of numbers (with units, ``±`` spreads, arrows/footnote marks) and
    separators; a cell with any other word (``GPT-4o``, ``392xxx``, ``N/A``, ``-``) gives [].
    """
    s = normalize_cell_text(text)
    if not s or not re.search(r"\d", s):
        return []
    out: list[tuple[float, str | None, float | None]] = []
    pos = 0
    for m in _ITEM.finditer(s):
        gap = s[pos : m.start()]
        if not _SEPARATORS.match(gap):
            return []
        if out and not gap:  # "2024-05-13", "1.2.3": numbers must be separated
            return []
        unit = m.group("unit") or m.group("sunit")
        if m.group("cur"):
            unit = "$"
        spread = _to_float(m.group("spread")) if m.group("spread") else None
        if spread is not None:
            spread = abs(spread)
        out.append((_to_float(m.group("num")), _UNITS[unit] if unit else None, spread))
        pos = m.end()
    if not out or not _SEPARATORS.match(s[pos:]):
        return []
    return out


def parse_number(text: str) -> tuple[float, str | None, float | None] | None:
    """(value, unit, spread) of a single-number cell such as ``85.3``, ``0.14 \\pm 0.01``,
    ``10\\%``, ``4.2×``, ``2e-5``, ``1,024``, ``7B``; None when the text is not exactly one number
    (text, ``-``, several numbers)."""
    items = parse_cell_numbers(text)
    return items[0] if len(items) == 1 else None


# ---------------------------------------------------------------------------------------------
# Table grid


# No real table is this wide; a bogus colspan (the schema allows up to 2^31) must not make the grid
# take all memory. Cells past this many logical columns are left out of the grid.
MAX_COLUMNS = 1000


def _grid(rows: list[dict]) -> list[list[tuple[int, int] | None]]:
    """Logical grid: grid[r][c] = (r0, k) of the cell covering slot (r, c); k = index in row r0."""
    grid: list[list[tuple[int, int] | None]] = [[] for _ in rows]
    for r, row in enumerate(rows):
        c = 0
        for k, cell in enumerate(row.get("cells") or []):
            line = grid[r]
            while c < len(line) and line[c] is not None:
                c += 1
            if c >= MAX_COLUMNS:
                break
            span_c = min(max(1, int(cell.get("colspan") or 1)), MAX_COLUMNS - c)
            span_r = max(1, int(cell.get("rowspan") or 1))
            for rr in range(r, min(len(rows), r + span_r)):
                target = grid[rr]
                while len(target) < c + span_c:
                    target.append(None)
                for cc in range(c, c + span_c):
                    target[cc] = (r, k)
            c += span_c
    return grid


def _cell(rows: list[dict], ref: tuple[int, int] | None) -> dict | None:
    if ref is None:
        return None
    return rows[ref[0]]["cells"][ref[1]]


def _clean_label(text: str) -> str:
    return re.sub(r"\s+", " ", normalize_cell_text(text)).strip()


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


def _label_unit(label: str | None) -> str | None:
    if not label:
        return None
    m = _HEADER_UNIT.search(label.split(LABEL_SEP)[-1])
    return _UNITS.get(m.group(1)) if m else None


def table_metrics(table: dict, arxiv_id: str, version: int | None) -> list[dict]:
    """One METRICS row (without the common columns) per number in the table's metric cells."""
    rows: list[dict] = table.get("rows") or []
    if not rows:
        return []
    grid = _grid(rows)
    ncols = max((len(g) for g in grid), default=0)
    for g in grid:
        g.extend([None] * (ncols - len(g)))

    def is_origin(r: int, c: int) -> bool:
        """True when slot (r, c) is the top-left slot of the cell covering it."""
        ref = grid[r][c]
        return ref is not None and ref[0] == r and (c == 0 or grid[r][c - 1] != ref)

    def numbers_at(r: int, c: int) -> list[tuple[float, str | None, float | None]]:
        if not is_origin(r, c):
            return []
        cell = _cell(rows, grid[r][c])
        return parse_cell_numbers(cell.get("text") or "") if cell else []

    header = {r for r, row in enumerate(rows) if row.get("is_header")}
    if not header:
        for r in range(len(rows)):
            if any(numbers_at(r, c) for c in range(1, ncols)):
                header = set(range(r))
                break
    body = [r for r in range(len(rows)) if r not in header]

    label_cols = 1
    while label_cols < ncols - 1:
        col_cells = [grid[r][label_cols] for r in body]
        texts = [(_cell(rows, ref) or {}).get("text") or "" for ref in col_cells]
        if any(numbers_at(r, label_cols) for r in body) or not any(t.strip() for t in texts):
            break
        label_cols += 1

    col_labels: list[str | None] = []
    for c in range(ncols):
        parts: list[str] = []
        for r in sorted(header):
            cell = _cell(rows, grid[r][c])
            t = _clean_label(cell.get("text") or "") if cell else ""
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        col_labels.append(LABEL_SEP.join(parts) or None)

    caption = table.get("caption")
    caption_dir = _caption_direction(caption)
    out: list[dict] = []
    group: str | None = None
    for r in body:
        cells_here = [grid[r][c] for c in range(ncols)]
        texts = [((_cell(rows, ref) or {}).get("text") or "").strip() for ref in cells_here]
        origin_texts = [t for c, t in enumerate(texts) if is_origin(r, c) and t]
        first = texts[0] if texts else ""
        group_row = first and len(origin_texts) == 1 and is_origin(r, 0) and ncols > 1
        if group_row and not parse_cell_numbers(first):
            group = _clean_label(first)
            continue
        parts = []
        for c in range(label_cols):
            t = _clean_label(texts[c]) if c < len(texts) else ""
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        row_label = LABEL_SEP.join(([group] if group else []) + parts) or None
        for c in range(label_cols, ncols):
            nums = numbers_at(r, c)
            if not nums:
                continue
            cell = _cell(rows, grid[r][c]) or {}
            col_label = col_labels[c]
            direction = _direction(col_label) or _direction(row_label) or caption_dir
            fallback_unit = _label_unit(col_label) or _label_unit(row_label)
            for i, (value, unit, spread) in enumerate(nums):
                out.append(
                    {
                        "arxiv_id": arxiv_id,
                        "version": version,
                        "table_id": table.get("id"),
                        "table_label": table.get("label"),
                        "caption": caption,
                        "row_index": r,
                        "col_index": c,
                        "value_index": i,
                        "row_label": row_label,
                        "column_label": col_label,
                        "raw_text": cell.get("text"),
                        "value": value,
                        "unit": unit or fallback_unit,
                        "spread": spread,
                        "is_best": bool(cell.get("bold") or cell.get("underline")),
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
