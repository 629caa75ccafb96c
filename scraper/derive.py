"""Rows derived from parsed pages: claims and headlines from an abstract, metrics and conclusion
claims from a full text. Pure functions over parser output, used by the spider and the CLI."""

from __future__ import annotations

import re

from scraper.normalize import readable_latex
from scraper.parsers.claims import extract_claims, headline_claims
from scraper.parsers.metrics import tables_metrics
from scraper.parsers.text import squash

_CONCLUSION = re.compile(r"\b(conclusions?|concluding remarks|summary and outlook)\b", re.I)
# section text names cited entries as "[bib.bib4; bib.bib29]" (see arxiv_html.sections.mark_up_body); a
# claim's sentence reads better without them
_CITATION_MARKER = re.compile(r"\s?\[bib\.[^\]]*\]")


def abstract_claims(paper: dict) -> list[dict]:
    """Claims of a `papers` record's abstract; also sets its `headline_claims`."""
    summary = readable_latex(squash(paper.get("summary")))
    claims = extract_claims(summary or "", paper["arxiv_id"], "abstract")
    paper["headline_claims"] = headline_claims(claims)
    return claims


def conclusion_text(fulltext: dict) -> str | None:
    """The text of the paper's conclusion section(s), when the full text has one."""
    parts = [
        s.get("text") or ""
        for s in fulltext.get("sections") or []
        if s.get("level") in (1, 2) and _CONCLUSION.search(s.get("title") or "")
    ]
    text = _CITATION_MARKER.sub("", "\n".join(p for p in parts if p))
    return text or None


def fulltext_derived(fulltext: dict) -> tuple[list[dict], list[dict]]:
    """(metrics rows, conclusion claims rows) of a parsed HTML full text."""
    arxiv_id, version = fulltext["arxiv_id"], fulltext.get("version")
    metrics = tables_metrics(fulltext.get("tables") or [], arxiv_id, version)
    conclusion = conclusion_text(fulltext)
    claims = extract_claims(conclusion, arxiv_id, "conclusion") if conclusion else []
    return metrics, claims
