"""The article read in one query: every node the readers need, sorted by kind in Python.

Each css() call walks its whole subtree (~0.1 ms for the article) plus ~20k instructions of
selector set-up; a selector list costs far less than separate walks, and class selectors are the
dear ones. So the article is read by one list (:data:`_ARTICLE_SEL`) and :class:`Blocks` sorts the
hits: <br>s, error macros, notes, and the blocks used once notes and errors are removed. Lexbor
reports a node once per selector it matches.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from .dom import (
    BR,
    CITE,
    DIV,
    FIGURE,
    IMG,
    LI,
    LIST_IDS,
    PRE,
    SECTION,
    SPAN,
    TABLE,
    TEX_CLASSES,
    css_classes_of,
    css_classes_of_classed,
)

_ARTICLE_SEL = (
    'br, .ltx_ERROR, .ltx_note, section, figure, img, li, table, div[class*="ltx_listing"], '
    "span.ltx_tex, cite, pre"
)
# ("li" rather than "li.ltx_bibitem, ul, ol": one type selector finds the bibliography items and
# the list items, whose parent list is a text block; each selector costs a walk's worth of tests.
# Likewise one selector for div.ltx_listing and div.ltx_listing_data: _sort reads the classes of
# every div it reports, and ignores the others, such as the lines of a listing.)


class Blocks:
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
        "display_maths",
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
        self.maths: list[LexborNode] = []  # span.ltx_tex (math, from the pre-pass)
        self.display_maths: list[LexborNode] = []  # those of them also .ltx_tex_block
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
                if tag_id == BR:
                    self.brs.append(node)
                    continue
                if tag_id == SECTION:
                    self.sections.append(node)
                    continue
                if tag_id == IMG:
                    self.imgs.append(node)
                    continue
                if tag_id == SPAN:
                    cls = node.attrs.get("class")
                    if cls in TEX_CLASSES:  # one of ours
                        (self.display_maths if "ltx_tex_block" in cls else self.maths).append(node)
                        continue
                if tag_id == CITE:
                    self.cites.append(node)
                    continue
                if tag_id == PRE:
                    self.text_blocks.append(node)
                    continue
            self._sort(node, tag_id)

    def _sort(self, node: LexborNode, tag_id: int) -> None:
        toks = css_classes_of_classed(node) if tag_id in (FIGURE, TABLE, LI) else css_classes_of(node)
        if "ltx_ERROR" in toks:
            self.errors.append(node)
        if "ltx_note" in toks:
            self.notes.append(node)
        if tag_id == BR:
            self.brs.append(node)
        elif tag_id == SECTION:
            self.sections.append(node)
        elif tag_id == IMG:
            self.imgs.append(node)
        elif tag_id == FIGURE:
            is_table = "ltx_table" in toks
            is_figure = "ltx_figure" in toks
            if is_table:
                self.tables.append(node)
            if is_figure:
                self.figures.append(node)
            if is_table or is_figure:
                self.floats.append(node)
        elif tag_id == LI:
            if "ltx_bibitem" in toks:
                self.bibitems.append(node)
            else:  # a list item: its list gives a line per item
                parent = node.parent
                if parent is not None and parent.tag_id in LIST_IDS and parent.mem_id != self._last_list:
                    self._last_list = parent.mem_id
                    self.text_blocks.append(parent)
        elif tag_id == TABLE:
            # counted once per matching selector, as len(css(...)) did
            n = ("ltx_equation" in toks) + ("ltx_equationgroup" in toks)
            if n:
                self.equations.append((node, n))
        elif tag_id == DIV:
            if "ltx_listing" in toks:
                self.listings.append(node)
                self.text_blocks.append(node)
            if "ltx_listing_data" in toks:
                self.floats.append(node)
        elif tag_id == SPAN:
            if "ltx_tex" in toks:
                (self.display_maths if "ltx_tex_block" in toks else self.maths).append(node)
        elif tag_id == CITE:
            self.cites.append(node)
        elif tag_id == PRE:
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
