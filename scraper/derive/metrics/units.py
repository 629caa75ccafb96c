"""Units: the tokens a cell may carry after its number, and where else a table writes a unit.

A value's `unit` is, in this order (the first that says one wins; `unit` stays null when none
does, it is never guessed):
1. the cell's own unit (``12.3 ms``, ``85\\%``, ``4.2×``, ``7B``);
2. the column header (`header_unit`, the lowest header level first): a unit in parentheses or
   brackets (``Latency (ms)``, ``Memory [GB]``, ``Acc. (%)``, ``(in %)``), a trailing ``%``
   (``Acc. %``), a power of ten (``params ×10^6`` -> ``M``), or a header that is itself a unit
   (``Tok/s (↑)`` -> ``tok/s``, ``FPS``);
3. a units row under the header (``km/s | kpc | Myr``, see `units_row`);
4. the row label, as for the header but without a bare trailing ``%`` (``Params (B)``; a row
   ``Pruned 50%`` names a variant);
5. a unit the caption names for the whole table (`caption_unit`: "throughput in tok/s", "all
   numbers are in %", "times are in seconds").
Units are written as in the paper, normalised: ``tok/s``, ``%``, ``×``, ``s``, ``ms``, ``min``,
``h``, ``FPS`` (see `UNITS`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

from scraper.derive.casefree import CaseFree

LABEL_SEP = " / "

#: Unit tokens as written after a number in a cell -> the unit stored.
UNITS: dict[str, str] = {
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
    "secs": "s",
    "min": "min",
    "mins": "min",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "days": "days",
    "TB": "TB",
    "GB": "GB",
    "MB": "MB",
    "KB": "KB",
    "GiB": "GiB",
    "MiB": "MiB",
    "G": "G",
    "T": "T",
    "M": "M",
    "B": "B",
    "K": "K",
    "k": "K",
    "fps": "FPS",
    "FPS": "FPS",
    "W": "W",
    "kW": "kW",
    "J": "J",
    "kJ": "kJ",
    "GFLOPs": "GFLOPs",
    "TFLOPs": "TFLOPs",
    "PFLOPs": "PFLOPs",
    "FLOPs": "FLOPs",
    "GFLOPS": "GFLOPs",
    "TFLOPS": "TFLOPs",
    "it/s": "it/s",
    "tok/s": "tok/s",
    "tokens/s": "tok/s",
    "tok/sec": "tok/s",
    "tokens/sec": "tok/s",
    "$": "$",
    "dB": "dB",
    "Hz": "Hz",
    "kHz": "kHz",
    "MHz": "MHz",
    "GHz": "GHz",
    "km/s": "km/s",
    "m/s": "m/s",
    "pc": "pc",
    "kpc": "kpc",
    "Mpc": "Mpc",
    "yr": "yr",
    "Myr": "Myr",
    "Gyr": "Gyr",
    "mag": "mag",
    "dex": "dex",
    "deg": "deg",
    "°": "°",
    "arcsec": "arcsec",
    "arcmin": "arcmin",
    "eV": "eV",
    "keV": "keV",
    "MeV": "MeV",
    "GeV": "GeV",
    "TeV": "TeV",
    "Jy": "Jy",
    "mJy": "mJy",
    "nm": "nm",
    "μm": "μm",
    "mm": "mm",
    "cm": "cm",
    "km": "km",
    "kg": "kg",
    "mW": "mW",
    "σ": "σ",
}
CELL_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))

# Unit words a header, units row or caption may spell out; looked up lower-cased.
_SPELLED = {
    "seconds": "s",
    "second": "s",
    "milliseconds": "ms",
    "millisecond": "ms",
    "minutes": "min",
    "minute": "min",
    "hours": "h",
    "hour": "h",
    "percent": "%",
    "percentage": "%",
    "percentages": "%",
    "tokens/s": "tok/s",
    "tokens/second": "tok/s",
    "tokens per second": "tok/s",
    "tok/s": "tok/s",
    "tok/sec": "tok/s",
    "tokens/sec": "tok/s",
    "fps": "FPS",
    "frames per second": "FPS",
    "it/s": "it/s",
    "gflops": "GFLOPs",
    "tflops": "TFLOPs",
    "flops": "FLOPs",
    "sec": "s",
    "secs": "s",
    "hrs": "h",
    "mins": "min",
    "gpu hours": "GPU-hours",
    "gpu-hours": "GPU-hours",
    "gpu days": "GPU-days",
    "gpu-days": "GPU-days",
    "days": "days",
    "usd": "$",
}
# Magnitudes and short units are case-sensitive (M, B, K, G; ms vs Ms): looked up as written.
_AS_WRITTEN = {k: v for k, v in UNITS.items() if k not in ("x", "X")}


def unit_token(token: str) -> str | None:
    """The unit a standalone token names (``ms``, ``Tok/s``, ``seconds``, ``%``, ``km/s``), or None."""
    t = token.strip()
    if not t:
        return None
    found = _AS_WRITTEN.get(t)
    if found is None:
        lowered = t.lower()
        found = _SPELLED.get(lowered) or _CASE_FREE.get(lowered)
    return found


# Units whose case carries no meaning (tok/s, GB, fps): also looked up lower-cased. Not short ones
# that are also words or variables ("Min", "DB", "PC"), nor those whose case matters (ms, mJy).
_CASE_FREE = {
    k.lower(): v
    for k, v in UNITS.items()
    if (len(k) >= 3 or k in ("GB", "MB", "TB", "KB", "Hz"))
    and k not in ("min", "mins", "mag", "Mpc", "MeV", "mJy", "mW", "deg", "dex", "days")
}

_ARROWS_AND_MARKS = re.compile(
    r"[↑↓*†‡§¶]|\((?:\s*[↑↓]\s*)\)|\[(?:\s*[↑↓]\s*)\]|\b(?:higher|lower)\s+is\s+better\b"
)
# "[↑↓*†‡§¶]|better", written to start with one class (the regex engine skips to its characters)
_MARK_CHARS = re.compile(r"[↑↓*†‡§¶b](?:(?<=b)etter|(?<!b))")
_BRACKETED = re.compile(r"[(\[]\s*(?:in\s+)?([^()\[\]]{1,24}?)\s*[)\]]")
_LEADING_PERCENT = re.compile(r"\s*%\s*[^\W\d_]")
_TRAILING_PERCENT = re.compile(r"(?<![\d(\[])\s%\s*$|(?<=[A-Za-z.])%\s*$")
# "params ×10^6" / "(×10^9)": a power of ten in the label that scales the column.
_HEADER_SCALE = re.compile(r"×\s*10\^(3|6|9|12)\b")
_SCALE_UNITS = {"3": "K", "6": "M", "9": "B", "12": "T"}
# "(B)" / "(A)" alone name variants of an ablation, not billions.
_VARIANT_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@functools.lru_cache(maxsize=4096)
def label_unit(label: str | None, bare_percent: bool = True) -> str | None:
    """Unit named by a header or row label (see the module docstring, rules 2 and 4): the lowest
    header level that names one wins."""
    if not label:
        return None
    for part in reversed(label.split(LABEL_SEP)):
        if part.isdecimal():
            continue  # "512": digits only, no unit (see _part_unit)
        found = _part_unit(part, bare_percent)
        if found:
            return found
    return None


# A character a unit may be written with: a letter or one of these symbols.
# "[^\W\d_]|[%×$°]", written to start with one class (the regex engine skips to its characters),
# a digit or "_" then turned down by the lookbehind
_UNIT_CHAR = re.compile(r"[\w%×$°](?<=[^\W\d_]|[%×$°])")


@functools.lru_cache(maxsize=4096)  # the parts of row labels repeat ("64", "0.1", "Ours")
def _part_unit(part: str, bare_percent: bool) -> str | None:
    if _UNIT_CHAR.search(part) is None:
        return None  # "512", "0.1", "(A)"-less numbers: no unit can be written without a letter
    bracketed = "(" in part or "[" in part
    for m in _BRACKETED.finditer(part) if bracketed else ():
        inner = m.group(1).strip()
        if _UNIT_CHAR.search(inner) is None:
            continue  # "[18]", "(2016)": a citation or a year names no unit (as for the whole part)
        if m.start() == 0 and inner in _VARIANT_LETTERS:
            continue  # "(B)" alone: a variant name
        if inner == "k":
            return "k"  # "Entropy S [k]": written as in the paper (a thousand is "57k" in a cell)
        found = unit_token(inner) or compound_unit(inner)
        if found:
            return found
        m_scale = _HEADER_SCALE.search(inner) if "×" in inner else None
        if m_scale:
            return _SCALE_UNITS[m_scale.group(1)]
    m_scale = _HEADER_SCALE.search(part) if "×" in part else None
    if m_scale:
        return _SCALE_UNITS[m_scale.group(1)]
    if bare_percent and "%" in part and (_TRAILING_PERCENT.search(part) or _LEADING_PERCENT.match(part)):
        return "%"  # "Acc. %", "% Critical", "%Dist"
    # a header that is itself a unit: "Tok/s (↑)", "FPS", "GFLOPs ↓"
    # (every alternative of _ARROWS_AND_MARKS holds a mark or "better": without one it has nothing to drop)
    bare = (_ARROWS_AND_MARKS.sub("", part) if _MARK_CHARS.search(part) else part).strip(" ()[]")
    if len(bare) > 1 or bare in ("%", "×"):
        found = unit_token(bare)
        if found:
            return found
    # a header ending in an abbreviated unit: "Video FPS", "Training FLOPs", "Peak memory GB"
    last = bare.rsplit(" ", 1)[-1] if " " in bare else ""
    return _TRAILING_UNITS.get(last)


# Abbreviated units that name their column when they end the header ("Video FPS"); words such as
# "s", "min" or "M" are too ambiguous there.
_TRAILING_UNITS = {
    u: UNITS[u]
    for u in (
        "FPS", "fps", "GB", "MB", "TB", "GiB", "MiB", "tok/s", "it/s", "GFLOPs", "TFLOPs", "PFLOPs", "FLOPs",
        "dB", "Hz", "kHz", "MHz", "GHz", "ms",
    )
}  # fmt: skip

# Units a compound unit is made of ("km s^-1 Mpc^-1", "erg/s", "M_⊙"): written as in the paper.
_BASE_UNITS = frozenset(
    re.findall(
        r"\S+",
        "m cm mm km nm μm pc kpc Mpc Gpc au AU s ms μs ns yr Myr Gyr h min d g kg erg J W Hz kHz MHz GHz "
        "K k k_B eV keV MeV GeV TeV Jy mJy μJy sr deg arcsec arcmin mag dex M_⊙ L_⊙ R_⊙ M_sun L_sun M_☉ L_☉ "
        "M_⊕ R_⊕ R_J M_J V A Pa bar N C mol",
    )
)
_PER_TIME = re.compile(r"/\s*(?:s|yr|Myr|Gyr|h|min|d)$")
_UNIT_FACTOR = re.compile(r"([^\s/·^]+)(?:\^\{?[-−]?\d\}?)?")


_FACTOR_SEP = re.compile(r"[\s/·]+")
_WHITE = re.compile(r"\s+")


def compound_unit(text: str) -> str | None:
    """A unit made of base units with powers (``km s^-1 Mpc^-1``, ``erg/s``, ``M_⊙``), as written;
    None for anything else."""
    t = text.strip()
    if not t or len(t) > 32:
        return None
    if "^" not in t and "_" not in t and "/" not in t:
        return None  # no power, subscript or rate per time: see the last test below
    factors = [f for f in _FACTOR_SEP.split(t) if f]
    if not factors or len(factors) > 5:
        return None
    for f in factors:
        m = _UNIT_FACTOR.fullmatch(f)
        if m is None or m.group(1) not in _BASE_UNITS:
            return None
    if "^" not in t and "_" not in t and not _PER_TIME.search(t):
        return None  # "m/mm", "K": a power, a subscript (M_⊙) or a rate per time makes it a unit
    return " ".join(t.split())


def units_row(texts: Iterable[str]) -> list[str | None] | None:
    """Units of a header row that holds only units (``km/s | kpc | Myr``, ``(mag) | (kpc)``): one
    per cell (None for an empty cell), or None when the row is not a units row. Coordinates
    formats such as ``(hh:mm:ss)`` count as units (of label columns)."""
    out: list[str | None] = []
    seen = 0
    for text in texts:
        t = text.strip()
        if not t:
            out.append(None)
            continue
        inner = t[1:-1].strip() if t[:1] in "([" and t[-1:] in ")]" else t
        found = unit_token(inner) or compound_unit(inner)
        if found is None and _COORD_FORMAT.fullmatch(inner):
            found = inner
        if found is None:
            scale = _HEADER_SCALE.search(inner)
            found = _SCALE_UNITS[scale.group(1)] if scale else None
        if found is None:
            return None
        out.append(found)
        seen += 1
    return out if seen else None


_COORD_FORMAT = re.compile(r"(?:hh|h|dd|d|deg|°):?\s*(?:mm|m|′):?\s*(?:ss|s|″)(?:\.s+)?", re.I)

# "throughput in tok/s", "all numbers are in %", "times are in seconds", "(in %)", "(%)"
_UNIT_WORDS = (
    r"%|percent(?:ages?)?|seconds?|secs?|milliseconds?|ms|minutes?|hours?|tok(?:ens)?\s*/\s*s(?:ec)?|"
    r"tokens\s+per\s+second|frames\s+per\s+second|FPS|GB|MB|TB|GiB|it/s|GFLOPs|TFLOPs|km/s|kpc|"
    r"Myr|dB|USD"
)
# Case-insensitive (`CaseFree`: a caption is long, and re.I folds the case of every character)
_CAPTION_IN_UNIT = CaseFree(rf"\b(?:in|as)\s+({_UNIT_WORDS})(?![\w/])")
_CAPTION_BRACKET_UNIT = CaseFree(rf"[(\[]\s*(in\s+)?({_UNIT_WORDS})\s*[)\]]")
# Before "in <unit>", the clause must speak of the table's numbers ("throughput in tok/s").
_CAPTION_SCOPE = CaseFree(
    r"\b(?:all|numbers?|values?|results?|scores?|accurac(?:y|ies)|metrics?|entries|times?|latenc"
    r"(?:y|ies)|throughputs?|speeds?|reported|measured|given|shown|expressed|are|is|rates?|"
    r"errors?|memory|costs?|durations?)\b[^.;:]*$"
)


def _case_free_matches(pattern: CaseFree, text: str) -> Iterator[re.Match[str]]:
    """The matches of `pattern` in `text`, case-insensitively; read a group's text from `text` by
    its span (a match in the lowered text holds the lowered group)."""
    if pattern.foldable(text):
        return pattern.folded.finditer(text.lower())  # same matches, same places (see CaseFree)
    return pattern.cased.finditer(text)


def _caption_token(token: str) -> str | None:
    return unit_token(_WHITE.sub(" ", token)) or unit_token(_WHITE.sub("", token))


@functools.lru_cache(maxsize=1024)
def caption_unit(caption: str | None) -> str | None:
    """The unit a caption names for the whole table (rule 5), or None: ``in <unit>`` after words
    about the table's numbers ("throughput in tok/s", "All accuracies are in %", "Times are in
    seconds"), or a bracketed unit when it is the caption's only one ("Text model throughput
    (tok/s)", "(in ms)", "(%)"; "Accuracy (%) and latency (ms)" names two columns' units, not the
    table's). Several different units: None."""
    if not caption:
        return None
    if " in " not in caption and " as " not in caption and "(" not in caption and "[" not in caption:
        return None
    text = caption.replace("\\%", "%").replace("\\,", " ") if "\\" in caption else caption
    found: set[str] = set()
    for m in _case_free_matches(_CAPTION_IN_UNIT, text):
        if _CAPTION_SCOPE.search(text[max(0, m.start() - 60) : m.start()]):
            unit = _caption_token(text[m.start(1) : m.end(1)])
            if unit:
                found.add(unit)
    bracketed = list(_case_free_matches(_CAPTION_BRACKET_UNIT, text))
    if len(bracketed) == 1:  # "Text model throughput (tok/s)", "(in ms)", "(%)"
        m = bracketed[0]
        unit = _caption_token(text[m.start(2) : m.end(2)])
        if unit:
            found.add(unit)
    return found.pop() if len(found) == 1 else None
