"""Quantitative claims in abstract/conclusion text -> `claims` rows (see
`scraper.schema.metrics.CLAIMS`), and `headline_claims` for the papers table.

A claim is a number that states a *result*: a speed-up (``up to 4×``, ``14 times faster``), a
reduction (``reduces memory by 70%``, ``from 462 s to 230 s``), an improvement (``+10.3%``,
``9.0-point improvement``, ``from 39.33% to 61.48%``), an absolute level (``92.5% accuracy``,
``20.7 FPS``, ``32 GPU-days``) or another relative statement (``50x longer``, ``1% of the cost``).
Not claims: model sizes (``7B``, ``405B parameters``), dataset/benchmark counts (``40K pairs``,
``35 benchmarks``), years, version numbers and names with digits (``Qwen2.5``, ``Terminal-Bench
2.1``), resolutions (``1536x1536``), bit widths, citations, complexity (``O(N^2)``), and
setup durations written as adjectives (``a 5-second video``) unless qualified by ``up to``.
The rules and their measured precision/recall are in tests/gold/README.md.
"""

from __future__ import annotations

import re
from typing import Any

from scraper.schema.metrics import CLAIM_KINDS

# ---------------------------------------------------------------------------------------------
# Text preparation


def normalize_text(text: str) -> str:
    """Plain one-line text: arXiv TeX escapes (``\\%``, ``\\times``, ``$``) resolved, ``N times``
    / ``N-fold`` after a digit turned into ``N×``, whitespace squashed."""
    s = text.replace("\\%", "%").replace("\\$", "$").replace("\\times", "×")
    s = re.sub(r"\$\s*\\?(?:sim|approx)\s*\$", "~", s)
    s = re.sub(r"\$([^$]{0,20})\$", r"\1", s)  # inline math such as $4\times$ / $\sim$
    s = s.replace("\\sim", "~").replace("\\approx", "~").replace("\\pm", "±")
    s = s.replace("−", "-").replace("\u2009", " ").replace("\xa0", " ")
    s = re.sub(r"(\d)\s*(?:times\b|-fold\b|fold\b)", r"\1×", s)
    s = re.sub(r"\s+", " ", s)
    return s.strip()


_ABBREV = re.compile(r"(?:\b(?:e\.g|i\.e|et al|vs|Fig|Figs|Eq|Sec|approx|cf|resp|etc|No))\.$")


def split_sentences(text: str) -> list[str]:
    """Sentences of normalized text (abbreviations such as ``e.g.``/``et al.`` do not end one)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[~])", text)
    out: list[str] = []
    for p in parts:
        if out and _ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    return [s.strip() for s in out if s.strip()]


# ---------------------------------------------------------------------------------------------
# Patterns

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# the number must not be glued to an identifier: "Qwen3", "GPT-4o", "Wan2.1-1.3B", "W4A4", "v2"
_LEFT = r"(?<![\w.@/^-])"
_QUAL = (
    r"(?P<qual>up\s+to(?:\s+an?)?|over|more\s+than|less\s+than|fewer\s+than|at\s+least|"
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
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty",
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
_P_FROM_TO = re.compile(
    rf"(?:\bfrom\s+|(?<=\()){_LEFT}(?P<a>{_NUM})\s*(?P<ua>{_UNIT_ALT})?(?![\w])\s*"
    rf"(?:to|→|->)\s*(?P<b>{_NUM})\s*(?P<ub>{_UNIT_ALT})?(?![\w])"
)
_P_BARE_TO = re.compile(
    rf"{_LEFT}(?P<a>\d+\.\d+)\s*(?P<ua>%)?\s*(?:to|→|->)\s*(?P<b>\d+\.\d+)\s*(?P<ub>%)?(?![\w.])"
)
_P_INSTEAD = re.compile(rf"{_LEFT}(?P<b>{_NUM})\s+instead\s+of\s+(?P<a>{_NUM})(?![\w.])")
_P_RANGE = re.compile(
    rf"{_LEFT}{_QUAL_OPT}(?P<a>{_NUM})\s*(?:--|–|-|~)\s*(?P<b>{_NUM})\s*(?P<u>{_UNIT_ALT})(?![\w/])"
)
_P_CORR = re.compile(r"\b(?P<sym>[rρ]|Pearson|Spearman)\s*=\s*(?P<v>-?\d*\.\d+)")
_P_UNIT = re.compile(rf"{_LEFT}{_QUAL_OPT}(?P<v>{_NUM}){_UNIT}")
_P_WORD = re.compile(
    rf"\b{_QUAL_OPT}(?P<w>{_WORD_ALT})(?:[\s-])(?P<unit>points?|percentage\s+points|"
    rf"times|fold)\b",
    re.I,
)
_P_COMPARATIVE = re.compile(
    rf"{_LEFT}{_QUAL_OPT}(?P<v>{_NUM})\s+(?P<cmp>less|fewer|lower|cheaper|smaller|faster|"
    rf"longer|larger)\b"
)
_P_BY = re.compile(
    rf"\b(?P<verb>improv\w*|boost\w*|increas\w*|outperform\w*|surpass\w*|reduc\w*|decreas\w*|"
    rf"lower\w*|cut\w*|exceed\w*)\b[^,;:.]{{0,60}}?\bby\s+{_QUAL_OPT}{_LEFT}(?P<v>{_NUM})"
    rf"(?![\w%×.]|\s*(?:{_UNIT_ALT})(?![\w]))"
)

# ---------------------------------------------------------------------------------------------
# Kind

_KW_SPEED = re.compile(r"speed\s*-?\s*up|faster|accelerat|throughput|latency|speed", re.I)
_KW_REDUCE = re.compile(
    r"reduc|fewer|less\b|lower|smaller|decreas|sav(?:e|es|ing)|cut|compress|cheaper|shrink|drop",
    re.I,
)
_KW_IMPROVE = re.compile(
    r"improv|gain|better|boost|increas|outperform|surpass|higher|enhanc|\blift|rais|exceed|"
    r"advantage\b",
    re.I,
)
_KW_RELATIVE = re.compile(r"longer|beyond|larger|bigger|more\b|within|of\s+the\b|\bof\b", re.I)


def _before(sentence: str, start: int, width: int = 90) -> str:
    """Text before `start` in the same clause (cut at , ; : ( and at most `width` chars)."""
    chunk = sentence[max(0, start - width) : start]
    return re.split(r"[,;:(]|\bwhile\b|\bwith\b", chunk)[-1]


def _after(sentence: str, end: int, width: int = 30) -> str:
    chunk = sentence[end : end + width]
    return re.split(r"[,;:)]|\band\b|\bwhile\b", chunk)[0]


def _kind(sentence: str, start: int, end: int, unit: str | None) -> str:
    before, after = _before(sentence, start), _after(sentence, end)
    near = f"{before} | {after}"
    if unit == "×":
        if _KW_REDUCE.search(near):
            return "reduction"
        if re.search(r"longer|beyond|larger|bigger|more\b", after, re.I):
            return "relative"
        return "speedup"
    if re.match(r"\s*of\s+(?:the\s+)?\w", after) and unit == "%" and re.search(
        r"only|less than|equivalent|just", before, re.I
    ):
        return "relative"
    if (_KW_REDUCE.search(after) or _KW_REDUCE.search(before)) and not _KW_IMPROVE.search(after):
        return "reduction"
    if _KW_SPEED.search(after) and unit in ("%", None):
        return "speedup"
    if _KW_IMPROVE.search(near):
        return "improvement"
    if re.search(r"within|beyond", before, re.I):
        return "relative"
    return "absolute"


# ---------------------------------------------------------------------------------------------
# Extraction


def _f(num: str) -> float:
    return float(num.replace(",", ""))


def _unit(token: str | None) -> str | None:
    if not token:
        return None
    key = re.sub(r"\s+", " ", token)
    return _UNIT_MAP.get(key) or _UNIT_MAP.get(key.lower())


def _qual(m: re.Match) -> str | None:
    q = m.groupdict().get("qual")
    if not q:
        return None
    q = re.sub(r"\s+", " ", q.lower())
    q = re.sub(r"\s+an?$", "", q)
    return {"~": "about", "≈": "about", "approximately": "about", "roughly": "about"}.get(q, q)


def _is_year(num: str, unit: str | None) -> bool:
    return unit is None and re.fullmatch(r"(?:19|20)\d\d", num) is not None


def _sentence_claims(sentence: str) -> list[dict[str, Any]]:
    """Claims of one normalized sentence: dicts with span, value(s), unit, kind, qualifier."""
    taken: list[tuple[int, int]] = []
    found: list[dict[str, Any]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(m: re.Match, value: float, unit: str | None, kind: str, **extra: Any) -> None:
        a, b = m.span()
        if not free(a, b):
            return
        taken.append((a, b))
        found.append(
            {
                "start": a,
                "claim_text": sentence[a:b].strip(),
                "value": value,
                "value_from": extra.get("value_from"),
                "value_to": extra.get("value_to"),
                "unit": unit,
                "kind": kind,
                "qualifier": _qual(m),
            }
        )

    for m in _P_DURATION.finditer(sentence):
        # casefold, not lower: re.I also matches "ſ" (long s) for "s"; a letter that folds to two
        # characters ("İ" for "i") leaves a word that is not looked up, and the match is skipped.
        ua = m.group("ua").casefold().rstrip("s")
        ub = m.group("ub").casefold().rstrip("s")
        if ua not in _SECONDS_PER or ub not in _SECONDS_PER:
            continue
        seconds = _f(m.group("a")) * _SECONDS_PER[ua] + _f(m.group("b")) * _SECONDS_PER[ub]
        add(m, seconds, "s", _kind(sentence, *m.span(), "s"))

    for pattern in (_P_FROM_TO, _P_BARE_TO):
        for m in pattern.finditer(sentence):
            ua, ub = _unit(m.group("ua")), _unit(m.group("ub"))
            if (m.group("ua") and not ua) or (m.group("ub") and not ub):
                continue
            if re.match(r"\s*(?:[BMK]\b|parameters|params|billion|million)", sentence[m.end():]):
                continue
            a, b = _f(m.group("a")), _f(m.group("b"))
            if _is_year(m.group("a"), ua) or _is_year(m.group("b"), ub) or a == b:
                continue
            kind = "improvement" if b > a else "reduction"
            add(m, b, ub or ua, kind, value_from=a, value_to=b)

    for m in _P_INSTEAD.finditer(sentence):
        a, b = _f(m.group("a")), _f(m.group("b"))
        add(m, b, None, "reduction" if b < a else "improvement", value_from=a, value_to=b)

    for m in _P_RANGE.finditer(sentence):
        u = _unit(m.group("u"))
        a, b = _f(m.group("a")), _f(m.group("b"))
        if u is None or u == "×" or b <= a:
            continue
        add(m, b, u, "absolute", value_from=a, value_to=b)

    for m in _P_CORR.finditer(sentence):
        add(m, float(m.group("v")), None, "absolute")

    for m in _P_UNIT.finditer(sentence):
        num, token, sep = m.group("v"), m.group("unit"), m.group("sep")
        unit = _unit(token)
        if unit is None:
            continue
        if unit == "×" and token in ("x", "X") and sep:
            continue  # "5 x" is too ambiguous; "5x" is fine
        if sep == "-" and unit in ("s", "ms", "min", "h", "days") and _qual(m) not in ("up to",):
            continue  # "a 5-second video": setup, not a result
        add(m, _f(num), unit, _kind(sentence, m.start("v"), m.end(), unit))

    for m in _P_WORD.finditer(sentence):
        number = _WORD_NUMBERS.get(m.group("w").casefold())  # see _P_DURATION above
        if number is None:
            continue
        unit = "pt" if m.group("unit").casefold().startswith(("point", "percentage")) else "×"
        add(m, float(number), unit, _kind(sentence, *m.span(), unit))

    for m in _P_COMPARATIVE.finditer(sentence):
        if _is_year(m.group("v"), None):
            continue
        cmp_ = m.group("cmp")
        kind = "speedup" if cmp_ == "faster" else "relative" if cmp_ in ("longer", "larger") else (
            "reduction"
        )
        add(m, _f(m.group("v")), None, kind)

    for m in _P_BY.finditer(sentence):
        if _is_year(m.group("v"), None):
            continue
        verb = m.group("verb").lower()
        kind = "reduction" if verb.startswith(("reduc", "decreas", "lower", "cut")) else (
            "improvement"
        )
        inner = re.compile(rf"{_QUAL_OPT}{re.escape(m.group('v'))}")
        sub = inner.search(sentence, m.start("v") - 20 if m.group("qual") else m.start("v"))
        if sub is None:
            continue
        add(sub, _f(m.group("v")), None, kind)

    found.sort(key=lambda c: c["start"])
    return found


def extract_claims(text: str, arxiv_id: str, source_section: str = "abstract") -> list[dict]:
    """One CLAIMS row (without the common columns) per quantitative claim in `text`."""
    if not text:
        return []
    rows: list[dict] = []
    for i, sentence in enumerate(split_sentences(normalize_text(text))):
        for c in _sentence_claims(sentence):
            assert c["kind"] in CLAIM_KINDS
            rows.append(
                {
                    "arxiv_id": arxiv_id,
                    "source_section": source_section,
                    "sentence_index": i,
                    "sentence": sentence,
                    "claim_text": c["claim_text"],
                    "value": c["value"],
                    "value_from": c["value_from"],
                    "value_to": c["value_to"],
                    "unit": c["unit"],
                    "kind": c["kind"],
                    "qualifier": c["qualifier"],
                }
            )
    return rows


# ---------------------------------------------------------------------------------------------
# Headline

_KIND_RANK = {"speedup": 0, "reduction": 1, "improvement": 2, "relative": 3, "absolute": 4}


def _clause_bounds(sentence: str, i: int, j: int) -> tuple[int, int]:
    """Start/end of the comma/semicolon-delimited clause of `sentence` holding [i, j)."""
    start = max(sentence.rfind(", ", 0, i), sentence.rfind("; ", 0, i))
    start = 0 if start < 0 else start + 2
    ends = [e for e in (sentence.find(", ", j), sentence.find("; ", j)) if e >= 0]
    return start, (min(ends) if ends else len(sentence))


def _clause(sentence: str, span: str, limit: int = 90) -> tuple[str, tuple[int, int]]:
    """(clause text around `span` cut to at most `limit` chars at word boundaries, its bounds)."""
    i = sentence.find(span)
    if i < 0:
        return span, (-1, -1)
    j = i + len(span)
    start, end = _clause_bounds(sentence, i, j)
    if end - start > limit:
        room = max(0, limit - len(span))
        left = max(start, i - room // 3)
        right = min(end, j + room - (i - left))
        while left > start and not sentence[left - 1].isspace():
            left += 1
        while right < end and not sentence[right].isspace():
            right -= 1
        text = sentence[left:right]
    else:
        text = sentence[start:end]
    return text.strip().strip(".,;:()").strip(), (start, end)


def headline_claims(claims: list[dict], k: int = 3) -> list[str]:
    """Short strings for a paper's `k` strongest claims: speed-ups first, then reductions,
    improvements, other relative and absolute claims; within a kind, abstract before conclusion,
    then order of appearance. One string per clause (several numbers in one clause are one
    headline)."""
    order = sorted(
        range(len(claims)),
        key=lambda i: (
            _KIND_RANK.get(claims[i].get("kind") or "", 9),
            claims[i].get("source_section") != "abstract",
            i,
        ),
    )
    out: list[str] = []
    seen: set[tuple[str, tuple[int, int]]] = set()
    for i in order:
        c = claims[i]
        sentence = c.get("sentence") or c.get("claim_text") or ""
        text, bounds = _clause(sentence, c.get("claim_text") or "")
        if not text or text in out or (sentence, bounds) in seen:
            continue
        seen.add((sentence, bounds))
        out.append(text)
        if len(out) >= k:
            break
    return out
