"""Tables of an arXiv HTML page as records: the ``tables`` column, alone via :func:`extract_tables`.

Record::

    {"id", "label", "caption", "rows": [{"is_header", "cells": [{"text", "is_header", "colspan",
     "rowspan", "bold", "underline", "italic", "borders"}]}]}

Rules:
* one record per *outermost* ``.ltx_tabular`` inside a top-level ``figure.ltx_table`` (a table
  figure not nested in another table figure). When a figure holds several outermost tabulars
  (side-by-side panels, sub-tables) their ids are ``<figure id>#1``, ``#2``…; all share the
  figure's label and caption. A tabular nested inside a cell is not a record: its text becomes the
  cell's text. A table figure without any tabular (table given as an image) yields one record
  with ``rows == []``.
* header rows: rows inside ``thead`` when the markup has one; else rows made only of ``th``; else
  (LaTeXML 0.8.8 emits only ``td``) the rows above the first full-width horizontal rule below the
  first row (a ``ltx_border_t``/``tt`` top border on every cell of row k, or ``ltx_border_b``/``bb``
  on every cell of row k-1: a ``\\cmidrule`` under part of the header is no end of it), if that
  rule comes within the first 4 rows and is not the last row. A cell is a header cell when it is a
  ``th`` or its row is a header row. (`scraper.derive.metrics` then finds the header block by
  layout and content, whatever this guess says.)
* ``borders``: the rules LaTeXML drew on the cell's sides, ``t``/``b``/``l``/``r`` (``ltx_border_*``;
  doubled rules count once), e.g. ``"tr"``; ``""`` for none. Vertical rules tell label columns.
* ``bold``/``italic``/``underline``: at least half of the cell's non-blank characters sit inside
  ``ltx_font_bold``/``b``/``strong`` (``ltx_font_italic``/``em``/``i``;
  ``ltx_framed_underline``/``ltx_font_underline``/``u``) or inside math whose TeX starts with
  ``\\mathbf``/``\\textbf``/``\\bm``/``\\boldsymbol`` (``\\mathit``/``\\textit``/``\\emph``;
  ``\\underline``). The cell element's own classes count too.
* text: math as its TeX alttext (no ``$`` delimiters), ``<br>`` as a space, whitespace squashed.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from .dom import (
    ROW_GROUP_IDS,
    SPAN,
    TD,
    TH,
    THEAD,
    TR,
    attr,
    class_set,
    classes_of,
    css_class_set,
    drop_errors,
    prepare,
    space_breaks,
    tag_ids,
    top_level,
)
from .figures import caption_of
from .references import pull_notes

MAX_SPAN = 1000  # HTML itself caps colspan at 1000 and rowspan at 65534; no real table comes near


def _span(value: str | None) -> int:
    """colspan/rowspan attribute value as an int in 1…MAX_SPAN (1 when missing or malformed)."""
    if not value:
        return 1
    try:
        return min(MAX_SPAN, max(1, int(value)))
    except ValueError:
        return 1


# What makes a node styled (see _style_hit): .ltx_font_bold, b, strong, .ltx_font_italic,
# em, i, .ltx_framed_underline, .ltx_font_underline, u, span.ltx_tex. One query per table figure
# finds its tabulars and a superset of those: [class*="ltx_f"] covers the four classes and the
# math spans that can carry a font command (ltx_fontcmd, set by _strip_math) in one selector;
# Lexbor's cost grows with every selector of the list. Python then keeps the real ones. The same
# query brings the rare cells with a colspan/rowspan: then _Row reads no cell's attributes but
# its class (two selectors cost less than every cell's attributes dict).
_TABLE_FIG_SEL = (
    '.ltx_tabular, [class*="ltx_f"], b, strong, em, i, u, [style*="olor:#FFFFFF"], [colspan], [rowspan]'
)
# Text set in white ("--ltx-fg-color:#FFFFFF", older LaTeXML "color:#FFFFFF") on a page without a
# background colour under it is invisible: LaTeXML's residue of a rule ("width 7pt"), padding
# digits. It is no text of the cell (see _drop_invisible).
_WHITE_TEXT = re.compile(r"(?<![\w-])(?:--ltx-fg-)?color:\s*#FFFFFF", re.I)
_STYLE_TAGS = {"b": "bold", "strong": "bold", "em": "italic", "i": "italic", "u": "underline"}
_STYLE_TAG_IDS = dict(zip(tag_ids(*_STYLE_TAGS), _STYLE_TAGS.values(), strict=True))
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
    css = css_class_set(cls)  # the selectors see these names
    hits = len(css & _STYLE_CLASS_SET)
    tag_id = node.tag_id
    tag_style = _STYLE_TAG_IDS.get(tag_id)
    if tag_style:
        hits += 1
    if tag_id == SPAN and "ltx_tex" in css:
        hits += 1
    if not hits:
        return None
    toks = class_set(cls)  # the styles were worked out from str.split() names
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
_LEFT_RULES = frozenset({"ltx_border_l", "ltx_border_ll"})
_RIGHT_RULES = frozenset({"ltx_border_r", "ltx_border_rr"})
# class names -> (own bold, own italic, own underline, ltx_th, top rule, bottom rule, borders)
_OWN: dict[frozenset, tuple[bool, bool, bool, bool, bool, bool, str]] = {}


def _own_flags(toks: frozenset[str]) -> tuple[bool, bool, bool, bool, bool, bool, str]:
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
            "".join(
                side
                for side, rules in (
                    ("t", _TOP_RULES),
                    ("b", _BOTTOM_RULES),
                    ("l", _LEFT_RULES),
                    ("r", _RIGHT_RULES),
                )
                if not rules.isdisjoint(toks)
            ),
        )
    return flags


# class names -> (record template, th by class, top rule, bottom rule); see _own_flags()
_CELL: dict[frozenset, tuple[dict, bool, bool, bool]] = {}


def _cell_template(toks: frozenset[str]) -> tuple[dict, bool, bool, bool]:
    bold, italic, underline, th_cls, top, bottom, borders = _own_flags(toks)
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
        "borders": borders,
    }
    found = _CELL[toks] = (record, th_cls, top, bottom)
    return found


# Per read_tables() call: class attribute -> (record template, th by class, top rule, bottom
# rule, the class makes a cell); see _cell_template()
CellKinds = dict[str | None, tuple[dict, bool, bool, bool, bool]]


def _cell_kind(kinds: CellKinds, cls: str | None) -> tuple[dict, bool, bool, bool, bool]:
    """What the class attribute `cls` makes of a cell, put in `kinds`."""
    toks = class_set(cls)
    template, th_cls, top, bottom = _CELL.get(toks) or _cell_template(toks)
    kind = kinds[cls] = (template, th_cls, top, bottom, "ltx_td" in toks or "ltx_th" in toks)
    return kind


class _Row:
    """One row of a tabular: its cell records (and cell mem_ids), and what the header rule needs."""

    __slots__ = ("in_head", "ids", "records", "all_th", "top", "bottom", "width")

    def __init__(
        self,
        row: LexborNode,
        row_toks: frozenset[str],
        in_head: bool,
        kinds: CellKinds,
        spans: dict[int, dict],
        track: bool,
    ) -> None:
        """`spans`: mem_id -> attributes of the figure's nodes with a colspan/rowspan; `track`:
        the row holds a styled node or a cell of `spans`, so its cells are looked up by mem_id
        (kept in `ids`: the styled nodes find their cell by it)."""
        self.in_head = in_head
        ids: list[int] = []
        records: list[dict] = []
        all_th = True
        row_top = not _TOP_RULES.isdisjoint(row_toks)  # a rule on the row element counts as a cell's
        top = bottom = width = 0  # columns under a top / bottom rule, columns of the row's own cells
        for c in row.iter():  # the hottest loop of the module: one pass per cell, kept lean
            # only the class attribute is read here (the attributes dict would decode every
            # attribute: id, style…); the rare colspan/rowspan come with `spans`
            try:
                cls = c.attrs["class"]
            except (KeyError, TypeError):  # no class; TypeError: a comment, no element
                cls = None
            template, th_cls, cell_top, cell_bottom, cell_class = kinds.get(cls) or _cell_kind(kinds, cls)
            tag_id = c.tag_id
            if not cell_class and tag_id != TD and tag_id != TH:
                continue
            record = template.copy()  # cheaper than building the 8-key dict
            if tag_id == TH:
                record["is_header"] = True
                th_cls = True
            all_th = all_th and th_cls
            span = 1
            if track:
                mem_id = c.mem_id
                ids.append(mem_id)
                attrs = spans.get(mem_id)
                if attrs is not None:
                    value = attrs.get("colspan")
                    if value:
                        span = record["colspan"] = _span(value)
                    value = attrs.get("rowspan")
                    if value:
                        record["rowspan"] = _span(value)
            width += span
            if cell_top:
                top += span
            if cell_bottom:
                bottom += span
            # squash_whitespace(): strip() and split() take the same characters for whitespace
            text = c.text_lexbor().strip()
            if "  " in text or not text.isprintable():  # \n, NBSP, tab… are not printable
                text = " ".join(text.split())
            record["text"] = text
            records.append(record)
        self.ids = ids
        self.records = records
        self.all_th = all_th and bool(records)
        self.top = width if row_top else top
        self.bottom = bottom
        self.width = width


def _table_rows(table: LexborNode, kinds: CellKinds, spans: dict[int, dict], tracked: set[int]) -> list[_Row]:
    """The direct rows of a tabular, looking through thead/tbody/tfoot; `tracked`: mem_ids of the
    rows whose cells are looked up by mem_id (see _Row), among other nodes."""
    rows: list[_Row] = []
    for child in table.iter():
        tag_id = child.tag_id
        cls = attr(child, "class") or ""
        toks = class_set(cls)
        if tag_id == TR or "ltx_tr" in toks:
            rows.append(_Row(child, toks, False, kinds, spans, bool(tracked) and child.mem_id in tracked))
        elif tag_id in ROW_GROUP_IDS or "ltx_thead" in cls or "ltx_tbody" in cls:
            in_head = tag_id == THEAD or "ltx_thead" in toks
            for row in child.iter():
                row_toks = class_set(attr(row, "class"))
                if row.tag_id == TR or "ltx_tr" in row_toks:
                    track = bool(tracked) and row.mem_id in tracked
                    rows.append(_Row(row, row_toks, in_head, kinds, spans, track))
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
    # a full-width rule: across every column of the table (a \cmidrule under part of it is not)
    width = max((r.width for r in rows), default=0)
    if width == 0:  # no row has a cell
        return 0
    for k in range(1, min(4, n - 1) + 1):
        if rows[k].top >= width or rows[k - 1].bottom >= width:
            return k
    return 0


def _table_grid(rows: list[_Row]) -> list[dict]:
    """Row records of one tabular (cell records already built, header flags set here)."""
    header = _header_rows(rows)
    out = []
    for i, row in enumerate(rows):
        row_is_header = i < header if isinstance(header, int) else i in header
        if row_is_header:
            for r in row.records:
                r["is_header"] = True
        out.append({"is_header": row_is_header, "cells": row.records})
    return out


def _above(styled: list[Styled], stop: int) -> set[int]:
    """mem_ids of the nodes above the styled nodes, below the figure (mem_id `stop`): the rows
    whose cells _styled_chars may look up among them. (A walk ends at a node seen before: the
    nodes above it were taken then.)"""
    seen: set[int] = set()
    for n, _, _ in styled:
        p = n.parent
        while p is not None:
            pid = p.mem_id
            if pid == stop or pid in seen:
                break
            seen.add(pid)
            p = p.parent
    return seen


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


def _outermost(nodes: list[LexborNode], stop: LexborNode, cls: str) -> list[LexborNode]:
    """The nodes of `nodes` without an ancestor of class `cls` below `stop`."""
    stop_id = stop.mem_id
    out = []
    for n in nodes:
        p = n.parent
        nested = False
        while p is not None and p.mem_id != stop_id:
            if cls in classes_of(p):
                nested = True
                break
            p = p.parent
        if not nested:
            out.append(n)
    return out


def _drop_invisible(white: list[LexborNode], stop: int) -> None:
    """Take white text out of the tree unless a node around it (up to the figure, mem_id `stop`)
    sets a background colour it may show on."""
    for n in white:
        p: LexborNode | None = n
        while p is not None and p.mem_id != stop:
            style = p.attributes.get("style")
            if style and ("bg-color" in style or "background" in style):
                break  # a background: the text may show
            p = p.parent
        else:
            n.decompose()


def read_tables(root: LexborNode, figures: list[LexborNode] | None = None) -> list[dict]:
    """Table records; `figures` = the ``figure.ltx_table`` under root when already known."""
    if figures is None:
        figures = root.css("figure.ltx_table")
    specs: list[tuple[str | None, str | None, str | None, list[_Row] | None]] = []  # rows None: no tabular
    records: dict[int, dict] = {}  # cell mem_id -> cell record
    chars: dict[int, dict[str, int]] = {}  # cell mem_id -> styled characters
    kinds: CellKinds = {}
    for fig in top_level(figures, "ltx_table"):
        label, caption = caption_of(fig, "ltx_tag_table")
        fid = fig.id
        tabs: list[LexborNode] = []
        styled_nodes: list[Styled] = []
        white: list[LexborNode] = []
        spans: dict[int, dict] = {}  # mem_id -> attributes of a node with a colspan/rowspan
        tracked: set[int] = set()  # the rows (and more) whose cells are looked up by mem_id
        last = 0
        for n in fig.css(_TABLE_FIG_SEL):
            nid = n.mem_id
            if nid == last:  # Lexbor repeats a node once per selector it matches
                continue
            last = nid
            attrs = n.attributes
            if "colspan" in attrs or "rowspan" in attrs:
                spans[nid] = attrs
                parent = n.parent  # the row, when the node is a cell
                if parent is not None:
                    tracked.add(parent.mem_id)
            cls = attrs.get("class")
            if "ltx_tabular" in css_class_set(cls):
                tabs.append(n)
            style = attrs.get("style")
            if style and "FFFFFF" in style.upper() and _WHITE_TEXT.search(style):
                white.append(n)
                continue
            hit = _style_hit(n, cls)
            if hit is not None:
                styled_nodes.append((n, *hit))
        if white:
            _drop_invisible(white, fig.mem_id)
        tabulars = _outermost(tabs, fig, "ltx_tabular")
        if not tabulars:
            specs.append((fid, label, caption, None))
            continue
        many = len(tabulars) > 1
        if styled_nodes:
            tracked |= _above(styled_nodes, fig.mem_id)
        fig_cells: dict[int, dict] = {}
        for k, tab in enumerate(tabulars, 1):
            rows = _table_rows(tab, kinds, spans, tracked)
            for row in rows:
                if row.ids:
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
    tree, _ = prepare(body)
    space_breaks(tree.css("br"))
    root = tree.css_first("article.ltx_document") or tree.body or tree.root
    if root is None:
        return []
    # as parse_html does before it reads the tables: notes leave the tree (a table cell keeps
    # the mark), error macros too
    pull_notes(root.css(".ltx_note"))
    drop_errors(root.css(".ltx_ERROR"))
    return read_tables(root)
