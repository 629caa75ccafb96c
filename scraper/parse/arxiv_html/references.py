"""Notes and the bibliography of an arXiv HTML page: the ``footnotes`` column (other notes such
as ``\\thanks`` go to ``extra``) and the ``references`` column (tag, text, arXiv ids, DOIs, URLs)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from scraper.parse.arxiv_id import ID as ID_GRAMMAR

from .dom import (
    SUP,
    A,
    attr,
    class_attr,
    css_class_set,
    css_classes_of_classed,
    first_element_child,
    in_table_cell,
    is_under,
    node_text,
    squash_whitespace,
    superscript,
)

_FOOTNOTE_ROLES = ("ltx_role_footnote", "ltx_role_footnotetext")
# The parts of a note pull_notes needs, in one query per note.
_NOTE_PARTS = "sup.ltx_note_mark, .ltx_note_content, .ltx_tag_note, .ltx_note_type"


def pull_notes(notes: list[LexborNode]) -> tuple[list[dict], list[dict]]:
    """Collect then remove every ``span.ltx_note`` (`notes`, in document order) so notes never
    leak into running text.

    Returns (footnotes [{mark, text}], other notes [{role, text}] such as ``\\thanks``).
    """
    footnotes: list[dict] = []
    others: list[dict] = []
    for note in notes:
        if note.parent is None:  # inside a note removed before
            continue
        cls = class_attr(note).split()
        note_id = note.mem_id
        mark_node = content = None
        junk: list[LexborNode] = []  # sup.ltx_note_mark, .ltx_tag_note, .ltx_note_type
        last = 0
        for n in note.css(_NOTE_PARTS):
            nid = n.mem_id
            if nid == last:
                continue
            last = nid
            toks = css_classes_of_classed(n)
            is_mark = "ltx_note_mark" in toks and n.tag_id == SUP
            if is_mark and mark_node is None:
                mark_node = n
            if content is None and "ltx_note_content" in toks:
                content = n
            if is_mark or "ltx_tag_note" in toks or "ltx_note_type" in toks:
                junk.append(n)
        mark = node_text(mark_node) or None
        if content is None:
            content = note
        else:  # only the junk inside the content (the node itself included)
            cid = content.mem_id
            junk = [j for j in junk if is_under(j, cid, note_id)]
        for j in junk:
            j.decompose()
        text = node_text(content)
        if any(r in cls for r in _FOOTNOTE_ROLES):
            footnotes.append({"mark": mark, "text": text})
        else:
            role = next((c[9:] for c in cls if c.startswith("ltx_role_")), None)
            others.append({"role": role, "text": text})
        if mark and in_table_cell(note):
            note.replace_with(superscript(mark))  # a table cell shows the mark: "GPT-4¹", "85.3²"
        else:
            note.decompose()
    return footnotes, others


_ARXIV_REF = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|arXiv:\s*|arXiv\s+preprint\s+)"
    rf"({ID_GRAMMAR})(?:v\d+)?",
    re.I,
)
# The same, for ASCII text lowered: re.I reads ASCII text as the lowered text is read without it
# (classes and literals lowered), at a fraction of the cost; the group's span is the id's span in
# the text. ("arxiv" is then a literal prefix the regex engine skips to.)
_ARXIV_REF_ASCII = re.compile(_ARXIV_REF.pattern.lower())
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_DOI_TRAIL = ".,;:)]}"
# Everything a bibitem needs (see _bib_parts for the queries that usually find it).
_BIB_PARTS = ".ltx_tag_bibitem, .ltx_tag, .ltx_bibblock, a[href]"

# What read_references needs of a bibitem: its tag node, its bibblocks, the href values of its links
_Parts = tuple[LexborNode | None, list[LexborNode], list[str | None]]


def _parts_of(hits: list[LexborNode]) -> _Parts:
    """The parts of a bibitem from the hits of its query for _BIB_PARTS, told apart by class."""
    tag_node = first_tag = None
    blocks: list[LexborNode] = []
    links: list[str | None] = []
    last = 0
    for n in hits:
        nid = n.mem_id
        if nid == last:  # reported once per matching selector
            continue
        last = nid
        attrs = n.attributes
        toks = css_class_set(attrs.get("class"))
        if tag_node is None and "ltx_tag_bibitem" in toks:
            tag_node = n
        if first_tag is None and "ltx_tag" in toks:
            first_tag = n
        if "ltx_bibblock" in toks:
            blocks.append(n)
        if "href" in attrs and n.tag_id == A:
            links.append(attrs["href"])
    return tag_node or first_tag, blocks, links


def _bib_parts(items: list[LexborNode]) -> list[_Parts]:
    """``[_parts_of(item.css(_BIB_PARTS)) for item in items]``, with one query for the blocks and
    links of all items on the list holding them when they are exactly its element children (the
    usual ``ul.ltx_biblist``; each css() call costs ~20k instructions before any matching, and
    each selector a walk's worth of tests). A node that query finds is a block unless it is an
    ``<a>``; the tag is looked for as :func:`_tag_of` does."""
    parent = items[0].parent if len(items) > 1 else None
    if parent is not None:
        index = {item.mem_id: k for k, item in enumerate(items)}
        if [c.mem_id for c in parent.iter()] == list(index):
            out: list[_Parts] = []
            for item, found in zip(items, _by_item(parent, ".ltx_bibblock, a[href]", index), strict=True):
                # the item is one of its own parts when its classes say so
                own = css_class_set(attr(item, "class"))
                blocks = [item] if "ltx_bibblock" in own else []
                links: list[str | None] = []
                for n in found:
                    if n.tag_id != A:  # found by .ltx_bibblock alone
                        blocks.append(n)
                        continue
                    attrs = n.attrs
                    if "ltx_bibblock" in css_class_set(attrs.get("class")):
                        blocks.append(n)
                    if "href" in attrs:
                        links.append(attrs["href"])
                out.append((_tag_of(item, own), blocks, links))
            return out
    return [_parts_of(item.css(_BIB_PARTS)) for item in items]


def _tag_of(item: LexborNode, own: frozenset[str]) -> LexborNode | None:
    """The first node of class ltx_tag_bibitem in document order, the item itself first, else the
    first of class ltx_tag (`own`: the item's classes). That is usually the item's first element
    child, the first node below it in document order: a query only when it is not."""
    if "ltx_tag_bibitem" in own:
        return item
    child = first_element_child(item)
    if child is None:  # nothing below the item
        return item if "ltx_tag" in own else None
    toks = css_class_set(attr(child, "class"))
    if "ltx_tag_bibitem" in toks:
        return child
    tag = item.css_first(".ltx_tag_bibitem")
    if tag is not None:
        return tag
    if "ltx_tag" in own:
        return item
    if "ltx_tag" in toks:
        return child
    return item.css_first(".ltx_tag")


def _by_item(parent: LexborNode, selector: str, index: dict[int, int]) -> list[list[LexborNode]]:
    """The nodes ``parent.css(selector)`` finds below each item (mem_id -> k in `index`), each
    once: with the items in the same query, in document order, every node from item k up to
    item k+1 is inside item k."""
    found: list[list[LexborNode]] = [[] for _ in index]
    k = -1
    last = 0
    for n in parent.css("li.ltx_bibitem, " + selector):
        nid = n.mem_id
        if nid == last:  # reported once per matching selector
            continue
        last = nid
        j = index.get(nid)
        if j is not None:
            k = j
        elif k >= 0:
            found[k].append(n)
    return found


def read_references(items: list[LexborNode]) -> list[dict]:
    refs = []
    for item, (tag_node, blocks, links) in zip(items, _bib_parts(items) if items else [], strict=True):
        tag = node_text(tag_node) or None
        # the squashed texts of the blocks, the empty ones left out, joined by spaces: the blocks'
        # texts joined by spaces, squashed once (stripped first: LaTeXML ends every block with
        # blank lines, and each run of spaces costs the squash a pass)
        text = (
            squash_whitespace(" ".join([b.text_lexbor().strip() for b in blocks]))
            if blocks
            else node_text(item)
        )
        if not blocks and tag and text.startswith(tag):
            text = text[len(tag) :].strip()
        urls: list[str] = []
        for href in links:
            href = (href or "").strip()
            if href.startswith(("http://", "https://", "ftp://")) and href not in urls:
                urls.append(href)
        hay = text + " " + " ".join(urls)
        # Both regexes scan slowly (an IGNORECASE alternation, a leading \b) and every match
        # starts with a literal, so start at its first occurrence. ASCII text is read lowered
        # (_ARXIV_REF_ASCII); other text with IGNORECASE, which also folds e.g. a dotless ı.
        if hay.isascii():
            lowered = hay.lower()
            start = lowered.find("arxiv")
            arxiv_ids = (
                list(
                    dict.fromkeys(
                        hay[m.start(1) : m.end(1)] for m in _ARXIV_REF_ASCII.finditer(lowered, start)
                    )
                )
                if start != -1
                else []
            )
        else:
            # IGNORECASE matches an "a", "r", "x", "i" or "v" at that letter in either case, and
            # an "i" also at a dotless ı or a dotted İ: without those two, a match starts where
            # the text encoded to ASCII (any other character one "?", so at the same index) and
            # lowered holds "arxiv" (str.lower() costs ~50 instructions a character here)
            start = 0 if "ı" in hay or "İ" in hay else hay.encode("ascii", "replace").lower().find(b"arxiv")
            arxiv_ids = (
                list(dict.fromkeys(m.group(1) for m in _ARXIV_REF.finditer(hay, start)))
                if start != -1
                else []
            )
        start = hay.find("10.")
        dois = (
            list(dict.fromkeys(m.group(1).rstrip(_DOI_TRAIL) for m in _DOI.finditer(hay, start)))
            if start != -1
            else []
        )
        refs.append(
            {
                "id": item.id,
                "tag": tag,
                "text": text,
                "arxiv_ids": arxiv_ids,
                "dois": dois,
                "urls": urls,
            }
        )
    return refs
