"""Authors of an arXiv HTML page (the ``authors`` column: name, affiliations, emails), from
whichever of LaTeXML's author layouts the page uses."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from .dom import first_with_class, node_text, squash_whitespace


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
            name = _NAME_TRIM.sub("", squash_whitespace(text))
            if name:
                names.append((name, marks))
        elif after_sup:
            mark = squash_whitespace(toks[i - 1][1]).strip()
            affils[mark] = _NAME_TRIM.sub("", squash_whitespace(text))
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
    lines: list[str] = []
    cur: list[str] = []
    for kind, text in raw:
        if kind == "br":
            lines.append("".join(cur))
            cur = []
        elif kind == "text":
            cur.append(text)
    lines.append("".join(cur))
    return [x for x in (squash_whitespace(t) for t in lines) if x]


def _split_names(line: str) -> list[str]:
    parts = re.split(r",|;|\band\b|&", line) if ("," in line or " and " in line) else [line]
    return [p for p in (squash_whitespace(x) for x in parts) if p and not _EMAIL.fullmatch(p)]


def read_authors(article: LexborNode) -> list[dict]:
    """Authors with affiliations/emails from whichever of the known layouts the page uses."""
    box = article.css_first("div.ltx_authors")
    if box is None:
        return []
    creators = box.css(".ltx_creator.ltx_role_author") or box.css(".ltx_creator")
    if len(creators) == 1:
        person = first_with_class(creators[0], "ltx_personname")
        if person is not None:
            numbered = _numbered_authors(person)
            if numbered:
                return numbered
    authors: list[dict] = []
    for cr in creators:
        authors += _creator_authors(cr)
    return authors


def _creator_authors(creator: LexborNode) -> list[dict]:
    """The authors of one ``ltx_creator`` block (several when its personname lists several)."""
    person = first_with_class(creator, "ltx_personname")  # css_first, usually without a query
    if person is None:
        return []
    affs = _affiliations(creator)
    emails = _emails(creator)
    lines = _person_lines(person)
    if not lines:
        return []
    names = _split_names(lines[0])
    rest = lines[1:]
    emails += [e for line in rest for e in _EMAIL.findall(line) if e not in emails]
    if not affs:  # "Name <br> Affiliation <br> email" written inside the personname
        affs = [line for line in rest if not _EMAIL.search(line)]
    one = len(names) == 1
    return [{"name": name, "affiliations": list(affs), "emails": emails if one else []} for name in names]


def _affiliations(creator: LexborNode) -> list[str]:
    affs = []
    for a in creator.css(".ltx_role_affiliation"):
        for lab in a.css(".ltx_contact_name"):
            lab.decompose()
        t = node_text(a)
        if t:
            affs.append(t)
    return affs


def _emails(creator: LexborNode) -> list[str]:
    emails = []
    for e in creator.css(".ltx_role_email"):
        link = e.css_first('a[href^="mailto:"]')
        addr = (link.attributes.get("href") or "")[7:] if link is not None else ""
        if not addr:
            found = _EMAIL.search(node_text(e))
            addr = found.group(0) if found else ""
        if addr:
            emails.append(addr)
    return emails
