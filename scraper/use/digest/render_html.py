"""A digest as one self-contained HTML5 page (inline style and SVG, no external asset, no script,
readable on a phone), and the per-paper HTML fragment the Atom feed uses as an entry's summary.

The page has four sections with stable ids a reader can link to: `#summary`, `#themes` (each theme
`#theme-N`, then `#theme-other`), `#rising` and `#papers` (each paper `#p<arxiv_id>`).
"""

from __future__ import annotations

from html import escape

from scraper.use.digest.entries import Curve, Digest, Entry, Inline, Link, count_text, summary
from scraper.use.digest.render_md import THEMES_HOW, heading, preamble, rise_text, rising_intro
from scraper.use.digest.sparkline import sparkline_svg

THEME_PAPERS_SHOWN = 5  # a theme shows its best papers; the others open with a click

STYLE = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:46rem;
padding:1rem;color:#1f2328;background:#fff;overflow-wrap:break-word}
h1{font-size:1.5rem;line-height:1.25}h2{font-size:1.3rem;margin:2rem 0 .5rem}
h3{font-size:1.1rem;margin:1rem 0 .25rem}
article{border-top:1px solid #d0d7de;padding:1rem 0}ul,ol{padding-left:1.4rem;margin:.5rem 0}
a{color:#0969da;overflow-wrap:anywhere}.by{color:#59636e;margin:0}.stars{color:#bf8700;white-space:nowrap}
.note,.meta{color:#59636e}.meta{white-space:nowrap}
#summary ul{list-style:none;padding:0}#summary li{margin:.25rem 0}
.spark{vertical-align:middle;margin-right:.25rem}.rise{color:#59636e}
.spark polyline{fill:none;stroke:#0969da;stroke-width:1.5}.spark circle{fill:#0969da}
details{margin:0 0 .5rem 1.4rem}summary{color:#0969da;cursor:pointer}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}a{color:#4493f8}
.by,.note,.meta,.rise{color:#9198a1}summary{color:#4493f8}.spark polyline{stroke:#4493f8}
.spark circle{fill:#4493f8}}
"""


def inline(parts: list[Inline], svg: bool = True, local: bool = False) -> str:
    """Text, links and curves as HTML. `local`: a link to something on the page goes there
    (its anchor); `svg`: curves are drawn (else written in words, as for feed readers)."""
    written = []
    for part in parts:
        if isinstance(part, Link):
            href = f"#{part.anchor}" if local and part.anchor else part.href
            written.append(f'<a href="{escape(href)}">{escape(part.text)}</a>')
        elif isinstance(part, Curve):
            drawing = sparkline_svg(part.snapshots) + " " if svg else ""
            written.append(drawing + escape(part.text))
        else:
            written.append(escape(part))
    return "".join(written)


def entry_fragment(entry: Entry, svg: bool = True) -> str:
    """Byline and facts of one paper (the Markdown block's content, as HTML)."""
    items = "".join(
        f"<li><strong>{escape(label)}:</strong> {inline(parts, svg)}</li>" for label, parts in entry.facts
    )
    return f'<p class="by">{inline(entry.byline)}</p><ul>{items}</ul>'


def stars_html(entry: Entry) -> str:
    if not entry.stars:
        return ""
    # role="img": the stars are one picture, read out by its label instead of "black star" ×3.
    label = f"{entry.stars} of 3 stars"
    return f' <span class="stars" role="img" aria-label="{label}">{entry.star_text}</span>'


def entry_article(entry: Entry) -> str:
    title = f'{entry.place}. <a href="{escape(entry.hf_url)}">{escape(entry.title)}</a>{stars_html(entry)}'
    return f'<article id="{escape(entry.anchor)}">\n<h3>{title}</h3>\n{entry_fragment(entry)}\n</article>'


def _paper_item(entry: Entry) -> str:
    votes = count_text(entry.upvotes, "upvote", "upvotes")
    return (
        f'<li><a href="#{escape(entry.anchor)}">{escape(entry.title)}</a> '
        f'<span class="meta">#{entry.place} · {votes}</span></li>'
    )


def summary_section(digest: Digest) -> str:
    items = "\n".join(
        f"<li><strong>{escape(label)}:</strong> {inline(parts, local=True)}</li>"
        for label, parts in summary(digest)
    )
    return f'<section id="summary">\n<h2>Summary</h2>\n<ul>\n{items}\n</ul>\n</section>'


def themes_section(digest: Digest) -> str:
    grouped = digest.themes
    if not grouped.themes:
        reason = escape(grouped.skipped or "no themes")
        return f'<section id="themes">\n<h2>Themes</h2>\n<p class="note">None: {reason}.</p>\n</section>'
    parts = [f'<section id="themes">\n<h2>Themes</h2>\n<p class="note">{escape(THEMES_HOW)}</p>']
    groups = [(f"theme-{n}", f"{n}. {t.name}", t.arxiv_ids) for n, t in enumerate(grouped.themes, start=1)]
    if grouped.other:
        groups.append(("theme-other", "Other", tuple(grouped.other)))
    for anchor, name, ids in groups:
        items = [_paper_item(digest.entry(arxiv_id)) for arxiv_id in ids]
        shown = "\n".join(items[:THEME_PAPERS_SHOWN])
        more = ""
        if len(items) > THEME_PAPERS_SHOWN:  # the rest folded away (no script: <details>)
            rest = "\n".join(items[THEME_PAPERS_SHOWN:])
            hidden = len(items) - THEME_PAPERS_SHOWN
            more = f"\n<details><summary>{hidden} more</summary>\n<ul>\n{rest}\n</ul>\n</details>"
        heading_ = f'<h3>{escape(name)} <span class="meta">— {len(ids)} papers</span></h3>'
        parts.append(f'<section id="{anchor}">\n{heading_}\n<ul>\n{shown}\n</ul>{more}\n</section>')
    parts.append("</section>")
    return "\n".join(parts)


def rising_section(digest: Digest) -> str:
    parts = [f'<section id="rising">\n<h2>Rising</h2>\n<p class="note">{escape(rising_intro(digest))}</p>']
    for window in digest.rising.windows:
        parts.append(f"<h3>{escape(window.title)}</h3>")
        if not window.rises:
            parts.append("<p>No paper gained upvotes.</p>")
            continue
        items = []
        for rise in window.rises:
            entry = digest.entry(rise.arxiv_id)
            curve = digest.rising.curves[rise.arxiv_id]
            items.append(
                f'<li><a href="#{escape(entry.anchor)}">{escape(entry.title)}</a><br>'
                f'<span class="rise">{sparkline_svg(curve)} {escape(rise_text(rise))}</span></li>'
            )
        parts.append("<ol>\n" + "\n".join(items) + "\n</ol>")
    parts.append("</section>")
    return "\n".join(parts)


def papers_section(digest: Digest) -> str:
    notes = "\n".join(f'<p class="note">{escape(line)}</p>' for line in preamble(digest))
    articles = "\n".join(entry_article(entry) for entry in digest.entries)
    return f'<section id="papers">\n<h2>Papers</h2>\n{notes}\n{articles}\n</section>'


def render_html(digest: Digest) -> str:
    title = escape(heading(digest))
    sections = "\n".join(
        (summary_section(digest), themes_section(digest), rising_section(digest), papers_section(digest))
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{title}</h1>\n{sections}\n</main>\n</body>\n</html>\n"
    )
