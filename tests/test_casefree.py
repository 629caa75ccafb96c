"""`scraper.derive.casefree.CaseFree` finds what its pattern finds under re.I, on any text."""

from __future__ import annotations

import random

from scraper.derive.casefree import CaseFree
from scraper.derive.claims import _KW_IMPROVE, _KW_REDUCE, _SHARE_OF
from scraper.derive.metrics.rules import _OUTCOME_WORDS, _SETTING_WORDS

# Characters re.I folds onto ASCII or Greek letters (İ ı ſ K ϵ ϐ ϱ ẞ), capitals, and pieces of the
# patterns' keywords, to build texts that hit and miss them.
PIECES = [
    "reduc", "FEWER", "less", "Improv", "gain", "lift", "of the ", "Training", "FLOPs", "gpu", "frames",
    "LR", "dropout", "λ", "Λ", "ε", "Ε", "ϵ", "ρ", "ϱ", "β", "ϐ", "Δ", "δ", "acc", "BLEU", "R@1", "%",
    "İ", "ı", "ſ", "K", "ẞ", "ß", "é", " ", "-", "_", "1", "x",
]  # fmt: skip


def test_casefree_search_is_re_i_search():
    rng = random.Random(18)
    patterns = [_KW_REDUCE, _KW_IMPROVE, _SHARE_OF, _SETTING_WORDS, _OUTCOME_WORDS, CaseFree(r"\bab\b|s+k")]
    hits = 0
    for _ in range(20000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6)))
        for p in patterns:
            expected = p.cased.search(text) is not None
            assert p.search(text) == expected, (p.cased.pattern, text)
            hits += expected
    assert hits > 10000  # the texts hit the patterns as well as miss them


def test_special_characters_send_text_to_re_i():
    p = CaseFree(r"s\b|ε")
    assert not p.foldable("ſ") and not p.foldable("ϵ") and not p.foldable("İ")
    assert p.search("ſ") and p.search("Ε") and p.search("ϵ")
    assert p.foldable("plain text") and p.foldable("é")
