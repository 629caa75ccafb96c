"""Case-insensitive patterns of ASCII words, read at the cost of case-sensitive ones.

Python's regex engine folds the case of every character it compares under ``re.I``: a search for a
few keywords in 100 characters of text costs ~10x the same search without it. For patterns whose
letters are all ASCII, lowering the text and searching it with the pattern lowered, without
``re.I``, finds the same matches at the same positions, unless the text holds one of the four
characters that ``re.I`` matches to an ASCII letter while ``str.lower()`` does not turn them into it
(İ ı ſ K, found by checking every code point): every other character lowers to one character of
the same class (word, space, digit), and none but ASCII to ASCII. Such text is read with ``re.I``.
"""

from __future__ import annotations

import re

# The characters besides ASCII letters that re.I matches to an ASCII letter
_FOLD_SPECIAL = re.compile("[\u0130\u0131\u017f\u212a]")
_ESCAPE_OR_CAPITALS = re.compile(r"\\.|[A-Z]+")


def foldable(text: str) -> bool:
    """`text` lowered reads as `text` under re.I, for patterns of ASCII letters."""
    return text.isascii() or _FOLD_SPECIAL.search(text) is None


def _lower_letters(pattern: str) -> str:
    r"""The pattern's letters lowered; escapes (``\s``, ``\b``, ``\w``) kept."""
    return _ESCAPE_OR_CAPITALS.sub(
        lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(), pattern
    )


class CaseFree:
    """A pattern matched case-insensitively (`cased`, with re.I), and the same pattern lowered,
    for lowered text (`folded`). Its letters must be ASCII, and it must not use classes that case
    changes (``[A-Z]``)."""

    __slots__ = ("cased", "folded")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.cased = re.compile(pattern, flags | re.I)
        self.folded = re.compile(_lower_letters(pattern), flags)

    def search(self, text: str) -> bool:
        """A match anywhere in `text`."""
        if foldable(text):
            return self.folded.search(text.lower()) is not None
        return self.cased.search(text) is not None
