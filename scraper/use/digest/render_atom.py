"""A digest as an Atom 1.0 feed (RFC 4287): one entry per paper, its id and link the paper's Hugging
Face page, `updated` its latest crawl, its summary the paper's digest block as HTML (upvote curves
in words: feed readers drop inline SVG).

The feed links to itself (`rel="self"`, what feed readers subscribe to): the public address given
with `--feed-url`, else the output file's name as a relative reference, which resolves to wherever
the file is served from (RFC 4287 §4.2.7 allows relative IRIs; they resolve against the feed's URI).
"""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from scraper.use.digest.entries import Digest
from scraper.use.digest.render_html import entry_fragment
from scraper.use.digest.render_md import heading, preamble

ATOM_NS = "http://www.w3.org/2005/Atom"
HF_PAPERS = "https://huggingface.co/papers"


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _feed_url(digest: Digest) -> str:
    """HF's own page for the period (its day and week URLs); a free range gets the day URL of its end."""
    period = digest.selection.period
    if period.kind == "week":
        year, week, _ = period.start.isocalendar()
        return f"{HF_PAPERS}/week/{year}-W{week:02d}"
    return f"{HF_PAPERS}/date/{period.end}"


def _add(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def default_feed_name(digest: Digest) -> str:
    """The file name the feed's self link uses when it is written to stdout: `digest-2025-10-02.atom`,
    `digest-2025-W40.atom`, `digest-2025-09-29--2025-10-03.atom`."""
    period = digest.selection.period
    if period.kind == "week":
        year, week, _ = period.start.isocalendar()
        return f"digest-{year}-W{week:02d}.atom"
    if period.is_range:
        return f"digest-{period.start}--{period.end}.atom"
    return f"digest-{period.start}.atom"


def render_atom(digest: Digest, self_url: str | None = None) -> str:
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    period = digest.selection.period
    # A stable id per period (a tag URI, RFC 4151): re-rendering the same period updates one feed.
    _add(feed, "id", f"tag:hfpapers,2025:digest/{period.start}/{period.end}")
    _add(feed, "title", heading(digest))
    notes = [f"Missing from this data: {note}." for note in digest.notes]
    _add(feed, "subtitle", " ".join(preamble(digest) + notes))
    _add(feed, "updated", _rfc3339(digest.updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url or default_feed_name(digest))
    _add(feed, "link", rel="alternate", type="text/html", href=_feed_url(digest))
    author = _add(feed, "author")
    _add(author, "name", "hfpapers-digest")
    _add(feed, "generator", "hfpapers-digest")
    for entry in digest.entries:
        item = _add(feed, "entry")
        _add(item, "id", entry.hf_url)
        _add(item, "title", entry.title)
        _add(item, "link", rel="alternate", type="text/html", href=entry.hf_url)
        _add(item, "updated", _rfc3339(entry.updated))
        for name in entry.authors:
            _add(_add(item, "author"), "name", name)
        _add(item, "summary", entry_fragment(entry, svg=False), type="html")  # escaped HTML, as Atom wants it
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True).decode()
