"""arXiv abstract pages (``arxiv.org/abs/<id>``) -> metadata dict, and a metadata-only FULLTEXT row.

Keys on the ``citation_*`` meta tags and the ``div#abs`` structure, which are the same in the
2021 XHTML, 2025, 2025-12 and 2026 layouts (see docs/sources.md section 6).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse.arxiv_html import classify_license
from scraper.parse.errors import ParseError
from scraper.parse.text import squash, unwrap_paragraphs

KIND = "arxiv_abs"
_VERSION = re.compile(r"v(\d+)\s*$")
_THIS_VERSION = re.compile(r"this version,\s*v(\d+)")
_HISTORY = re.compile(
    r"\[v(\d+)\]\s*(?:[A-Z][a-z]{2},\s*)?(\d{1,2} [A-Z][a-z]{2} \d{4} \d{1,2}:\d{2}:\d{2})\s*UTC"
    r"\s*(?:\(([^)]*)\))?"
)
_SUBJECT_CODE = re.compile(r"\(([^()]+)\)\s*$")
MAX_VERSION = 32767  # versions are int16 columns; a larger "version" is not one


def _version(digits: str) -> int | None:
    version = int(digits)
    return version if 0 < version <= MAX_VERSION else None


def _meta(tree: LexborHTMLParser, name: str) -> list[str]:
    return [
        m.attributes.get("content") or "" for m in tree.css(f'meta[name="{name}"], meta[property="{name}"]')
    ]


def _first(values: list[str]) -> str | None:
    return next((v for v in values if v and v.strip()), None)


def _text_without_descriptor(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    for d in node.css("span.descriptor"):
        d.decompose()
    return squash(node.text()) or None


def _subject_code(subject: str) -> str:
    m = _SUBJECT_CODE.search(subject)
    return m.group(1) if m else subject


def _flip(name: str) -> str:
    """``"Last, First"`` (citation_author) -> ``"First Last"``."""
    if "," in name:
        last, first = name.split(",", 1)
        return squash(f"{first} {last}") or name
    return squash(name) or name


def parse_abs(body: bytes, url: str = "") -> dict:
    """Metadata of one abs page (the version it shows). Raises ParseError if it is not one."""
    if not body or not body.strip():
        raise ParseError(KIND, "empty", url=url)
    tree = LexborHTMLParser(body)
    arxiv_id = _first(_meta(tree, "citation_arxiv_id"))
    abs_div = tree.css_first("div#abs")
    if arxiv_id is None and abs_div is None:
        raise ParseError(KIND, "not_an_abs_page", url=url)
    root = abs_div or tree.root
    if root is None:  # (an empty document: selectolax gives no root)
        raise ParseError(KIND, "no_abs_page", "the page has no document", url)

    # version shown: og:url ".../abs/<id>vN", the "this version" link, the dateline, history max
    history = _history(tree)
    version = None
    og = _first(_meta(tree, "og:url"))
    if og and (m := _VERSION.search(og)):
        version = _version(m.group(1))
    if version is None:
        link = tree.css_first("td.arxividv a[href]")
        if link is not None and (m := _VERSION.search(link.attributes.get("href") or "")):
            version = _version(m.group(1))
    dateline_node = tree.css_first("div.dateline")
    dateline = squash(dateline_node.text()) if dateline_node is not None else None
    if version is None and dateline and (m := _THIS_VERSION.search(dateline)):
        version = _version(m.group(1))
    if version is None and history:
        version = max(h["version"] for h in history)
    if arxiv_id is None:
        link = tree.css_first("td.arxivid a[href]")
        arxiv_id = link.text().removeprefix("arXiv:").strip() if link is not None else None

    title = _first(_meta(tree, "citation_title"))
    title = squash(title) if title else _text_without_descriptor(root.css_first("h1.title"))
    author_links = root.css("div.authors a")
    if author_links:
        authors = [squash(a.text()) for a in author_links if squash(a.text())]
    else:
        authors = [_flip(a) for a in _meta(tree, "citation_author") if a.strip()]
    abstract = _first(_meta(tree, "citation_abstract"))
    abstract = (
        unwrap_paragraphs(abstract)
        if abstract
        else _text_without_descriptor(root.css_first("blockquote.abstract"))
    )

    comments = _cell(tree, "comments")
    journal_ref = _cell(tree, "jref")
    doi = _first(_meta(tree, "citation_doi")) or _cell(tree, "doi")
    datacite = tree.css_first("#arxiv-doi-link")
    subjects_cell = tree.css_first("td.subjects")
    subject_names: list[str] = []
    if subjects_cell is not None:
        subject_names = [s for s in (squash(x) for x in subjects_cell.text().split(";")) if s]
    primary_node = tree.css_first("span.primary-subject")
    primary_name = squash(primary_node.text()) if primary_node is not None else None
    if primary_name is None and subject_names:
        primary_name = subject_names[0]

    lic = tree.css_first("div.abs-license a[href]")
    license_url, license_name, allows = classify_license(
        lic.attributes.get("href") if lic is not None else None
    )
    pdf_url = _first(_meta(tree, "citation_pdf_url"))
    html_link = tree.css_first("a#latexml-download-link")
    html_url = html_link.attributes.get("href") if html_link is not None else None

    return {
        "arxiv_id": arxiv_id,
        "version": version,
        "title": title,
        "authors": authors,
        "abstract": abstract,
        "comments": comments,
        "subjects": [_subject_code(s) for s in subject_names],
        "subject_names": subject_names,
        "primary_subject": _subject_code(primary_name) if primary_name else None,
        "license_url": license_url,
        "license_name": license_name,
        "license_allows_redistribution": allows,
        "submission_history": history,
        "journal_ref": journal_ref,
        "doi": doi,
        "datacite_doi": (
            re.sub(r"^https?://(?:dx\.)?doi\.org/", "", squash(datacite.text()) or "") or None
            if datacite is not None
            else None
        ),
        "pdf_url": pdf_url,
        "html_url": html_url,
        "dateline": dateline,
    }


def _cell(tree: LexborHTMLParser, cls: str) -> str | None:
    node = tree.css_first(f"td.tablecell.{cls}")
    return squash(node.text()) or None if node is not None else None


def _history(tree: LexborHTMLParser) -> list[dict]:
    node = tree.css_first("div.submission-history")
    if node is None:
        return []
    out = []
    for m in _HISTORY.finditer(squash(node.text()) or ""):
        version = _version(m.group(1))
        if version is None:
            continue
        try:
            when = datetime.strptime(m.group(2), "%d %b %Y %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            when = None
        out.append({"version": version, "submitted_at": when, "size": m.group(3)})
    return out


def fulltext_from_abs(abs_record: dict, status: str = "no_html") -> dict:
    """A FULLTEXT row built from `parse_abs` output: metadata only, no body.

    `status` is ``no_html`` (the paper has no HTML rendering) unless the caller knows better,
    e.g. ``fetch_error`` when the HTML exists but could not be fetched. Body counts are None
    (not measured), body lists are empty.
    """
    extra = {
        k: abs_record.get(k)
        for k in ("journal_ref", "doi", "datacite_doi", "pdf_url", "html_url", "subject_names")
        if abs_record.get(k)
    }
    return {
        "arxiv_id": abs_record["arxiv_id"],
        "version": abs_record.get("version"),
        "fulltext_source": "abs",
        "fulltext_status": status,
        "generator": None,
        "license_url": abs_record.get("license_url"),
        "license_name": abs_record.get("license_name"),
        "license_allows_redistribution": abs_record.get("license_allows_redistribution"),
        "title": abs_record.get("title"),
        "abstract": abs_record.get("abstract"),
        "authors": [{"name": n, "affiliations": [], "emails": []} for n in abs_record.get("authors") or []],
        "sections": [],
        "figures": [],
        "tables": [],
        "footnotes": [],
        "references": [],
        "error_macros": [],
        "comments": abs_record.get("comments"),
        "subjects": abs_record.get("subjects") or [],
        "primary_subject": abs_record.get("primary_subject"),
        "submission_history": abs_record.get("submission_history") or [],
        "extra": json.dumps(extra, ensure_ascii=False) if extra else None,
    }
