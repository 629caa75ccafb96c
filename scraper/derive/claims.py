"""Quantitative claims in abstract/conclusion text -> `claims` rows (see
`scraper.schema.metrics.CLAIMS`), and `headline_claims` for the papers table.

A claim is a number that states a *result*: a speed-up (``up to 4×``, ``14 times faster``), a
reduction (``reduces memory by 70%``, ``from 462 s to 230 s``), an improvement (``+10.3%``,
``9.0-point improvement``, ``from 39.33% to 61.48%``), an absolute level (``92.5% accuracy``,
``20.7 FPS``, ``32 GPU-days``) or another relative statement (``50x longer``, ``1% of the cost``).

Each sentence is read by `RULES`, an ordered list of (pattern, handler) rules: a rule's claims
take their span, and a later rule never claims inside a span already taken. Baselines are
claimed first, so the number a result is compared with is never tagged as the result:
``from A to B`` is one claim (value B, `baseline` A); ``B instead of A`` likewise; a number after
``compared to``/``versus``/``vs.`` is the baseline of the claim before it. Qualifiers (``up to``,
``over``, ``under``, ``nearly``, ``more than`` …) stay in `claim_text`. A range ``8% -- 30%`` is
one claim. Inputs and settings are no claims: model sizes (``7B``, ``405B parameters``),
dataset/benchmark counts (``40K pairs``, ``35 benchmarks``), years, version numbers and names with
digits (``Qwen2.5``, ``Terminal-Bench 2.1``), resolutions (``1536x1536``), bit widths, citations,
complexity (``O(N^2)``), setup durations written as adjectives (``a 5-second video``) unless
qualified by ``up to``, and input sizes (``0.3 MB chunks``). The rules and their measured
precision/recall are in tests/gold/README.md and docs/results.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import cast

from scraper.derive.casefree import CaseFree
from scraper.parse.text import squash_whitespace
from scraper.schema.claims import CLAIM_KINDS

# ---------------------------------------------------------------------------------------------
# Text preparation


def normalize_text(text: str) -> str:
    """Plain one-line text: arXiv TeX escapes (``\\%``, ``\\times``, ``$``) resolved, ``N times``
    / ``N-fold`` after a digit turned into ``N×``, whitespace squashed."""
    s = text
    first = min(k for k in (s.find("\\"), s.find("$"), len(s)) if k >= 0)
    if first < len(s):
        # Every escape starts with a \ or a $ and a $…$ ends with one: they are resolved in the
        # stretch from the first of them to the longest escape after the last, not in the whole text.
        end = max(s.rfind("\\"), s.rfind("$")) + len("\\rightarrow")
        s = s[:first] + _resolve_escapes(s[first:end]) + s[end:]
    s = s.replace("−", "-").replace("\u2009", " ").replace("\xa0", " ")
    if "times" in s or "fold" in s:
        s = _TIMES.sub(r"\1×", s)
    return squash_whitespace(s)


def _resolve_escapes(s: str) -> str:
    s = s.replace("\\%", "%").replace("\\$", "$").replace("\\times", "×").replace("\\ ", " ")
    s = s.replace("\\rightarrow", "→").replace("\\to ", "→ ")
    s = re.sub(r"\$\s*\\?(?:sim|approx)\s*\$", "~", s)
    s = re.sub(r"\$([^$]{0,20})\$", r"\1", s)  # inline math such as $4\times$ / $\sim$
    return s.replace("\\sim", "~").replace("\\approx", "~").replace("\\pm", "±")


_TIMES = re.compile(r"(\d)\s*(?:times\b|-fold\b|fold\b)")


# An abbreviation ending a part does not end its sentence; matched on the part's last characters
# (anchored at the start of that tail: a search for "…\.$" would try every position of the part).
_ABBREVIATIONS = (
    "e.g",
    "i.e",
    "et al",
    "vs",
    "Fig",
    "Figs",
    "Eq",
    "Sec",
    "approx",
    "cf",
    "resp",
    "etc",
    "No",
)
_ABBREV = re.compile(rf"(?:.*\W)?(?:{'|'.join(map(re.escape, _ABBREVIATIONS))})\.")
_ABBREV_TAIL = 8  # len("approx.") + the character before it
# what a part must end with for _ABBREV to match: a quick test that spares most parts the regex
_ABBREV_ENDS = tuple(f"{a}." for a in _ABBREVIATIONS)
# A sentence ends at . ! ? then whitespace before a capital, a digit, a quote or a bracket; the
# pattern starts with the end mark so that the regex engine skips to candidates.
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z0-9\"'(\[~])")
# The same for text without ! and ? (most of it): a pattern that starts with a literal is searched
# for that character at C speed; a class is tried at every position (~5x slower here).
_SENTENCE_END_DOT = re.compile(r"\.\s+(?=[A-Z0-9\"'(\[~])")


def split_sentences(text: str) -> list[str]:
    """Sentences of normalized text (abbreviations such as ``e.g.``/``et al.`` do not end one)."""
    return [text[a:b] for a, b in _sentence_bounds(text)]


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text` as `normalize_text` returns it: stripped, one space
    between words, so that a sentence, even one joined across an abbreviation, is text[start:end]."""
    out: list[tuple[int, int]] = []
    start = 0
    ends = _SENTENCE_END if "!" in text or "?" in text else _SENTENCE_END_DOT
    for m in ends.finditer(text):
        if out and _ends_in_abbreviation(text, *out[-1]):
            out[-1] = (out[-1][0], m.start() + 1)
        else:
            out.append((start, m.start() + 1))
        start = m.end()
    if out and _ends_in_abbreviation(text, *out[-1]):
        out[-1] = (out[-1][0], len(text))
    elif start < len(text):
        out.append((start, len(text)))
    return out


def _ends_in_abbreviation(text: str, start: int, end: int) -> bool:
    return text.endswith(_ABBREV_ENDS, start, end) and bool(
        _ABBREV.fullmatch(text, max(start, end - _ABBREV_TAIL), end)
    )


def _digit_runs(text: str, bounds: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The runs of ASCII digits of each sentence (`bounds`), as spans in the sentence: found in
    the whole text at once by fast ``str.find`` scans (a regex tries a class at every character)."""
    found: list[int] = []
    for digit in "0123456789":
        k = text.find(digit)
        while k >= 0:
            found.append(k)
            k = text.find(digit, k + 1)
    found.sort()
    runs: list[list[int]] = []
    for k in found:
        if runs and runs[-1][1] == k:
            runs[-1][1] = k + 1  # the run goes on
        else:
            runs.append([k, k + 1])
    out: list[list[tuple[int, int]]] = [[] for _ in bounds]
    sentence = 0
    for start, end in runs:
        while bounds[sentence][1] <= start:  # a run lies inside one sentence (no . or space)
            sentence += 1
        a = bounds[sentence][0]
        out[sentence].append((start - a, end - a))
    return out


# ---------------------------------------------------------------------------------------------
# Patterns

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# the number must not be glued to an identifier: "Qwen3", "GPT-4o", "Wan2.1-1.3B", "W4A4", "v2"
_LEFT = r"(?<![\w.@/^-])"
_QUAL = (
    r"(?P<qual>up\s+to(?:\s+an?)?|over|under|more\s+than|less\s+than|fewer\s+than|at\s+least|"
    r"about|around|approximately|roughly|nearly|almost|only|just|~|≈)"
)
_QUAL_OPT = rf"(?:{_QUAL}\s*)?"

_TIME_UNITS = {
    "ms": "ms",
    "milliseconds": "ms",
    "millisecond": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "seconds": "s",
    "second": "s",
    "min": "min",
    "mins": "min",
    "minutes": "min",
    "minute": "min",
    "h": "h",
    "hours": "h",
    "hour": "h",
    "hrs": "h",
    "days": "days",
    "day": "days",
    "GPU-days": "GPU-days",
    "GPU days": "GPU-days",
    "GPU-hours": "GPU-hours",
    "GPU hours": "GPU-hours",
}
_OTHER_UNITS = {
    "%": "%",
    "×": "×",
    "x": "×",
    "X": "×",
    "points": "pt",
    "point": "pt",
    "pts": "pt",
    "pp": "pt",
    "percentage points": "pt",
    "dB": "dB",
    "FPS": "FPS",
    "fps": "FPS",
    "GB": "GB",
    "MB": "MB",
    "TB": "TB",
    "tokens/s": "tok/s",
    "tok/s": "tok/s",
    "it/s": "it/s",
}
_UNIT_MAP = {**_TIME_UNITS, **_OTHER_UNITS}
_UNIT_ALT = "|".join(re.escape(u).replace(r"\ ", r"\s") for u in sorted(_UNIT_MAP, key=len)[::-1])
# unit right after the number ("4×", "20.7 FPS", "9.0-point", "240-second"); not "720x1280"
_UNIT = rf"(?P<sep>\s|-)?(?P<unit>{_UNIT_ALT})(?![\w/])(?!\d)"

_WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        )
    )
}
_WORD_NUMBERS.update({"thirty": 30, "forty": 40, "fifty": 50, "hundred": 100})
_SECONDS_PER = {"second": 1, "minute": 60, "hour": 3600}
_WORD_ALT = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))

_P_DURATION = re.compile(
    rf"{_LEFT}{_QUAL_OPT}(?P<a>\d+)\s*(?P<ua>minutes?|hours?)\s*(?:and|,)?\s*(?P<b>\d+)\s*"
    rf"(?P<ub>seconds?|minutes?)\b",
    re.I,
)
# "from 21.7 seconds to under 1 second", "from approximately 1.2 s to 0.35 s", "(462 s → 230 s)"
_QUAL_IN = (
    r"(?:(?:about|around|approximately|roughly|nearly|almost|over|under|only|just|~|≈|less\s+than|"
    r"more\s+than)\s*)?"
)
_P_FROM_TO = re.compile(
    rf"(?:\bfrom\s+|(?<=\()){_QUAL_IN}{_LEFT}(?P<a>{_NUM})\s*(?P<ua>{_UNIT_ALT})?(?![\w])\s*"
    rf"(?:to|→|->)\s*(?P<bq>{_QUAL_IN})(?P<b>{_NUM})\s*(?P<ub>{_UNIT_ALT})?(?![\w])"
)
_P_BARE_TO = re.compile(
    rf"{_LEFT}(?P<a>\d+\.\d+)\s*(?P<ua>%)?\s*(?:to|→|->)\s*(?P<b>\d+\.\d+)\s*(?P<ub>%)?(?![\w.])"
)
_P_INSTEAD = re.compile(rf"{_LEFT}(?P<b>{_NUM})\s+instead\s+of\s+(?P<a>{_NUM})(?![\w.])")
# "8% -- 30%", "5–15 ms", "between 8% and 30%"
_P_RANGE = re.compile(
    rf"{_LEFT}{_QUAL_OPT}(?:between\s+)?(?P<a>{_NUM})\s*(?P<ua>{_UNIT_ALT})?\s*(?:--|–|—|-|~|\band\b)\s*"
    rf"(?P<b>{_NUM})\s*(?P<u>{_UNIT_ALT})(?![\w/])"
)
_P_CORR = re.compile(r"\b(?P<sym>[rρ]|Pearson|Spearman)\s*=\s*(?P<v>-?\d*\.\d+)")
_P_UNIT = re.compile(rf"{_LEFT}{_QUAL_OPT}(?P<v>{_NUM}){_UNIT}")
_P_WORD = re.compile(
    rf"\b{_QUAL_OPT}(?P<w>{_WORD_ALT})(?:[\s-])(?P<unit>points?|percentage\s+points|"
    rf"times|fold)\b",
    re.I,
)
# A bare number before a comparative is a claim only for counts ("3 fewer steps"): "10 less cost" or
# "2 faster" have lost their unit (×? %?), so their value cannot be read.
_P_COMPARATIVE = re.compile(rf"{_LEFT}{_QUAL_OPT}(?P<v>{_NUM})\s+(?P<cmp>fewer)\b")
# Numbers listed before one shared unit: "by 3.84 and 1.91 dB", "12.5%, 8.1% and 3.0%" has its own.
_P_LIST_UNIT = re.compile(
    rf"{_LEFT}{_QUAL_OPT}(?P<nums>(?:{_NUM})(?:\s*,\s*(?:{_NUM}))*,?\s+(?:and|or)\s+(?:{_NUM}))"
    rf"\s*(?P<unit>{_UNIT_ALT})(?![\w/])(?!\d)"
)
_NUM_RE = re.compile(_NUM)
_P_BY = re.compile(
    rf"\b(?P<verb>improv\w*|boost\w*|increas\w*|outperform\w*|surpass\w*|reduc\w*|decreas\w*|"
    rf"lower\w*|cut\w*|exceed\w*)\b[^,;:.]{{0,60}}?\bby\s+{_QUAL_OPT}{_LEFT}(?P<v>{_NUM})"
    rf"(?![\w%×.]|\s*(?:{_UNIT_ALT})(?![\w]))"
)
# The number a result is compared with: "62% compared to 48%", "vs. 80.1%", "against 31.2 FPS"
_P_VERSUS = re.compile(
    rf"(?:\bcompared\s+(?:to|with)|\brelative\s+to|\bversus|\bvs\.?|\bagainst|\bfrom\s+a\s+baseline\s+of)"
    rf"\s+(?:the\s+)?(?:\w+(?:'s)?\s+)?{_QUAL_IN}{_LEFT}(?P<v>{_NUM})\s*(?P<unit>{_UNIT_ALT})?(?![\w.])"
)
# An input or a setting the result was measured at, written as a quantity before what it sizes:
# "0.3 MB chunks", "10-second clips", "128K-token windows"
_SETTING_NOUNS = (
    "chunk", "segment", "clip", "window", "file", "batch", "block", "prompt", "sequence", "input", "patch",
    "interval", "recording", "utterance", "snippet", "excerpt", "slice", "shard",
)  # fmt: skip
_P_SETTING = CaseFree(
    rf"{_LEFT}(?P<v>{_NUM})\s*-?\s*(?:{_UNIT_ALT}|K|M|B|k)?-?\s*(?:token\s+|frame\s+)?"
    rf"(?:{'|'.join(_SETTING_NOUNS)})(?:e?s)?\b"
)

# ---------------------------------------------------------------------------------------------
# Kind

_KW_SPEED = CaseFree(r"speed\s*-?\s*up|faster|accelerat|throughput|latency|speed")
_KW_REDUCE = CaseFree(
    r"reduc|fewer|less\b|lower|smaller|decreas|sav(?:e|es|ing)|cut|compress|cheaper|shrink|drop"
)
_KW_IMPROVE = CaseFree(
    r"improv|gain|better|boost|increas|outperform|surpass|higher|enhanc|l(?<!\wl)ift|rais|exceed|"
    r"advantage\b"
)


# what follows "only N%" when N% is a share of a resource rather than a score
_SHARE_OF = CaseFree(
    r"\s*of\s+(?:the\s+)?\w|\s*(?:the\s+)?(?:training|inference|compute|computational|memory|data|"
    r"parameters?|FLOPs|cost|time|GPU)\b"
)


# Clause marks: , ; : ( or the word "while"/"with" before a claim, , ; : ) or "and"/"while" after
# it. Every alternative starts with a literal, so that the regex engine skips to candidates: "\bw"
# is written "w(?<!\ww)" (the character before the w is no word character).
_CLAUSE_BEFORE = re.compile(r",|;|:|\(|w(?<!\ww)(?:hile|ith)\b")
_CLAUSE_AFTER = re.compile(r",|;|:|\)|a(?<!\wa)nd\b|w(?<!\ww)hile\b")


_KW_LONGER = CaseFree(r"longer|beyond|larger|bigger|more\b")
_KW_ONLY = CaseFree(r"only|less than|equivalent|just")
_KW_WITHIN = CaseFree(r"within|beyond")
_WHITE = re.compile(r"\s+")
_TRAILING_ARTICLE = re.compile(r"\s+an?$")
_YEAR = re.compile(r"(?:19|20)\d\d")


def _before(sentence: str, start: int, width: int = 90) -> str:
    """Text before `start` in the same clause (cut at , ; : ( and at most `width` chars)."""
    chunk = sentence[max(0, start - width) : start]
    end = 0
    for mark in _CLAUSE_BEFORE.finditer(chunk):  # up to the last clause mark (marks never overlap)
        end = mark.end()
    return chunk[end:]


def _after(sentence: str, end: int, width: int = 30) -> str:
    chunk = sentence[end : end + width]
    cut = _CLAUSE_AFTER.search(chunk)
    return chunk[: cut.start()] if cut else chunk


class _Keywords:
    """The keyword patterns of `_kind`, with re.I or lowered for lowered text (see `casefree`)."""

    def __init__(self, folded: bool) -> None:
        def pick(p: CaseFree) -> re.Pattern:
            return p.folded if folded else p.cased

        self.reduce, self.longer, self.only = pick(_KW_REDUCE), pick(_KW_LONGER), pick(_KW_ONLY)
        self.share_of, self.improve = pick(_SHARE_OF), pick(_KW_IMPROVE)
        self.speed, self.within = pick(_KW_SPEED), pick(_KW_WITHIN)


_CASED, _FOLDED = _Keywords(False), _Keywords(True)
# what text must not hold to be read folded by all of them
_KW_FOLDABLE = CaseFree(
    "|".join(
        p.cased.pattern
        for p in (_KW_REDUCE, _KW_LONGER, _KW_ONLY, _SHARE_OF, _KW_IMPROVE, _KW_SPEED, _KW_WITHIN)
    )
)


def _kind(sentence: str, start: int, end: int, unit: str | None) -> str:
    before, after = _before(sentence, start), _after(sentence, end)
    kw = _CASED
    if _KW_FOLDABLE.foldable(before) and _KW_FOLDABLE.foldable(after):
        before, after, kw = before.lower(), after.lower(), _FOLDED
    near = f"{before} | {after}"
    if unit == "×":
        if kw.reduce.search(near):
            return "reduction"
        if kw.longer.search(after):
            return "relative"
        return "speedup"
    if unit == "%" and kw.only.search(before) and kw.share_of.match(after):
        return "relative"  # "only 1% of the cost", "only requiring 6.3% training time"
    if (kw.reduce.search(after) or kw.reduce.search(before)) and not kw.improve.search(after):
        return "reduction"
    if kw.speed.search(after) and unit in ("%", None):
        return "speedup"
    if kw.improve.search(near):
        return "improvement"
    if kw.within.search(before):
        return "relative"
    return "absolute"


# ---------------------------------------------------------------------------------------------
# Rules


def _f(num: str) -> float:
    return float(num.replace(",", ""))


def _unit(token: str | None) -> str | None:
    if not token:
        return None
    if token in _UNIT_MAP:  # as written (the keys hold single spaces only)
        return _UNIT_MAP[token]
    key = _WHITE.sub(" ", token)
    return _UNIT_MAP.get(key) or _UNIT_MAP.get(key.lower())


# qualifier as written -> the value stored (see QUALIFIERS: the documented set)
_QUALIFIERS = {
    "~": "about",
    "≈": "about",
    "approximately": "about",
    "roughly": "about",
    "around": "about",
    "almost": "nearly",
    "fewer than": "less than",
    "under": "less than",
}
QUALIFIERS = ("up to", "over", "more than", "at least", "about", "nearly", "less than", "only", "just")


def _qualifier(text: str | None) -> str | None:
    if not text:
        return None
    q = _WHITE.sub(" ", text.strip().lower())
    q = _TRAILING_ARTICLE.sub("", q)
    return _QUALIFIERS.get(q, q) if q else None


def _qual(m: re.Match) -> str | None:
    return _qualifier(m.group("qual")) if "qual" in m.re.groupindex else None


def _is_year(num: str, unit: str | None) -> bool:
    return unit is None and len(num) == 4 and _YEAR.fullmatch(num) is not None


@dataclass(slots=True)  # not frozen: a frozen dataclass is built ~8x slower, and claims are many
class Claim:
    """One claim of a sentence: its span [start, end), what it states, and its baseline. A claim
    whose `kind` is None only reserves its span: a baseline (`baseline_of_previous`) or a setting."""

    start: int
    end: int
    value: float
    unit: str | None
    kind: str | None
    qualifier: str | None = None
    value_from: float | None = None
    value_to: float | None = None
    baseline: float | None = None
    baseline_of_previous: bool = False


Handler = Callable[[str, re.Match], list[Claim]]


def _duration(sentence: str, m: re.Match) -> list[Claim]:
    # casefold, not lower: re.I also matches "ſ" (long s) for "s"; a letter that folds to two
    # characters ("İ" for "i") leaves a word that is not looked up, and the match is skipped.
    ua = m.group("ua").casefold().rstrip("s")
    ub = m.group("ub").casefold().rstrip("s")
    if ua not in _SECONDS_PER or ub not in _SECONDS_PER:
        return []
    seconds = _f(m.group("a")) * _SECONDS_PER[ua] + _f(m.group("b")) * _SECONDS_PER[ub]
    return [Claim(*m.span(), seconds, "s", _kind(sentence, *m.span(), "s"), _qual(m))]


_MODEL_SIZE = re.compile(r"\s*(?:[BMK]\b|parameters|params|billion|million)")


def _from_to(sentence: str, m: re.Match) -> list[Claim]:
    """``from A to B``: one claim, value B, baseline A; a qualifier of B stays in the text."""
    ua, ub = _unit(m.group("ua")), _unit(m.group("ub"))
    if (m.group("ua") and not ua) or (m.group("ub") and not ub):
        return []
    if _MODEL_SIZE.match(sentence, m.end()):
        return []  # "from 0.5B to 236B parameters": model sizes
    a, b = _f(m.group("a")), _f(m.group("b"))
    if _is_year(m.group("a"), ua) or _is_year(m.group("b"), ub) or a == b:
        return []
    unit = ub or ua
    kind = "reduction" if b < a else "improvement"  # of a time or a score alike (a != b)
    qualifier = _qualifier(m.groupdict().get("bq"))
    return [Claim(*m.span(), b, unit, kind, qualifier, value_from=a, value_to=b, baseline=a)]


def _instead(sentence: str, m: re.Match) -> list[Claim]:
    a, b = _f(m.group("a")), _f(m.group("b"))
    kind = "reduction" if b < a else "improvement"
    return [Claim(*m.span(), b, None, kind, value_from=a, value_to=b, baseline=a)]


def _versus(sentence: str, m: re.Match) -> list[Claim]:
    """A number the result is compared with: the baseline of the claim before it, never a claim."""
    if _is_year(m.group("v"), m.group("unit")):
        return []
    return [
        Claim(
            m.start("v"), m.end(), _f(m.group("v")), _unit(m.group("unit")), None, baseline_of_previous=True
        )
    ]


def _setting(sentence: str, m: re.Match) -> list[Claim]:
    """An input size or setting ("0.3 MB chunks"): reserved, no claim."""
    return [Claim(m.start("v"), m.end(), _f(m.group("v")), None, None)]


def _range(sentence: str, m: re.Match) -> list[Claim]:
    u = _unit(m.group("u"))
    ua = _unit(m.group("ua")) if m.group("ua") else None
    a, b = _f(m.group("a")), _f(m.group("b"))
    if u is None or u == "×" or b <= a or (m.group("ua") and ua != u):
        return []
    if " and " in m.group(0) and "between" not in m.group(0):
        return []  # "8% and 13%": two claims (the list rule), not a range
    return [Claim(*m.span(), b, u, _kind(sentence, *m.span(), u), _qual(m), value_from=a, value_to=b)]


def _correlation(sentence: str, m: re.Match) -> list[Claim]:
    return [Claim(*m.span(), float(m.group("v")), None, "absolute", _qual(m))]


def _list_unit(sentence: str, m: re.Match) -> list[Claim]:
    unit = _unit(m.group("unit"))
    nums = list(_NUM_RE.finditer(sentence, m.start("nums"), m.end("nums")))
    if unit is None or unit == "×" or any(_is_year(n.group(), None) for n in nums):
        return []
    kind = _kind(sentence, m.start("nums"), m.end(), unit)
    out = []
    for k, n in enumerate(nums):  # each number a claim; the last one's span holds the unit
        end = m.end() if k == len(nums) - 1 else n.end()
        start = m.start() if k == 0 else n.start()
        out.append(Claim(start, end, _f(n.group()), unit, kind, _qual(m) if k == 0 else None))
    return out


def _unit_claim(sentence: str, m: re.Match) -> list[Claim]:
    num, token, sep = m.group("v"), m.group("unit"), m.group("sep")
    unit = _unit(token)
    if unit is None:
        return []
    if unit == "×" and token in ("x", "X") and sep:
        return []  # "5 x" is too ambiguous; "5x" is fine
    if sep == "-" and unit in ("s", "ms", "min", "h", "days") and _qual(m) not in ("up to",):
        return []  # "a 5-second video": setup, not a result
    return [Claim(*m.span(), _f(num), unit, _kind(sentence, m.start("v"), m.end(), unit), _qual(m))]


def _word_number(sentence: str, m: re.Match) -> list[Claim]:
    number = _WORD_NUMBERS.get(m.group("w").casefold())  # see _duration
    if number is None:
        return []
    unit = "pt" if m.group("unit").casefold().startswith(("point", "percentage")) else "×"
    return [Claim(*m.span(), float(number), unit, _kind(sentence, *m.span(), unit), _qual(m))]


def _comparative(sentence: str, m: re.Match) -> list[Claim]:
    if _is_year(m.group("v"), None):
        return []
    return [Claim(*m.span(), _f(m.group("v")), None, "reduction", _qual(m))]


_INNER_NUMBER: dict[str, re.Pattern] = {}


def _by(sentence: str, m: re.Match) -> list[Claim]:
    """ "improves X by 12" (no unit): the number after "by"."""
    if _is_year(m.group("v"), None):
        return []
    verb = m.group("verb").lower()
    kind = "reduction" if verb.startswith(("reduc", "decreas", "lower", "cut")) else "improvement"
    start = m.start("qual") if m.group("qual") else m.start("v")
    return [Claim(start, m.end("v"), _f(m.group("v")), None, kind, _qual(m))]


@dataclass(frozen=True)
class Rule:
    """One reading rule: where it applies (`pattern`) and what it makes of a match (`handle`).
    `words`: the pattern can only match a sentence holding one of these (lower-cased), a quick
    test that spares most sentences the pattern (empty: any sentence with a digit)."""

    name: str
    # a CaseFree pattern (and gate) is read with re.I, or lowered in the lowered sentence where
    # that reads the same (see `casefree`: ~3x quicker)
    pattern: re.Pattern | CaseFree
    handle: Handler
    words: tuple[str, ...] = ()
    whole_words: frozenset[str] = frozenset()  # and one of these as a whole word
    # How far before a number in digits a match can start (its qualifier, "from", "compared to the
    # model's", "improves … by"): the rule is searched only near the sentence's numbers. None: the
    # rule reads numbers written as words and searches the whole sentence.
    reach: int | None = 20
    # A quick test a stretch of the sentence must pass before the pattern is searched in it: a
    # pattern that the rule's matches all match too, from the last digit of a number on. It is
    # matched at the last digit of each number of the stretch only (it starts with \d, and what
    # follows that \d cannot be a digit), a few anchored matches instead of a search.
    gate: re.Pattern | CaseFree | None = None
    # The same kind of test for a rule whose numbers come last ("… by 12"): searched in the stretch.
    # It starts with a literal, which the regex engine skips to.
    gate_search: re.Pattern | None = None


_GATE_FROM_TO = re.compile(rf"\d\s*(?:{_UNIT_ALT})?\s*(?:to|→|->)")
_GATE_BARE_TO = re.compile(r"\d\s*%?\s*(?:to|→|->)\s*\d")
_GATE_SETTING = CaseFree(
    rf"\d\s*-?\s*(?:{_UNIT_ALT}|K|M|B|k)?-?\s*(?:token\s+|frame\s+)?(?:{'|'.join(_SETTING_NOUNS)})"
)
_GATE_RANGE = re.compile(rf"\d\s*(?:{_UNIT_ALT})?\s*(?:--|–|—|-|~|and)\s*\d")
_GATE_LIST_UNIT = re.compile(r"\d,?\s+(?:and|or)\s+\d")
_GATE_UNIT = re.compile(rf"\d(?:\s|-)?(?:{_UNIT_ALT})(?![\w/])(?!\d)")
_GATE_BY = re.compile(rf"by\s+(?:{_QUAL}\s*)?\d")

#: The rules, in the order they claim spans (earlier rules win overlaps): baselines and settings
#: first, so that a number a result is compared with, or an input size, is never the result.
RULES: tuple[Rule, ...] = (
    Rule("duration", _P_DURATION, _duration, ("minute", "hour")),  # "4 minutes and 15 seconds" = 255 s
    Rule(
        "from_to", _P_FROM_TO, _from_to, ("from", "("), reach=30, gate=_GATE_FROM_TO
    ),  # "from 21.7 s to under 1 s": value 1, baseline 21.7
    Rule(
        "bare_to", _P_BARE_TO, _from_to, ("to", "→", "->"), reach=0, gate=_GATE_BARE_TO
    ),  # "39.33% to 61.48%"
    Rule("instead_of", _P_INSTEAD, _instead, ("instead",), reach=0),  # "384 instead of 9,000"
    Rule(
        "versus",
        _P_VERSUS,
        _versus,
        ("compared", "relative", "versus", "vs", "against", "baseline"),
        reach=90,
    ),
    Rule(
        "setting", _P_SETTING, _setting, _SETTING_NOUNS, reach=0, gate=_GATE_SETTING
    ),  # "0.3 MB chunks": an input size, no claim
    Rule("range", _P_RANGE, _range, reach=30, gate=_GATE_RANGE),  # "8% -- 30%", "2.9--5.5 ms": one claim
    Rule("correlation", _P_CORR, _correlation, ("=",)),  # "r=0.954"
    Rule(
        "list_unit", _P_LIST_UNIT, _list_unit, (" and ", " or "), gate=_GATE_LIST_UNIT
    ),  # "by 3.84 and 1.91 dB": two claims
    Rule("unit", _P_UNIT, _unit_claim, gate=_GATE_UNIT),  # "13.7x speedup", "92.5% accuracy", "20.7 FPS"
    Rule(
        "word_number", _P_WORD, _word_number, ("point", "times", "fold"), frozenset(_WORD_NUMBERS), reach=None
    ),
    Rule("fewer", _P_COMPARATIVE, _comparative, ("fewer",)),  # "3 fewer steps"
    Rule("by", _P_BY, _by, ("by",), reach=110, gate_search=_GATE_BY),  # "improves … by 12"
)
# \d+ written to start with a class, which the regex engine skips to; [0-9] is the same in ASCII
# text and tested with a bitmap
_DIGITS = re.compile(r"\d\d*")
_ASCII_DIGITS = re.compile(r"[0-9][0-9]*")
# How far a match may end after the digits of its last number ("12.5 percentage points", "0.3 MB
# token chunks"), with room to spare: a stretch must never cut a match.
_AFTER_NUMBER = 60


def _near_numbers(
    numbers: list[tuple[int, int]], reach: int, length: int
) -> list[tuple[int, int, list[int]]]:
    """The stretches of a sentence where a match of a rule can lie: from `reach` characters before
    each run of digits to _AFTER_NUMBER after it, overlapping stretches merged; with the position
    of the last digit of each run in the stretch. The regex engine still sees the text around a
    stretch (lookbehinds, \b), so a match inside reads the same."""
    out: list[tuple[int, int, list[int]]] = []
    for start, end in numbers:
        a, b = start - reach, end + _AFTER_NUMBER
        a, b = (a if a > 0 else 0), (b if b < length else length)  # (max and min calls cost more)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b, out[-1][2])
            out[-1][2].append(end - 1)
        else:
            out.append((a, b, [end - 1]))
    return out


_WORDS = re.compile(r"[a-z]+")
# A sentence without digits can only hold claims of the rules that read numbers written as words
_WORD_RULES = tuple(rule for rule in RULES if rule.reach is None)


def _case_free(
    pattern: CaseFree, gate: re.Pattern | CaseFree | None, sentence: str, lower: str
) -> tuple[re.Pattern, re.Pattern | None, str]:
    """(pattern, gate, the text they read) of a CaseFree rule: lowered in the lowered sentence
    (same positions) when that reads the same."""
    assert isinstance(gate, CaseFree)
    if pattern.foldable(sentence) and gate.foldable(sentence):
        return pattern.folded, gate.folded, lower
    return pattern.cased, gate.cased, sentence


def _sentence_claims(sentence: str, ascii_numbers: list[tuple[int, int]] | None = None) -> list[Claim]:
    """Claims of one normalized sentence by `RULES` (reserved spans left out), in reading order,
    each compared number attached as the baseline of the claim before it. `ascii_numbers`: the
    runs of ASCII digits of the sentence when known (see `_digit_runs`)."""
    taken: list[tuple[int, int]] = []
    found: list[Claim] = []
    lower = sentence.lower()
    if not sentence.isascii():  # digits of other scripts are numbers too
        numbers = [m.span() for m in _DIGITS.finditer(sentence)]
    elif ascii_numbers is None:
        numbers = [m.span() for m in _ASCII_DIGITS.finditer(sentence)]
    else:
        numbers = ascii_numbers
    stretches: dict[int | None, list[tuple[int, int, list[int]]]] = {}
    words: set[str] | None = None
    for rule in RULES if numbers else _WORD_RULES:
        if rule.words:
            for w in rule.words:  # substring tests (a regex alternation scans far slower)
                if w in lower:
                    break
            else:
                continue
        if rule.whole_words:
            words = set(_WORDS.findall(lower)) if words is None else words
            if rule.whole_words.isdisjoint(words):
                continue
        found_stretches = stretches.get(rule.reach)
        if found_stretches is None:
            found_stretches = stretches[rule.reach] = (
                _near_numbers(numbers, rule.reach, len(sentence))
                if rule.reach is not None
                else [(0, len(sentence), [end - 1 for _, end in numbers])]
            )
        if isinstance(rule.pattern, CaseFree):
            pattern, gate, text = _case_free(rule.pattern, rule.gate, sentence, lower)
        else:
            pattern, gate, text = rule.pattern, cast("re.Pattern | None", rule.gate), sentence
        gate_search = rule.gate_search
        for a, b, last_digits in found_stretches:
            if gate is not None:
                for k in last_digits:
                    if gate.match(text, k, b):
                        break
                else:
                    continue
            if gate_search is not None and gate_search.search(text, a, b) is None:
                continue
            for m in pattern.finditer(text, a, b):
                # a handler claims inside its match: a match inside a taken span gives no claim
                start, end = m.span()
                if any(x <= start and end <= y for x, y in taken):
                    continue
                claims = rule.handle(sentence, m)
                if not claims or not all(all(c.end <= x or c.start >= y for x, y in taken) for c in claims):
                    continue
                taken += [(c.start, c.end) for c in claims]
                found += claims
    if not found:
        return []
    found.sort(key=lambda c: c.start)
    out: list[Claim] = []
    for c in found:
        if c.kind is not None:
            out.append(c)
        elif c.baseline_of_previous and out and out[-1].baseline is None:
            gap = c.start - out[-1].end  # near, and in the same clause unless very near
            if gap <= 40 or (gap <= 80 and "," not in sentence[out[-1].end : c.start]):
                out[-1] = replace(out[-1], baseline=c.value)
    return out


def extract_claims(text: str, arxiv_id: str, source_section: str = "abstract") -> list[dict]:
    """One CLAIMS row (without the common columns) per quantitative claim in `text`."""
    if not text:
        return []
    rows: list[dict] = []
    text = normalize_text(text)
    bounds = _sentence_bounds(text)
    for i, ((a, b), numbers) in enumerate(zip(bounds, _digit_runs(text, bounds), strict=True)):
        sentence = text[a:b]
        for c in _sentence_claims(sentence, numbers):
            assert c.kind in CLAIM_KINDS
            rows.append(
                {
                    "arxiv_id": arxiv_id,
                    "source_section": source_section,
                    "sentence_index": i,
                    "sentence": sentence,
                    "claim_text": sentence[c.start : c.end].strip(),
                    "value": c.value,
                    "value_from": c.value_from,
                    "value_to": c.value_to,
                    "baseline": c.baseline,
                    "unit": c.unit,
                    "kind": c.kind,
                    "qualifier": c.qualifier,
                }
            )
    return rows


# ---------------------------------------------------------------------------------------------
# Headline

_KIND_RANK = {"speedup": 0, "reduction": 1, "improvement": 2, "relative": 3, "absolute": 4}
HEADLINE_MAX = 100  # characters a headline aims at; a whole phrase may run longer, never a cut-off one
HEADLINE_MAX_WITH_SUBJECT = 120  # a clause cut to keep its subject may run this long

# A headline never ends on these: it would stop mid-phrase ("3.3% WER on test-other on").
_DANGLING = frozenset(
    re.findall(
        r"\S+",
        "a an the of on in at to by for with from over than as into onto across under between "
        "against via per vs vs. versus and or nor but while whereas that which who whose its their "
        "our his her this these those is are was were be been being has have had can could will "
        "would should may might must does did not such both either compared relative up more less "
        "about around nearly only just comparable",
    )
)
# A long clause may start (on its left) at one of these: a new phrase starts there.
_PHRASE_START = frozenset(
    re.findall(
        r"\S+",
        "on in at to by for with from over than across under between against via per and or but "
        "while whereas which that compared relative when where using without within through "
        "despite",
    )
)
_DANGLING |= _PHRASE_START
# ... and may end (on its right) only before one of these: a headline never stops inside a
# phrase, so what follows it ends the clause or starts a new one with a joining word.
_CLAUSE_JOIN = frozenset(
    re.findall(
        r"\S+",
        "and or but nor yet so while whereas which who whom whose that when where whereby wherein "
        "although though because unless thus hence therefore respectively meanwhile moreover "
        "furthermore additionally however",
    )
)
# Leading connectives and enumeration marks a headline does not need: "and …", "2) …", "(ii) …".
_LEAD_TRIM = re.compile(
    r"(?:(?:and|or|but|while|whereas|thus|so|then|also|yet|that)\s+|\(?(?:\d{1,2}|[ivx]{1,4}|[a-e])\)\s+)",
    re.I,
)
# Clause separators ("savings: 3.7x overall" stays one clause: what precedes a colon is its subject)
_SEPARATORS = re.compile(r",\s|;\s|\s--?\s|\s—\s")
_HAS_WORD = re.compile(r"\w")
_SHORT_CLAUSE = 30  # a clause this short ("75.7% on code") takes the one before it along when it fits
_OPEN, _CLOSE = "([{", ")]}"
_ENUMERATION = re.compile(r"(?:^|(?<=\s))((?:\d{1,2}|[ivx]{1,4}|[a-e])\))\s+")


def _bracket_pairs(text: str) -> dict[int, int]:
    """Matched brackets of `text`: open index -> close index (unmatched ones are left out)."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for k, ch in enumerate(text):
        if ch in _OPEN:
            stack.append(k)
        elif ch in _CLOSE:
            want = _OPEN[_CLOSE.index(ch)]
            while stack and text[stack[-1]] != want:  # an unmatched opener inside: drop it
                stack.pop()
            if stack:
                pairs[stack.pop()] = k
    return pairs


def _depths(text: str, pairs: dict[int, int]) -> list[int]:
    """depth[k] = how many matched bracket pairs hold position k strictly inside them."""
    delta = [0] * (len(text) + 1)
    for o, c in pairs.items():
        delta[o + 1] += 1
        delta[c] -= 1
    out, level = [], 0
    for k in range(len(text)):
        level += delta[k]
        out.append(level)
    return out


def _word(token: str) -> str:
    return token.strip(".,;:!?\"'").lower()


def _trim(text: str, a: int, b: int, core: tuple[int, int]) -> tuple[int, int]:
    """Bounds [a, b) of `text` without leading connectives/enumerators and trailing dangling words
    or punctuation, never cutting into `core`."""
    while True:
        while a < core[0] and text[a].isspace():
            a += 1
        m = _LEAD_TRIM.match(text, a)
        if m is None or m.end() > core[0]:
            break
        a = m.end()
    while b > core[1]:
        stripped = text[a:b].rstrip(" .,;:")
        b_new = a + len(stripped)
        last_space = text.rfind(" ", a, b_new)
        last = text[last_space + 1 : b_new]
        if b_new > core[1] and last_space >= core[1] and _word(last) in _DANGLING:
            b = last_space
            continue
        b = max(b_new, core[1])
        break
    return a, b


def _asides(
    pairs: dict[int, int], depth: list[int], level: int, core: tuple[int, int]
) -> list[tuple[int, int]]:
    """Bracketed asides at bracket `level` that do not hold the claim: ``(trained with …)``."""
    return sorted((o, c) for o, c in pairs.items() if depth[o] == level and (c < core[0] or o >= core[1]))


def _fit(
    sentence: str,
    lo: int,
    hi: int,
    level: int,
    depth: list[int],
    core: tuple[int, int],
    asides: list[tuple[int, int]] = [],  # noqa: B006 (read only)
) -> tuple[int, int]:
    """The best bounds inside [lo, hi) (a region at bracket `level`) for a headline holding
    `core`: the clause around it, cut when longer than HEADLINE_MAX (bracketed asides left out
    of the count, `_headline` drops them) at a phrase start on the left and before a joining
    word on the right."""

    def size(ab: tuple[int, int]) -> int:
        a, b = ab
        return b - a - sum(c - o + 2 for o, c in asides if a <= o and c < b)

    seps = [m for m in _SEPARATORS.finditer(sentence, lo, hi) if depth[m.start()] == level]
    ends = [m.end() for m in seps if m.end() <= core[0]]
    s = max(ends, default=lo)
    e = min([m.start() for m in seps if m.start() >= core[1]], default=hi)
    s, e = _trim(sentence, s, e, core)
    if e - s < _SHORT_CLAUSE and ends:
        wider = _trim(sentence, max([x for x in ends if x < ends[-1]], default=lo), e, core)
        if size(wider) <= HEADLINE_MAX:
            s, e = wider
    if size((s, e)) <= HEADLINE_MAX:
        return s, e
    # tokens at this level: whitespace outside deeper brackets separates them
    starts = [s] + [k + 1 for k in range(s, e) if sentence[k] == " " and depth[k] == level]
    first_words = {t: _word(sentence[t:].split(" ", 1)[0]) for t in starts}
    # where a clause may start: its own start (keeps the subject), after "that" ("results show
    # that X improves …"), at a phrase start
    after_that = [t for k, t in enumerate(starts[1:]) if first_words[starts[k]] == "that"]
    lefts = [s, *after_that[::-1], *(t for t in starts[1:] if first_words[t] in _PHRASE_START)]
    lefts = [t for t in lefts if t <= core[0]]
    rights = [e] + [t - 1 for t in starts if t - 1 >= core[1] and first_words[t] in _CLAUSE_JOIN]
    best: tuple[int, int] | None = None
    for left in lefts:  # keep the clause's start (its subject) when anything fits
        limit = HEADLINE_MAX_WITH_SUBJECT if left == s else HEADLINE_MAX
        # a cut whose end had to be trimmed back ("… longer than | that of …") would stop inside a phrase
        cuts = [(_trim(sentence, left, r, core), r) for r in rights]
        fits = [
            ab
            for ab, r in cuts
            if size(ab) <= limit and (r == e or not _HAS_WORD.search(sentence[ab[1] : r]))
        ]
        if fits:
            best = max(fits, key=size)
            break
    if best is None:  # no cut fits: the shortest whole phrase around the claim
        best = _trim(sentence, max(lefts), min(rights), core)  # lefts holds s at least
    return best


def _headline(sentence: str, span: str) -> tuple[str, tuple[int, int]]:
    """(headline text around `span`: a whole clause or phrase of `sentence`, its bounds)."""
    i = sentence.find(span)
    if i < 0 or not span:
        return span, (-1, -1)
    j = i + len(span)
    pairs = _bracket_pairs(sentence)
    depth = _depths(sentence, pairs)
    level = min(depth[i:j])
    # Brackets enclosing the claim at each level, outermost first; the outer clause is tried first,
    # with the whole bracket group as its core ("… test (90.9% vs. 90.2%)").
    enclosing = sorted((o, c) for o, c in pairs.items() if o < i and c >= j)
    regions = [(0, len(sentence), 0, (i, j))]
    for n, (o, c) in enumerate(enclosing, 1):
        regions[-1] = (*regions[-1][:3], (min(regions[-1][3][0], o), max(regions[-1][3][1], c + 1)))
        regions.append((o + 1, c, n, (i, j)))
    for lo, hi, lvl, core in regions:
        asides = _asides(pairs, depth, lvl, core)
        a, b = _fit(sentence, lo, hi, lvl, depth, core, asides)
        if b - a <= HEADLINE_MAX_WITH_SUBJECT or lvl == level:
            break
    keep: range | list[int] = range(a, b)
    if b - a > HEADLINE_MAX:  # long: leave out the asides that do not hold the claim
        cut = [(o, c) for o, c in asides if a <= o and c < b]
        keep = range(a, b) if not cut else [k for k in range(a, b) if not any(o <= k <= c for o, c in cut)]
    text = "".join(sentence[k] for k in keep)
    where = {k: n for n, k in enumerate(keep)}
    matched = {where[k] for o, c in pairs.items() if o in where and c in where for k in (o, c)}
    if any(ch in "()[]{}" and k not in matched for k, ch in enumerate(text)):
        # unmatched brackets in the sentence itself (a split inside a parenthesis, an enumeration
        # "2) …"): drop the enumeration marks, then the brackets
        drop = {
            k for m in _ENUMERATION.finditer(text) if m.end(1) - 1 not in matched for k in range(*m.span())
        }
        drop |= {k for k, ch in enumerate(text) if ch in "()[]{}" and k not in matched}
        text = "".join(ch for k, ch in enumerate(text) if k not in drop)
    text = re.sub(r"\s{2,}", " ", text).replace(" ,", ",")
    return _tidy_end(text.strip(), span), (a, b)


def _tidy_end(text: str, span: str) -> str:
    """`text` without trailing punctuation or dangling words (those left once unmatched brackets
    were dropped), never cutting into the claim `span`."""
    while True:
        text = text.rstrip(" .,;:-—")
        head, _, last = text.rpartition(" ")
        if not head or _word(last) not in _DANGLING or span not in head:
            return text
        text = head


def headline_claims(claims: list[dict], k: int = 3) -> list[str]:
    """Short strings for a paper's `k` strongest claims: speed-ups first, then reductions,
    improvements, other relative and absolute claims; within a kind, abstract before conclusion,
    then order of appearance. Each is a whole clause or phrase around the claim (cut only before a
    new phrase when the clause is long, never after a preposition or article, brackets balanced);
    several claims in one clause give one headline."""
    order = sorted(
        range(len(claims)),
        key=lambda i: (
            _KIND_RANK.get(claims[i].get("kind") or "", 9),
            claims[i].get("source_section") != "abstract",
            i,
        ),
    )
    out: list[str] = []
    seen: list[tuple[str, tuple[int, int]]] = []
    for i in order:
        c = claims[i]
        sentence = c.get("sentence") or c.get("claim_text") or ""
        text, bounds = _headline(sentence, c.get("claim_text") or "")
        # one headline per clause: skip a claim whose headline overlaps one already taken
        if (
            not text
            or text in out
            or any(s == sentence and bounds[0] < b and a < bounds[1] for s, (a, b) in seen)
        ):
            continue
        seen.append((sentence, bounds))
        out.append(text)
        if len(out) >= k:
            break
    return out
