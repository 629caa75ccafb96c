"""The layout rules of the table reader, one function each, all over a `Grid`:

* `header_block` — which rows are the header (and which of them is a units row);
* `label_columns` — which columns name the row (none of them gives values);
* `column_paths` — each column's header path, top level first;
* `row_labels` — each body row's label, with its group (and where a group ends);
* `is_pair_header` — a header that says its cells hold two results (``EM/F1``).

Units (`units.py`) and the table kind (`kind.py`) have their own modules; `reader.py` applies
them all, in that order, to give the `metrics` rows.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from scraper.derive.casefree import CaseFree

from .cells import CellItem
from .grid import Grid
from .units import LABEL_SEP, unit_token, units_row

_WORDY = re.compile(r"[^\W_]")  # a letter or digit
_LETTER = re.compile(r"[^\W\d_]")
# Cells that say "no value" rather than name something.
_NULL_TEXT = frozenset(
    {"-", "–", "—", "--", "---", "n/a", "na", "oom", "oot", "tbd", "✗", "✓", "×", "x", "?"}
)


def _wordy(text: str) -> bool:
    return _WORDY.search(text) is not None and text.strip().lower() not in _NULL_TEXT


# ------------------------------------------------------------------------------ header block


class Header(NamedTuple):
    rows: list[int]  # header rows, top first
    units: dict[int, list[str | None]]  # units rows among them: row -> unit of each column


def _owns_first_cell(grid: Grid, r: int) -> bool:
    """Row r's first cell starts in row r and holds text (a row label, not a sub-label row)."""
    first = grid.slots[r][0]
    return first is not None and first[0] == r and bool(grid.text(r, 0))


def _units_of(grid: Grid, r: int) -> list[str | None] | None:
    # the labels are read one by one: units_row stops at the first cell that is no unit
    return units_row(grid.label(r, c) if grid.is_origin(r, c) else "" for c in range(grid.n_cols))


def header_block(grid: Grid) -> Header:
    """The header rows of a table, found by layout and content, whatever tag LaTeXML wrote:

    1. the rows the table parser flagged (``thead``, rows of ``th``, rows above the first
       full-width rule), minus what LaTeXML's header guess gets wrong: a group row, or below a
       real header row a row with its own label and values — unless that row sits above the
       table's first full-width horizontal rule (`header_rule`) and its values name the columns
       (`_keys_row`: ``n | 8 | 9 | 10``, ``Model | 2 | 4 | 6`` under ``Workflow length k``);
       when every row above that rule is without values or names the columns, those rows are the
       header however they were flagged;
    2. when none is flagged, the leading rows without values in a data column;
    3. then each following row that continues the header: a units row (``km/s | kpc``); a row
       whose first cell is empty or covered by a header cell spanning rows, holding no values
       (or values that name the columns under a header cell spanning them: ``0 | 1 | 64`` under
       ``k-shot``); or a row of sub-labels above the first row of values (no values anywhere,
       two or more cells naming something beyond the first column: ``MASK | SAME | RND | NER``).
    Group rows never join the header.
    """
    n = grid.n_rows
    rule = header_rule(grid)
    header = {r for r, row in enumerate(grid.rows) if row.get("is_header")}
    if rule and all(not grid.has_values(r, 1) or _keys_row(grid, r) for r in range(rule)):
        header |= set(range(rule))  # the block above the rule holds no results
    for r in sorted(header):
        below_real_header = any(not grid.is_group_row(h) for h in header if h < r)  # not just a title
        if r > 0 and (
            grid.is_group_row(r)
            or (
                below_real_header
                and _owns_first_cell(grid, r)
                and grid.has_values(r, 1)
                and not (rule and r < rule and _keys_row(grid, r))
            )
        ):
            header = {h for h in header if h < r}
            break
    if not header:
        k = 0  # a title row spanning the table may come first
        while k < n - 1 and (k == 0 or not grid.is_group_row(k)) and not grid.has_values(k, 1):
            k += 1
        header = set(range(k))
    units: dict[int, list[str | None]] = {}
    k = 0
    while k in header:
        k += 1
    if k > 0:
        if k < n - 1 and all(grid.is_group_row(h) for h in range(k)):  # only a title so far
            header.add(k)
            k += 1
        while k < n - 1 and k not in header and _continues_header(grid, k, header):
            header.add(k)
            k += 1
    rows = sorted(header)
    for r in rows[1:]:
        found = _units_of(grid, r)
        if found is not None:
            units[r] = found
    return Header(rows, units)


# How far down the first full-width rule may close the header (as the table parser looks).
_RULE_ROWS = 4


def _ruled_between(grid: Grid, k: int) -> bool:
    """A horizontal rule runs between rows k-1 and k across every column."""
    above, below = grid.slots[k - 1], grid.slots[k]
    for c in range(grid.n_cols):
        cell = below[c]
        if cell is not None and cell[0] == k and "t" in (cell[2].get("borders") or ""):
            continue
        cell = above[c]
        if cell is not None and cell is not below[c] and "b" in (cell[2].get("borders") or ""):
            continue
        return False
    return True


def header_rule(grid: Grid) -> int:
    """k when the first full-width horizontal rule below the first row runs above row k (k <= 4)
    and rows of values follow it; 0 when there is none."""
    for k in range(1, min(_RULE_ROWS, grid.n_rows - 1) + 1):
        if _ruled_between(grid, k):
            return k if grid.values_from(k) else 0
    return 0


def _keys_row(grid: Grid, r: int) -> bool:
    """Row r's values name the columns rather than report results: whole numbers in order (each
    at least the one before, ``2 | 4 | 8``, ``8 | 9 | 10 | 10``, or each at most: ``32 | 16 | 8``),
    one per cell, in two or more columns, with no spread, range, count, unit but K/M/B, or
    emphasis."""
    cols = [c for c in grid.value_columns(r) if c > 0]
    if len(cols) < 2:
        return False
    values: list[float] = []
    for c in cols:
        items = grid.items(r, c)
        if len(items) != 1:
            return False
        it = items[0]
        if it.unit not in (None, "K", "M", "B") or it.spread is not None or it.high is not None:
            return False
        if it.spread_plus is not None or it.total is not None or it.value != int(it.value):
            return False
        if grid.emphasis(r, c):
            return False
        values.append(it.value)
    pairs = list(zip(values, values[1:], strict=False))
    return all(a <= b for a, b in pairs) or all(a >= b for a, b in pairs)


def _decorative(text: str) -> bool:
    """A header cell with nothing to read: no letter or digit (a lone arrow ``→``)."""
    return _WORDY.search(text) is None


def _under_spanning_headers(grid: Grid, k: int, header: set[int]) -> bool:
    """Over each value column of row k, the nearest header cell above with something to read
    (a lone arrow is looked past) spans several columns: ``k-shot`` over ``0 | 1 | 64``."""
    for c in grid.value_columns(k):
        if c == 0:
            continue
        for r in range(k - 1, -1, -1):
            if r not in header:
                return False
            t = grid.label(r, c)
            if t and not _decorative(t):
                if grid.colspan(r, c) < 2:
                    return False
                break
        else:
            return False
    return True


def _continues_header(grid: Grid, k: int, header: set[int]) -> bool:
    if grid.is_group_row(k) or grid.is_empty(k):
        return False
    if _units_of(grid, k) is not None:
        return True
    first = grid.slots[k][0]
    first_free = not grid.text(k, 0) or (first is not None and first[0] in header and first[0] < k)
    if first_free:
        return not grid.has_values(k, 1) or (_keys_row(grid, k) and _under_spanning_headers(grid, k, header))
    # a row of sub-labels: nothing in it is a value, it names two or more things past the first
    # column, and a row of values comes later
    if grid.has_values(k):
        return False
    named = sum(1 for c, t in grid.texts(k) if c > 0 and _wordy(t))
    return named >= 2 and grid.values_from(k + 1)


# ----------------------------------------------------------------------------- column paths


def column_paths(grid: Grid, header: Header) -> list[list[str]]:
    """Each column's header texts, top level first; a header cell spanning rows counts once
    (two cells with the same text both count); units rows left out."""
    rows = [r for r in header.rows if r not in header.units]
    paths: list[list[str]] = []
    slots = grid.slots
    for c in range(grid.n_cols):
        parts: list[str] = []
        last = None
        for r in rows:
            placed = slots[r][c]
            if placed is None or placed is last:
                continue
            last = placed
            t = grid.label(r, c)
            if t:
                parts.append(t)
        paths.append(parts)
    return paths


#: Joins the lower header levels of the columns a value cell spanning columns covers.
SPAN_SEP = " | "


def spanned_label(paths: list[list[str]]) -> str | None:
    """Column label of a value cell spanning several columns: the header levels its columns share,
    then their differing lower levels joined with `` | `` ("Training Cost (FLOPs) / EN-DE | EN-FR")."""
    common: list[str] = []
    for level in zip(*paths, strict=False):
        if any(x != level[0] for x in level):
            break
        common.append(level[0])
    rests: list[str] = []
    for parts in paths:
        rest = LABEL_SEP.join(parts[len(common) :])
        if rest and rest not in rests:
            rests.append(rest)
    joined = common + ([SPAN_SEP.join(rests)] if rests else [])
    return LABEL_SEP.join(joined) or None


# A header saying its cells hold two results: "EM/F1", "m/mm", "P/R", "MNLI-(m/mm)", "Acc / F1".
_PAIR_HEADER = re.compile(r"(?<![\w/])([^\W\d_][\w.\-]{0,11})\s*/\s*([^\W\d_][\w.\-]{0,11})(?![\w/])")


@functools.lru_cache(maxsize=4096)
def is_pair_header(label: str | None) -> bool:
    """The column label says each cell holds two results (``EM/F1``, ``(m/mm)``, ``P/R``) — not a
    unit such as ``tok/s`` or ``km/s``, nor a ratio ``Objects / image``."""
    if not label or "/" not in label:
        return False
    for part in label.split(LABEL_SEP):
        if "/" not in part:
            continue  # a pair is written with "/": a header level without one ("BLEU") holds none
        for m in _PAIR_HEADER.finditer(part):
            if unit_token(m.group(0).replace(" ", "")) or m.group(2).lower() in _PER:
                continue
            return True
    return False


_PER = frozenset(
    {
        "s",
        "sec",
        "second",
        "image",
        "img",
        "sample",
        "token",
        "tokens",
        "step",
        "query",
        "gpu",
        "day",
        "h",
        "hour",
        "epoch",
        "iter",
        "it",
        "min",
    }
)


# ----------------------------------------------------------------------------- label columns

# A header naming a setting an experiment was run at (frames, layers, heads, masking, k, N, …).
_SETTING_WORDS = CaseFree(
    r"\b(?:frames?|#\s*frames|layers?|heads?|hidden|dim(?:ension)?s?|width|depth|rank|size|"
    r"steps?|iterations?|iters?|epochs?|batch|lr|learning rate|masking|mask|temperature|beam|"
    r"shots?|k-shot|seeds?|budget|length|resolution|window|context|experts?|bits?|ratio|"
    r"rates?|stride|patch|tokens? budget|samples?|candidates|clusters|neighbou?rs|warm-?up|"
    r"dropout|λ|α|β|γ|τ|ε|η|ρ)\b"
)
# "#L", "#H", "N", "k", "d_model", "P_drop", "ε_ls": a symbol written as the header
_SYMBOL = re.compile(r"#\s*[A-Za-z]{1,3}|[^\W\d_]{1,2}(?:_[\w.]{1,8})?(?:\^[\w]{1,4})?")
_SETTING_LETTERS = frozenset("kKNnTLHAr d m h l λ α β γ τ ε η ρ".replace(" ", ""))
# Outcome words, in two patterns that say together what one alternation of all of them would
# (names_outcome asks only whether one occurs): words found anywhere, each alternative starting
# with its character (the regex engine then skips to those characters instead of trying all ~60
# alternatives at every position), and words found at the start of a word, behind one \b.
_OUTCOME_WORDS = CaseFree(
    r"↑|↓|%|perplexity|recall|precision|@|score|reward|success|latency|throughput|speed|time|"
    r"memory|cost|fps|tok/s|top-?\d|avg|average|mean|gain|Δ|improv|result"
)
_OUTCOME_WORD_STARTS = CaseFree(
    r"\b(?:acc|f-?1\b|bleu|rouge|em\b|ppl\b|loss|err|wer\b|cer\b|fid\b|psnr|ssim|lpips|m?ap\b|auc\b|"
    r"mrr|ndcg|win|dev\b|test\b|val\b|elo\b|iou|mae\b|mse\b|sr\b|spl\b|p\b|r\b|f\b)"
)


@functools.lru_cache(maxsize=4096)  # the lowest header level is asked twice per column
def names_outcome(text: str) -> bool:
    """The header text names an outcome (a metric, an arrow, a measured quantity)."""
    return _OUTCOME_WORDS.search(text) or _OUTCOME_WORD_STARTS.search(text)


def _significant_digits(value: float) -> int:
    text = f"{abs(value):.10g}".replace(".", "").lstrip("0")
    text = text.split("e")[0].rstrip("0") if "e" in text else text.rstrip("0")
    return max(1, len(text))


class _ValueFacts(NamedTuple):
    values: int  # body rows with values in the column
    precise: bool  # some value has 3 or more significant digits and a decimal part
    marked: bool  # some value is bold/underlined, or has a spread, range or several items


class _TextFacts(NamedTuple):
    texts: int  # body rows with a text (non-value) that names something
    blanks: int  # body rows where the column is empty while a later column holds values


def _value_facts(grid: Grid, body: list[int], c: int) -> _ValueFacts:
    values = 0
    precise = marked = False
    slots = grid.slots
    for r in body:
        placed = slots[r][c]
        if placed is None or placed[0] != r or placed[1] != c:
            continue  # no cell starts here (see Grid.is_origin)
        items: tuple[CellItem, ...] = placed[4]
        if not items:
            continue
        values += 1
        if marked and precise:
            continue
        if len(items) > 1 or placed[7]:  # several items, or emphasis (see grid._EMPHASIS)
            marked = True
        for value, _, spread, high, spread_plus, _, _ in items:
            if spread is not None or high is not None or spread_plus is not None:
                marked = True
            if not precise and value != int(value) and _significant_digits(value) >= 3:
                precise = True
    return _ValueFacts(values, precise, marked)


def _text_facts(grid: Grid, body: list[int], c: int) -> _TextFacts:
    texts = blanks = 0
    slots = grid.slots
    for r in body:
        placed = slots[r][c]
        if placed is None or placed[0] != r or placed[1] != c or placed[4]:
            continue  # no cell starts here (see Grid.is_origin), or it holds values
        t = placed[5]  # grid.label(r, c) once worked out
        if t is None:
            t = grid.label(r, c)
        if t and _wordy(t):
            texts += 1
        elif not t and grid.has_values(r, c + 1):
            blanks += 1
    return _TextFacts(texts, blanks)


class _Facts:
    """`_value_facts` and `_text_facts` of each column, each worked out when first asked for: most
    columns are only asked about their values (the texts of a column are read as labels, which
    costs more, only for the columns that may name the row)."""

    def __init__(self, grid: Grid, body: list[int]) -> None:
        self.grid, self.body = grid, body
        self._values: dict[int, _ValueFacts] = {}
        self._texts: dict[int, _TextFacts] = {}

    def values(self, c: int) -> _ValueFacts:
        found = self._values.get(c)
        if found is None:
            found = self._values[c] = _value_facts(self.grid, self.body, c)
        return found

    def texts(self, c: int) -> _TextFacts:
        found = self._texts.get(c)
        if found is None:
            found = self._texts[c] = _text_facts(self.grid, self.body, c)
        return found


_TRAILING_PARENS = re.compile(r"\s*\([^)]*\)\s*$")
_TRAILING_BRACKETS = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*$")


def _is_setting_header(label: str) -> int:
    """2: the header names a setting; 1: it is a bare letter that may; 0: it does not."""
    if not label:
        return 0
    lowest = label.split(LABEL_SEP)[-1].strip()
    if _SETTING_WORDS.search(lowest):
        return 2  # a setting, whether or not an outcome is also named
    if names_outcome(lowest):
        return 0
    # (the pattern tries every position: looked for only where a "(" occurs)
    bare = (_TRAILING_PARENS.sub("", lowest) if "(" in lowest else lowest).strip()
    if _SYMBOL.fullmatch(bare):
        if bare.startswith("#") or "_" in bare or bare in _SETTING_LETTERS:
            return 2
        return 1
    return 0


def _vertical(borders: object) -> bool:
    """The cell may draw a vertical rule (anything but a string is left to the full reading)."""
    return bool(borders) and (borders.__class__ is not str or "r" in borders or "l" in borders)


def _rules_after(grid: Grid, body: list[int]) -> list[bool]:
    """rules[c]: a vertical rule separates column c from column c+1 in most body rows (from the
    cells' ``borders``; tables read without them have no rules)."""
    n = grid.n_cols
    if not any(_vertical(cell.get("borders")) for row in grid.rows for cell in row.get("cells") or ()):
        return [False] * n  # no cell draws a vertical rule (a look at each cell, not at each slot)
    counts = [0] * n
    for r in body:
        line = grid.slots[r]
        for c, placed in enumerate(line):
            if placed is None:
                continue
            borders = placed[2].get("borders")
            if not borders:
                continue
            if "r" in borders and (c + 1 == n or line[c + 1] is not placed):
                counts[c] += 1
            if "l" in borders and c > 0 and line[c - 1] is not placed:
                counts[c - 1] += 1
    half = max(1, (len(body) + 1) // 2)
    return [k >= half for k in counts]


def label_columns(grid: Grid, header: Header, kind: str, paths: list[list[str]]) -> list[int]:
    """The columns that name the row, left to right (their cells never give values):

    * column 0;
    * each following column holding no value in any body row and naming something (a column of
      ✓/× marks or dashes is not a label);
    * in a `results` table, each following numeric column that names a setting rather than
      reports an outcome (`_setting_score` >= 3: ``Frames`` 2/4/8/16, ``#L #H #A`` model sizes,
      masking rates ``80% | 10% | 10%``, ``k``, ``N``) — as long as a column of outcomes is left;
    * anywhere, identifier and coordinate columns (``Source ID``, ``RA``, ``Dec``: their cells,
      ``09:34:09.21`` or a 19-digit id, are no values).
    """
    n = grid.n_cols
    if n <= 1:
        return [0] if n else []
    rows = set(header.rows)
    body = [r for r in range(grid.n_rows) if r not in rows and not grid.is_group_row(r)]
    facts = _Facts(grid, body)
    labels = [0]
    c = 1
    while c < n - 1 and facts.values(c).values == 0 and facts.texts(c).texts > 0:
        labels.append(c)
        c += 1
    if kind == "results":
        settings = _setting_columns(grid, header, paths, facts, body, c)
        if settings:
            labels += settings
            c = settings[-1] + 1
            while c < n - 1 and facts.values(c).values == 0 and facts.texts(c).texts > 0:
                labels.append(c)
                c += 1
    for d in range(c, n):
        if _is_identifier_column(paths[d], facts, d):
            labels.append(d)
    return labels


def _setting_columns(
    grid: Grid, header: Header, paths: list[list[str]], facts: _Facts, body: list[int], start: int
) -> list[int]:
    """The numeric setting columns from `start` on (see `label_columns`); [] when taking them
    would leave no column of outcomes."""
    n = grid.n_cols
    group_end = _first_group_end(grid, header)
    rules: list[bool] | None = None
    out: list[int] = []
    c = start
    while c < n - 1:
        f = facts.values(c)
        if f.values == 0:
            break
        label = LABEL_SEP.join(paths[c])
        score = 0
        if c < group_end:
            score += 3  # under the same top header as the row labels ("Masking Rates")
        named = _is_setting_header(label)
        score += named
        score += -2 if f.precise else 1
        if f.marked:
            score -= 3
        if named < 2 and names_outcome(paths[c][-1] if paths[c] else ""):
            score -= 3
        # Two weak hints, each looked for only when it can decide (3 or more to pass):
        # a block of plain numbers closed by a vertical rule (2 points)
        if 0 <= score < 3:
            if rules is None:
                rules = _rules_after(grid, body)
            if any(rules[c : n - 1]) and not any(
                facts.values(d).marked or facts.values(d).precise for d in range(c, _next_rule(rules, c) + 1)
            ):
                score += 2
        # blank cells where later columns hold values (1 point)
        if score == 2 and facts.texts(c).blanks:
            score += 1
        if score < 3:
            break
        out.append(c)
        c += 1
    # an outcome column must be left: a setting block filling the table is the table's content
    if out and not any(facts.values(d).values for d in range(out[-1] + 1, n)):
        return []
    return out


def _next_rule(rules: list[bool], c: int) -> int:
    for d in range(c, len(rules)):
        if rules[d]:
            return d
    return len(rules) - 1


def _first_group_end(grid: Grid, header: Header) -> int:
    """When the top header row has a cell spanning column 0 and more (``Masking Rates`` over three
    label columns) and other cells to its right: the column after it; else 0."""
    if not header.rows:
        return 0
    top = header.rows[0]
    span = grid.colspan(top, 0)
    if span > 1 and grid.text(top, 0) and span < grid.n_cols and any(c >= span for c, _ in grid.texts(top)):
        return span
    return 0


_ID_HEADER = re.compile(
    r"^(?:source\s*id|id|ids|identifier|designation|obj(?:ect)?\.?\s*(?:id|name)?|name|target|"
    r"star|galaxy|field|tic|kic|epic|gaia(?:\s*dr\d)?(?:\s*id)?|2mass|sdss|hd|hip|ra|r\.a\.|dec|"
    r"decl?\.?|raj2000|dej2000|ra_j2000|dec_j2000)(?:\s*\(j2000\))?$",
    re.I,
)
# Greek coordinates are case-sensitive: "δ" is a declination, "Δ" a difference.
_COORD_SYMBOL = re.compile(r"^(?:α|δ)(?:_?J2000|\s*\(J2000\))?$")


def _is_identifier_column(path: list[str], facts: _Facts, c: int) -> bool:
    """An identifier or coordinate column: its header names one (``Source ID``, ``RA``, ``Dec``,
    ``α``, ``δ``), and its body holds something."""
    lowest = path[-1] if path else ""
    bracketed = "(" in lowest or "[" in lowest  # (the pattern tries every position)
    bare = (_TRAILING_BRACKETS.sub("", lowest) if bracketed else lowest).strip()
    if not bare or (_ID_HEADER.match(bare) is None and _COORD_SYMBOL.match(bare) is None):
        return False
    return facts.values(c).values + facts.texts(c).texts > 0


# --------------------------------------------------------------------------------- row labels

# A summary row ends a group and is not part of it: "Mean", "Avg.", "Average", "Overall", "Total".
_SUMMARY = re.compile(r"^(?:mean|avg\.?|average|overall|total|all)\b(?!-)", re.I)


# A label cell that says "nothing here" is skipped like an empty one ("GPT-4o", not "GPT-4o / -").
_NULL_LABELS = frozenset({"-", "–", "—", "--", "---", "n/a", "N/A"})


def is_null_label(text: str) -> bool:
    return text in _NULL_LABELS


_SUMMARY_INITIALS = frozenset("MmAaOoTt")  # the only first letters _SUMMARY matches, re.I or not


def is_summary_label(text: str) -> bool:
    return text[:1] in _SUMMARY_INITIALS and _SUMMARY.match(text) is not None


def _styled(grid: Grid, r: int) -> bool:
    cell = grid.cell(r, 0) or {}
    return bool(cell.get("bold") or cell.get("italic"))


def _is_heading_row(grid: Grid, r: int, following: list[int], labels: list[int]) -> bool:
    """A group row that also holds a value of its own ("**Flat ΛCDM** | | (χ²=12.74) | |"): its
    first cell alone names it and is bold or italic, it holds at most one value, and the next row
    is a plain row with more values."""
    if not following or not _styled(grid, r) or is_summary_label(grid.label(r, 0)):
        return False
    if any(grid.text(r, c) for c in labels[1:]) or len(grid.value_columns(r)) > 1:
        return False
    nxt = following[0]
    return not _styled(grid, nxt) and len(grid.value_columns(nxt)) > len(grid.value_columns(r))


def row_labels(grid: Grid, body: list[int], labels: list[int]) -> dict[int, str | None]:
    """Each body row's label: the texts of its label columns left to right, joined with `` / ``
    (empty cells and cells that only say "nothing" — ``-``, ``–``, ``N/A`` — skipped; a cell
    spanning several label columns counted once, while two cells of equal text both count:
    ``80% / 10% / 10%``), after its group.

    A group row (a row whose only text is its first cell: ``Qwen3 family``, ``MMLU``; or a bold or
    italic first cell with at most one value, over plain rows with more) prefixes the labels of
    the rows below it; a value of its own is labelled with the group alone. The group ends at the
    next group row, at a spacer (empty) row, or at a summary row (``Mean``, ``Avg.``, ``Average``,
    ``Overall``, ``Total``, ``All``), which itself is not prefixed. A label cell spanning rows
    labels every row it covers.
    """
    out: dict[int, str | None] = {}
    group: str | None = None
    for k, r in enumerate(body):
        if grid.is_empty(r):
            group = None
            continue
        if grid.is_group_row(r):
            group = grid.label(r, 0) or None
            continue
        if _is_heading_row(grid, r, body[k + 1 : k + 2], labels):
            group = out[r] = grid.label(r, 0) or None
            continue
        parts: list[str] = []
        last = None
        line = grid.slots[r]
        for c in labels:
            placed = line[c]
            if placed is None or placed is last:
                continue  # a label cell spanning label columns counts once
            last = placed
            t = placed[5]  # grid.label(r, c) once worked out
            if t is None:
                t = grid.label(r, c)
            if t and t not in _NULL_LABELS:  # is_null_label
                parts.append(t)
        if parts and is_summary_label(parts[0]):
            group = None
        elif group and (not parts or parts[0] != group):
            parts.insert(0, group)
        out[r] = LABEL_SEP.join(parts) or None
    return out
