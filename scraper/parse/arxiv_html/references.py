"""Notes and the bibliography of an arXiv HTML page: the ``footnotes`` column (other notes such
as ``\\thanks`` go to ``extra``) and the ``references`` column (tag, text, arXiv ids, DOIs, URLs)."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from scraper.parse.arxiv_id import ID as ID_GRAMMAR

from .dom import (
    SUP,
    A,
    class_attr,
    css_class_set,
    css_classes_of_classed,
    in_table_cell,
    is_under,
    node_text,
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
            junk = [j for j in junk if is_under(j, cid)]
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


def read_references(items: list[LexborNode]) -> list[dict]:
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
            toks = css_class_set(attrs.get("class"))
            if tag_node is None and "ltx_tag_bibitem" in toks:
                tag_node = n
            if first_tag is None and "ltx_tag" in toks:
                first_tag = n
            if "ltx_bibblock" in toks:
                blocks.append(n)
            if "href" in attrs and n.tag_id == A:
                links.append(attrs["href"])
        tag = node_text(tag_node or first_tag) or None
        text = " ".join(t for t in (node_text(b) for b in blocks) if t) if blocks else node_text(item)
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
            arxiv_ids = list(dict.fromkeys(m.group(1) for m in _ARXIV_REF.finditer(hay)))
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
