"""A digest as Markdown: a heading with the period and counts, how it is ranked and rated, what the
data lacks, then one block per paper."""

from __future__ import annotations

import re

from scraper.digest.entries import Digest, Entry, Inline, Link
from scraper.digest.rank import STAR_RULE

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def escape(text: str) -> str:
    """Plain text that Markdown shows as typed (titles hold `*`, `_`, brackets…)."""
    return _SPECIAL.sub(r"\\\1", text)


def _href(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def inline(parts: list[Inline]) -> str:
    return "".join(
        f"[{escape(p.text)}]({_href(p.href)})" if isinstance(p, Link) else escape(p) for p in parts
    )


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
    """The lines under the heading: ranking and rating rules, grouping of a range, missing data."""
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
    lines += [f"Missing from this data: {note}." for note in digest.notes]
    return lines


def entry_block(entry: Entry) -> str:
    stars = f" {entry.star_text}" if entry.stars else ""
    lines = [
        f"## {entry.place}. [{escape(entry.title)}]({_href(entry.hf_url)}){stars}",
        "",
        inline(entry.byline),
        "",
    ]
    lines += [f"- **{label}:** {inline(parts)}" for label, parts in entry.facts]
    return "\n".join(lines)


def render_md(digest: Digest) -> str:
    # The preamble is our own wording (no Markdown in it): written as is, not escaped.
    blocks = [f"# {escape(heading(digest))}", "\n\n".join(preamble(digest))]
    blocks += [entry_block(entry) for entry in digest.entries]
    return "\n\n".join(blocks) + "\n"
