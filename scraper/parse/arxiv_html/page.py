"""The page around the paper: which paper and version it is, its generator and licence, and whether
it is a paper at all (arXiv's "no HTML" stub, bytes that are not an arXiv HTML page).

Read before the article (see :func:`read_page`); the rows of pages without a usable article
(:func:`empty_row`) are also built here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse.arxiv_id import ID as ID_GRAMMAR
from scraper.parse.errors import ParseError

from .dom import BASE, BR, DIV, node_text, space_breaks

KIND = "arxiv_html"

# --------------------------------------------------------------------------------------------
# Licences

_CC_URL = re.compile(r"creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/(\d\.\d)", re.I)
_CC_TEXT = re.compile(r"\bCC[\s-]*(BY(?:[\s-]*(?:NC|SA|ND))*|0|ZERO)\b[\s-]*(\d\.\d)?", re.I)
_ARXIV_LICENSES = {
    "nonexclusive-distrib": ("arXiv non-exclusive", "1.0"),
    "assumed-1991-2003": ("arXiv assumed 1991-2003", None),
}


def classify_license(text_or_url: str | None) -> tuple[str | None, str | None, bool | None]:
    """(canonical url, short name, allows_redistribution) for a licence URL or its display text.

    ``allows_redistribution`` is True only for licences that let anyone redistribute *and adapt*
    the text for any purpose (CC BY, CC BY-SA, CC0, public-domain mark): the dataset is public,
    restructures the text and may be used commercially. Any NC or ND variant and arXiv's own
    non-exclusive distribution licence are False. Unknown/missing input gives (None, None, None).
    """
    if not text_or_url:
        return None, None, None
    s = text_or_url.strip()
    m = _CC_URL.search(s)
    if m:
        kind, code, ver = m.group(1).lower(), m.group(2).lower(), m.group(3)
        if kind == "publicdomain":
            if code == "zero":
                return f"https://creativecommons.org/publicdomain/zero/{ver}/", f"CC0 {ver}", True
            url = f"https://creativecommons.org/publicdomain/{code}/{ver}/"
            return url, f"Public Domain Mark {ver}", True
        return _cc(code, ver)
    low = s.lower()
    for key, (name, ver) in _ARXIV_LICENSES.items():
        if key in low:
            arxiv_url = f"http://arxiv.org/licenses/{key}/{ver}/" if ver else None
            return arxiv_url, name, False
    if "non-exclusive" in low or "nonexclusive" in low:
        return "http://arxiv.org/licenses/nonexclusive-distrib/1.0/", "arXiv non-exclusive", False
    if "public domain" in low:
        return "https://creativecommons.org/publicdomain/mark/1.0/", "Public Domain Mark 1.0", True
    m = _CC_TEXT.search(s)
    if m:
        code = m.group(1).upper().replace(" ", "-")
        code = re.sub(r"-+", "-", code)
        ver = m.group(2) or "4.0"
        if code in ("0", "ZERO"):
            return "https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0", True
        return _cc(code.lower(), ver)
    return None, None, None


def _cc(code: str, ver: str) -> tuple[str, str, bool]:
    parts = [p for p in code.lower().split("-") if p]
    url = f"https://creativecommons.org/licenses/{'-'.join(parts)}/{ver}/"
    name = f"CC {'-'.join(p.upper() for p in parts)} {ver}"
    return url, name, not ({"nc", "nd"} & set(parts))


# --------------------------------------------------------------------------------------------
# Page identity

_ID_VERSION = re.compile(rf"({ID_GRAMMAR})v(\d+)", re.I)
_GENERATOR = re.compile(rb"by LaTeXML( oxide)? \(version ([0-9][0-9A-Za-z.\-]*)\)")
_WATERMARK = re.compile(rb"arXiv:([^\s<>\[]+?)v(\d+)\s*\[([^\]<>]+)\]\s*(\d{1,2} \w{3} \d{4})?")
_STUB_ID = re.compile(rf"No HTML for '({ID_GRAMMAR}(?:v\d+)?)'".encode(), re.I)
# arXiv's "no HTML" answers (200 or 404): the 2026 stub (tests/fixtures/arxiv_stub/, `<h1>No HTML
# for '<id>'</h1>` + "HTML is not available for the source"), the older wording, ar5iv's.
_NO_HTML_MARKERS = (
    b"No HTML for '",
    b"HTML is not available for the source",
    b"No HTML is available for this paper",
    b"No content available",
)


def is_no_html_page(body: bytes) -> bool:
    """True for arXiv's "no HTML for this paper" answer (any wording above), not for a paper."""
    return b"ltx_document" not in body and any(m in body for m in _NO_HTML_MARKERS)


MAX_VERSION = 32767  # the schema's int16; a larger "version" is not a real arXiv version


def id_version(*candidates: str | None) -> tuple[str | None, int | None]:
    for c in candidates:
        if c:
            m = _ID_VERSION.search(c)
            if m:
                version = int(m.group(2))
                return m.group(1), version if version <= MAX_VERSION else None
    return None, None


def bare_id(url: str) -> str | None:
    m = re.search(rf"/(?:html|abs|pdf)/({ID_GRAMMAR})", url or "", re.I)
    return m.group(1) if m else None


def is_arxiv_html(body: bytes) -> bool:
    head = body[:200_000]
    return b"ltx_" in head or b"LaTeXML" in head or b"arxiv-html" in head


# The count columns of a row (see empty_row)
_COUNTS = (
    "n_sections",
    "n_figures",
    "n_tables",
    "n_equations",
    "n_math",
    "n_listings",
    "n_references",
    "n_footnotes",
    "n_errors",
)


def empty_row(arxiv_id: str | None, version: int | None, status: str) -> dict:
    """A row without body text. Counts are 0 for a failed conversion (we looked) and None for
    the no-HTML stub (nothing to measure)."""
    zero = None if status == "no_html" else 0
    row: dict = {
        "arxiv_id": arxiv_id,
        "version": version,
        "fulltext_source": "html" if status != "no_html" else "none",
        "fulltext_status": status,
        "generator": None,
        "license_url": None,
        "license_name": None,
        "license_allows_redistribution": None,
        "title": None,
        "abstract": None,
        "authors": [],
        "sections": [],
        "figures": [],
        "tables": [],
        "footnotes": [],
        "references": [],
        "error_macros": [],
    }
    for name in _COUNTS:
        row[name] = zero
    return row


# --------------------------------------------------------------------------------------------
# Checks before parsing


def reject_non_html(body: bytes, url: str) -> None:
    """Raise ParseError for an empty body or bytes that are not HTML at all (JSON, plain text)."""
    if not body or body.isspace():
        raise ParseError(KIND, "empty", url=url)
    lead = body.lstrip()[:1]
    if lead in (b"{", b"[") or b"<" not in body[:4096]:
        raise ParseError(KIND, "not_html", detail=repr(body[:40]), url=url)


def no_html_row(body: bytes, url: str) -> dict:
    """The row of arXiv's "no HTML" stub: the paper from the URL, else the one the stub names."""
    paper, version = id_version(url)
    paper = paper or bare_id(url)
    named = _STUB_ID.search(body)
    if named is not None and paper is None:
        named_id = named.group(1).decode("ascii")
        paper, version = id_version(named_id)
        paper = paper or named_id
    return empty_row(paper, version, "no_html")


# --------------------------------------------------------------------------------------------
# The chrome: identity, generator, licence

# The licence boxes, <base href> and the page headers in one query of the page (each css() call
# costs ~20k instructions of set-up plus a walk of every node). A pages, whose <base> in the head
# names the paper, need no header: their query leaves its selectors out (~0.5M instructions on a
# big page), see read_page.
_PAGE_SEL = "#license-tr, div#infobox, base[href]"
_HEADERS_SEL = "header.arxiv-html-header, .ltx_page_header"
_BASE_LOOKAHEAD = 8192  # bytes where an A page's <base> is
# The links of the page header (B pages, whose <base> names no paper). Matching "header … a[href]"
# over the page tests the ancestors of every link, a dear selector on a page of many references:
# see _back_links for the usual way round it.
_BACK_LINKS = "header.arxiv-html-header a[href], .ltx_page_header a[href]"


@dataclass(slots=True)
class Page:
    """What the page says about itself, outside the article."""

    arxiv_id: str | None
    version: int | None
    generator: str | None  # "LaTeXML 0.8.8", "LaTeXML oxide 0.7.5"
    license_url: str | None
    license_name: str | None
    license_allows_redistribution: bool | None
    watermark: str  # B pages' "arXiv:<id>vN [<primary>] <date>", "" when absent
    primary_subject: str | None


def read_page(tree: LexborHTMLParser, body: bytes, url: str) -> Page:
    """Identity, generator and licence of a parsed arXiv HTML page (`body`: its original bytes)."""
    chrome = _chrome(tree, with_headers=body.find(b"<base", 0, _BASE_LOOKAHEAD) == -1)
    license_rows, infoboxes = chrome.license_rows, chrome.infoboxes
    arxiv_id, version, watermark = _served_version(tree, chrome, body, url)
    primary = watermark.group(3).decode("utf-8", "replace").strip() if watermark else None
    return Page(
        arxiv_id,
        version,
        _generator(body),
        *_licence(license_rows, infoboxes),
        watermark=watermark.group(0).decode("utf-8", "replace") if watermark else "",
        primary_subject=primary,
    )


def _generator(body: bytes) -> str | None:
    found = _GENERATOR.search(body)
    if found is None:
        return None
    return f"LaTeXML{' oxide' if found.group(1) else ''} {found.group(2).decode()}"


@dataclass(slots=True)
class _Chrome:
    license_rows: list[LexborNode]  # ``#license-tr`` rows (A pages), in document order
    infoboxes: list[LexborNode]  # ``div#infobox`` boxes (B pages)
    base: LexborNode | None  # the first ``<base href>``
    # nodes whose class may name a page header, with how many selectors of the query they match;
    # None when the query did not look for headers
    headers: list[tuple[LexborNode, int]] | None


def _chrome(tree: LexborHTMLParser, with_headers: bool) -> _Chrome:
    """The page's licence boxes, ``<base href>`` and, `with_headers`, its headers (see _Chrome),
    from one query."""
    chrome = _Chrome([], [], None, [] if with_headers else None)
    hits = tree.css(f"{_PAGE_SEL}, {_HEADERS_SEL}" if with_headers else _PAGE_SEL)
    n_hits = len(hits)
    i = 0
    while i < n_hits:
        n = hits[i]
        nid = n.mem_id
        j = i + 1
        while j < n_hits and hits[j].mem_id == nid:  # reported once per matching selector
            j += 1
        matched = j - i
        i = j
        attrs = n.attributes
        node_id = attrs.get("id")
        if node_id == "license-tr":
            chrome.license_rows.append(n)
        tag_id = n.tag_id
        if node_id == "infobox" and tag_id == DIV:
            chrome.infoboxes.append(n)
        if tag_id == BASE and chrome.base is None and "href" in attrs:
            chrome.base = n
        if chrome.headers is not None:
            cls = (attrs.get("class") or "").lower()  # (quirks mode matches classes in any case)
            if "arxiv-html-header" in cls or "ltx_page_header" in cls:
                chrome.headers.append((n, matched))
    return chrome


def _back_links(
    tree: LexborHTMLParser, headers: list[tuple[LexborNode, int]] | None
) -> tuple[list[LexborNode], bool]:
    """``tree.css(_BACK_LINKS)``: the links below the page headers, once per header selector
    they match, and whether a ``<br>`` may be among them. With one header (the usual page) they
    are its own links, found in its subtree instead of testing the ancestors of every link of
    the page, with its <br>s in the same query."""
    if headers is None:  # not looked for
        return tree.css(_BACK_LINKS), True
    if not headers:  # a node that matches a header selector is among them
        return [], False
    header, matched = headers[0]
    # One node reported once, with no id and not a <base>: it matched one header selector, and
    # no other node matches either.
    if len(headers) > 1 or matched != 1 or header.tag_id == BASE or "id" in header.attributes:
        return tree.css(_BACK_LINKS), True
    hits = header.css("a[href], br")
    if hits and hits[0].mem_id == header.mem_id:  # css() includes the node itself; the
        hits = hits[1:]  # descendant combinator does not
    links = [n for n in hits if n.tag_id != BR]
    return links, len(links) < len(hits)


def _served_version(
    tree: LexborHTMLParser, chrome: _Chrome, body: bytes, url: str
) -> tuple[str | None, int | None, re.Match[bytes] | None]:
    """(arxiv id, version, watermark match) of the version served: from ``<base href>`` (A pages),
    the Back-to-Abstract link or the watermark (B pages), else the URL."""
    url_id = id_version(url)[0]
    base = chrome.base
    base_href = base.attributes.get("href") if base is not None else None
    back = None
    if id_version(base_href)[0] is None:  # the link only counts when <base> has no id
        links, breaks = _back_links(tree, chrome.headers)
        for a in links:
            if breaks:
                space_breaks(a.css("br"))  # a second space before a <br> changes no test here
            if "abstract" in a.text_lexbor().lower():
                back = a.attributes.get("href")
                break
    # B pages print "arXiv:<id>vN [<primary>] <date>" in a watermark before the article.
    art_at = body.find(b"<article")
    watermark = _WATERMARK.search(body, 0, art_at if art_at != -1 else min(len(body), 200_000))
    wm_text = watermark.group(0).decode("utf-8", "replace") if watermark else ""
    arxiv_id, version = id_version(base_href, back, wm_text, url)
    return arxiv_id or url_id or bare_id(url), version, watermark


def _licence(
    license_rows: list[LexborNode], infoboxes: list[LexborNode]
) -> tuple[str | None, str | None, bool | None]:
    """(url, name, allows redistribution) from the licence row (A) or the infobox link/text (B)."""
    lic_node = license_rows[0] if license_rows else None
    if lic_node is None:
        for box in infoboxes:
            lic_node = box.css_first("a[href*=licen]")
            if lic_node is not None:
                break
    for node in (lic_node, infoboxes[0] if infoboxes else None):
        if node is not None:  # their text is squashed: an extra space before a <br> is harmless
            space_breaks(node.css("br"))
    lic_src = None
    if lic_node is not None:
        lic_src = lic_node.attributes.get("href") or node_text(lic_node)
        if not classify_license(lic_src)[1]:
            lic_src = node_text(lic_node)
    if lic_src is None:
        lic_src = node_text(infoboxes[0]) if infoboxes else None
    return classify_license(lic_src)
