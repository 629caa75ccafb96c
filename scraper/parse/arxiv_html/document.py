"""The FULLTEXT row of an arXiv HTML page: :func:`parse_html`, a composition of the readers."""

from __future__ import annotations

import json
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse.errors import ParseError

from .authors import read_authors
from .blocks import Blocks
from .dom import FIGURE, SECTION, drop_errors, node_text, prepare, space_breaks
from .figures import read_figures
from .page import (
    KIND,
    Page,
    empty_row,
    is_arxiv_html,
    is_no_html_page,
    no_html_row,
    read_page,
    reject_non_html,
)
from .references import pull_notes, read_references
from .sections import mark_up_body, read_sections, read_title_abstract
from .tables import read_tables


def parse_html(body: bytes, url: str = "") -> dict:
    """One FULLTEXT row (without the common columns) from an arXiv ``/html/<id>vN`` response.

    Statuses: ``ok``; ``partial`` (``ltx_ERROR`` spans next to real content);
    ``conversion_failed`` (no title/abstract/sections, only errors: row without text);
    ``no_html`` (arXiv's "No HTML for '<id>'" page, sent with status 200 or 404 — its id fills
    ``arxiv_id``/``version`` when the URL is unknown —, the older "No HTML is available" wording,
    or ar5iv's "No content available").
    Raises ParseError for bytes that are not an arXiv HTML page.
    """
    reject_non_html(body, url)
    if is_no_html_page(body):
        return no_html_row(body, url)
    if not is_arxiv_html(body):
        raise ParseError(KIND, "not_arxiv_html", detail=repr(body[:40]), url=url)
    tree, n_math = prepare(body)
    page = read_page(tree, body, url)  # before the article: it may mark up the page header
    article = tree.css_first("article.ltx_document") or tree.css_first(".ltx_page_content")
    if article is None:
        return _row_without_article(tree, page, n_math)
    content = _read_article(article)
    if content.title is None and content.abstract is None and not content.sections:
        return _failed_row(page, content.errors, n_math)
    return _full_row(page, content, n_math)


@dataclass(slots=True)
class _Article:
    """Everything read from the article element."""

    title: str | None
    abstract: str | None
    authors: list[dict]
    sections: list[dict]
    figures: list[dict]
    tables: list[dict]
    footnotes: list[dict]
    other_notes: list[dict]  # \thanks and the like, kept in `extra`
    references: list[dict]
    errors: list[str]  # text of the ltx_ERROR macros
    n_equations: int
    n_listings: int


def _read_article(article: LexborNode) -> _Article:
    """Read the article. The order matters: notes and error macros leave the tree first, the
    structured parts (tables, figures, references) are read before floats leave it, and the
    running text is marked up for readers last."""
    blocks = Blocks(article)
    space_breaks(blocks.brs)
    errors = [node_text(e) for e in blocks.errors]
    footnotes, other_notes = pull_notes(blocks.notes)
    drop_errors(blocks.errors)  # with the colour arguments they leave behind
    title, abstract = read_title_abstract(article)
    authors = read_authors(article)
    blocks.drop_removed()
    tables = read_tables(article, blocks.tables)
    figures = read_figures(blocks.figures, blocks.imgs, article.mem_id)
    references = read_references(blocks.bibitems)
    _drop_floats(blocks.floats)
    structured = mark_up_body(blocks)
    # decompose() detaches every node of the subtree: a section inside a removed float is gone.
    sections = read_sections([s for s in blocks.sections if s.parent is not None], structured)
    return _Article(
        title,
        abstract,
        authors,
        sections,
        figures,
        tables,
        footnotes,
        other_notes,
        references,
        errors,
        blocks.n_equations,
        blocks.n_listings,
    )


def _drop_floats(floats: list[LexborNode]) -> None:
    """Floats and listing download links must not reach section text. Floats that are direct
    children of a section (the usual case) are skipped by read_sections; freeing those big
    subtrees here would cost more than the rest of the section pass."""
    for junk in floats:
        parent = junk.parent
        if parent is not None and (parent.tag_id != SECTION or junk.tag_id != FIGURE):
            junk.decompose()


def _row_without_article(tree: LexborHTMLParser, page: Page, n_math: int) -> dict:
    """A page without an article element: a failed conversion; its error macros are kept."""
    root = tree.body or tree.root  # Lexbor always builds <html><body>: None is not expected
    errors: list[str] = []
    if root is not None:
        space_breaks(root.css("br"))
        errors = [node_text(e) for e in root.css(".ltx_ERROR")]
    row = empty_row(page.arxiv_id, page.version, "conversion_failed")
    row.update(generator=page.generator, error_macros=errors, n_errors=len(errors), n_math=n_math)
    return row


def _failed_row(page: Page, errors: list[str], n_math: int) -> dict:
    """An article without title, abstract or sections: a failed conversion, licence kept."""
    row = empty_row(page.arxiv_id, page.version, "conversion_failed")
    row.update(
        generator=page.generator,
        error_macros=errors,
        n_errors=len(errors),
        n_math=n_math,
        license_url=page.license_url,
        license_name=page.license_name,
        license_allows_redistribution=page.license_allows_redistribution,
    )
    return row


def _full_row(page: Page, content: _Article, n_math: int) -> dict:
    sections = content.sections
    n_top = sum(1 for s in sections if s["level"] == 1 and not s["_appendix"])
    for s in sections:
        del s["_appendix"]
    extra: dict[str, object] = {}
    if content.other_notes:
        extra["notes"] = content.other_notes
    if page.watermark:
        extra["watermark"] = page.watermark
    return {
        "arxiv_id": page.arxiv_id,
        "version": page.version,
        "fulltext_source": "html",
        "fulltext_status": "partial" if content.errors else "ok",
        "generator": page.generator,
        "license_url": page.license_url,
        "license_name": page.license_name,
        "license_allows_redistribution": page.license_allows_redistribution,
        "title": content.title,
        "abstract": content.abstract,
        "authors": content.authors,
        "sections": sections,
        "figures": content.figures,
        "tables": content.tables,
        "footnotes": content.footnotes,
        "references": content.references,
        "error_macros": content.errors,
        "n_sections": n_top,
        "n_figures": len(content.figures),
        "n_tables": len(content.tables),
        "n_equations": content.n_equations,
        "n_math": n_math,
        "n_listings": content.n_listings,
        "n_references": len(content.references),
        "n_footnotes": len(content.footnotes),
        "n_errors": len(content.errors),
        "primary_subject": page.primary_subject,
        "extra": json.dumps(extra, ensure_ascii=False) if extra else None,
    }
