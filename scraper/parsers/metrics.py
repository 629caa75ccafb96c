"""Table cells -> long-format `metrics` rows (see `scraper.schema.metrics.METRICS`).

Input is one table record of `scraper.parsers.arxiv_html.extract_tables` (cell text with math as
TeX, e.g. ``0.14 \\pm 0.01``, ``10\\%``, ``2.3\\cdot 10^{19}``). Rules, in short:

* A cell is a metric cell when its whole text is numbers with optional units, ``±`` spreads,
  ranges, arrows, footnote marks and separators (``/``, ``|``, parentheses). ``1008 (17.07%)`` and
  ``0.97 / 0.09`` give one row per number (`value_index` 0, 1, …). TeX is read: ``\\cdot``/
  ``\\times 10^{k}`` and ``10^{k}`` as powers of ten, ``\\pm``, ``\\%``, ``\\sim``. A range
  (``54.4–73``, ``~5–15``, ``8-32``) is one row: `value` = low end, `value_high` = high end. Anything
  else (method names, ``GPT-4o-2024-05-13``, ``392xxx``, ``-``, sentences with numbers) is not a metric.
* Header rows (`_header_rows`): rows flagged ``is_header`` by the table parser (minus what LaTeXML's
  header guess gets wrong: group rows, a first body row), else the leading rows with no number in
  a data column; then every following row of sub-labels (first cell empty or covered by a header
  cell spanning rows, and no numbers — or numbers under a header cell spanning columns, ``k-shot``
  over ``0 | 1 | 64``).
* Label columns: column 0, plus each following column that holds no number in any body row and
  some word (a column of ✓/× marks is not a label). The row label is their texts joined with
  `` / `` (a body row whose only text is in its first cell is a group row; its text prefixes the
  labels of the rows below it).
* Column label: the distinct header texts above the column, top level first, joined with ``/``.
  A data cell spanning columns gives one row at its first column, labelled with the levels its
  columns share, then their own joined with `` | `` (``Training Cost (FLOPs) / EN-DE | EN-FR``).
  Labels read TeX as text (`normalize_label`: ``d_{\\text{model}}`` -> ``d_model``).
* Unit: from the cell (``%``, ``×``, ``s``, ``ms``, ``GB``, ``M``/``B``/``K`` …), else from a
  unit in parentheses/brackets in the column or row label (``Time (s)``, ``[%]``), or a scale
  (``×10^6`` -> ``M``); a bare ``(B)`` is a variant name, not billions.
* `is_best`: the cell is bold or underlined, or its TeX sets the number in ``\\textbf``/
  ``\\mathbf``/``\\underline``… `direction`: ``↑``/``↓`` (or ``higher/lower is better``) in the
  column label, else the row label, else a single such phrase in the caption.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
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
    r"\cdot": "·",
    r"\uparrow": "↑",
    r"\downarrow": "↓",
    r"\Uparrow": "↑",
    r"\Downarrow": "↓",
    r"\dagger": "†",
    r"\ddagger": "‡",
    r"\ast": "*",
    r"\star": "*",
    r"\S": "§",
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
    r"\textendash": "–",
    r"\textemdash": "—",
}
_TEX_SYMBOL_RE = re.compile("|".join(re.escape(k) for k in sorted(_TEX_SYMBOLS, key=len)[::-1]))
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?")
# "2.3\cdot 10^{19}", "1.2\times10^{5}" (after the symbols above became × / ·)
_SCI_TEX = re.compile(r"(\d)\s*[×·]\s*10\s*\^?\s*\{?\s*([-+−–]?\d+)\s*\}?")
_POW10 = re.compile(r"(?<![\d.])10\s*\^\s*\{?\s*([-+−–]?\d+)\s*\}?")


_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
# "$…$" left in text (math LaTeXML did not convert) is a delimiter pair; a lone "$" is a dollar.
_MATH_DOLLARS = re.compile(r"\$([^$]*)\$")
# "5\mathrm{e}{-6}" once the command is gone: "5 e -6" style exponents
_TEX_E_NOTATION = re.compile(r"(?<=\d)\s*\be\s*([-+]?\d+)\b")


def _exp(sign_digits: str) -> str:
    return sign_digits.replace("−", "-").replace("–", "-")


def normalize_cell_text(text: str) -> str:
    """Turn a cell's text (math as TeX) into plain text: ``\\pm`` -> ``±``, ``\\%`` -> ``%``,
    ``2.3\\cdot 10^{19}`` -> ``2.3e19``, formatting commands and braces dropped, unicode minus ->
    ``-``, em dash -> en dash (kept: it separates the ends of a range), whitespace squashed."""
    s = _TEX_DROP_ARG.sub("", text)
    s = _TEX_SYMBOL_RE.sub(lambda m: _TEX_SYMBOLS[m.group(0)], s)
    s = _TEX_COMMAND.sub(" ", s)
    s = s.replace("−", "-").replace("—", "–").replace("\u2009", " ").replace("∼", "~")
    s = _MATH_DOLLARS.sub(r" \1 ", s).replace("\xa0", " ").replace("\u200b", "")
    s = _SCI_TEX.sub(lambda m: f"{m.group(1)}e{_exp(m.group(2))}", s)
    s = _POW10.sub(lambda m: f"1e{_exp(m.group(1))}", s)
    s = s.replace("{", "").replace("}", "").replace("_", " ").replace("^", " ")
    s = _TEX_E_NOTATION.sub(r"e\1", s)
    return _SPACES.sub(" ", s).strip()


# Labels keep sub/superscripts readable: d_{\text{model}} -> d_model, \times 10^{6} -> ×10^6.
_LABEL_WRAPPERS = re.compile(
    r"\\(?:text|mathrm|mathbf|mathit|mathsf|mathtt|textbf|textit|texttt|textsc|emph|underline|"
    r"operatorname|boldsymbol|bm|mbox|textsuperscript|textsubscript)\s*(?=\{)"
)
_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ",
    "psi": "ψ", "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "Omega": "Ω",
}  # fmt: skip
_GREEK_RE = re.compile(r"\\(" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")(?![A-Za-z])")
_MARK_SCRIPT = re.compile(r"\^\s*\{?\s*([*†‡§¶#]+)\s*\}?")


_SCRIPT_GROUP = re.compile(r"([_^])\s*\{\s*([^{}]*?)\s*\}")
_SCRIPT_SPACE = re.compile(r"\s*([_^])\s*")
_TIMES_SPACE = re.compile(r"×\s+(?=\d)")


@functools.lru_cache(maxsize=4096)  # row labels and header texts repeat within a paper
def normalize_label(text: str) -> str:
    """Plain text of a header or row-label cell (math as TeX): TeX symbols as Unicode
    (``\\uparrow`` -> ``↑``, ``\\epsilon`` -> ``ε``), wrappers such as ``\\text{…}`` unwrapped,
    braces dropped, ``_``/``^`` kept (``d_model``, ``×10^6``) except before footnote marks
    (``Ours^{\\dagger}`` -> ``Ours†``), whitespace squashed."""
    s = _TEX_DROP_ARG.sub("", text)
    s = _GREEK_RE.sub(lambda m: _GREEK[m.group(1)], s)
    s = _LABEL_WRAPPERS.sub("", s)
    s = _TEX_SYMBOL_RE.sub(lambda m: _TEX_SYMBOLS[m.group(0)], s)
    s = _TEX_COMMAND.sub(" ", s)
    s = s.replace("−", "-").replace("\u2009", " ").replace("∼", "~")
    s = _MATH_DOLLARS.sub(r" \1 ", s)
    s = s.replace("\xa0", " ").replace("\u200b", "")
    s = _MARK_SCRIPT.sub(r"\1", s)
    s = _SCRIPT_GROUP.sub(r"\1\2", s)
    s = _SCRIPT_SPACE.sub(r"\1", s)
    s = s.replace("{", "").replace("}", "")
    s = _TIMES_SPACE.sub("×", s)
    return _SPACES.sub(" ", s).strip()


# ---------------------------------------------------------------------------------------------
# Numbers

# A leading en dash is a minus sign ("–0.3"); between two numbers it separates a range.
_UNUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+"
_NUM = rf"[+\-–]?(?:{_UNUM})"
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
# Range separators between two numbers: en dash (LaTeX "--"), "~", " to ", a hyphen with no
# space or a space on both sides ("5-15", "5 - 15"; "0.97 -0.09" is two numbers).
_RANGE_SEP = r"(?:\s*[–~]\s*|-|\s+-\s+|\s+to\s+)"
_ITEM = re.compile(
    rf"(?P<cur>\$)?\s*(?P<num>{_NUM})(?:\s*(?P<unit>{_UNIT_RE}))?(?![A-Za-z0-9])"
    rf"(?:{_RANGE_SEP}(?P<high>{_UNUM})(?:\s*(?P<hunit>{_UNIT_RE}))?(?![A-Za-z0-9]))?"
    rf"(?:\s*{_MARKS})*"
    rf"(?:\s*±\s*(?P<spread>{_NUM})(?:\s*(?P<sunit>{_UNIT_RE}))?(?![A-Za-z0-9]))?"
)
_SEPARATORS = re.compile(rf"^[\s/|()\[\],;:~{_MARKS[1:-1]}]*$")
_HEADER_UNIT = re.compile(
    r"[(\[]\s*(?:in\s+)?(%|×|x|ms|s|sec|min|h|hrs|days|GB|MB|TB|K|M|B|G|FPS|fps|FLOPs|GFLOPs|TFLOPs"
    r"|tok/s|it/s|W|\$)\s*[)\]]|(%)\s*$"
)
# "params ×10^6" / "(×10^9)": a power of ten in the label that scales the column.
_HEADER_SCALE = re.compile(r"×\s*10\^(3|6|9|12)\b")
_SCALE_UNITS = {"3": "K", "6": "M", "9": "B", "12": "T"}

#: (value, unit, spread, high end of a range or None) of one number in a cell
CellItem = tuple[float, str | None, float | None, float | None]


def _to_float(num: str) -> float:
    return float(num.replace(",", "").replace("–", "-"))


def parse_cell_items(text: str) -> list[CellItem]:
    """All (value, unit, spread, high) items of a metric cell, or [] when the cell is not one.

    The whole cell must consist of numbers (with units, ``±`` spreads, ranges, arrows/footnote
    marks) and separators; a cell with any other word (``GPT-4o``, ``392xxx``, ``N/A``, ``-``)
    gives []. A range ``54.4–73`` / ``~5–15 ms`` is one item: value = low end, high = high end
    (a "range" whose high end is below its low end, like ``2024-05-13``, makes the cell no metric).
    """
    if not _DIGIT.search(text):  # most text cells: no need to normalise them
        return []
    s = normalize_cell_text(text)
    if not s or not _DIGIT.search(s):
        return []
    out: list[CellItem] = []
    pos = 0
    for m in _ITEM.finditer(s):
        gap = s[pos : m.start("cur") if m.group("cur") else m.start("num")]
        if not _SEPARATORS.match(gap):
            return []
        if out and not gap:  # "1.2.3": numbers must be separated
            return []
        unit = m.group("unit") or m.group("hunit") or m.group("sunit")
        if m.group("cur"):
            unit = "$"
        spread = _to_float(m.group("spread")) if m.group("spread") else None
        if spread is not None:
            spread = abs(spread)
        value = _to_float(m.group("num"))
        high = _to_float(m.group("high")) if m.group("high") else None
        if high is not None and high < value:
            return []
        out.append((value, _UNITS[unit] if unit else None, spread, high))
        pos = m.end()
    if not out or not _SEPARATORS.match(s[pos:]):
        return []
    return out


def parse_cell_numbers(text: str) -> list[tuple[float, str | None, float | None]]:
    """(value, unit, spread) of each number of a metric cell (see `parse_cell_items`; a range
    gives its low end here), or [] when the cell is not one."""
    return [(v, u, s) for v, u, s, _ in parse_cell_items(text)]


def parse_number(text: str) -> tuple[float, str | None, float | None] | None:
    """(value, unit, spread) of a single-number cell such as ``85.3``, ``0.14 \\pm 0.01``,
    ``10\\%``, ``4.2×``, ``2e-5``, ``1,024``, ``7B``; None when the text is not exactly one number
    (text, ``-``, several numbers)."""
    items = parse_cell_numbers(text)
    return items[0] if len(items) == 1 else None


# A number set in bold/underline inside math: "\mathbf{28.4}", "{\bf 28.4}", "\underline{41.8}"
_TEX_BEST = re.compile(r"\\(?:mathbf|textbf|boldsymbol|bm|pmb|bf|bfseries|underline|uline)\b")


# ---------------------------------------------------------------------------------------------
# Table grid


# No real table is this wide; a bogus colspan (the schema allows up to 2^31) must not make the grid
# take all memory. Cells past this many logical columns are left out of the grid.
MAX_COLUMNS = 1000


#: grid[r][c] = (row, index in that row) of the cell covering slot (r, c), None for an empty slot
Grid = list[list[tuple[int, int] | None]]


def _grid(rows: list[dict]) -> Grid:
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
    return normalize_label(text)


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


def _label_unit(label: str | None, bare_percent: bool = True) -> str | None:
    """Unit named by a label: ``Time (s)``, ``[%]``, ``Cost ($)``, ``FLOPs (G)``, ``Acc. %`` (a
    trailing bare ``%`` only when `bare_percent`: a row "Pruned 50%" names a variant), or a scale
    such as ``params ×10^6`` (-> ``M``). The lowest header level that names one wins."""
    if not label:
        return None
    for part in reversed(label.split(LABEL_SEP)):
        m = _HEADER_UNIT.search(part)
        # "(B)" alone names a variant (ablation "(A)", "(B)"…), not billions; "(%)" alone is a unit
        if m and (m.start() > 0 or m.group(1) in ("%", None)) and (bare_percent or m.group(1)):
            return _UNITS.get(m.group(1) or m.group(2))
        m = _HEADER_SCALE.search(part)
        if m:
            return _SCALE_UNITS[m.group(1)]
    return None


def _spanned_label(labels: list[list[str]]) -> str | None:
    """Column label of a data cell spanning several columns: the header levels its columns share,
    then their differing lower levels joined with `` | `` ("Training Cost (FLOPs) / EN-DE | EN-FR")."""
    common: list[str] = []
    for level in zip(*labels, strict=False):
        if any(x != level[0] for x in level):
            break
        common.append(level[0])
    rests: list[str] = []
    for parts in labels:
        rest = LABEL_SEP.join(parts[len(common) :])
        if rest and rest not in rests:
            rests.append(rest)
    joined = common + ([SPAN_SEP.join(rests)] if rests else [])
    return LABEL_SEP.join(joined) or None


#: Joins the lower header levels of the columns a spanning data cell covers.
SPAN_SEP = " | "


def table_metrics(table: dict, arxiv_id: str, version: int | None) -> list[dict]:
    """One METRICS row (without the common columns) per number in the table's metric cells."""
    rows: list[dict] = table.get("rows") or []
    if not rows:
        return []
    grid = _grid(rows)
    ncols = max((len(g) for g in grid), default=0)
    if ncols == 0:  # rows without cells
        return []
    for g in grid:
        g.extend([None] * (ncols - len(g)))

    def is_origin(r: int, c: int) -> bool:
        """True when slot (r, c) is the top-left slot of the cell covering it."""
        ref = grid[r][c]
        return ref is not None and ref[0] == r and (c == 0 or grid[r][c - 1] != ref)

    items_cache: dict[tuple[int, int], list[CellItem]] = {}

    def numbers_at(r: int, c: int) -> list[CellItem]:
        if not is_origin(r, c):
            return []
        found = items_cache.get((r, c))
        if found is None:
            cell = _cell(rows, grid[r][c])
            found = items_cache[(r, c)] = parse_cell_items(cell.get("text") or "") if cell else []
        return found

    def text_at(r: int, c: int) -> str:
        return ((_cell(rows, grid[r][c]) or {}).get("text") or "").strip()

    def origin_texts(r: int) -> list[tuple[int, str]]:
        return [(c, t) for c in range(ncols) if is_origin(r, c) and (t := text_at(r, c))]

    group_rows: dict[int, bool] = {}

    def is_group_row(r: int) -> bool:
        """A row whose only text is its first cell (often spanning the table): "Zero-shot"."""
        found = group_rows.get(r)
        if found is None:
            texts = origin_texts(r)
            found = group_rows[r] = (
                ncols > 1 and len(texts) == 1 and texts[0][0] == 0 and not numbers_at(r, 0)
            )
        return found

    def has_data_numbers(r: int) -> bool:
        return any(numbers_at(r, c) for c in range(1, ncols))

    header = _header_rows(rows, grid, ncols, is_group_row, has_data_numbers, text_at, is_origin)
    body = [r for r in range(len(rows)) if r not in header]

    label_cols = 1
    while label_cols < ncols - 1:
        texts = [_TEX_COMMAND.sub("", text_at(r, label_cols)) for r in body]
        # a column of ✓/× marks or dashes is a feature column, not a label
        if any(numbers_at(r, label_cols) for r in body) or not any(_WORDY.search(t) for t in texts):
            break
        label_cols += 1

    col_parts: list[list[str]] = []
    for c in range(ncols):
        parts: list[str] = []
        for r in sorted(header):
            cell = _cell(rows, grid[r][c])
            t = _clean_label(cell.get("text") or "") if cell else ""
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        col_parts.append(parts)
    col_labels = [LABEL_SEP.join(parts) or None for parts in col_parts]

    caption = table.get("caption")
    caption_dir: str | None = None
    caption_read = False
    out: list[dict] = []
    group: str | None = None
    for r in body:
        if is_group_row(r):
            group = _clean_label(text_at(r, 0))
            continue
        if not any(numbers_at(r, c) for c in range(label_cols, ncols)):
            continue  # labels are only worked out for rows that give metrics
        if not caption_read:
            caption_dir, caption_read = _caption_direction(caption), True
        parts = []
        for c in range(label_cols):
            t = _clean_label(text_at(r, c))
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        row_label = LABEL_SEP.join(([group] if group else []) + parts) or None
        for c in range(label_cols, ncols):
            nums = numbers_at(r, c)
            if not nums:
                continue
            cell = _cell(rows, grid[r][c]) or {}
            span = min(max(1, int(cell.get("colspan") or 1)), ncols - c)
            # A cell spanning columns gives one row, labelled with every column it covers
            col_label = _spanned_label(col_parts[c : c + span]) if span > 1 else col_labels[c]
            direction = _direction(col_label) or _direction(row_label) or caption_dir
            fallback_unit = _label_unit(col_label) or _label_unit(row_label, bare_percent=False)
            raw = cell.get("text")
            best = bool(cell.get("bold") or cell.get("underline")) or bool(raw and _TEX_BEST.search(raw))
            for i, (value, unit, spread, high) in enumerate(nums):
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
                        "raw_text": raw,
                        "value": value,
                        "value_high": high,
                        "unit": unit or fallback_unit,
                        "spread": spread,
                        "is_best": best,
                        "direction": direction,
                    }
                )
    return out


_WORDY = re.compile(r"[^\W_]")  # a letter or digit


def _owns_first_cell(grid: Grid, r: int, text_at: Callable[[int, int], str]) -> bool:
    """Row r's first cell starts in row r and holds text (a row label, not a sub-label row)."""
    first = grid[r][0]
    return first is not None and first[0] == r and bool(text_at(r, 0))


def _header_rows(
    rows: list[dict],
    grid: Grid,
    ncols: int,
    is_group_row: Callable[[int], bool],
    has_data_numbers: Callable[[int], bool],
    text_at: Callable[[int, int], str],
    is_origin: Callable[[int, int], bool],
) -> set[int]:
    """Header rows: those the table parser flagged (``th``/``thead``/rows above the first rule),
    else the leading rows with no number in a data column; then, by structure, each following
    row that continues the header: its first cell is empty or covered by a header cell spanning
    rows, and it either holds no number in a data column or sits under a header cell spanning
    columns (a row of sub-labels such as "EN-DE | EN-FR", or "0 | 5 | 25" under "k-shot").
    Group rows ("Zero-shot" alone in the first cell) never join the header; a body row is kept.
    """
    n = len(rows)
    header = {r for r, row in enumerate(rows) if row.get("is_header")}
    # LaTeXML's header guess (``ltx_guessed_headers``) also flags group rows and, when the body
    # mixes math and text cells, a first body row: below row 0, a flagged group row or a row with
    # its own label and numbers in data columns is body.
    for r in sorted(header):
        below_real_header = any(not is_group_row(h) for h in header if h < r)  # not just a title
        if r > 0 and (
            is_group_row(r)
            or (below_real_header and _owns_first_cell(grid, r, text_at) and has_data_numbers(r))
        ):
            header = {h for h in header if h < r}
            break
    if not header:
        k = 0  # a title row spanning the table may come first
        while k < n - 1 and (k == 0 or not is_group_row(k)) and not has_data_numbers(k):
            k += 1
        header = set(range(k))
    k = 0
    while k in header:
        k += 1
    if k == 0:
        return header
    if k < n - 1 and all(is_group_row(h) for h in range(k)):  # only a title so far: its column row
        header.add(k)
        k += 1
    while k < n - 1 and k not in header:
        first = grid[k][0]
        first_free = not text_at(k, 0) or (first is not None and first[0] in header and first[0] < k)
        if not first_free or is_group_row(k) or not any(text_at(k, c) for c in range(ncols)):
            break
        spans_above = any(
            is_origin(k - 1, c) and int((rows[k - 1]["cells"][slot[1]]).get("colspan") or 1) > 1
            for c in range(1, ncols)
            if (slot := grid[k - 1][c]) is not None
        )
        if has_data_numbers(k) and not spans_above:
            break
        header.add(k)
        k += 1
    return header


def tables_metrics(tables: list[dict], arxiv_id: str, version: int | None) -> list[dict[str, Any]]:
    """`table_metrics` over all tables of a paper."""
    out: list[dict[str, Any]] = []
    for t in tables:
        out.extend(table_metrics(t, arxiv_id, version))
    return out
