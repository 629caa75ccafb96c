"""arXiv HTML full text (LaTeXML 0.8.8 "A" pages and LaTeXML oxide "B" pages) -> one FULLTEXT row.

Speed (``bench/bench_arxiv_html.py``: real 699 KB 2501.11120v1 page, best of 40, interleaved rounds
in shuffled order, each timed call right after an untimed call of the same function, on a shared
2-core box): bare Lexbor parse ~3.1 ms (~225 MB/s), bare lxml ~8 ms, this full extraction
~9.4 ms (~74 MB/s, ~3.0x the bare Lexbor parse: the 2.5x goal is not met; it was ~15.4 ms and
~4.7x), a plain BeautifulSoup[lxml] extraction ~210 ms (~22x slower than this). Where the time
goes and why (costs checked with callgrind, which counts instructions exactly: 84M per call
against 33M for the bare parse, 133M before):

* Bytes pre-pass (:func:`_strip_math`, ~0.7 ms): every ``<math …>…</math>`` becomes
  ``<span class="ltx_tex">ALTTEXT</span>`` before parsing. MathML is most of a paper's nodes and we
  only want its TeX, so Lexbor parses a smaller tree (~2.1 ms instead of ~3.0) and every text read
  yields math as TeX. The ``bytes.find`` scan for ``<math`` (~0.35 ms) is the floor; the usual
  start tag takes one regex match.
* Queries: a ``css()`` call costs ~20k instructions of selector set-up plus a walk of its subtree,
  and class selectors are the dear ones. So the article is read by one selector list sorted in
  Python (:class:`_Blocks`: <br>s, errors, notes, sections, figures, images, bibitems, tables,
  listings), the page chrome by one id-only list, each table figure by one list (its tabulars
  plus a superset of its styled nodes, ``[class*="ltx_f"]`` standing for four classes and for the
  math spans the pre-pass marked ``ltx_fontcmd``), the bibliography by one query on its list.
* Text: ``text_lexbor()`` (one C call) rather than ``text()``; whitespace squashed by :func:`_sq`
  (newline/NBSP to space, isprintable() proves no other whitespace is left, collapse runs)
  rather than split()/join(), which built one object per word.
* Per node: tag ids instead of tag names, class strings split once (cached), one pass per cell
  building its record from a template cached by class set, header rules from flags the pass
  collected.

What remains is mostly the parse plus pre-pass (~2.8 ms, about the bare parse alone) and
CPython's per-node cost: ~2.3 ms tables (497 cells), ~1.3 ms section text, ~0.7 ms the article
query, ~0.6 ms references. Why 2.5x is out of reach here: the bench also times a *floor* — the
pre-pass and parse, one query, and every text the row holds read once and squashed, with no
structure at all — and that alone is 1.7-1.9x the bare parse (the squash 0.35-0.55x of it:
isprintable() and the search for double spaces are per-character C passes we found no cheaper
exact substitute for). The structure then costs ~4.2-4.8 ms (1.3-1.4x) against the 1.8-2.7 ms the
target would leave it. Output is identical to the earlier, slower code on the fixture, on
variants of it (truncations, chrome, thead/th, styled math) and on ~1,300 randomly mutated
copies, with one deliberate exception: the space before ``<br>`` is now added before the <br>
elements of the tree, not before every ``<br`` byte sequence, which also rewrote attribute
values, comments and tag names when they held one.

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

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parsers.errors import ParseError

KIND = "arxiv_html"

# --------------------------------------------------------------------------------------------
# Byte-level pre-pass: MathML -> TeX spans

_MATH_OPEN = b"<math"
_MATH_CLOSE = b"</math>"
_MATH_NAME_END = (b" ", b">", b"\n", b"\t", b"\r", b"/")
_ALTTEXT = re.compile(rb"""\balttext\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DISPLAY_BLOCK = re.compile(rb"""\bdisplay\s*=\s*["']block["']""")
_TAG_END = re.compile(rb"""(?:[^>"']|"[^"]*"|'[^']*')*>""")
# The usual LaTeXML start tag, <math alttext="…" class=… display=… id=…>: alttext first, only
# double quotes. One match gives the TeX and the end of the tag.
_MATH_START = re.compile(rb"""<math alttext="([^"]*)"[^>"']*(?:"[^"]*"[^>"']*)*>""")
# Bytes an alttext can start with when its text may match a _STYLE_TEX pattern: whitespace
# or NUL (the parser drops NUL), then non-ASCII (Unicode space), an entity, or a backslash
# and one of the command names, or an entity/NUL soon after the backslash.
_TEX_FONT_LEAD = re.compile(
    rb"[ \t\n\r\x0b\x0c\x1c-\x1f\x00]*(?:[\x80-\xff&]|\\(?:bf|bm|boldsymbol|emph|it|mathbf|mathit|pmb"
    rb"|textbf|textit|underline|[^&\x00]{0,11}[&\x00]))"
)
_TEX_SPANS = {
    (False, False): b'<span class="ltx_tex">',
    (True, False): b'<span class="ltx_tex ltx_tex_block">',
    (False, True): b'<span class="ltx_tex ltx_fontcmd">',
    (True, True): b'<span class="ltx_tex ltx_tex_block ltx_fontcmd">',
}


def _strip_math(body: bytes) -> tuple[bytes, int, bool]:
    """Replace each ``<math>`` element by a ``span.ltx_tex`` holding its alttext.

    Returns (new bytes, number of math elements, whether any ``<math`` text is left in the new
    bytes). A math element without ``alttext`` is left as it is (handled after parsing).
    Start tags in the usual layout take one regex match; others the general path below
    (first '>' outside quotes, first alttext attribute).
    """
    out: list[bytes] = []
    pos = 0
    count = 0
    leftover = False
    find = body.find
    fast = _MATH_START.match
    i = find(_MATH_OPEN)
    while i != -1:
        m = fast(body, i)
        if m is not None:
            end = m.end()
            tex = m.group(1)
        else:
            if body[i + 5 : i + 6] not in _MATH_NAME_END:
                leftover = True
                i = find(_MATH_OPEN, i + 5)
                continue
            m = _TAG_END.match(body, i + 5)
            end = m.end() if m is not None else -1
            tex = None
        j = find(_MATH_CLOSE, i)
        if end == -1 or j == -1:
            leftover = True
            break
        count += 1
        start_tag = body[i:end]
        if tex is None:
            alt = _ALTTEXT.search(start_tag)
            if alt is None:
                leftover = True
                i = find(_MATH_OPEN, j)
                continue
            tex = alt.group(1) if alt.group(1) is not None else alt.group(2)
        if b"<" in tex:
            tex = tex.replace(b"<", b"&lt;")
        block = b"block" in start_tag and _DISPLAY_BLOCK.search(start_tag) is not None
        # TeX that may start with a font command (\mathbf…, see _STYLE_TEX) gets the class
        # ltx_fontcmd, so that the table style query finds it with the [class*="ltx_f"] it
        # already has (see _TABLE_FIG_SEL) instead of one more selector. A superset: after
        # whitespace/NUL (which the parser drops), a backslash and a command name, or anything
        # an entity or a non-ASCII character could turn into one.
        styled = _TEX_FONT_LEAD.match(tex) is not None
        out += (body[pos:i], _TEX_SPANS[block, styled], tex, b"</span>")
        pos = j + len(_MATH_CLOSE)
        i = find(_MATH_OPEN, pos)
    if not out:
        return body, count, leftover
    out.append(body[pos:])
    return b"".join(out), count, leftover


def _prepare(body: bytes) -> tuple[LexborHTMLParser, int]:
    """Math pre-pass then the Lexbor parse. Returns (tree, number of math).

    ``<br>`` still needs a space before it (see :func:`_space_breaks`).
    """
    stripped, n_math, leftover = _strip_math(body)
    tree = LexborHTMLParser(stripped)
    if leftover:  # only math without alttext survives the pre-pass
        for m in tree.css("math"):
            ann = m.css_first('annotation[encoding="application/x-tex"]')
            m.replace_with(" " + (ann.text_lexbor() if ann is not None else m.text_lexbor()) + " ")
    return tree, n_math


def _space_breaks(brs: list[LexborNode]) -> None:
    """A text node " " before each ``<br>``: it has no text, so "line one<br/>line two" would
    otherwise run together. (Done on the tree: a bytes.replace over the page cost ~0.9 ms.)"""
    for br in brs:
        br.insert_before(" ")


def _sq(text: str) -> str:
    """``" ".join(text.split())`` (whitespace squashed), ~1.5x faster on LaTeXML text.

    Page text holds almost only spaces, newlines and NBSPs; split() builds one object per word.
    Turn those two into spaces, and if no other whitespace is left, collapsing runs of spaces
    gives the same string. Other whitespace is looked for with isprintable() (false for every
    whitespace character but the space), or for long ASCII text with a few fast ``in`` scans.
    """
    u = text.strip()
    if "\n" in u:
        u = u.replace("\n", " ")
    if "\xa0" in u:
        u = u.replace("\xa0", " ")
    if len(u) > 80 and u.isascii():
        if (
            "\t" in u
            or "\r" in u
            or "\x0b" in u
            or "\x0c" in u
            or "\x1c" in u
            or "\x1d" in u
            or "\x1e" in u
            or "\x1f" in u
        ):
            return " ".join(u.split())
    elif not u.isprintable():  # tab, thin space…: the general way
        return " ".join(u.split())
    while "  " in u:
        u = u.replace("  ", " ")
    return u


def _text(node: LexborNode | None) -> str:
    """Squashed text of a node ('' for None).

    Throughout, ``text_lexbor()`` (Lexbor's textContent, one C call) replaces ``text()``: the same
    string for an element (all descendant text nodes, undecodable bytes as U+FFFD) without
    text()'s per-call Python accumulator, ~1/3 cheaper on small nodes. Not for comments (it
    returns their data, text() ""), which iter() also yields: callers skip non-elements.
    """
    if node is None:
        return ""
    return _sq(node.text_lexbor())


def _classes(node: LexborNode) -> str:
    return node.attributes.get("class") or ""


_NO_TOKENS: frozenset[str] = frozenset()
_TOKENS: dict[str, frozenset[str]] = {}


def _class_set(cls: str | None) -> frozenset[str]:
    """Class attribute -> set of class names, cached (a page repeats a few hundred strings)."""
    if not cls:
        return _NO_TOKENS
    toks = _TOKENS.get(cls)
    if toks is None:
        if len(_TOKENS) > 8192:
            _TOKENS.clear()
        toks = _TOKENS[cls] = frozenset(cls.split())
    return toks


def _toks(node: LexborNode) -> frozenset[str]:
    return _class_set(node.attributes.get("class"))


# Where a CSS class selector is replaced by a Python test, the class attribute must be split
# the way CSS does, on ASCII whitespace only: str.split() also splits at an em space or \x0b.
# (Both agree on every LaTeXML page. Quirks-mode pages, without a doctype, would also match
# class names case-insensitively in CSS; arXiv pages always have one.)
_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")
_CSS_TOKENS: dict[str, frozenset[str]] = {}


def _css_class_set(cls: str | None) -> frozenset[str]:
    """Class attribute -> the class names a CSS class selector sees, cached."""
    if not cls:
        return _NO_TOKENS
    toks = _CSS_TOKENS.get(cls)
    if toks is None:
        if len(_CSS_TOKENS) > 8192:
            _CSS_TOKENS.clear()
        toks = _CSS_TOKENS[cls] = frozenset(_HTML_SPACE.split(cls)) - {""}
    return toks


def _css_toks(node: LexborNode) -> frozenset[str]:
    return _css_class_set(node.attributes.get("class"))


def _css_classed_toks(node: LexborNode) -> frozenset[str]:
    """_css_toks() for a node that almost surely has a class attribute: ``attrs.get`` skips
    the dict of all attributes but raises (and catches) KeyError inside when there is none."""
    return _css_class_set(node.attrs.get("class"))


def _classed_toks(node: LexborNode) -> frozenset[str]:
    """_toks() for a node that almost surely has a class attribute: ``attrs.get`` skips the
    dict of all attributes but raises (and catches) KeyError inside when there is none."""
    return _class_set(node.attrs.get("class"))


def _has_class(node: LexborNode, cls: str) -> bool:
    return cls in _toks(node)


def _tag_ids(*names: str) -> tuple[int, ...]:
    """Lexbor's ids of HTML tag names: comparing ``tag_id`` skips building the name string."""
    probe = LexborHTMLParser("")
    return tuple(probe.create_node(name).tag_id for name in names)


_TD, _TH, _TR, _THEAD, _TABLE, _FIGURE, _FIGCAPTION = _tag_ids(
    "td", "th", "tr", "thead", "table", "figure", "figcaption"
)
_SECTION, _DIV, _SPAN, _SUP, _BR, _IMG, _LI, _A = _tag_ids(
    "section", "div", "span", "sup", "br", "img", "li", "a"
)
_ROW_GROUP_IDS = frozenset(_tag_ids("thead", "tbody", "tfoot"))
_HEADING_IDS = frozenset(_tag_ids("h1", "h2", "h3", "h4", "h5", "h6"))


def _first_element_child(node: LexborNode) -> LexborNode | None:
    child = node.first_child
    while child is not None and not child.is_element_node:
        child = child.next
    return child


def _first_with_class(node: LexborNode, cls: str, tag: str | None = None) -> LexborNode | None:
    """``node.css_first(f"{tag or ''}.{cls}")`` with a fast path for the usual layout, where
    the match is the node's first element child (css_first costs ~1.5 µs, mostly selector
    compilation). The node itself comes first in document order, so it is checked first.
    `tag` may only be "span" (compared by tag id)."""
    if (tag is None or node.tag_id == _SPAN) and cls in _css_toks(node):
        return node
    child = _first_element_child(node)
    if child is None:  # no element below the node at all
        return None
    if (tag is None or child.tag_id == _SPAN) and cls in _css_toks(child):
        return child
    return node.css_first(f"{tag or ''}.{cls}")


MAX_SPAN = 1000  # HTML itself caps colspan at 1000 and rowspan at 65534; no real table comes near


def _span(value: str | None) -> int:
    """colspan/rowspan attribute value as an int in 1…MAX_SPAN (1 when missing or malformed)."""
    if not value:
        return 1
    try:
        return min(MAX_SPAN, max(1, int(value)))
    except ValueError:
        return 1


def _under(node: LexborNode, root_id: int) -> bool:
    """True when `node` is the node with mem_id `root_id` or one of its descendants."""
    p: LexborNode | None = node
    while p is not None:
        if p.mem_id == root_id:
            return True
        p = p.parent
    return False


# --------------------------------------------------------------------------------------------
# Tables

# What makes a node styled (see _style_hit): .ltx_font_bold, b, strong, .ltx_font_italic,
# em, i, .ltx_framed_underline, .ltx_font_underline, u, span.ltx_tex. One query per table figure
# finds its tabulars and a superset of those: [class*="ltx_f"] covers the four classes and the
# math spans that can carry a font command (ltx_fontcmd, set by _strip_math) in one selector;
# Lexbor's cost grows with every selector of the list. Python then keeps the real ones.
_TABLE_FIG_SEL = '.ltx_tabular, [class*="ltx_f"], b, strong, em, i, u'
_STYLE_TAGS = {"b": "bold", "strong": "bold", "em": "italic", "i": "italic", "u": "underline"}
_STYLE_TAG_IDS = dict(zip(_tag_ids(*_STYLE_TAGS), _STYLE_TAGS.values(), strict=True))
_STYLE_CLASSES = {
    "ltx_font_bold": "bold",
    "ltx_font_italic": "italic",
    "ltx_framed_underline": "underline",
    "ltx_font_underline": "underline",
}
_STYLE_CLASS_SET = frozenset(_STYLE_CLASSES)
_STYLE_TEX = {
    "bold": re.compile(r"^\s*\\(?:mathbf|textbf|bm|boldsymbol|pmb|bf)\b"),
    "italic": re.compile(r"^\s*\\(?:mathit|textit|emph|it)\b"),
    "underline": re.compile(r"^\s*\\underline\b"),
}
_STYLES = ("bold", "italic", "underline")


# class names -> (how many of the four style classes, the styles they give); cached
_CLASS_STYLES: dict[frozenset, tuple[int, frozenset[str]]] = {}


def _class_styles(toks: frozenset[str]) -> tuple[int, frozenset[str]]:
    found = _CLASS_STYLES.get(toks)
    if found is None:
        names = toks & _STYLE_CLASS_SET
        if len(_CLASS_STYLES) > 8192:
            _CLASS_STYLES.clear()
        found = _CLASS_STYLES[toks] = (len(names), frozenset(_STYLE_CLASSES[c] for c in names))
    return found


def _style_hit(node: LexborNode, cls: str | None) -> tuple[frozenset[str], int] | None:
    """(styles, hits) of a node the table style query returned, None when it is not styled.

    hits = how many of the style selectors (listed above _TABLE_FIG_SEL) match the node: Lexbor
    reports a node once per matching selector of a list and the original whole-page query
    counted every report, so a node carrying two style classes counts twice; kept for
    identical output. styles = what the node applies by tag/class, or by the TeX of a math
    span.
    """
    css = _css_class_set(cls)  # the selectors see these names
    hits = len(css & _STYLE_CLASS_SET)
    tag_id = node.tag_id
    tag_style = _STYLE_TAG_IDS.get(tag_id)
    if tag_style:
        hits += 1
    if tag_id == _SPAN and "ltx_tex" in css:
        hits += 1
    if not hits:
        return None
    toks = _class_set(cls)  # the styles were worked out from str.split() names
    class_styles = (_CLASS_STYLES.get(toks) or _class_styles(toks))[1]
    if "ltx_tex" in toks:  # the TeX decides, the classes do not
        tex = node.text_lexbor()
        styles = {tag_style} if tag_style else set()
        if tex.lstrip().startswith("\\"):  # every _STYLE_TEX pattern needs \s*\\ first
            styles.update(s for s, rx in _STYLE_TEX.items() if rx.match(tex))
        return frozenset(styles), hits
    return (class_styles | {tag_style} if tag_style else class_styles), hits


# Styled node: (node, styles, selector hits)
Styled = tuple[LexborNode, frozenset, int]


def _styled_chars(styled: list[Styled], cells: dict, stop: int, out: dict[int, dict[str, int]]) -> None:
    """Add to `out` (cell mem_id -> {style: non-blank chars inside outermost nodes of that
    style}) the styled nodes of one table figure (`stop` = its mem_id).

    Each styled node walks up to its cell and is skipped for a style an ancestor inside the
    cell already carries (no double counting).
    """
    styles_of = {n.mem_id: s for n, s, _ in styled}
    for n, mine, hits in styled:
        if not mine:
            continue
        inherited: set[str] = set()
        p = n.parent
        cell = None
        while p is not None:
            pid = p.mem_id
            if pid in cells:
                cell = pid
                break
            if pid == stop:
                break
            s = styles_of.get(pid)
            if s:
                inherited |= s
            p = p.parent
        if cell is None:
            continue
        todo = mine - inherited
        if not todo:
            continue
        n_chars = len("".join(n.text_lexbor().split())) * hits
        acc = out.setdefault(cell, {})
        for style in todo:
            acc[style] = acc.get(style, 0) + n_chars


_TOP_RULES = frozenset({"ltx_border_t", "ltx_border_tt"})
_BOTTOM_RULES = frozenset({"ltx_border_b", "ltx_border_bb"})
# class names -> (own bold, own italic, own underline, ltx_th, top rule, bottom rule)
_OWN: dict[frozenset, tuple[bool, bool, bool, bool, bool, bool]] = {}


def _own_flags(toks: frozenset[str]) -> tuple[bool, bool, bool, bool, bool, bool]:
    flags = _OWN.get(toks)
    if flags is None:
        own = {_STYLE_CLASSES[x] for x in toks & _STYLE_CLASS_SET}
        if len(_OWN) > 8192:
            _OWN.clear()
        flags = _OWN[toks] = (
            "bold" in own,
            "italic" in own,
            "underline" in own,
            "ltx_th" in toks,
            not _TOP_RULES.isdisjoint(toks),
            not _BOTTOM_RULES.isdisjoint(toks),
        )
    return flags


# class names -> (record template, th by class, top rule, bottom rule); see _own_flags()
_CELL: dict[frozenset, tuple[dict, bool, bool, bool]] = {}


def _cell_template(toks: frozenset[str]) -> tuple[dict, bool, bool, bool]:
    bold, italic, underline, th_cls, top, bottom = _own_flags(toks)
    if len(_CELL) > 8192:
        _CELL.clear()
    record = {
        "text": "",
        "is_header": th_cls,
        "colspan": 1,
        "rowspan": 1,
        "bold": bold,
        "underline": underline,
        "italic": italic,
    }
    found = _CELL[toks] = (record, th_cls, top, bottom)
    return found


class _Row:
    """One row of a tabular: its cell records (and cell mem_ids), and what the header rule needs."""

    __slots__ = ("in_head", "ids", "records", "all_th", "top", "bottom")

    def __init__(self, row: LexborNode, row_toks: frozenset[str], in_head: bool) -> None:
        self.in_head = in_head
        ids: list[int] = []
        records: list[dict] = []
        all_th = True
        top = not _TOP_RULES.isdisjoint(row_toks)  # a rule on the row element counts as a cell's
        bottom = False
        for c in row.iter():  # the hottest loop of the module: one pass per cell, kept lean
            attrs = c.attributes
            cls = attrs.get("class")
            toks = (_TOKENS.get(cls) or _class_set(cls)) if cls else _NO_TOKENS
            tag_id = c.tag_id
            if tag_id in (_TD, _TH) or "ltx_td" in toks or "ltx_th" in toks:
                template, th_cls, cell_top, cell_bottom = _CELL.get(toks) or _cell_template(toks)
                record = template.copy()  # cheaper than building the 7-key dict
                if tag_id == _TH:
                    record["is_header"] = True
                    th_cls = True
                all_th = all_th and th_cls
                top = top or cell_top
                bottom = bottom or cell_bottom
                value = attrs.get("colspan")
                if value:
                    record["colspan"] = _span(value)
                value = attrs.get("rowspan")
                if value:
                    record["rowspan"] = _span(value)
                # _sq() inlined (this runs once per cell)
                text = c.text_lexbor().strip()
                if "\n" in text:
                    text = text.replace("\n", " ")
                if "\xa0" in text:
                    text = text.replace("\xa0", " ")
                if not text.isprintable():
                    text = " ".join(text.split())
                elif "  " in text:
                    text = _sq(text)
                record["text"] = text
                records.append(record)
                ids.append(c.mem_id)
        self.ids = ids
        self.records = records
        self.all_th = all_th and bool(records)
        self.top = top
        self.bottom = bottom


def _table_rows(table: LexborNode) -> list[_Row]:
    """The direct rows of a tabular, looking through thead/tbody/tfoot."""
    rows: list[_Row] = []
    for child in table.iter():
        tag_id = child.tag_id
        cls = child.attributes.get("class") or ""
        toks = _class_set(cls)
        if tag_id == _TR or "ltx_tr" in toks:
            rows.append(_Row(child, toks, False))
        elif tag_id in _ROW_GROUP_IDS or "ltx_thead" in cls or "ltx_tbody" in cls:
            in_head = tag_id == _THEAD or "ltx_thead" in toks
            for row in child.iter():
                row_toks = _toks(row)
                if row.tag_id == _TR or "ltx_tr" in row_toks:
                    rows.append(_Row(row, row_toks, in_head))
    return rows


def _header_rows(rows: list[_Row]) -> int | set[int]:
    """Header rows (see module docstring): a set of indexes, or k for the first k rows."""
    n = len(rows)
    head = {i for i, r in enumerate(rows) if r.in_head} if any(r.in_head for r in rows) else None
    if head and len(head) < n:
        return head
    th_rows = {i for i, r in enumerate(rows) if r.all_th} if any(r.all_th for r in rows) else None
    if th_rows and len(th_rows) < n:
        return th_rows
    for k in range(1, min(4, n - 1) + 1):
        if rows[k].top or rows[k - 1].bottom:
            return k
    return 0


def _table_grid(rows: list[_Row]) -> list[dict]:
    """Row records of one tabular (cell records already built, header flags set here)."""
    header = _header_rows(rows)
    out = []
    for i, row in enumerate(rows):
        row_is_header = i < header if type(header) is int else i in header
        if row_is_header:
            for r in row.records:
                r["is_header"] = True
        out.append({"is_header": row_is_header, "cells": row.records})
    return out


def _apply_styles(chars: dict[int, dict[str, int]], records: dict[int, dict]) -> None:
    """Set a cell's style flag when at least half its non-blank characters carry that style."""
    for cell_id, acc in chars.items():
        record = records[cell_id]
        text = record["text"]
        n = len(text) - text.count(" ")
        if n > 0:
            for style in _STYLES:
                if not record[style] and 2 * acc.get(style, 0) >= n:
                    record[style] = True


def _caption(figure: LexborNode, tag_class: str) -> tuple[str | None, str | None]:
    """(label, caption) of a figure: its own figcaption, tag span text split off."""
    cap = None
    for child in figure.iter():
        if child.tag_id == _FIGCAPTION:
            cap = child
            break
    if cap is None:
        cap = figure.css_first("figcaption")
    if cap is None:
        return None, None
    full = _sq(cap.text_lexbor())
    tag = _first_with_class(cap, tag_class, "span") or _first_with_class(cap, "ltx_tag", "span")
    label = None
    if tag is not None:
        tag_text = _sq(tag.text_lexbor())
        label = tag_text.rstrip(":").strip() or None
        if full.startswith(tag_text):
            full = full[len(tag_text) :].strip()
    return label, full or None


def _outermost(nodes: list[LexborNode], stop: LexborNode, cls: str) -> list[LexborNode]:
    """The nodes of `nodes` without an ancestor of class `cls` below `stop`."""
    stop_id = stop.mem_id
    out = []
    for n in nodes:
        p = n.parent
        nested = False
        while p is not None and p.mem_id != stop_id:
            if cls in _toks(p):
                nested = True
                break
            p = p.parent
        if not nested:
            out.append(n)
    return out


def _top_level(nodes: list[LexborNode], cls: str) -> list[LexborNode]:
    """Nodes not nested inside another ``figure`` with class `cls`."""
    out = []
    for n in nodes:
        p = n.parent
        nested = False
        while p is not None:
            if p.tag_id == _FIGURE and cls in _classed_toks(p):
                nested = True
                break
            p = p.parent
        if not nested:
            out.append(n)
    return out


def _tables(root: LexborNode, figures: list[LexborNode] | None = None) -> list[dict]:
    """Table records; `figures` = the ``figure.ltx_table`` under root when already known."""
    if figures is None:
        figures = root.css("figure.ltx_table")
    specs = []  # (id, label, caption, rows or None)
    records: dict[int, dict] = {}  # cell mem_id -> cell record
    chars: dict[int, dict[str, int]] = {}  # cell mem_id -> styled characters
    for fig in _top_level(figures, "ltx_table"):
        label, caption = _caption(fig, "ltx_tag_table")
        fid = fig.attributes.get("id")
        tabs: list[LexborNode] = []
        styled_nodes: list[Styled] = []
        last = 0
        for n in fig.css(_TABLE_FIG_SEL):
            nid = n.mem_id
            if nid == last:  # Lexbor repeats a node once per selector it matches
                continue
            last = nid
            cls = n.attributes.get("class")
            if "ltx_tabular" in _css_class_set(cls):
                tabs.append(n)
            hit = _style_hit(n, cls)
            if hit is not None:
                styled_nodes.append((n, *hit))
        tabulars = _outermost(tabs, fig, "ltx_tabular")
        if not tabulars:
            specs.append((fid, label, caption, None))
            continue
        many = len(tabulars) > 1
        fig_cells: dict[int, dict] = {}
        for k, tab in enumerate(tabulars, 1):
            rows = _table_rows(tab)
            for row in rows:
                fig_cells.update(zip(row.ids, row.records, strict=True))
            specs.append((f"{fid}#{k}" if many and fid else fid, label, caption, rows))
        if styled_nodes:
            _styled_chars(styled_nodes, fig_cells, fig.mem_id, chars)
        records.update(fig_cells)
    if chars:
        _apply_styles(chars, records)
    return [
        {"id": tid, "label": label, "caption": caption, "rows": _table_grid(rows) if rows is not None else []}
        for tid, label, caption, rows in specs
    ]


def extract_tables(body: bytes) -> list[dict]:
    """Table records (see module docstring) of an arXiv HTML page, on their own."""
    tree, _ = _prepare(body)
    _space_breaks(tree.css("br"))
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
_STUB_ID = re.compile(rb"No HTML for '(\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z.-]*/\d{7}(?:v\d+)?)'", re.I)
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


def _id_version(*candidates: str | None) -> tuple[str | None, int | None]:
    for c in candidates:
        if c:
            m = _ID_VERSION.search(c)
            if m:
                version = int(m.group(2))
                return m.group(1), version if version <= MAX_VERSION else None
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
            out.append(("sup", ch.text_lexbor()))
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
# The parts of a note _pull_notes needs, in one query per note.
_NOTE_PARTS = "sup.ltx_note_mark, .ltx_note_content, .ltx_tag_note, .ltx_note_type"


def _pull_notes(notes: list[LexborNode]) -> tuple[list[dict], list[dict]]:
    """Collect then remove every ``span.ltx_note`` (`notes`, in document order) so notes never
    leak into running text.

    Returns (footnotes [{mark, text}], other notes [{role, text}] such as ``\\thanks``).
    """
    footnotes: list[dict] = []
    others: list[dict] = []
    for note in notes:
        if note.parent is None:  # inside a note removed before
            continue
        cls = _classes(note).split()
        mark_node = content = None
        junk: list[LexborNode] = []  # sup.ltx_note_mark, .ltx_tag_note, .ltx_note_type
        last = 0
        for n in note.css(_NOTE_PARTS):
            nid = n.mem_id
            if nid == last:
                continue
            last = nid
            toks = _css_classed_toks(n)
            is_mark = "ltx_note_mark" in toks and n.tag_id == _SUP
            if is_mark and mark_node is None:
                mark_node = n
            if content is None and "ltx_note_content" in toks:
                content = n
            if is_mark or "ltx_tag_note" in toks or "ltx_note_type" in toks:
                junk.append(n)
        mark = _text(mark_node) or None
        if content is None:
            content = note
        else:  # only the junk inside the content (the node itself included)
            cid = content.mem_id
            junk = [j for j in junk if _under(j, cid)]
        for j in junk:
            j.decompose()
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
# Everything a bibitem needs (see _bib_parts for the one query that usually finds it).
_BIB_PARTS = ".ltx_tag_bibitem, .ltx_tag, .ltx_bibblock, a[href]"


def _bib_parts(items: list[LexborNode]) -> list[list[LexborNode]]:
    """``[item.css(_BIB_PARTS) for item in items]`` (plus, harmlessly, each item itself), as one
    query on the list holding them when the items are exactly its element children (the usual
    ``ul.ltx_biblist``): in document order, every hit from item k up to item k+1 is then inside
    item k. Each css() call costs ~20k instructions before any matching."""
    parent = items[0].parent if len(items) > 1 else None
    if parent is not None:
        index = {item.mem_id: k for k, item in enumerate(items)}
        if [c.mem_id for c in parent.iter()] == list(index):
            parts: list[list[LexborNode]] = [[] for _ in items]
            k = -1
            for n in parent.css("li.ltx_bibitem, " + _BIB_PARTS):  # the items mark the boundaries
                k = index.get(n.mem_id, k)
                if k >= 0:
                    parts[k].append(n)
            return parts
    return [item.css(_BIB_PARTS) for item in items]


def _references(items: list[LexborNode]) -> list[dict]:
    refs = []
    for item, hits in zip(items, _bib_parts(items) if items else [], strict=True):
        tag_node = first_tag = None
        blocks: list[LexborNode] = []
        links: list[str | None] = []  # href values
        last = 0
        for n in hits:
            nid = n.mem_id
            if nid == last:  # reported once per matching selector
                continue
            last = nid
            attrs = n.attributes
            toks = _css_class_set(attrs.get("class"))
            if tag_node is None and "ltx_tag_bibitem" in toks:
                tag_node = n
            if first_tag is None and "ltx_tag" in toks:
                first_tag = n
            if "ltx_bibblock" in toks:
                blocks.append(n)
            if "href" in attrs and n.tag_id == _A:
                links.append(attrs["href"])
        tag = _text(tag_node or first_tag) or None
        text = " ".join(t for t in (_text(b) for b in blocks) if t) if blocks else _text(item)
        if not blocks and tag and text.startswith(tag):
            text = text[len(tag) :].strip()
        urls: list[str] = []
        for href in links:
            href = (href or "").strip()
            if href.startswith(("http://", "https://", "ftp://")) and href not in urls:
                urls.append(href)
        hay = text + " " + " ".join(urls)
        # Both regexes scan slowly (an IGNORECASE alternation, a leading \b) and every match
        # starts with a literal, so start at its first occurrence. "arxiv" is looked up in
        # lower() only for ASCII text: IGNORECASE also folds e.g. a dotless ı, lower() does not.
        start = hay.lower().find("arxiv") if hay.isascii() else 0
        arxiv_ids = (
            list(dict.fromkeys(m.group(1) for m in _ARXIV_REF.finditer(hay, start))) if start != -1 else []
        )
        start = hay.find("10.")
        dois = (
            list(dict.fromkeys(m.group(1).rstrip(_DOI_TRAIL) for m in _DOI.finditer(hay, start)))
            if start != -1
            else []
        )
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


def _figures(figures: list[LexborNode], imgs: list[LexborNode], root_id: int) -> list[dict]:
    """Figure records; `figures` = every figure.ltx_figure, `imgs` = every img under the root."""
    top = _top_level(figures, "ltx_figure")
    srcs: dict[int, list[str]] = {f.mem_id: [] for f in top}
    for img in imgs:  # each img goes to its top-level figure, if any (document order kept)
        p = img.parent
        while p is not None:
            pid = p.mem_id
            found = srcs.get(pid)
            if found is not None:
                found.append(img.attributes.get("src") or "")
                break
            if pid == root_id:
                break
            p = p.parent
    out = []
    for fig in top:
        label, caption = _caption(fig, "ltx_tag_figure")
        out.append(
            {
                "id": fig.attributes.get("id"),
                "label": label,
                "caption": caption,
                "images": [i for i in srcs[fig.mem_id] if i and not i.startswith("data:")],
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# Section text for readers and models (see _mark_up_body)

_UL, _OL, _DL, _PRE, _CITE, _P = _tag_ids("ul", "ol", "dl", "pre", "cite", "p")
_LIST_IDS = frozenset((_UL, _OL, _DL))
# the class attributes _strip_math gives its math spans
_TEX_CLASSES = frozenset(tag[13:-2].decode() for tag in _TEX_SPANS.values())
_ITEM_IDS = frozenset(_tag_ids("li", "dt", "dd"))
_BIB_ID = re.compile(r"bib\.[\w.-]+")


def _mark_up_body(blocks: _Blocks) -> set[int]:
    r"""Prepare body text for readers: math between ``$…$`` (inline) / ``$$…$$`` (display),
    every citation as a marker naming its bibliography entry (``[bib.bib4; bib.bib29]``, the
    ``id`` of `references`). Returns the mem_ids of the lists, listings and ``pre`` blocks and of
    their ancestors, whose text :func:`_block_lines` gives line by line.

    Citation rule: a parenthetical cite (``\citep``, ``(Anthropic, 2024; OpenAI, 2024)``, ``[13]``)
    becomes the marker alone; any other (``\citet``: ``Smith et al. (2024)``) keeps its printed
    text and gets the marker after it. A cite that links no bibliography entry is left as printed.
    Runs after tables, captions, notes and references were read: only running text changes. The
    nodes come from the article query (_Blocks); those inside removed notes/floats are skipped."""
    for n in blocks.maths:
        tex = n.first_child  # the TeX, one text node (_strip_math wrote it)
        if n.parent is not None and tex is not None and tex.is_text_node:
            mark = "$$" if "ltx_tex_block" in _css_classed_toks(n) else "$"
            tex.replace_with(f"{mark}{tex.text_content}{mark}")
    for n in blocks.cites:
        if n.parent is None:
            continue
        entries = []
        for a in n.traverse():
            if a.tag_id == _A:
                href = a.attributes.get("href") or ""
                at = href.rfind("#bib")  # "#bib.bib12", absolute or relative link
                if at != -1 and _BIB_ID.fullmatch(href, at + 1) and href[at + 1 :] not in entries:
                    entries.append(href[at + 1 :])
        if entries:
            marker = "[" + "; ".join(entries) + "]"
            if "ltx_citemacro_citep" in _css_toks(n):
                n.replace_with(marker)
                continue
            printed = _sq(n.text_lexbor())
            n.replace_with(marker if printed[:1] in ("(", "[") else f"{printed} {marker}")
    structured: set[int] = set()
    for n in blocks.text_blocks:
        if n.parent is None:
            continue
        structured.add(n.mem_id)
        p = n.parent
        while p is not None and p.tag_id != _SECTION and p.mem_id not in structured:
            structured.add(p.mem_id)
            p = p.parent
    return structured


def _code_lines(node: LexborNode) -> list[str]:
    """Lines of a code listing (``div.ltx_listingline`` each, line numbers left out) or ``pre``,
    indentation kept."""
    if node.tag_id == _PRE:
        text = node.text_lexbor().replace("\xa0", " ")
        return [line.rstrip() for line in text.strip("\n").split("\n")]
    lines = []
    for line in node.iter():
        if "ltx_listingline" not in _toks(line):
            continue
        text = line.text_lexbor()
        # a numbered listing starts each line with its number (span.ltx_tag_listingline)
        first = _first_element_child(line)
        if first is not None and "ltx_tag" in _toks(first):
            text = text.replace(first.text_lexbor(), "", 1)
        # LaTeXML shows the spaces inside strings as "␣" (listings' showstringspaces)
        lines.append(text.replace("\xa0", " ").replace("\n", "").replace("␣", " ").rstrip())
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _block_lines(node: LexborNode, structured: set[int], depth: int = 0) -> list[str]:
    """Text of a block holding a list, listing or ``pre``: one line per paragraph, list item
    (its mark first: ``• …``, ``1. …``; nested items indented by two spaces per level) and code
    line."""
    lines: list[str] = []
    run: list[str] = []

    def flush() -> None:
        text = _sq("".join(run))
        run.clear()
        if text:
            lines.append(text)

    # LaTeXML's div/li blocks hold only whitespace between their children: skip text nodes there
    mixed = node.tag_id not in (_DIV, _LI) and node.tag_id not in _LIST_IDS
    for ch in node.iter(include_text=mixed):
        if not ch.is_element_node:
            if ch.is_text_node:
                run.append(ch.text_content or "")
            continue
        tag_id = ch.tag_id
        if tag_id in _LIST_IDS:
            flush()
            indent = "  " * depth
            for item in ch.iter():
                if item.tag_id not in _ITEM_IDS:
                    continue
                if item.mem_id not in structured:  # the usual item: its mark and one paragraph
                    text = _sq(item.text_lexbor())
                    if text:
                        lines.append(indent + text)
                    continue
                item_lines = _block_lines(item, structured, depth + 1)
                # the item mark ("•", "1.", "(a)") is a line of its own before its paragraph
                if len(item_lines) > 1 and len(item_lines[0]) <= 5:
                    item_lines[:2] = [f"{item_lines[0]} {item_lines[1]}"]
                lines += [indent + line for line in item_lines]
        elif tag_id == _PRE or (tag_id == _DIV and "ltx_listing" in _toks(ch)):
            flush()
            lines += _code_lines(ch)
        elif ch.mem_id in structured:
            flush()
            lines += _block_lines(ch, structured, depth)
        elif tag_id in (_DIV, _P, _TABLE, _FIGURE):  # a block of its own
            flush()
            text = _sq(ch.text_lexbor())
            if text:
                lines.append(text)
        else:
            run.append(ch.text_lexbor())
    flush()
    return lines


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
_LEVELS: dict[str, int | None] = {}  # class attribute -> level (first level class in it)


def _sections(sections: list[LexborNode], structured: set[int] | None = None) -> list[dict]:
    """Every section level in document order; text = the section's own blocks, one per line
    (a block holding a list, code listing or ``pre`` — its id in `structured` — gives a line per
    item / code line, see :func:`_block_lines`)."""
    structured = structured or set()
    out = []
    for sec in sections:
        cls = sec.attributes.get("class") or ""
        level = _LEVELS.get(cls, -1)
        if level == -1:
            if len(_LEVELS) > 8192:
                _LEVELS.clear()
            names = cls.split()
            level = _LEVELS[cls] = next((_SECTION_LEVELS[c] for c in names if c in _SECTION_LEVELS), None)
        if level is None:  # bibliography, ltx_index…
            continue
        heading = None
        parts = []
        for child in sec.iter():
            tag_id = child.tag_id
            if tag_id in (_SECTION, _FIGURE):
                continue
            if heading is None and tag_id in _HEADING_IDS and "ltx_title" in _toks(child):
                heading = child
                continue
            if not child.is_element_node:  # a comment: text() gave "", text_lexbor() its data
                continue
            if structured and child.mem_id in structured:
                parts += _block_lines(child, structured)
                continue
            t = _sq(child.text_lexbor())
            if t:
                parts.append(t)
        number = title = None
        if heading is not None:
            title = _text(heading)
            tag_node = _first_with_class(heading, "ltx_tag")
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
                "_appendix": "ltx_appendix" in _class_set(cls),
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

# Each css() call walks its whole subtree (~0.1 ms for the article) plus ~20k instructions of
# selector set-up, and a selector list costs far less than separate walks; class selectors
# are the dear ones. So the page is read with two lists and the hits sorted in Python:
# 1) the licence boxes, anywhere on the page (ids only);
_CHROME_SEL = "#license-tr, div#infobox"
# 2) everything else, in the article: <br>s, error macros, notes, and the blocks used once
#    notes and errors are removed. A node is reported once per selector it matches.
_ARTICLE_SEL = (
    "br, .ltx_ERROR, .ltx_note, section, figure, img, li, table, div.ltx_listing, "
    "div.ltx_listing_data, span.ltx_tex, cite, pre"
)
# ("li" rather than "li.ltx_bibitem, ul, ol": one type selector finds the bibliography items and
# the list items, whose parent list is a text block; each selector costs a walk's worth of tests)


class _Blocks:
    """The hits of _ARTICLE_SEL, sorted by kind (document order kept in each list)."""

    __slots__ = (
        "brs",
        "errors",
        "notes",
        "sections",
        "tables",
        "figures",
        "floats",
        "imgs",
        "bibitems",
        "listings",
        "equations",
        "maths",
        "cites",
        "text_blocks",
        "_last_list",
    )

    def __init__(self, article: LexborNode) -> None:
        self.brs: list[LexborNode] = []
        self.errors: list[LexborNode] = []
        self.notes: list[LexborNode] = []
        self.sections: list[LexborNode] = []
        self.tables: list[LexborNode] = []  # figure.ltx_table
        self.figures: list[LexborNode] = []  # figure.ltx_figure
        self.floats: list[LexborNode] = []  # both, and div.ltx_listing_data
        self.imgs: list[LexborNode] = []
        self.bibitems: list[LexborNode] = []
        self.listings: list[LexborNode] = []  # div.ltx_listing
        self.equations: list[tuple[LexborNode, int]] = []  # (table, matching selectors)
        self.maths: list[LexborNode] = []  # span.ltx_tex (math, from _strip_math)
        self.cites: list[LexborNode] = []
        self.text_blocks: list[LexborNode] = []  # lists, listings, pre: text kept line by line
        self._last_list = 0  # mem_id of the last list put in text_blocks (its items come in a row)
        hits = article.css(_ARTICLE_SEL)
        ids = [h.mem_id for h in hits]
        ids.append(0)
        n_hits = len(hits)
        i = 0
        while i < n_hits:
            node = hits[i]
            nid = ids[i]
            j = i + 1
            while ids[j] == nid:
                j += 1
            # A node reported once matched one selector; a br, section or img always matches
            # its type selector, so then it matched nothing else and its classes need no look.
            single = j == i + 1
            i = j
            tag_id = node.tag_id
            if single:
                if tag_id == _BR:
                    self.brs.append(node)
                    continue
                if tag_id == _SECTION:
                    self.sections.append(node)
                    continue
                if tag_id == _IMG:
                    self.imgs.append(node)
                    continue
                if tag_id == _SPAN and node.attrs.get("class") in _TEX_CLASSES:  # one of ours
                    self.maths.append(node)
                    continue
                if tag_id == _CITE:
                    self.cites.append(node)
                    continue
                if tag_id == _PRE:
                    self.text_blocks.append(node)
                    continue
            self._sort(node, tag_id)

    def _sort(self, node: LexborNode, tag_id: int) -> None:
        toks = _css_classed_toks(node) if tag_id in (_FIGURE, _TABLE) else _css_toks(node)
        if "ltx_ERROR" in toks:
            self.errors.append(node)
        if "ltx_note" in toks:
            self.notes.append(node)
        if tag_id == _BR:
            self.brs.append(node)
        elif tag_id == _SECTION:
            self.sections.append(node)
        elif tag_id == _IMG:
            self.imgs.append(node)
        elif tag_id == _FIGURE:
            is_table = "ltx_table" in toks
            is_figure = "ltx_figure" in toks
            if is_table:
                self.tables.append(node)
            if is_figure:
                self.figures.append(node)
            if is_table or is_figure:
                self.floats.append(node)
        elif tag_id == _LI:
            if "ltx_bibitem" in toks:
                self.bibitems.append(node)
            else:  # a list item: its list gives a line per item
                parent = node.parent
                if parent is not None and parent.tag_id in _LIST_IDS and parent.mem_id != self._last_list:
                    self._last_list = parent.mem_id
                    self.text_blocks.append(parent)
        elif tag_id == _TABLE:
            # counted once per matching selector, as len(css(...)) did
            n = ("ltx_equation" in toks) + ("ltx_equationgroup" in toks)
            if n:
                self.equations.append((node, n))
        elif tag_id == _DIV:
            if "ltx_listing" in toks:
                self.listings.append(node)
                self.text_blocks.append(node)
            if "ltx_listing_data" in toks:
                self.floats.append(node)
        elif tag_id == _SPAN:
            if "ltx_tex" in toks:
                self.maths.append(node)
        elif tag_id == _CITE:
            self.cites.append(node)
        elif tag_id == _PRE:
            self.text_blocks.append(node)

    def drop_removed(self) -> None:
        """Forget the blocks that notes/errors/contact names took out of the tree: decompose()
        detaches every node of a subtree, and the separate queries they replace ran after."""
        for name in ("sections", "tables", "figures", "floats", "imgs", "bibitems", "listings"):
            kept = [n for n in getattr(self, name) if n.parent is not None]
            setattr(self, name, kept)
        self.equations = [(n, k) for n, k in self.equations if n.parent is not None]

    @property
    def n_equations(self) -> int:
        return sum(k for _, k in self.equations)

    @property
    def n_listings(self) -> int:
        return len(self.listings)


def parse_html(body: bytes, url: str = "") -> dict:
    """One FULLTEXT row (without the common columns) from an arXiv ``/html/<id>vN`` response.

    Statuses: ``ok``; ``partial`` (``ltx_ERROR`` spans next to real content);
    ``conversion_failed`` (no title/abstract/sections, only errors: row without text);
    ``no_html`` (arXiv's "No HTML for '<id>'" page, sent with status 200 or 404 — its id fills
    ``arxiv_id``/``version`` when the URL is unknown —, the older "No HTML is available" wording,
    or ar5iv's "No content available").
    Raises ParseError for bytes that are not an arXiv HTML page.
    """
    if not body or body.isspace():
        raise ParseError(KIND, "empty", url=url)
    lead = body.lstrip()[:1]
    if lead in (b"{", b"[") or b"<" not in body[:4096]:
        raise ParseError(KIND, "not_html", detail=repr(body[:40]), url=url)

    url_id, url_version = _id_version(url)
    bare = url_id or _bare_id(url)
    if is_no_html_page(body):
        named = _STUB_ID.search(body)  # the stub names the paper it was asked for
        if named is not None and bare is None:
            bare, url_version = _id_version(named.group(1).decode("ascii"))
            bare = bare or named.group(1).decode("ascii")
        return _empty_row(bare, url_version, "no_html")
    if not _is_arxiv_html(body):
        raise ParseError(KIND, "not_arxiv_html", detail=repr(body[:40]), url=url)

    tree, n_math = _prepare(body)
    gen = _GENERATOR.search(body)
    generator = f"LaTeXML{' oxide' if gen.group(1) else ''} {gen.group(2).decode()}" if gen else None

    license_trs: list[LexborNode] = []
    infoboxes: list[LexborNode] = []
    last = 0
    for n in tree.css(_CHROME_SEL):
        nid = n.mem_id
        if nid == last:  # reported once per matching selector
            continue
        last = nid
        node_id = n.attributes.get("id")
        if node_id == "license-tr":
            license_trs.append(n)
        if node_id == "infobox" and n.tag_id == _DIV:
            infoboxes.append(n)

    # Which version was served: <base href> (A), Back-to-Abstract link / watermark (B), the URL.
    base = tree.css_first("base[href]")
    base_href = base.attributes.get("href") if base is not None else None
    back = None
    if _id_version(base_href)[0] is None:  # the link only counts when <base> has no id
        for a in tree.css("header.arxiv-html-header a[href], .ltx_page_header a[href]"):
            _space_breaks(a.css("br"))  # a second space before a <br> changes no test here
            if "abstract" in a.text_lexbor().lower():
                back = a.attributes.get("href")
                break
    # B pages print "arXiv:<id>vN [<primary>] <date>" in a watermark before the article.
    art_at = body.find(b"<article")
    wm = _WATERMARK.search(body, 0, art_at if art_at != -1 else min(len(body), 200_000))
    wm_text = wm.group(0).decode("utf-8", "replace") if wm else ""
    arxiv_id, version = _id_version(base_href, back, wm_text, url)
    arxiv_id = arxiv_id or bare
    primary = wm.group(3).decode("utf-8", "replace").strip() if wm else None

    lic_node = license_trs[0] if license_trs else None
    if lic_node is None:
        for box in infoboxes:
            lic_node = box.css_first("a[href*=licen]")
            if lic_node is not None:
                break
    lic_src = None
    for node in (lic_node, infoboxes[0] if infoboxes else None):
        if node is not None:  # their text is squashed: an extra space before a <br> is harmless
            _space_breaks(node.css("br"))
    if lic_node is not None:
        lic_src = lic_node.attributes.get("href") or _text(lic_node)
        if not classify_license(lic_src)[1]:
            lic_src = _text(lic_node)
    if lic_src is None:
        lic_src = _text(infoboxes[0]) if infoboxes else None
    license_url, license_name, allows = classify_license(lic_src)

    article = tree.css_first("article.ltx_document") or tree.css_first(".ltx_page_content")
    if article is None:
        root = tree.body or tree.root
        _space_breaks(root.css("br"))
        errors = [_text(e) for e in root.css(".ltx_ERROR")]
        row = _empty_row(arxiv_id, version, "conversion_failed")
        row.update(generator=generator, error_macros=errors, n_errors=len(errors), n_math=n_math)
        return row
    blocks = _Blocks(article)
    _space_breaks(blocks.brs)
    errors = [_text(e) for e in blocks.errors]
    footnotes, other_notes = _pull_notes(blocks.notes)
    # An error inside a removed note is already detached; decomposing it again is a no-op.
    for e in blocks.errors:
        e.decompose()
    title_node = article.css_first("h1.ltx_title_document") or article.css_first(".ltx_title")
    title = _text(title_node) or None
    abstract_node = article.css_first("div.ltx_abstract")
    abstract = None
    if abstract_node is not None:
        paras = [
            _text(ch)
            for ch in abstract_node.iter()
            if ch.is_element_node and not (ch.tag in _HEADINGS and _has_class(ch, "ltx_title"))
        ]
        abstract = "\n".join(p for p in paras if p) or None
    authors = _authors(article)

    blocks.drop_removed()
    tables = _tables(article, blocks.tables)
    figures = _figures(blocks.figures, blocks.imgs, article.mem_id)
    references = _references(blocks.bibitems)
    # Floats and listing download links must not reach section text. Floats that are direct
    # children of a section (the usual case) are skipped by _sections; freeing those big
    # subtrees here would cost more than the rest of the section pass.
    for junk in blocks.floats:
        parent = junk.parent
        if parent is not None and (parent.tag_id != _SECTION or junk.tag_id != _FIGURE):
            junk.decompose()
    # decompose() detaches every node of the subtree: a section inside a removed float is gone.
    # Tables, figures, notes and references are read: the tree may now be marked up for readers.
    structured = _mark_up_body(blocks)
    sections = _sections([s for s in blocks.sections if s.parent is not None], structured)

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
        "n_equations": blocks.n_equations,
        "n_math": n_math,
        "n_listings": blocks.n_listings,
        "n_references": len(references),
        "n_footnotes": len(footnotes),
        "n_errors": len(errors),
        "primary_subject": primary,
        "extra": json.dumps(extra, ensure_ascii=False) if extra else None,
    }
