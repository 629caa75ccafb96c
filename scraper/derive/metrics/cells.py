"""The cell grammar: which cells hold results, and the items (one per result) of such a cell.

A cell holds results when its whole text is numbers with optional units, spreads, ranges,
intervals, counts, arrows, footnote marks and separators (``/``, ``|``, parentheses). One item per
result, not per number:

* ``0.14 ± 0.01`` -> value 0.14, spread 0.01 (spread_plus = spread_minus = 0.01);
* ``9.9^{+0.3}_{-0.2}`` -> value 9.9, spread_plus 0.3, spread_minus 0.2 (no symmetric spread);
* ``[0.208, 0.324]``, ``(0.2, 0.3)``, ``54.4–73``, ``~5–15 ms`` -> value = low end, high = high end;
* ``8/8``, ``45/50`` (two whole numbers, the first not above the second) -> a count: value 8, total
  8 (the reader splits it in two when the column header says the cell holds two results,
  ``EM/F1``);
* ``1008 (17.07%)``, ``85.3 (+2.1)``, ``0.97 / 0.09`` -> one item per number (`value_index` 0, 1);
* TeX is read: ``2.3\\cdot 10^{19}`` -> 2.3e19, ``1,024`` -> 1024, ``–0.3`` / ``−0.3`` -> -0.3.

Not results: text, model names with digits (``GPT-4o-2024-05-13``), ``392xxx``, ``-``, ``N/A``,
dates (a "range" whose high end is below its low end), coordinates (``09:34:09.21``: a colon makes
the cell no result) and identifiers (a whole number of 12 digits or more).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from .text import ASYM_DOWN, ASYM_UP, has_digit, normalize_cell_text
from .units import CELL_UNIT_RE, UNITS


class CellItem(NamedTuple):
    """One result of a cell."""

    value: float
    unit: str | None = None
    spread: float | None = None  # symmetric ± part
    high: float | None = None  # high end of a range or interval
    spread_plus: float | None = None
    spread_minus: float | None = None
    total: float | None = None  # n of a count k/n


# A leading en dash is a minus sign ("–0.3"); between two numbers it separates a range.
# A number: "1,024", "0.5", ".5", "23." (a trailing dot), "1.2e12".
_UNUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+|\.(?![\d.]))?(?:[eE][+-]?\d+)?|\.\d+"
_NUM = rf"[+\-–]?(?:{_UNUM})"
_MARKS = r"[*†‡§¶#↑↓+¹²³⁰⁴⁵⁶⁷⁸⁹]"  # footnote marks, arrows, a trailing "+" ("10,000+")
# Range separators between two numbers: en dash (LaTeX "--"), "~", " to ", a hyphen with no
# space or a space on both sides ("5-15", "5 - 15"; "0.97 -0.09" is two numbers).
_RANGE_SEP = r"(?:\s*[–~]\s*|-|\s+-\s+|\s+to\s+)"
# A unit token, tried only where one can start: the lookahead spares the regex engine the ~100
# alternatives of CELL_UNIT_RE after most numbers (followed by a space, a bracket or the end).
_U = rf"(?=[{re.escape(''.join(sorted({u[0] for u in UNITS})))}])(?:{CELL_UNIT_RE})"
_ITEM = re.compile(
    # an interval: "[0.208, 0.324]", "(-0.01, 0.2)"
    rf"[\[(]\s*(?P<ilo>{_NUM})\s*(?P<iu1>%)?\s*[,;]\s*(?P<ihi>{_NUM})\s*(?P<iu2>{_U})?\s*[\])]"
    # or a number, with its unit, the high end of a range, marks, and a spread
    rf"|(?P<cur>\$)?\s*(?P<num>{_NUM})(?:\s*(?P<unit>{_U}))?(?![A-Za-z0-9])"
    rf"(?:{_RANGE_SEP}(?P<high>{_UNUM})(?:\s*(?P<hunit>{_U}))?(?![A-Za-z0-9]))?"
    rf"(?:\s*{_MARKS})*"
    rf"(?:\s*\(?\s*±\s*(?P<spread>{_NUM})(?:\s*(?P<sunit>{_U}))?(?![A-Za-z0-9])(?:\s*\))?"
    rf"|\s*{ASYM_UP}(?P<plus>{_UNUM}){ASYM_DOWN}(?P<minus>{_UNUM})(?:\s*(?P<aunit>{_U})(?![A-Za-z0-9]))?)?"
)
# What may stand between and around the items of a cell: separators, marks and qualifiers
# ("≥ 411", "~5–15", "<0.01": the number is the item, the qualifier stays in the cell's text).
_SEPARATORS = re.compile(rf"^[\s/|()\[\],;~≈≥≤<>{_MARKS[1:-1]}]*$")
# Citation marks after a value: "10^{96} [6]", "10^{97} [4][5]", "[3, 7]" (see _drop_citations)
_CITATION = re.compile(r"\s*\[\s*(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\s*\]")
_GLUED = frozenset("0123456789.,")
_PLAIN_INT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
# Words a cell of results may hold outside TeX commands: unit words and their parts ("tok" of
# "tok/s"), "to" of a range, "e" of an exponent. Any other word ("1A", "N/A") makes the cell text.
# not a command, nor an option ("[rgb]"), nor a superscript mark ("85.3^{a}")
# "(?<![\\A-Za-z\[^])(?<!\^\{)[A-Za-z]+", written to start with its letter (the regex engine then
# skips to the letters) and look behind it after
_WORD = re.compile(r"[A-Za-z](?<![\\A-Za-z\[^][A-Za-z])(?<!\^\{[A-Za-z])[A-Za-z]*")
_UNIT_WORDS = frozenset(p for u in UNITS for p in re.findall(r"[A-Za-z]+", u)) | {"to", "pp", "e", "E"}
# "160\times 120", "1280x720": a size, two whole numbers
_SIZE = re.compile(r"(\d+)\s*(?:\\times|×|x)\s*(\d+)")
# "(\chi^{2}=12.66)", "r = 0.95": a symbol (maybe with a sub/superscript) set equal to a value
_ASSIGNMENT = re.compile(
    r"(?:\\left)?[(\[]?\s*\\?[A-Za-z]{1,8}(?:\s*[_^]\s*(?:\{[^{}=]{1,12}\}|\w))*\s*=\s*(?P<rhs>[^=]+?)\s*"
    r"(?:\\right)?[)\]]?"
)
# Two common TeX numbers, read at once: "2.3\cdot 10^{19}", "27.3\pm 0.2"
_SCI_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)\s*\\(?:cdot|times)\s*10\^\{(-?\d+)\}")
_PM_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)\s*\\pm\s*(\d+(?:\.\d+)?)")
# A number and a unit token ("1B", "12.5 GB", "4.2x"), and a cell of digits and separators only
# ("0.95 / 0.12", "1008 (17.07%)"): no TeX to read, the grammar reads it as it is.
_NUMBER_UNIT = re.compile(r"(-?(?:[1-9]\d{0,10}|0)(?:\.\d+)?) ?([A-Za-z]{1,6}|%|×)")
_SPACED_THOUSANDS = re.compile(r"\d{1,3}(?: \d{3})+")
_SIMPLE_CHARS = re.compile(r"[\d.,/|()%+\-–± ]+")
# A cell that is one plain number, with an optional percent sign (TeX or not): read at once.
_PLAIN_NUMBER = re.compile(r"(-?(?:[1-9]\d{0,10}|0)(?:\.\d+)?)\s*(\\?%)?")
# "1,540,396 (5.88 MB)": a count and its size in a unit, read at once (the item pattern costs
# ~10k instructions per number); the unit is checked against UNITS by the caller.
_COUNT_AND_SIZE = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+) \((\d+(?:\.\d+)?) ([A-Za-z]{1,6})\)")
# "54.4–73", "\sim5–15": a range of two plain numbers (approximate in TeX), read at once
_PLAIN_RANGE = re.compile(r"(?:\\sim)?(\d+(?:\.\d+)?)–(\d+(?:\.\d+)?)")
IDENTIFIER_DIGITS = 12  # a whole number this long is an identifier (catalogue source ids), not a result


_COLOUR_ARG = re.compile(r"\\(?:textcolor|colorbox|color|cellcolor|rowcolor)\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}")


# CellItem(…) without the namedtuple's Python-level __new__ (all seven fields given)
_new = tuple.__new__
_NONE5 = (None, None, None, None, None)
_DIGIT = re.compile(r"\d")
_NUMBER_START = frozenset("-0123456789")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LEADING_WORD = re.compile(r"[A-Za-z]+")


def _to_float(num: str) -> float:
    return float(num.replace(",", "").replace("–", "-"))


def _tex_number(text: str) -> tuple[CellItem, ...] | None:
    """The items of a size ("160\\times120"), a number times a power of ten ("2.3\\cdot 10^{19}")
    or a number with a spread ("27.3\\pm 0.2"); None for any other text."""
    size = _SIZE.fullmatch(text)
    if size:  # a size: two numbers (width, height)
        return (CellItem(float(size.group(1))), CellItem(float(size.group(2))))
    sci = _SCI_NUMBER.fullmatch(text)
    if sci:
        return (CellItem(float(f"{sci.group(1)}e{sci.group(2)}")),)
    pm = _PM_NUMBER.fullmatch(text)
    if pm:
        error = float(pm.group(2))
        return (CellItem(float(pm.group(1)), None, error, None, error, error),)
    return None


def _count_and_size(text: str) -> tuple[CellItem, ...] | None:
    """The two items of "1,540,396 (5.88 MB)" (a plain number, then a number with its unit, as the
    item pattern reads them); None for any other text."""
    m = _COUNT_AND_SIZE.fullmatch(text)
    if m is None or m.group(3) not in UNITS:
        return None
    return (CellItem(_to_float(m.group(1))), _new(CellItem, (float(m.group(2)), UNITS[m.group(3)], *_NONE5)))


def _plain_range(text: str) -> tuple[CellItem, ...] | None:
    """The item of "54.4–73" or "\\sim5–15" (normalised to "~5–15"): a range, no result when its
    high end is below its low end; None for any other text."""
    m = _PLAIN_RANGE.fullmatch(text)
    if m is None:
        return None
    low, high = float(m.group(1)), float(m.group(2))
    return (CellItem(low, high=high),) if high >= low else ()


@functools.lru_cache(maxsize=16384)  # the same cell texts ("-", "0.1", "✓") recur across tables
def parse_cell_items(text: str) -> tuple[CellItem, ...]:
    """The items of a cell that holds results, or () when it does not (see the module docstring).
    A count ``k/n`` is one item with `total`; the caller splits it when the header says so."""
    tex = "\\" in text
    # The quick forms below each start with a digit or "-" (and hold no TeX but "\\%"); each needs
    # a digit, so trying them before the test for one changes no answer.
    if text[:1] in _NUMBER_START:
        simple = _PLAIN_NUMBER.fullmatch(text)
        if simple:  # most value cells ("25.8", "84.2\\%"): no TeX to read
            number, percent = simple.groups()
            return (_new(CellItem, (float(number), "%" if percent else None, None, None, None, None, None)),)
        if not tex:
            simple = _NUMBER_UNIT.fullmatch(text)
            if simple:
                if simple.group(2) in UNITS:  # "1B", "12.5 GB", "120 ms", "4.2x"
                    return (_new(CellItem, (float(simple.group(1)), UNITS[simple.group(2)], *_NONE5)),)
                if simple.group(2) not in _UNIT_WORDS:
                    return ()  # "1A", "3 layers": a word that is no unit (as the word test below finds)
            if _SPACED_THOUSANDS.fullmatch(text):  # "12 345": digits grouped by (thin) spaces, one number
                return (CellItem(float(text.replace(" ", ""))),)
            if text[-1] == ")":
                found = _count_and_size(text)
                if found:
                    return found
            if "–" in text:
                found = _plain_range(text)
                if found is not None:
                    return found
    elif tex and text.startswith("\\sim"):
        found = _plain_range(text)
        if found is not None:
            return found
    if _DIGIT.search(text) is None:  # most text cells: no need to normalise them
        return ()
    if text[0] in _ASCII_LETTERS and "=" not in text and "olor" not in text:
        # A text that starts with a word ("ByteNet [18]", "Model 1"): the word test below meets
        # that word first, and no form before it reads a text starting with a letter.
        if _LEADING_WORD.match(text).group() not in _UNIT_WORDS:  # type: ignore[union-attr]
            return ()
    elif not tex and _SIMPLE_CHARS.fullmatch(
        text
    ):  # "0.95 / 0.12", "1008 (17.07%)", "54.4–73": nothing to read
        return _items(text)
    # Three common TeX numbers, read at once (before the checks below: their texts hold no "=",
    # no colour and no word but "x", a unit word, so those checks would let them through).
    coloured = "olor" in text
    if not coloured and (tex or "x" in text or "×" in text):
        found = _tex_number(text)
        if found:
            return found
    if "=" in text and len(text) < 80:
        assignment = _ASSIGNMENT.fullmatch(text)
        if assignment:  # "(\\chi^{2}=12.66)", "r = 0.95": the value is the right-hand side
            return parse_cell_items(assignment.group("rhs"))
    if coloured:  # "\textcolor{green}{(+1.2)}": the colour is no word of the cell
        text = _COLOUR_ARG.sub("", text)
    for w in _WORD.finditer(text):
        if w.group() not in _UNIT_WORDS:
            return ()  # a word that is no unit ("Fake triggers, 10% data"): text, not worth normalising
    if coloured and ("\\" in text or "x" in text or "×" in text):
        found = _tex_number(text)
        if found:
            return found
    s = normalize_cell_text(text)
    if not s or not has_digit(s):
        return ()
    if "[" in s:
        s = _drop_citations(s)
    return _items(s)


# The groups of _ITEM, read with one call per match
_GROUPS = (
    "cur",
    "num",
    "ilo",
    "ihi",
    "iu1",
    "iu2",
    "unit",
    "high",
    "hunit",
    "spread",
    "sunit",
    "plus",
    "minus",
    "aunit",
)


def _items(s: str) -> tuple[CellItem, ...]:
    """The items of a cell's plain text (see `normalize_cell_text`), or () when it is no result."""
    out: list[CellItem] = []
    gaps: list[str] = []
    plain: list[bool] = []  # the item is a bare whole number (a count's part)
    pos = 0
    for m in _ITEM.finditer(s):
        cur, num, ilo, ihi, iu1, iu2, unit, high, hunit, spread, sunit, plus, minus, aunit = m.group(*_GROUPS)
        first = m.start("cur") if cur else (m.start("num") if num else m.start())
        gap = s[pos:first]
        if gap and not _SEPARATORS.match(gap):
            return ()
        if out and not gap and ilo is None and s[pos - 1 : pos] in _GLUED:
            return ()  # "1.2.3": numbers must be separated (a mark may separate them: "85.3↑2.1")
        pos = m.end()
        if ilo is not None:
            low, top = _to_float(ilo), _to_float(ihi)
            unit = iu2 or iu1
            if top < low:  # "(12, 5)": two numbers, not an interval
                out += [CellItem(low), CellItem(top, UNITS[unit] if unit else None)]
                gaps += [gap, ","]
                plain += [False, False]
                continue
            out.append(CellItem(low, UNITS[unit] if unit else None, high=top))
            gaps.append(gap)
            plain.append(False)
            continue
        unit = "$" if cur else (unit or hunit or sunit or aunit)
        value = _to_float(num)
        high_value = _to_float(high) if high else None
        if high_value is not None and high_value < value:
            return ()
        spread_value = abs(_to_float(spread)) if spread else None
        plus_value = _to_float(plus) if plus else spread_value
        minus_value = _to_float(minus) if minus else spread_value
        out.append(
            _new(
                CellItem,
                (
                    value,
                    UNITS[unit] if unit else None,
                    spread_value,
                    high_value,
                    plus_value,
                    minus_value,
                    None,
                ),
            )
        )
        gaps.append(gap)
        plain.append(
            unit is None
            and high_value is None
            and plus_value is None
            and _PLAIN_INT.fullmatch(num) is not None
        )
    if not out or (pos < len(s) and not _SEPARATORS.match(s[pos:])):
        return ()
    if len(out) == 1 and plain[0] and len(str(int(out[0].value))) >= IDENTIFIER_DIGITS:
        return ()  # an identifier (a 19-digit source id), not a number
    if len(out) == 2 and all(plain) and gaps[1].strip() == "/" and 0 <= out[0].value <= out[1].value:
        return (CellItem(out[0].value, total=out[1].value),)  # a count k/n
    return tuple(out)


_DIGITS = re.compile(r"\d+")
_LAST_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:e[+-]?\d+)?\s*%?$")


def _drop_citations(s: str) -> str:
    """Bracketed whole numbers after a value are citation marks, not values ("10^{96} [6],
    10^{97} [4][5]"): one number, three or more, or two that do not enclose the value before them
    (``85.3 [83, 87]`` is a value and its interval)."""
    out: list[str] = []
    pos = 0
    for m in _CITATION.finditer(s):
        before = s[: m.start()].rstrip()
        if not before or not (before[-1].isdigit() or before[-1] in "]%.") or before[-1] == ",":
            continue  # a cell that starts with "[2, 5]": an interval
        numbers = [float(x) for x in _DIGITS.findall(m.group(1))]
        if len(numbers) == 2 and "," in m.group(1):
            last = _LAST_NUMBER.search(before)
            if last and numbers[0] <= float(last.group(1)) <= numbers[1]:
                continue
        out.append(s[pos : m.start()])
        pos = m.end()
    if not out:
        return s
    out.append(s[pos:])
    return " ".join(out)


def parse_cell_numbers(text: str) -> list[tuple[float, str | None, float | None]]:
    """(value, unit, spread) of each result of a cell (see `parse_cell_items`; a range gives its
    low end here, a count its k), or [] when the cell holds none."""
    return [(i.value, i.unit, i.spread) for i in parse_cell_items(text)]


def parse_number(text: str) -> tuple[float, str | None, float | None] | None:
    """(value, unit, spread) of a single-result cell such as ``85.3``, ``0.14 \\pm 0.01``,
    ``10\\%``, ``4.2×``, ``2e-5``, ``1,024``, ``7B``; None when the text is not exactly one result
    (text, ``-``, several numbers)."""
    items = parse_cell_numbers(text)
    return items[0] if len(items) == 1 else None


# A number set in bold/underline inside math: "\mathbf{28.4}", "{\bf 28.4}", "\underline{41.8}"
_TEX_BEST = re.compile(r"\\(?:mathbf|textbf|boldsymbol|bm|pmb|bf|bfseries|underline|uline)\b")


def tex_marks_best(raw: str | None) -> bool:
    """The cell's TeX sets its number in bold or underlined."""
    return raw is not None and "\\" in raw and _TEX_BEST.search(raw) is not None
