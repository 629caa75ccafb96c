"""A digest as one self-contained HTML5 page (inline style, no external asset, readable on a
phone), and the per-paper HTML fragment the Atom feed uses as an entry's summary."""

from __future__ import annotations

from html import escape

from scraper.digest.entries import Digest, Entry, Inline, Link
from scraper.digest.render_md import heading, preamble

STYLE = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:46rem;
padding:1rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem;line-height:1.25}h2{font-size:1.15rem;margin:0 0 .25rem}
article{border-top:1px solid #d0d7de;padding:1rem 0}ul{padding-left:1.2rem;margin:.5rem 0}
a{color:#0969da;overflow-wrap:anywhere}.by{color:#59636e;margin:0}.stars{color:#bf8700;white-space:nowrap}
.note{color:#59636e}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}a{color:#4493f8}
.by,.note{color:#9198a1}}
"""


def inline(parts: list[Inline]) -> str:
    return "".join(
        f'<a href="{escape(p.href)}">{escape(p.text)}</a>' if isinstance(p, Link) else escape(p)
        for p in parts
    )


def entry_fragment(entry: Entry) -> str:
    """Byline and facts of one paper (the Markdown block's content, as HTML)."""
    items = "".join(
        f"<li><strong>{escape(label)}:</strong> {inline(parts)}</li>" for label, parts in entry.facts
    )
    return f'<p class="by">{inline(entry.byline)}</p><ul>{items}</ul>'


def entry_article(entry: Entry) -> str:
    stars = (
        f' <span class="stars" aria-label="{entry.stars} of 3 stars">{entry.star_text}</span>'
        if entry.stars
        else ""
    )
    title = f'{entry.place}. <a href="{escape(entry.hf_url)}">{escape(entry.title)}</a>{stars}'
    return f'<article id="p{escape(entry.arxiv_id)}">\n<h2>{title}</h2>\n{entry_fragment(entry)}\n</article>'


def render_html(digest: Digest) -> str:
    title = escape(heading(digest))
    notes = "\n".join(f'<p class="note">{escape(line)}</p>' for line in preamble(digest))
    articles = "\n".join(entry_article(entry) for entry in digest.entries)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{title}</h1>\n{notes}\n{articles}\n</main>\n</body>\n</html>\n"
    )
