"""A digest as Markdown: a heading with the period and counts, then four sections — the summary, the
themes, the rising papers and the ranked papers (how they are ranked and rated, one block each)."""

from __future__ import annotations

import re

from scraper.use.digest.entries import Curve, Digest, Entry, Inline, Link, count_text, summary
from scraper.use.digest.rank import STAR_RULE
from scraper.use.digest.rising import Rise
from scraper.use.digest.sparkline import when

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")

THEMES_HOW = (
    "Papers grouped by the words of their titles, abstracts, Hugging Face keywords and arXiv "
    "categories (TF-IDF, average-linkage clustering; no language model), each theme named by its "
    "most distinctive terms. A paper is in one theme at most; Other holds those that fit none."
)


def escape(text: str) -> str:
    """Plain text that Markdown shows as typed (titles hold `*`, `_`, brackets…)."""
    return _SPECIAL.sub(r"\\\1", text)


def _href(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def inline(parts: list[Inline]) -> str:
    written = []
    for part in parts:
        if isinstance(part, Link):
            written.append(f"[{escape(part.text)}]({_href(part.href)})")
        elif isinstance(part, Curve):
            written.append(escape(part.text))
        else:
            written.append(escape(part))
    return "".join(written)


def heading(digest: Digest) -> str:
    period = digest.selection.period
    shown = len(digest.entries)
    count = (
        f"{shown} papers"
        if shown == digest.papers_in_period
        else f"top {shown} of {digest.papers_in_period} papers"
    )
    return f"Hugging Face Daily Papers — {period.label}: {count}"


def preamble(digest: Digest) -> list[str]:
    """How the papers are ranked and rated, and how a range is grouped."""
    lines = [
        "Ranked by upvotes, then comments, then the day's listing rank. "
        f"Rating from the day's upvotes: {STAR_RULE}."
    ]
    if digest.selection.period.is_range:
        days = ", ".join(f"{day} ({n})" for day, n in sorted(digest.papers_by_day.items()))
        lines.append(
            "One ranking for the whole period (a paper listed twice counts once, on its latest day); "
            f"each paper says its listing day. Papers per listing day: {days}."
        )
    return lines


def rising_intro(digest: Digest) -> str:
    moving = digest.rising
    if moving.note and not moving.windows:
        return (
            f"{moving.note[:1].upper()}{moving.note[1:]}: the ratings table gains a snapshot each time a "
            "listing day is crawled again (the crawl's refresh window recrawls recent days)."
        )
    return (
        f"Upvote gains from the ratings table ({moving.crawls} crawl times, the latest "
        f"{moving.now:%Y-%m-%d %H:%M} UTC): since each paper's previous crawl, and over the last "
        "24 hours and 7 days before the latest crawl (from the paper's first snapshot when it is newer)."
    )


def rise_text(rise: Rise) -> str:
    """`+40 upvotes: 252 → 292 (2025-10-02 08:00 → 2025-10-02 20:00 UTC)`."""
    return (
        f"+{rise.gain:,} upvotes: {rise.before.upvotes:,} → {rise.after.upvotes:,} "
        f"({rise.before.crawled_at:%Y-%m-%d %H:%M} → {when(rise.after)})"
    )


def _paper_line(entry: Entry) -> str:
    votes = count_text(entry.upvotes, "upvote", "upvotes")
    return f"- [{escape(entry.title)}]({_href(entry.hf_url)}) — #{entry.place}, {votes}"


def themes_section(digest: Digest) -> list[str]:
    grouped = digest.themes
    if not grouped.themes:
        return ["## Themes", f"None: {escape(grouped.skipped or 'no themes')}."]
    blocks = ["## Themes", THEMES_HOW]
    for number, theme in enumerate(grouped.themes, start=1):
        lines = [f"### {number}. {escape(theme.name)} — {len(theme.arxiv_ids)} papers", ""]
        lines += [_paper_line(digest.entry(arxiv_id)) for arxiv_id in theme.arxiv_ids]
        blocks.append("\n".join(lines))
    if grouped.other:
        lines = [f"### Other — {len(grouped.other)} papers", ""]
        lines += [_paper_line(digest.entry(arxiv_id)) for arxiv_id in grouped.other]
        blocks.append("\n".join(lines))
    return blocks


def rising_section(digest: Digest) -> list[str]:
    blocks = ["## Rising", rising_intro(digest)]  # our own wording: no Markdown to escape
    for window in digest.rising.windows:
        lines = [f"### {window.title}", ""]
        for number, rise in enumerate(window.rises, start=1):
            entry = digest.entry(rise.arxiv_id)
            lines.append(
                f"{number}. [{escape(entry.title)}]({_href(entry.hf_url)}) — {escape(rise_text(rise))}"
            )
        if not window.rises:
            lines.append("No paper gained upvotes.")
        blocks.append("\n".join(lines))
    return blocks


def entry_block(entry: Entry) -> str:
    stars = f" {entry.star_text}" if entry.stars else ""
    lines = [
        f"### {entry.place}. [{escape(entry.title)}]({_href(entry.hf_url)}){stars}",
        "",
        inline(entry.byline),
        "",
    ]
    lines += [f"- **{label}:** {inline(parts)}" for label, parts in entry.facts]
    return "\n".join(lines)


def render_md(digest: Digest) -> str:
    blocks = [f"# {escape(heading(digest))}", "## Summary"]
    blocks.append("\n".join(f"- **{label}:** {inline(parts)}" for label, parts in summary(digest)))
    blocks += themes_section(digest)
    blocks += rising_section(digest)
    # The preamble is our own wording (no Markdown in it): written as is, not escaped.
    blocks += ["## Papers", "\n\n".join(preamble(digest))]
    blocks += [entry_block(entry) for entry in digest.entries]
    return "\n\n".join(blocks) + "\n"
