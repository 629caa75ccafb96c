"""Running text of an arXiv HTML page for readers and models: title, abstract and the sections.

Math reads as TeX between ``$…$``/``$$…$$``, citations as markers naming their bibliography entry,
lists and code listings line by line (see :func:`mark_up_body`).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from .blocks import Blocks
from .dom import (
    DIV,
    FIGURE,
    HEADING_IDS,
    ITEM_IDS,
    LI,
    LIST_IDS,
    PRE,
    SECTION,
    TABLE,
    A,
    P,
    class_set,
    classes_of,
    css_class_set,
    css_classes_of_classed,
    first_element_child,
    first_with_class,
    has_class,
    node_text,
    squash_whitespace,
)

_BIB_ID = re.compile(r"bib\.[\w.-]+")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def read_title_abstract(article: LexborNode) -> tuple[str | None, str | None]:
    """(title, abstract); the abstract one line per paragraph, its own heading left out."""
    title_node = article.css_first("h1.ltx_title_document") or article.css_first(".ltx_title")
    title = node_text(title_node) or None
    abstract_node = article.css_first("div.ltx_abstract")
    if abstract_node is None:
        return title, None
    paras = [
        node_text(ch)
        for ch in abstract_node.iter()
        if ch.is_element_node and not (ch.tag in _HEADINGS and has_class(ch, "ltx_title"))
    ]
    return title, "\n".join(p for p in paras if p) or None


def mark_up_body(blocks: Blocks) -> set[int]:
    r"""Prepare body text for readers: math between ``$…$`` (inline) / ``$$…$$`` (display),
    every citation as a marker naming its bibliography entry (``[bib.bib4; bib.bib29]``, the
    ``id`` of `references`). Returns the mem_ids of the lists, listings and ``pre`` blocks and of
    their ancestors, whose text :func:`_block_lines` gives line by line.

    Citation rule: a parenthetical cite (``\citep``, ``(Anthropic, 2024; OpenAI, 2024)``, ``[13]``)
    becomes the marker alone; any other (``\citet``: ``Smith et al. (2024)``) keeps its printed
    text and gets the marker after it. A cite that links no bibliography entry is left as printed.
    Runs after tables, captions, notes and references were read: only running text changes. The
    nodes come from the article query (Blocks); those inside removed notes/floats are skipped."""
    _math_as_tex(blocks.maths, "$")
    _math_as_tex(blocks.display_maths, "$$")
    _cites_as_markers(blocks.cites)
    return _line_block_ids(blocks.text_blocks)


def _math_as_tex(maths: list[LexborNode], mark: str) -> None:
    for n in maths:
        tex = n.first_child  # the TeX, one text node (the math pre-pass wrote it)
        if n.parent is not None and tex is not None and tex.is_text_node:
            tex.replace_with(f"{mark}{tex.text_content}{mark}")


def _cites_as_markers(cites: list[LexborNode]) -> None:
    for n in cites:
        if n.parent is None:
            continue
        entries = []
        for a in n.traverse():
            if a.tag_id == A:
                href = a.attrs.get("href") or ""  # (attrs: no dict of every attribute)
                at = href.rfind("#bib")  # "#bib.bib12", absolute or relative link
                if at != -1 and _is_bib_id(href, at + 1):
                    entry = href[at + 1 :]
                    if entry not in entries:
                        entries.append(entry)
        if entries:
            marker = "[" + "; ".join(entries) + "]"
            if "ltx_citemacro_citep" in css_classes_of_classed(n):
                n.replace_with(marker)
                continue
            printed = squash_whitespace(n.text_lexbor())
            n.replace_with(marker if printed[:1] in ("(", "[") else f"{printed} {marker}")


def _is_bib_id(href: str, at: int) -> bool:
    """_BIB_ID.fullmatch(href, at), where href[at:] starts with "bib". The usual "bib.bib12" is
    told by isalnum() (\\w: alphanumerics and "_"), the pattern costs ~2k instructions."""
    return (href[at + 3 : at + 4] == "." and href[at + 4 :].isalnum()) or (
        _BIB_ID.fullmatch(href, at) is not None
    )


def _line_block_ids(text_blocks: list[LexborNode]) -> set[int]:
    """mem_ids of the blocks read line by line and of their ancestors up to their section."""
    structured: set[int] = set()
    for n in text_blocks:
        if n.parent is None:
            continue
        structured.add(n.mem_id)
        p: LexborNode | None = n.parent
        while p is not None and p.tag_id != SECTION and p.mem_id not in structured:
            structured.add(p.mem_id)
            p = p.parent
    return structured


def _code_lines(node: LexborNode) -> list[str]:
    """Lines of a code listing (``div.ltx_listingline`` each, line numbers left out) or ``pre``,
    indentation kept."""
    if node.tag_id == PRE:
        text = node.text_lexbor().replace("\xa0", " ")
        return [line.rstrip() for line in text.strip("\n").split("\n")]
    lines = []
    for line in node.iter():
        if "ltx_listingline" not in classes_of(line):
            continue
        text = line.text_lexbor()
        # a numbered listing starts each line with its number (span.ltx_tag_listingline)
        first = first_element_child(line)
        if first is not None and "ltx_tag" in classes_of(first):
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
        text = squash_whitespace("".join(run))
        run.clear()
        if text:
            lines.append(text)

    # LaTeXML's div/li blocks hold only whitespace between their children: skip text nodes there
    mixed = node.tag_id not in (DIV, LI) and node.tag_id not in LIST_IDS
    for ch in node.iter(include_text=mixed):
        if not ch.is_element_node:
            if ch.is_text_node:
                run.append(ch.text_content or "")
            continue
        tag_id = ch.tag_id
        if tag_id in LIST_IDS:
            flush()
            lines += _list_lines(ch, structured, depth)
        elif tag_id == PRE or (tag_id == DIV and "ltx_listing" in classes_of(ch)):
            flush()
            lines += _code_lines(ch)
        elif ch.mem_id in structured:
            flush()
            lines += _block_lines(ch, structured, depth)
        elif tag_id in (DIV, P, TABLE, FIGURE):  # a block of its own
            flush()
            text = squash_whitespace(ch.text_lexbor())
            if text:
                lines.append(text)
        else:
            run.append(ch.text_lexbor())
    flush()
    return lines


def _list_lines(node: LexborNode, structured: set[int], depth: int) -> list[str]:
    """One line per item of a list (``ul``/``ol``/``dl``), indented two spaces per nesting level."""
    lines: list[str] = []
    indent = "  " * depth
    for item in node.iter():
        if item.tag_id not in ITEM_IDS:
            continue
        if item.mem_id not in structured:  # the usual item: its mark and one paragraph
            text = squash_whitespace(item.text_lexbor())
            if text:
                lines.append(indent + text)
            continue
        item_lines = _block_lines(item, structured, depth + 1)
        # the item mark ("•", "1.", "(a)") is a line of its own before its paragraph
        if len(item_lines) > 1 and len(item_lines[0]) <= 5:
            item_lines[:2] = [f"{item_lines[0]} {item_lines[1]}"]
        lines += [indent + line for line in item_lines]
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
_LEVELS: dict[str, int | None] = {}  # class attribute -> level (first level class in it)


def read_sections(sections: list[LexborNode], structured: set[int] | None = None) -> list[dict]:
    """Every section level in document order; text = the section's own blocks, one per line
    (a block holding a list, code listing or ``pre`` — its id in `structured` — gives a line per
    item / code line, see :func:`_block_lines`)."""
    structured = structured or set()
    out = []
    for sec in sections:
        attrs = sec.attributes
        cls = attrs.get("class") or ""
        level = _section_level(cls)
        if level is None:  # bibliography, ltx_index…
            continue
        heading, heading_class, lines = _heading_and_lines(sec, structured)
        number, title = _number_and_title(heading, heading_class)
        out.append(
            {
                "id": attrs.get("id"),
                "number": number,
                "title": title or None,
                "level": level,
                "text": "\n".join(lines),
                "_appendix": "ltx_appendix" in class_set(cls),
            }
        )
    return out


def _section_level(cls: str) -> int | None:
    """Level of a section from its class attribute (first level class in it), cached."""
    level = _LEVELS.get(cls, -1)
    if level == -1:
        if len(_LEVELS) > 8192:
            _LEVELS.clear()
        names = cls.split()
        level = _LEVELS[cls] = next((_SECTION_LEVELS[c] for c in names if c in _SECTION_LEVELS), None)
    return level


def _heading_and_lines(
    sec: LexborNode, structured: set[int]
) -> tuple[LexborNode | None, str | None, list[str]]:
    """The section's heading (and its class attribute) and the text lines of its own blocks (not
    subsections or floats)."""
    heading = None
    heading_class = None
    lines: list[str] = []
    for child in sec.iter():
        tag_id = child.tag_id
        if tag_id in (SECTION, FIGURE):
            continue
        if heading is None and tag_id in HEADING_IDS:
            cls = child.attributes.get("class")
            if "ltx_title" in class_set(cls):
                heading = child
                heading_class = cls
                continue
        if not child.is_element_node:  # a comment: text() gave "", text_lexbor() its data
            continue
        if structured and child.mem_id in structured:
            lines += _block_lines(child, structured)
            continue
        t = squash_whitespace(child.text_lexbor())
        if t:
            lines.append(t)
    return heading, heading_class, lines


def _number_and_title(heading: LexborNode | None, heading_class: str | None) -> tuple[str | None, str | None]:
    """("3.1", "Setup") from a heading "3.1 Setup" (its ltx_tag span split off)."""
    if heading is None:
        return None, None
    title = node_text(heading)
    number = None
    tag_node = first_with_class(heading, "ltx_tag", classes=css_class_set(heading_class))
    if tag_node is not None:
        tag_text = node_text(tag_node)
        if title.startswith(tag_text):
            title = title[len(tag_text) :].strip()
        number = tag_text.removeprefix("Appendix").strip(" .:") or None
    return number, title
