"""arXiv API (``export.arxiv.org/api/query``) Atom feeds -> ARXIV_META_FIELDS records.

Elements are found by namespace URI (Atom, ``arxiv``, OpenSearch), never by prefix or position,
so both the 2025+ feed format (namespaces declared on ``<feed>``) and the older one (namespaces
declared on each element) parse the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from lxml import etree

from scraper.parse.errors import ParseError
from scraper.parse.text import parse_iso_datetime, squash, unwrap_paragraphs

KIND = "arxiv_atom"
ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
MAX_BATCH = 100

_A = f"{{{ATOM}}}"
_X = f"{{{ARXIV}}}"
_O = f"{{{OPENSEARCH}}}"
_ID_IN_URL = re.compile(r"/abs/(.+?)/?$")
_VERSIONED = re.compile(r"^(.+?)v(\d+)$")
MAX_VERSION = 32767  # versions are int16 columns; a larger "version" is not one
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


@dataclass
class AtomFeed:
    """One API response: ``entries`` keyed like ARXIV_META_FIELDS plus ``arxiv_id``.

    ``total_results`` is OpenSearch ``totalResults`` as sent (arXiv counts an error entry too);
    ``errors`` holds the messages of API error entries (e.g. HTTP 400 for a malformed id).
    """

    total_results: int | None
    entries: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    start_index: int | None = None
    items_per_page: int | None = None


def split_id_version(value: str) -> tuple[str, int | None]:
    """``"2501.11120v2" -> ("2501.11120", 2)``; unversioned ids give (id, None).

    Also accepts ``arXiv:`` prefixes and abs/pdf/html URLs; old-style ids keep their slash.
    """
    s = value.strip()
    m = _ID_IN_URL.search(s)
    if m and "arxiv.org" in s:
        s = m.group(1)
    elif "arxiv.org/" in s:
        s = re.sub(r"^.*?arxiv\.org/(?:pdf|html)/", "", s).removesuffix(".pdf").rstrip("/")
    if s.lower().startswith("arxiv:"):
        s = s[6:]
    m = _VERSIONED.match(s)
    if m:
        version = int(m.group(2))
        return m.group(1), version if 0 < version <= MAX_VERSION else None
    return s, None


def atom_query_url(base: str, ids: list[str], max_results: int | None = None) -> str:
    """``<base>/api/query?id_list=a,b,c&max_results=N`` for at most 100 ids.

    `base` may be the host (``https://export.arxiv.org``) or the full ``…/api/query`` endpoint.
    """
    if not ids:
        raise ValueError("ids must not be empty")
    if len(ids) > MAX_BATCH:
        raise ValueError(f"at most {MAX_BATCH} ids per query, got {len(ids)}")
    endpoint = base.rstrip("/")
    if not endpoint.endswith("/api/query"):
        endpoint += "/api/query"
    query = urlencode(
        {"id_list": ",".join(i.strip() for i in ids), "max_results": max_results or len(ids)},
        safe=",/",
    )
    return f"{endpoint}?{query}"


def _int(node: etree._Element | None) -> int | None:
    if node is None or node.text is None:
        return None
    try:
        return int(node.text.strip())
    except ValueError:
        return None


def _text(parent: etree._Element, tag: str) -> str | None:
    node = parent.find(tag)
    if node is None or node.text is None:
        return None
    return squash(node.text) or None


def _when(parent: etree._Element, tag: str) -> datetime | None:
    return parse_iso_datetime(_text(parent, tag))


def _entry(entry: etree._Element) -> dict:
    raw_id = _text(entry, f"{_A}id") or ""
    arxiv_id, version = split_id_version(raw_id)
    primary = entry.find(f"{_X}primary_category")
    categories = [c.get("term") for c in entry.findall(f"{_A}category") if c.get("term")]
    doi = _text(entry, f"{_X}doi")
    if doi is None:
        for link in entry.findall(f"{_A}link"):
            if link.get("title") == "doi" and link.get("href"):
                doi = re.sub(r"^https?://(?:dx\.)?doi\.org/", "", link.get("href"))
                break
    summary = entry.find(f"{_A}summary")
    authors = [
        {
            "name": _text(a, f"{_A}name"),
            "affiliations": [squash(x.text) for x in a.findall(f"{_X}affiliation") if x.text],
        }
        for a in entry.findall(f"{_A}author")
    ]
    return {
        "arxiv_id": arxiv_id,
        "arxiv_version": version,
        "arxiv_title": _text(entry, f"{_A}title"),
        "arxiv_abstract": unwrap_paragraphs(summary.text) if summary is not None else None,
        "arxiv_categories": list(dict.fromkeys(categories)),
        "arxiv_primary_category": primary.get("term") if primary is not None else None,
        "arxiv_comment": _text(entry, f"{_X}comment"),
        "arxiv_journal_ref": _text(entry, f"{_X}journal_ref"),
        "arxiv_doi": doi,
        "arxiv_published": _when(entry, f"{_A}published"),
        "arxiv_updated": _when(entry, f"{_A}updated"),
        "arxiv_authors": authors,
    }


def parse_atom(body: bytes, url: str = "") -> AtomFeed:
    """Parse an arXiv API response body; raise ParseError for non-XML or non-Atom bytes."""
    if not body or not body.strip():
        raise ParseError(KIND, "empty", url=url)
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ParseError(KIND, "invalid_xml", detail=str(exc)[:200], url=url) from exc
    if root is None or root.tag != f"{_A}feed":
        tag = getattr(root, "tag", None)
        raise ParseError(KIND, "not_atom_feed", detail=f"root element {tag!r}", url=url)
    feed = AtomFeed(
        total_results=_int(root.find(f"{_O}totalResults")),
        start_index=_int(root.find(f"{_O}startIndex")),
        items_per_page=_int(root.find(f"{_O}itemsPerPage")),
    )
    for entry in root.iterfind(f"{_A}entry"):
        entry_id = _text(entry, f"{_A}id") or ""
        if "/api/errors" in entry_id or (
            _text(entry, f"{_A}title") == "Error" and entry.find(f"{_A}published") is None
        ):
            feed.errors.append(_text(entry, f"{_A}summary") or entry_id)
            continue
        feed.entries.append(_entry(entry))
    return feed
