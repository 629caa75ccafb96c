"""Rows derived from parsed pages: claims and headlines from an abstract, metrics and conclusion
claims from a full text. Pure functions over parser output, used by the spider and the CLI."""

from __future__ import annotations

import re

from scraper.derive.casefree import CaseFree
from scraper.derive.claims import extract_claims, headline_claims
from scraper.derive.clean import readable_latex
from scraper.derive.metrics import tables_metrics
from scraper.parse.text import squash

# "\bconclusions?\b", "\bconcluding remarks\b", "\bsummary and outlook\b" in any case; each starts
# with a literal ("\bc" written "c(?<!\wc)"), so that the regex engine skips to candidates
_CONCLUSION = CaseFree(
    r"c(?<!\wc)onclu(?:sions?|ding remarks)\b|s(?<!\ws)ummary and outlook\b",
    needles=("conclu", "summary and outlook"),
)
# section text names cited entries as "[bib.bib4; bib.bib29]" (see arxiv_html.sections.mark_up_body); a
# claim's sentence reads better without them. "\s?\[bib\.[^\]]*\]", written to start with a class
# (a space or "[", then "[" unless that was it), so that the regex engine skips to candidates.
_CITATION_MARKER = re.compile(r"[\s\[](?:(?<=\[)|(?<=\s)\[)bib\.[^\]]*\]")


# What one text may cost the claims extractor. arXiv caps abstracts at 1,920 characters (the longest
# of 337 recorded ones has 1,922), and claims are read from at most the first MAX_ABSTRACT_CHARS of
# one — twice that — so no abstract yields more than about a dozen claim rows. A list answer with
# 100 KB "abstracts" (seen: a 2,900-paper day of 290 MB of JSON reached 1.9 GB) made ~280 claim rows
# per paper; capped, such a day costs what a day of real abstracts costs. The `papers` row keeps the
# whole abstract. A conclusion is read up to MAX_CONCLUSION_CHARS (real ones: a few thousand).
MAX_ABSTRACT_CHARS = 4_000
MAX_CONCLUSION_CHARS = 20_000


def capped(text: str | None, limit: int) -> str | None:
    """`text` cut to at most `limit` characters, at a space when there is one (a number is never cut
    in two)."""
    if text is None or len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > limit // 2 else cut


def abstract_claims(paper: dict) -> list[dict]:
    """Claims of a `papers` record's abstract (its first MAX_ABSTRACT_CHARS); also sets its
    `headline_claims`."""
    raw = paper.get("summary")
    summary = readable_latex(squash(capped(raw, 2 * MAX_ABSTRACT_CHARS) if isinstance(raw, str) else raw))
    claims = extract_claims(capped(summary, MAX_ABSTRACT_CHARS) or "", paper["arxiv_id"], "abstract")
    paper["headline_claims"] = headline_claims(claims)
    return claims


def conclusion_text(fulltext: dict) -> str | None:
    """The text of the paper's conclusion section(s), when the full text has one."""
    parts = [
        s.get("text") or ""
        for s in fulltext.get("sections") or []
        if s.get("level") in (1, 2) and _CONCLUSION.search(s.get("title") or "")
    ]
    text = "\n".join(p for p in parts if p)
    if "[bib." in text:
        text = _CITATION_MARKER.sub("", text)
    return text or None


def fulltext_derived(fulltext: dict) -> tuple[list[dict], list[dict]]:
    """(metrics rows, conclusion claims rows) of a parsed HTML full text."""
    arxiv_id, version = fulltext["arxiv_id"], fulltext.get("version")
    metrics = tables_metrics(fulltext.get("tables") or [], arxiv_id, version)
    conclusion = capped(conclusion_text(fulltext), MAX_CONCLUSION_CHARS)
    claims = extract_claims(conclusion, arxiv_id, "conclusion") if conclusion else []
    return metrics, claims
