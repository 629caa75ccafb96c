"""arXiv HTML full text (LaTeXML 0.8.8 "A" pages and LaTeXML oxide "B" pages) -> one FULLTEXT row.

Parser decision (``bench/bench_arxiv_html.py``, real 699 KB 2501.11120v1 page, best of 60,
interleaved): bare Lexbor parse 3.8-4.4 ms (160-190 MB/s), bare lxml 7.5-7.9 ms (~90 MB/s),
this full extraction 15.5 ms (45 MB/s), a plain BeautifulSoup[lxml] extraction ~210 ms (3.3 MB/s).
So: selectolax/Lexbor, plus a byte-level pre-pass that swaps every ``<math …>…</math>`` for
``<span class="ltx_tex">ALTTEXT</span>`` *before* parsing (``bytes.find``, ~1 ms). MathML is
most of a paper's nodes and we only want its TeX, so Lexbor parses a smaller tree (2.2 ms instead
of ~3.5) and every ``.text()`` yields math as TeX with no per-node Python work. The rest is CSS
selectors run natively by Lexbor and one ``.text()`` per record. Known gap: full/bare is ~3.5-4x,
not the 2.5x target; what remains is per-cell Python for 47 tables / 590 cells (~3 ms), section
text (~1.5 ms) and references (~1 ms).

Table records (``tables`` column, also available alone via :func:`extract_tables`)::

    {"id", "label", "caption", "rows": [{"is_header", "cells": [{"text", "is_header", "colspan",
     "rowspan", "bold", "underline", "italic"}]}]}

Rules:
* one record per *outermost* ``.ltx_tabular`` inside a top-level ``figure.ltx_table`` (a table
  figure not nested in another table figure). When a figure holds several outermost tabulars
  (side-by-side panels, sub-tables) their ids are ``<figure id>#1``, ``#2``…; all share the
  figure's label and caption. A tabular nested inside a cell is not a record: its text becomes the
  cell's text. A table figure without any tabular (table given as an image) yields one record
  with ``rows == []``.
* header rows: rows inside ``thead`` when the markup has one; else rows made only of ``th``; else
  (LaTeXML 0.8.8 emits only ``td``) the rows above the first horizontal rule below the first row
  (a ``ltx_border_t``/``tt`` top border on row k, or ``ltx_border_b``/``bb`` on row k-1), if that
  rule comes within the first 4 rows and is not the last row. A cell is a header cell when it is a
  ``th`` or its row is a header row.
* ``bold``/``italic``/``underline``: at least half of the cell's non-blank characters sit inside
  ``ltx_font_bold``/``b``/``strong`` (``ltx_font_italic``/``em``/``i``;
  ``ltx_framed_underline``/``ltx_font_underline``/``u``) or inside math whose TeX starts with
  ``\\mathbf``/``\\textbf``/``\\bm``/``\\boldsymbol`` (``\\mathit``/``\\textit``/``\\emph``;
  ``\\underline``). The cell element's own classes count too.
* text: math as its TeX alttext (no ``$`` delimiters), ``<br>`` as a space, whitespace squashed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parsers.errors import ParseError

KIND = "arxiv_html"

# --------------------------------------------------------------------------------------------
# Byte-level pre-pass: MathML -> TeX spans

_MATH_OPEN = b"<math"
_MATH_CLOSE = b"</math>"
_ALTTEXT = re.compile(rb"""\balttext\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DISPLAY_BLOCK = re.compile(rb"""\bdisplay\s*=\s*["']block["']""")
_TAG_END = re.compile(rb"""(?:[^>"']|"[^"]*"|'[^']*')*>""")


def _strip_math(body: bytes) -> tuple[bytes, int]:
    """Replace each ``<math>`` element by a ``span.ltx_tex`` holding its alttext; count them.

    A math element without ``alttext`` is left as it is (handled after parsing).
    """
    out: list[bytes] = []
    pos = 0
    count = 0
    find = body.find
    i = find(_MATH_OPEN)
    while i != -1:
        nxt = body[i + 5 : i + 6]
        if nxt not in (b" ", b">", b"\n", b"\t", b"\r", b"/"):
            i = find(_MATH_OPEN, i + 5)
            continue
        m = _TAG_END.match(body, i + 5)
        j = find(_MATH_CLOSE, i)
        if m is None or j == -1:
            break
        count += 1
        start_tag = body[i : m.end()]
        alt = _ALTTEXT.search(start_tag)
        if alt is None:
            i = find(_MATH_OPEN, j)
            continue
        tex = (alt.group(1) if alt.group(1) is not None else alt.group(2)).replace(b"<", b"&lt;")
        cls = b"ltx_tex ltx_tex_block" if _DISPLAY_BLOCK.search(start_tag) else b"ltx_tex"
        out += (body[pos:i], b'<span class="', cls, b'">', tex, b"</span>")
        pos = j + len(_MATH_CLOSE)
        i = find(_MATH_OPEN, pos)
    if not out:
        return body, count
    out.append(body[pos:])
    return b"".join(out), count


def _prepare(body: bytes) -> tuple[LexborHTMLParser, int]:
    """Math pre-pass, ``<br>`` -> space, then the Lexbor parse. Returns (tree, number of math)."""
    stripped, n_math = _strip_math(body)
    # <br> has no text; without a space "line one<br/>line two" would run together.
    stripped = stripped.replace(b"<br", b" <br")
    tree = LexborHTMLParser(stripped)
    leftover = tree.css("math") if b"<math" in stripped else []
    for m in leftover:  # only math without alttext survives the pre-pass
        ann = m.css_first('annotation[encoding="application/x-tex"]')
        m.replace_with(" " + (ann.text() if ann is not None else m.text()) + " ")
    return tree, n_math


def _sq(text: str) -> str:
    """Same result as text.squash for a str, several times faster (no regex)."""
    return " ".join(text.split())


def _text(node: LexborNode | None) -> str:
    """Squashed text of a node ('' for None)."""
    if node is None:
        return ""
    return " ".join(node.text().split())


def _classes(node: LexborNode) -> str:
    return node.attributes.get("class") or ""


def _has_class(node: LexborNode, cls: str) -> bool:
    return cls in _classes(node).split()


def _span(value: str | None) -> int:
    """colspan/rowspan attribute value as a positive int (1 when missing or malformed)."""
    if not value:
        return 1
    try:
        return max(1, int(value))
    except ValueError:
        return 1


# --------------------------------------------------------------------------------------------
# Tables

_STYLED_SEL = (
    ".ltx_font_bold, b, strong, .ltx_font_italic, em, i, .ltx_framed_underline, "
    ".ltx_font_underline, u, span.ltx_tex"
)
_STYLE_TAGS = {"b": "bold", "strong": "bold", "em": "italic", "i": "italic", "u": "underline"}
_STYLE_CLASSES = {
    "ltx_font_bold": "bold",
    "ltx_font_italic": "italic",
    "ltx_framed_underline": "underline",
    "ltx_font_underline": "underline",
}
_STYLE_TEX = {
    "bold": re.compile(r"^\s*\\(?:mathbf|textbf|bm|boldsymbol|pmb|bf)\b"),
    "italic": re.compile(r"^\s*\\(?:mathit|textit|emph|it)\b"),
    "underline": re.compile(r"^\s*\\underline\b"),
}
_STYLES = ("bold", "italic", "underline")


def _nonblank_len(text: str) -> int:
    return len("".join(text.split()))


def _node_styles(node: LexborNode) -> set[str]:
    """Styles a node applies by tag/class, or by the TeX of a math span."""
    styles = set()
    tag_style = _STYLE_TAGS.get(node.tag)
    if tag_style:
        styles.add(tag_style)
    cls = _classes(node).split()
    if "ltx_tex" in cls:
        tex = node.text()
        styles.update(s for s, rx in _STYLE_TEX.items() if rx.match(tex))
    else:
        styles.update(_STYLE_CLASSES[c] for c in cls if c in _STYLE_CLASSES)
    return styles


_STYLED_IN_TABLES = ", ".join(f".ltx_tabular {sel.strip()}" for sel in _STYLED_SEL.split(","))


def _styled_chars(root: LexborNode, cells: dict[int, object]) -> dict[object, dict[str, int]]:
    """cell key -> {style: non-blank chars inside outermost nodes of that style}.

    One selector query for the whole article (Lexbor compiles a selector per call, so one
    query per table costs more than the walks); each styled node walks up to its cell and is
    skipped for a style an ancestor inside the cell already carries (no double counting).
    """
    nodes = root.css(_STYLED_IN_TABLES)
    if not nodes:
        return {}
    styles_of = {n.mem_id: _node_styles(n) for n in nodes}
    out: dict[object, dict[str, int]] = {}
    stop = root.mem_id
    for n in nodes:
        mine = styles_of[n.mem_id]
        if not mine:
            continue
        inherited: set[str] = set()
        p = n.parent
        cell = None
        while p is not None:
            pid = p.mem_id
            if pid in cells:
                cell = cells[pid]
                break
            if pid == stop:
                break
            inherited |= styles_of.get(pid, set())
            p = p.parent
        todo = mine - inherited
        if cell is None or not todo:
            continue
        n_chars = _nonblank_len(n.text())
        acc = out.setdefault(cell, {})
        for style in todo:
            acc[style] = acc.get(style, 0) + n_chars
    return out


def _child_rows(table: LexborNode) -> Iterator[tuple[LexborNode, bool]]:
    """(row, in_thead) for the direct rows of a tabular, looking through thead/tbody/tfoot."""
    for child in table.iter():
        tag = child.tag
        cls = _classes(child)
        if tag == "tr" or "ltx_tr" in cls.split():
            yield child, False
        elif tag in ("thead", "tbody", "tfoot") or "ltx_thead" in cls or "ltx_tbody" in cls:
            in_head = tag == "thead" or "ltx_thead" in cls.split()
            for row in child.iter():
                if row.tag == "tr" or "ltx_tr" in _classes(row).split():
                    yield row, in_head


Cell = tuple[LexborNode, str, dict]


def _row_cells(row: LexborNode) -> list[Cell]:
    """(cell, class string, attributes) for each cell of a row (td/th or .ltx_td/.ltx_th)."""
    cells = []
    for c in row.iter():
        attrs = c.attributes
        cls = attrs.get("class") or ""
        if c.tag in ("td", "th") or "ltx_td" in cls.split() or "ltx_th" in cls.split():
            cells.append((c, cls, attrs))
    return cells


def _is_th(cell: Cell) -> bool:
    return cell[0].tag == "th" or "ltx_th" in cell[1].split()


_TOP_RULES = {"ltx_border_t", "ltx_border_tt"}
_BOTTOM_RULES = {"ltx_border_b", "ltx_border_bb"}


def _header_count(rows: list[tuple[LexborNode, bool, list[Cell]]]) -> set[int]:
    """Indexes of header rows (see module docstring)."""
    head = {i for i, (_, in_thead, _) in enumerate(rows) if in_thead}
    if head and len(head) < len(rows):
        return head
    th_rows = {i for i, (_, _, cells) in enumerate(rows) if cells and all(map(_is_th, cells))}
    if th_rows and len(th_rows) < len(rows):
        return th_rows
    n = len(rows)
    for k in range(1, min(4, n - 1) + 1):
        row_cls = rows[k][0].attributes.get("class") or ""
        top = any(_TOP_RULES.intersection(cls.split()) for _, cls, _ in rows[k][2])
        prev_bottom = any(_BOTTOM_RULES.intersection(cls.split()) for _, cls, _ in rows[k - 1][2])
        if top or prev_bottom or _TOP_RULES.intersection(row_cls.split()):
            return set(range(k))
    return set()


Rows = list[tuple[LexborNode, bool, list[Cell]]]


def _table_rows(tabular: LexborNode) -> Rows:
    return [(row, in_head, _row_cells(row)) for row, in_head in _child_rows(tabular)]


def _table_grid(rows: Rows, styled: dict[object, dict[str, int]], key: int) -> list[dict]:
    """Row/cell records of one tabular; `styled` is keyed by (key, cell number)."""
    header = _header_count(rows)
    out = []
    k = -1
    for i, (_, _, cells) in enumerate(rows):
        row_is_header = i in header
        out_cells = []
        for c, cls, attrs in cells:
            k += 1
            text = " ".join(c.text().split())
            n = len(text) - text.count(" ")
            chars = styled.get((key, k))
            own_cls = cls.split()
            own = {_STYLE_CLASSES[x] for x in own_cls if x in _STYLE_CLASSES}
            if chars:
                flags = {s: s in own or (n > 0 and 2 * chars.get(s, 0) >= n) for s in _STYLES}
            else:
                flags = {s: s in own for s in _STYLES}
            out_cells.append(
                {
                    "text": text,
                    "is_header": row_is_header or c.tag == "th" or "ltx_th" in own_cls,
                    "colspan": _span(attrs.get("colspan")),
                    "rowspan": _span(attrs.get("rowspan")),
                    "bold": flags["bold"],
                    "underline": flags["underline"],
                    "italic": flags["italic"],
                }
            )
        out.append({"is_header": row_is_header, "cells": out_cells})
    return out


def _caption(figure: LexborNode, tag_class: str) -> tuple[str | None, str | None]:
    """(label, caption) of a figure: its own figcaption, tag span text split off."""
    cap = None
    for child in figure.iter():
        if child.tag == "figcaption":
            cap = child
            break
    if cap is None:
        cap = figure.css_first("figcaption")
    if cap is None:
        return None, None
    full = _text(cap)
    tag = cap.css_first(f"span.{tag_class}") or cap.css_first("span.ltx_tag")
    label = None
    if tag is not None:
        tag_text = _text(tag)
        label = tag_text.rstrip(":").strip() or None
        if full.startswith(tag_text):
            full = full[len(tag_text) :].strip()
    return label, full or None


def _outermost(nodes: list[LexborNode], stop: LexborNode, cls: str) -> list[LexborNode]:
    """The nodes of `nodes` without an ancestor of class `cls` below `stop`."""
    out = []
    for n in nodes:
        p = n.parent
        nested = False
        while p is not None and p.mem_id != stop.mem_id:
            if cls in _classes(p).split():
                nested = True
                break
            p = p.parent
        if not nested:
            out.append(n)
    return out


def _top_level(nodes: list[LexborNode], cls: str) -> list[LexborNode]:
    """Nodes not nested inside another node with class `cls`."""
    out = []
    for n in nodes:
        p = n.parent
        nested = False
        while p is not None:
            if p.tag == "figure" and cls in _classes(p).split():
                nested = True
                break
            p = p.parent
        if not nested:
            out.append(n)
    return out


def _tables(root: LexborNode) -> list[dict]:
    specs = []
    cell_keys: dict[int, object] = {}
    for fig in _top_level(root.css("figure.ltx_table"), "ltx_table"):
        label, caption = _caption(fig, "ltx_tag_table")
        fid = fig.attributes.get("id")
        tabulars = _outermost(fig.css(".ltx_tabular"), fig, "ltx_tabular")
        if not tabulars:
            specs.append((fid, label, caption, None))
            continue
        many = len(tabulars) > 1
        for k, tab in enumerate(tabulars, 1):
            rows = _table_rows(tab)
            key = len(specs)
            n = 0
            for _, _, cells in rows:
                for c, _, _ in cells:
                    cell_keys[c.mem_id] = (key, n)
                    n += 1
            specs.append((f"{fid}#{k}" if many and fid else fid, label, caption, rows))
    styled = _styled_chars(root, cell_keys) if cell_keys else {}
    return [
        {
            "id": tid,
            "label": label,
            "caption": caption,
            "rows": _table_grid(rows, styled, key) if rows is not None else [],
        }
        for key, (tid, label, caption, rows) in enumerate(specs)
    ]


def extract_tables(body: bytes) -> list[dict]:
    """Table records (see module docstring) of an arXiv HTML page, on their own."""
    tree, _ = _prepare(body)
    root = tree.css_first("article.ltx_document") or tree.body or tree.root
    if root is None:
        return []
    return _tables(root)


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
            url = f"http://arxiv.org/licenses/{key}/{ver}/" if ver else None
            return url, name, False
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

_ID_VERSION = re.compile(r"(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})v(\d+)", re.I)
_GENERATOR = re.compile(rb"by LaTeXML( oxide)? \(version ([0-9][0-9A-Za-z.\-]*)\)")
_WATERMARK = re.compile(rb"arXiv:([^\s<>\[]+?)v(\d+)\s*\[([^\]<>]+)\]\s*(\d{1,2} \w{3} \d{4})?")
_NO_HTML_MARKERS = (b"No HTML is available for this paper", b"No content available")


def _id_version(*candidates: str | None) -> tuple[str | None, int | None]:
    for c in candidates:
        if c:
            m = _ID_VERSION.search(c)
            if m:
                return m.group(1), int(m.group(2))
    return None, None


def _bare_id(url: str) -> str | None:
    m = re.search(r"/(?:html|abs|pdf)/(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})", url or "", re.I)
    return m.group(1) if m else None


# --------------------------------------------------------------------------------------------
# Authors


def _tokens(node: LexborNode, out: list[tuple[str, str]]) -> None:
    """Flatten a personname into ('text'|'sup'|'br', text) tokens, sup subtrees kept whole."""
    for ch in node.iter(include_text=True):
        if ch.is_text_node:
            out.append(("text", ch.text_content or ""))
        elif ch.tag == "sup":
            out.append(("sup", ch.text()))
        elif ch.tag == "br":
            out.append(("br", " "))
        else:
            _tokens(ch, out)


_NAME_TRIM = re.compile(r"^(?:and\b|&|,|;)\s*|\s*(?:,|;|\band)$", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _numbered_authors(person: LexborNode) -> list[dict] | None:
    """Authors written as ``Name¹ Name² … ¹Affil ²Affil`` in one personname, or None."""
    raw: list[tuple[str, str]] = []
    _tokens(person, raw)
    toks: list[tuple[str, str]] = []
    for kind, text in raw:  # merge adjacent text runs
        if kind == "text" and toks and toks[-1][0] == "text":
            toks[-1] = ("text", toks[-1][1] + text)
        else:
            toks.append((kind, text))
    if not any(k == "sup" for k, _ in toks):
        return None
    names: list[tuple[str, list[str]]] = []
    affils: dict[str, str] = {}
    for i, (kind, text) in enumerate(toks):
        if kind != "text" or not text.strip():
            continue
        before_sup = i + 1 < len(toks) and toks[i + 1][0] == "sup" and not text[-1].isspace()
        after_sup = i > 0 and toks[i - 1][0] == "sup" and not text[0].isspace()
        if before_sup and not (after_sup and affils):
            marks: list[str] = []
            j = i + 1
            while j < len(toks) and toks[j][0] == "sup":
                marks += [m for m in re.split(r"[,\s]+", toks[j][1]) if m]
                j += 1
            name = _NAME_TRIM.sub("", _sq(text))
            if name:
                names.append((name, marks))
        elif after_sup:
            mark = _sq(toks[i - 1][1]).strip()
            affils[mark] = _NAME_TRIM.sub("", _sq(text))
    if not names:
        return None
    return [
        {"name": n, "affiliations": [affils[m] for m in marks if m in affils], "emails": []}
        for n, marks in names
    ]


def _person_lines(person: LexborNode) -> list[str]:
    """The personname's text split at ``<br>`` (sup markers dropped)."""
    raw: list[tuple[str, str]] = []
    _tokens(person, raw)
    lines, cur = [], []
    for kind, text in raw:
        if kind == "br":
            lines.append("".join(cur))
            cur = []
        elif kind == "text":
            cur.append(text)
    lines.append("".join(cur))
    return [x for x in (_sq(t) for t in lines) if x]


def _split_names(line: str) -> list[str]:
    parts = re.split(r",|;|\band\b|&", line) if ("," in line or " and " in line) else [line]
    return [p for p in (_sq(x) for x in parts) if p and not _EMAIL.fullmatch(p)]


def _authors(article: LexborNode) -> list[dict]:
    """Authors with affiliations/emails from whichever of the known layouts the page uses."""
    box = article.css_first("div.ltx_authors")
    if box is None:
        return []
    creators = box.css(".ltx_creator.ltx_role_author") or box.css(".ltx_creator")
    if len(creators) == 1:
        person = creators[0].css_first(".ltx_personname")
        if person is not None:
            numbered = _numbered_authors(person)
            if numbered:
                return numbered
    authors: list[dict] = []
    for cr in creators:
        person = cr.css_first(".ltx_personname")
        if person is None:
            continue
        affs = []
        for a in cr.css(".ltx_role_affiliation"):
            for lab in a.css(".ltx_contact_name"):
                lab.decompose()
            t = _text(a)
            if t:
                affs.append(t)
        emails = []
        for e in cr.css(".ltx_role_email"):
            link = e.css_first('a[href^="mailto:"]')
            addr = (link.attributes.get("href") or "")[7:] if link is not None else ""
            if not addr:
                found = _EMAIL.search(_text(e))
                addr = found.group(0) if found else ""
            if addr:
                emails.append(addr)
        lines = _person_lines(person)
        if not lines:
            continue
        names = _split_names(lines[0])
        rest = lines[1:]
        emails += [e for line in rest for e in _EMAIL.findall(line) if e not in emails]
        if not affs:  # "Name <br> Affiliation <br> email" written inside the personname
            affs = [line for line in rest if not _EMAIL.search(line)]
        one = len(names) == 1
        for name in names:
            authors.append({"name": name, "affiliations": list(affs), "emails": emails if one else []})
    return authors


# --------------------------------------------------------------------------------------------
# Footnotes, references, figures, sections

_FOOTNOTE_ROLES = ("ltx_role_footnote", "ltx_role_footnotetext")


def _pull_notes(root: LexborNode) -> tuple[list[dict], list[dict]]:
    """Collect then remove every ``span.ltx_note`` so notes never leak into running text.

    Returns (footnotes [{mark, text}], other notes [{role, text}] such as ``\\thanks``).
    """
    footnotes: list[dict] = []
    others: list[dict] = []
    for note in root.css(".ltx_note"):
        if note.parent is None:
            continue
        cls = _classes(note).split()
        mark_node = note.css_first("sup.ltx_note_mark")
        mark = _text(mark_node) or None
        content = note.css_first(".ltx_note_content") or note
        for junk in content.css("sup.ltx_note_mark, .ltx_tag_note, .ltx_note_type"):
            junk.decompose()
        text = _text(content)
        if any(r in cls for r in _FOOTNOTE_ROLES):
            footnotes.append({"mark": mark, "text": text})
        else:
            role = next((c[9:] for c in cls if c.startswith("ltx_role_")), None)
            others.append({"role": role, "text": text})
        note.decompose()
    return footnotes, others


_ARXIV_REF = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|arXiv:\s*|arXiv\s+preprint\s+)"
    r"(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?",
    re.I,
)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_DOI_TRAIL = ".,;:)]}"


def _references(root: LexborNode) -> list[dict]:
    refs = []
    for item in root.css("li.ltx_bibitem"):
        tag_node = item.css_first(".ltx_tag_bibitem") or item.css_first(".ltx_tag")
        tag = _text(tag_node) or None
        blocks = item.css(".ltx_bibblock")
        text = " ".join(t for t in (_text(b) for b in blocks) if t) if blocks else _text(item)
        if not blocks and tag and text.startswith(tag):
            text = text[len(tag) :].strip()
        urls: list[str] = []
        for a in item.css("a[href]"):
            href = (a.attributes.get("href") or "").strip()
            if href.startswith(("http://", "https://", "ftp://")) and href not in urls:
                urls.append(href)
        hay = text + " " + " ".join(urls)
        arxiv_ids = list(dict.fromkeys(m.group(1) for m in _ARXIV_REF.finditer(hay)))
        dois = list(dict.fromkeys(m.group(1).rstrip(_DOI_TRAIL) for m in _DOI.finditer(hay)))
        refs.append(
            {
                "id": item.attributes.get("id"),
                "tag": tag,
                "text": text,
                "arxiv_ids": arxiv_ids,
                "dois": dois,
                "urls": urls,
            }
        )
    return refs


def _figures(root: LexborNode) -> list[dict]:
    out = []
    for fig in _top_level(root.css("figure.ltx_figure"), "ltx_figure"):
        label, caption = _caption(fig, "ltx_tag_figure")
        images = [i.attributes.get("src") or "" for i in fig.css("img")]
        out.append(
            {
                "id": fig.attributes.get("id"),
                "label": label,
                "caption": caption,
                "images": [i for i in images if i and not i.startswith("data:")],
            }
        )
    return out


_SECTION_LEVELS = {
    "ltx_part": 0,
    "ltx_chapter": 0,
    "ltx_section": 1,
    "ltx_appendix": 1,
    "ltx_subsection": 2,
    "ltx_subsubsection": 3,
    "ltx_paragraph": 4,
    "ltx_subparagraph": 5,
}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _sections(root: LexborNode) -> list[dict]:
    """Every section level in document order; text = the section's own blocks, one per line."""
    out = []
    for sec in root.css("section"):
        cls = _classes(sec).split()
        level = next((_SECTION_LEVELS[c] for c in cls if c in _SECTION_LEVELS), None)
        if level is None:  # bibliography, ltx_index…
            continue
        heading = None
        parts = []
        for child in sec.iter():
            tag = child.tag
            if tag == "section" or tag == "figure":
                continue
            if heading is None and tag in _HEADINGS and _has_class(child, "ltx_title"):
                heading = child
                continue
            t = _text(child)
            if t:
                parts.append(t)
        number = title = None
        if heading is not None:
            title = _text(heading)
            tag_node = heading.css_first(".ltx_tag")
            if tag_node is not None:
                tag_text = _text(tag_node)
                if title.startswith(tag_text):
                    title = title[len(tag_text) :].strip()
                number = tag_text.removeprefix("Appendix").strip(" .:") or None
        out.append(
            {
                "id": sec.attributes.get("id"),
                "number": number,
                "title": title or None,
                "level": level,
                "text": "\n".join(parts),
                "_appendix": "ltx_appendix" in cls,
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# The page


def _is_arxiv_html(body: bytes) -> bool:
    head = body[:200_000]
    return b"ltx_" in head or b"LaTeXML" in head or b"arxiv-html" in head


def _empty_row(arxiv_id: str | None, version: int | None, status: str) -> dict:
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


def parse_html(body: bytes, url: str = "") -> dict:
    """One FULLTEXT row (without the common columns) from an arXiv ``/html/<id>vN`` response.

    Statuses: ``ok``; ``partial`` (``ltx_ERROR`` spans next to real content);
    ``conversion_failed`` (no title/abstract/sections, only errors: row without text);
    ``no_html`` (arXiv's "No HTML is available" stub or ar5iv's "No content available").
    Raises ParseError for bytes that are not an arXiv HTML page.
    """
    if not body or not body.strip():
        raise ParseError(KIND, "empty", url=url)
    lead = body.lstrip()[:1]
    if lead in (b"{", b"[") or b"<" not in body[:4096]:
        raise ParseError(KIND, "not_html", detail=repr(body[:40]), url=url)

    url_id, url_version = _id_version(url)
    bare = url_id or _bare_id(url)
    if b"ltx_document" not in body and any(m in body for m in _NO_HTML_MARKERS):
        row = _empty_row(bare, url_version, "no_html")
        return row
    if not _is_arxiv_html(body):
        raise ParseError(KIND, "not_arxiv_html", detail=repr(body[:40]), url=url)

    tree, n_math = _prepare(body)
    gen = _GENERATOR.search(body)
    generator = f"LaTeXML{' oxide' if gen.group(1) else ''} {gen.group(2).decode()}" if gen else None

    # Which version was served: <base href> (A), Back-to-Abstract link / watermark (B), the URL.
    base = tree.css_first("base[href]")
    back = None
    for a in tree.css("header.arxiv-html-header a[href], .ltx_page_header a[href]"):
        if "abstract" in a.text().lower():
            back = a.attributes.get("href")
            break
    # B pages print "arXiv:<id>vN [<primary>] <date>" in a watermark before the article.
    art_at = body.find(b"<article")
    wm = _WATERMARK.search(body, 0, art_at if art_at != -1 else min(len(body), 200_000))
    wm_text = wm.group(0).decode("utf-8", "replace") if wm else ""
    arxiv_id, version = _id_version(
        base.attributes.get("href") if base is not None else None, back, wm_text, url
    )
    arxiv_id = arxiv_id or bare
    primary = wm.group(3).decode("utf-8", "replace").strip() if wm else None

    lic_node = tree.css_first("#license-tr") or tree.css_first("div#infobox a[href*=licen]")
    lic_src = None
    if lic_node is not None:
        lic_src = lic_node.attributes.get("href") or _text(lic_node)
        if not classify_license(lic_src)[1]:
            lic_src = _text(lic_node)
    if lic_src is None:
        infobox = tree.css_first("div#infobox")
        lic_src = _text(infobox) if infobox is not None else None
    license_url, license_name, allows = classify_license(lic_src)

    article = tree.css_first("article.ltx_document") or tree.css_first(".ltx_page_content")
    root = article if article is not None else (tree.body or tree.root)
    errors = [_text(e) for e in root.css(".ltx_ERROR")]
    if article is None:
        row = _empty_row(arxiv_id, version, "conversion_failed")
        row.update(generator=generator, error_macros=errors, n_errors=len(errors), n_math=n_math)
        return row

    footnotes, other_notes = _pull_notes(article)
    for e in article.css(".ltx_ERROR"):
        e.decompose()
    title_node = article.css_first("h1.ltx_title_document") or article.css_first(".ltx_title")
    title = _text(title_node) or None
    abstract_node = article.css_first("div.ltx_abstract")
    abstract = None
    if abstract_node is not None:
        paras = [
            _text(ch)
            for ch in abstract_node.iter()
            if not (ch.tag in _HEADINGS and _has_class(ch, "ltx_title"))
        ]
        abstract = "\n".join(p for p in paras if p) or None
    authors = _authors(article)
    n_equations = len(article.css("table.ltx_equation, table.ltx_equationgroup"))
    n_listings = len(article.css("div.ltx_listing"))
    tables = _tables(article)
    figures = _figures(article)
    references = _references(article)
    # Floats and listing download links must not reach section text. Floats that are direct
    # children of a section (the usual case) are skipped by _sections; freeing those big
    # subtrees here would cost more than the rest of the section pass.
    for junk in article.css("figure.ltx_table, figure.ltx_figure, div.ltx_listing_data"):
        parent = junk.parent
        if parent is not None and (parent.tag != "section" or junk.tag != "figure"):
            junk.decompose()
    sections = _sections(article)

    if title is None and abstract is None and not sections:
        status = "conversion_failed"
        row = _empty_row(arxiv_id, version, status)
        row.update(
            generator=generator,
            error_macros=errors,
            n_errors=len(errors),
            n_math=n_math,
            license_url=license_url,
            license_name=license_name,
            license_allows_redistribution=allows,
        )
        return row
    status = "partial" if errors else "ok"
    n_top = sum(1 for s in sections if s["level"] == 1 and not s["_appendix"])
    for s in sections:
        del s["_appendix"]
    extra = {}
    if other_notes:
        extra["notes"] = other_notes
    if wm_text:
        extra["watermark"] = wm_text
    return {
        "arxiv_id": arxiv_id,
        "version": version,
        "fulltext_source": "html",
        "fulltext_status": status,
        "generator": generator,
        "license_url": license_url,
        "license_name": license_name,
        "license_allows_redistribution": allows,
        "title": title,
        "abstract": abstract,
        "authors": authors,
        "sections": sections,
        "figures": figures,
        "tables": tables,
        "footnotes": footnotes,
        "references": references,
        "error_macros": errors,
        "n_sections": n_top,
        "n_figures": len(figures),
        "n_tables": len(tables),
        "n_equations": n_equations,
        "n_math": n_math,
        "n_listings": n_listings,
        "n_references": len(references),
        "n_footnotes": len(footnotes),
        "n_errors": len(errors),
        "primary_subject": primary,
        "extra": json.dumps(extra, ensure_ascii=False) if extra else None,
    }
