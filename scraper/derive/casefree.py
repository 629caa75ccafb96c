"""Case-insensitive keyword patterns, read at the cost of case-sensitive ones.

Python's regex engine folds the case of every character it compares under ``re.I``: a search for a
few keywords in 100 characters of text costs ~10x the same search without it. Lowering the text
and searching it with the pattern lowered, without ``re.I``, finds the same matches at the same
positions, unless the text holds a character that ``re.I`` matches to a letter of the pattern while
``str.lower()`` does not turn it into that letter: İ (the one character that lowers to two), and
the "extra cases" of the pattern's letters (ſ for s, ı for i, ϵ for ε; ``re._casefix``). Every
other character lowers to one character of the same class (word, space, digit): checked over all
of Unicode. Text holding one of those characters is read with ``re.I``.
"""

from __future__ import annotations

import importlib
import re

# re.I's own table of "extra cases": lowercase code point -> the others it matches (not in typeshed)
_EXTRA_CASES: dict[int, tuple[int, ...]] = importlib.import_module("re._casefix")._EXTRA_CASES

_ESCAPE = re.compile(r"\\.|\(\?P<\w+>|\(|[^\\(]+")


def _lower_outside_escapes(pattern: str) -> str:
    r"""The pattern with its letters lowered; escapes (``\s``, ``\b``, ``\w``) and group names
    (``(?P<name>``) kept."""
    return "".join(
        m.group() if m.group()[0] == "\\" or m.group().startswith("(?P<") else m.group().lower()
        for m in _ESCAPE.finditer(pattern)
    )


class CaseFree:
    """A pattern matched case-insensitively (`cased`, with re.I), and the same pattern lowered,
    for lowered text (`folded`). It must not use classes that case changes (``[A-Z]``)."""

    __slots__ = ("cased", "folded", "special", "needles")

    def __init__(self, pattern: str, flags: int = 0, needles: tuple[str, ...] = ()) -> None:
        # `needles`: lower-case strings one of which every match of the pattern holds; `search`
        # looks for them first (a substring test is far quicker than a regex search)
        self.needles = needles
        self.cased = re.compile(pattern, flags | re.I)
        folded = _lower_outside_escapes(pattern)
        self.folded = re.compile(folded, flags)
        extra = {chr(e) for ch in set(folded) for e in _EXTRA_CASES.get(ord(ch), ())}
        self.special = re.compile("[" + re.escape("".join(sorted(extra | {"\u0130"}))) + "]")

    def foldable(self, text: str) -> bool:
        """`text` lowered reads under `folded` as `text` does under `cased`."""
        return text.isascii() or self.special.search(text) is None

    def search(self, text: str) -> bool:
        """A match anywhere in `text`."""
        if self.foldable(text):
            lowered = text.lower()
            if self.needles:
                for needle in self.needles:
                    if needle in lowered:
                        break
                else:
                    return False
            return self.folded.search(lowered) is not None
        return self.cased.search(text) is not None
