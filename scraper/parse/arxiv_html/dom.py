"""Tree plumbing shared by the arXiv HTML readers: the MathML pre-pass and the Lexbor parse,
whitespace squashing, cached class sets, tag ids and a few node walks.

(:func:`squash_whitespace` lives in :mod:`scraper.parse.text`, shared with the derived rows.)

Speed rules that every reader follows (measured with ``bench/bench_arxiv_html.py``):
``text_lexbor()`` (one C call) rather than ``text()``; :func:`squash_whitespace` rather than
``" ".join(text.split())``; tag ids rather than tag names; class attributes split once and cached.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse.text import squash_whitespace

# --------------------------------------------------------------------------------------------
# Byte-level pre-pass: MathML -> TeX spans

_MATH_OPEN = b"<math"
_MATH_CLOSE = b"</math>"
_MATH_NAME_END = (b" ", b">", b"\n", b"\t", b"\r", b"/")
_ALTTEXT = re.compile(rb"""\balttext\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DISPLAY_BLOCK = re.compile(rb"""\bdisplay\s*=\s*["']block["']""")
# The end of a start tag: the first '>' outside quotes (the loop unrolled: runs of other bytes
# are taken at once, ~1.3x fewer instructions than one alternation per byte).
_TAG_END = re.compile(rb"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
# The usual LaTeXML start tags, <math alttext="…" class=… display=… id=…> (0.8.8) and <math id=…
# class=… alttext="…" display=… intent=…> (oxide, later LaTeXML), only double quotes: one match
# gives the TeX and the end of the tag. (The general path takes the first "alttext" of the tag, so
# this one only stands when the id and class before it hold no "alttext": see _strip_math.)
_MATH_START = re.compile(
    rb"""<math(?P<pre> id="[^"]*" class="[^"]*")? alttext="([^"]*)"[^>"']*(?:"[^"]*"[^>"']*)*>"""
)
# Bytes an alttext can start with when its text may match a tables._STYLE_TEX pattern: whitespace
# or NUL (the parser drops NUL), then non-ASCII (Unicode space), an entity, or a backslash
# and one of the command names, or an entity/NUL soon after the backslash.
_TEX_FONT_LEAD = re.compile(
    rb"[ \t\n\r\x0b\x0c\x1c-\x1f\x00]*(?:[\x80-\xff&]|\\(?:bf|bm|boldsymbol|emph|it|mathbf|mathit|pmb"
    rb"|textbf|textit|underline|[^&\x00]{0,11}[&\x00]))"
)
# The bytes such a TeX can start with (a quick test before the pattern): as above.
_FONT_LEAD_FIRST = frozenset(
    bytes([b]) for b in b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x00&\\" + bytes(range(0x80, 0x100))
)
_TEX_SPANS = {
    (False, False): b'<span class="ltx_tex">',
    (True, False): b'<span class="ltx_tex ltx_tex_block">',
    (False, True): b'<span class="ltx_tex ltx_fontcmd">',
    (True, True): b'<span class="ltx_tex ltx_tex_block ltx_fontcmd">',
}


# The rest of a start tag (after "<math") in one of LaTeXML's two usual layouts, every attribute
# in its place, in double quotes (group: the alttext, then "block"/"inline"):
# <math alttext=… class=… display=… id=…[ intent=…]> (0.8.8) and, with the id and class before
# the alttext as groups, <math id=… class=… alttext=… display=… intent=…> (oxide, later LaTeXML).
# No value holds "<" (so the first "</math>" after the tag is the first after "<math", as the
# general path finds it) and only the alttext may hold a quote (so the display attribute alone can
# make the tag a block for _DISPLAY_BLOCK, unless the alttext does: see _strip_usual_math). The
# "<" of the alttexts, the longest values, is looked for in all of them at once: a character set
# costs more per byte in a pattern than the one character of [^"]*.
_PLAIN = rb'"[^"\'<]*"'
_USUAL_TAGS = (
    re.compile(
        rb' alttext="([^"]*)" class=' + _PLAIN + rb' display="([a-z]+)" id=' + _PLAIN
        + rb"(?: intent=" + _PLAIN + rb")?>"
    ),
    re.compile(
        rb' id="([^"\'<]*)" class="([^"\'<]*)" alttext="([^"]*)" display="([a-z]+)" intent='
        + _PLAIN + rb">"
    ),
)  # fmt: skip
# _DISPLAY_BLOCK without its \b: every hit of that one is a hit of this one
_DISPLAY = re.compile(rb"""display\s*=\s*["']block["']""")


def _strip_math(body: bytes) -> tuple[bytes, int, bool]:
    """Replace each ``<math>`` element by a ``span.ltx_tex`` holding its alttext.

    Returns (new bytes, number of math elements, whether any ``<math`` text is left in the new
    bytes). A math element without ``alttext`` is left as it is (handled after parsing).
    A page whose math is all in one of LaTeXML's usual layouts takes the split path
    (:func:`_strip_usual_math`: one C call finds every element); any other page the general
    path (:func:`_strip_any_math`), which reads every start tag (first '>' outside quotes, first
    alttext attribute). Both give the same bytes for the usual page.
    """
    pieces = body.split(_MATH_OPEN)
    if len(pieces) == 1:
        return body, 0, False
    stripped = _strip_usual_math(pieces)
    if stripped is None:
        return _strip_any_math(body)
    return stripped, len(pieces) - 1, False


def _strip_usual_math(pieces: list[bytes]) -> bytes | None:
    """_strip_any_math() of a page cut into `pieces` at every "<math", when the rest of every start
    tag is in one layout of _USUAL_TAGS and the piece holds the element's "</math>"; None for
    any other page."""
    for layout in _USUAL_TAGS:
        if layout.match(pieces[1]) is not None:
            break
    else:
        return None
    match = layout.match
    before_alttext = layout.groups == 4
    out = [pieces[0]]
    texts: list[bytes] = []  # the alttexts, and the ids and classes before them
    for k in range(1, len(pieces)):
        piece = pieces[k]
        m = match(piece)
        if m is None:
            return None
        j = piece.find(_MATH_CLOSE, m.end())
        if j == -1:
            return None
        if before_alttext:
            id_, class_, tex, display = m.groups()
            texts += (id_, class_, tex)
        else:
            tex, display = m.groups()
            texts.append(tex)
        styled = tex[:1] in _FONT_LEAD_FIRST and _TEX_FONT_LEAD.match(tex) is not None
        out += (_TEX_SPANS[display == b"block", styled], tex, b"</span>", piece[j + 7 :])
    # The general path takes a tag's first alttext (an id or class before it must hold none), and
    # finds display="block" anywhere in the tag (the alttext must hold none): checked at once,
    # with the "<" no alttext may hold.
    all_texts = b"\n".join(texts)
    if (
        b"<" in all_texts
        or _DISPLAY.search(all_texts) is not None
        or (before_alttext and all_texts.count(b"alttext"))
    ):
        return None
    return b"".join(out)


def _strip_any_math(body: bytes) -> tuple[bytes, int, bool]:
    """_strip_math() of any page: start tags in the usual layout take one regex match; others
    are read by their first '>' outside quotes and their first alttext attribute."""
    out: list[bytes] = []
    pos = 0
    count = 0
    leftover = False
    find = body.find
    fast = _MATH_START.match
    i = find(_MATH_OPEN)
    while i != -1:
        m = fast(body, i)
        if m is not None and ((pre := m.group(1)) is None or b"alttext" not in pre):
            end = m.end()
            tex = m.group(2)
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
        if tex is None:
            alt = _ALTTEXT.search(body[i:end])
            if alt is None:
                leftover = True
                i = find(_MATH_OPEN, j)
                continue
            tex = alt.group(1) if alt.group(1) is not None else alt.group(2)
        if b"<" in tex:
            tex = tex.replace(b"<", b"&lt;")
        block = find(b"block", i, end) != -1 and _DISPLAY_BLOCK.search(body, i, end) is not None
        # TeX that may start with a font command (\mathbf…, see tables._STYLE_TEX) gets the class
        # ltx_fontcmd, so that the table style query finds it with the [class*="ltx_f"] it
        # already has (see tables._TABLE_FIG_SEL) instead of one more selector. A superset: after
        # whitespace/NUL (which the parser drops), a backslash and a command name, or anything
        # an entity or a non-ASCII character could turn into one.
        styled = tex[:1] in _FONT_LEAD_FIRST and _TEX_FONT_LEAD.match(tex) is not None
        out += (body[pos:i], _TEX_SPANS[block, styled], tex, b"</span>")
        pos = j + len(_MATH_CLOSE)
        i = find(_MATH_OPEN, pos)
    if not out:
        return body, count, leftover
    out.append(body[pos:])
    return b"".join(out), count, leftover


def prepare(body: bytes) -> tuple[LexborHTMLParser, int]:
    """Math pre-pass then the Lexbor parse. Returns (tree, number of math).

    ``<br>`` still needs a space before it (see :func:`space_breaks`).
    """
    stripped, n_math, leftover = _strip_math(body)
    tree = LexborHTMLParser(stripped)
    if leftover:  # only math without alttext survives the pre-pass
        for m in tree.css("math"):
            ann = m.css_first('annotation[encoding="application/x-tex"]')
            m.replace_with(" " + (ann.text_lexbor() if ann is not None else m.text_lexbor()) + " ")
    return tree, n_math


def space_breaks(brs: list[LexborNode]) -> None:
    """A text node " " before each ``<br>``: it has no text, so "line one<br/>line two" would
    otherwise run together. (Done on the tree: a bytes.replace over the page cost ~0.9 ms.)"""
    for br in brs:
        br.insert_before(" ")


def node_text(node: LexborNode | None) -> str:
    """Squashed text of a node ('' for None).

    Throughout, ``text_lexbor()`` (Lexbor's textContent, one C call) replaces ``text()``: the same
    string for an element (all descendant text nodes, undecodable bytes as U+FFFD) without
    text()'s per-call Python accumulator, ~1/3 cheaper on small nodes. Not for comments (it
    returns their data, text() ""), which iter() also yields: callers skip non-elements.
    """
    if node is None:
        return ""
    return squash_whitespace(node.text_lexbor())


def class_attr(node: LexborNode) -> str:
    return node.attributes.get("class") or ""


def attr(node: LexborNode, name: str) -> str | None:
    """One attribute's value (None when the node has none, or is no element, e.g. a comment):
    ``attrs`` decodes that attribute alone, where ``attributes`` would decode every attribute
    (ids, styles…) into a dict."""
    try:
        return node.attrs[name]
    except (KeyError, TypeError):
        return None


NO_CLASSES: frozenset[str] = frozenset()
CLASS_SETS: dict[str, frozenset[str]] = {}


def class_set(cls: str | None) -> frozenset[str]:
    """Class attribute -> set of class names, cached (a page repeats a few hundred strings)."""
    if not cls:
        return NO_CLASSES
    toks = CLASS_SETS.get(cls)
    if toks is None:
        if len(CLASS_SETS) > 8192:
            CLASS_SETS.clear()
        toks = CLASS_SETS[cls] = frozenset(cls.split())
    return toks


def classes_of(node: LexborNode) -> frozenset[str]:
    return class_set(node.attributes.get("class"))


# Where a CSS class selector is replaced by a Python test, the class attribute must be split
# the way CSS does, on ASCII whitespace only: str.split() also splits at an em space or \x0b.
# (Both agree on every LaTeXML page. Quirks-mode pages, without a doctype, would also match
# class names case-insensitively in CSS; arXiv pages always have one.)
_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")
_CSS_TOKENS: dict[str, frozenset[str]] = {}


def css_class_set(cls: str | None) -> frozenset[str]:
    """Class attribute -> the class names a CSS class selector sees, cached."""
    if not cls:
        return NO_CLASSES
    toks = _CSS_TOKENS.get(cls)
    if toks is None:
        if len(_CSS_TOKENS) > 8192:
            _CSS_TOKENS.clear()
        toks = _CSS_TOKENS[cls] = frozenset(_HTML_SPACE.split(cls)) - {""}
    return toks


def css_classes_of(node: LexborNode) -> frozenset[str]:
    return css_class_set(node.attributes.get("class"))


def css_classes_of_classed(node: LexborNode) -> frozenset[str]:
    """css_classes_of() for a node that almost surely has a class attribute: ``attrs.get`` skips
    the dict of all attributes but raises (and catches) KeyError inside when there is none."""
    return css_class_set(node.attrs.get("class"))


def classes_of_classed(node: LexborNode) -> frozenset[str]:
    """classes_of() for a node that almost surely has a class attribute: ``attrs.get`` skips the
    dict of all attributes but raises (and catches) KeyError inside when there is none."""
    return class_set(node.attrs.get("class"))


def has_class(node: LexborNode, cls: str) -> bool:
    return cls in classes_of(node)


def tag_ids(*names: str) -> tuple[int, ...]:
    """Lexbor's ids of HTML tag names: comparing ``tag_id`` skips building the name string."""
    probe = LexborHTMLParser("")
    return tuple(probe.create_node(name).tag_id for name in names)


TD, TH, TR, THEAD, TABLE, FIGURE, FIGCAPTION = tag_ids(
    "td", "th", "tr", "thead", "table", "figure", "figcaption"
)
SECTION, DIV, SPAN, SUP, BR, IMG, LI, A = tag_ids("section", "div", "span", "sup", "br", "img", "li", "a")
ROW_GROUP_IDS = frozenset(tag_ids("thead", "tbody", "tfoot"))
HEADING_IDS = frozenset(tag_ids("h1", "h2", "h3", "h4", "h5", "h6"))
UL, OL, DL, PRE, CITE, P = tag_ids("ul", "ol", "dl", "pre", "cite", "p")
BASE = tag_ids("base")[0]
LIST_IDS = frozenset((UL, OL, DL))
# the class attributes _strip_math gives its math spans
TEX_CLASSES = frozenset(tag[13:-2].decode() for tag in _TEX_SPANS.values())
ITEM_IDS = frozenset(tag_ids("li", "dt", "dd"))


def first_element_child(node: LexborNode) -> LexborNode | None:
    child = node.first_child
    while child is not None and not child.is_element_node:
        child = child.next
    return child


def first_with_class(
    node: LexborNode, cls: str, tag: str | None = None, classes: frozenset[str] | None = None
) -> LexborNode | None:
    """``node.css_first(f"{tag or ''}.{cls}")`` with a fast path for the usual layout, where
    the match is the node's first element child (css_first costs ~1.5 µs, mostly selector
    compilation). The node itself comes first in document order, so it is checked first.
    `tag` may only be "span" (compared by tag id); `classes`: the node's css_classes_of(), when
    the caller has read them already."""
    if classes is None:
        classes = css_classes_of(node)
    if (tag is None or node.tag_id == SPAN) and cls in classes:
        return node
    child = first_element_child(node)
    if child is None:  # no element below the node at all
        return None
    if (tag is None or child.tag_id == SPAN) and cls in css_classes_of(child):
        return child
    return node.css_first(f"{tag or ''}.{cls}")


def is_under(node: LexborNode, root_id: int, stop_id: int | None = None) -> bool:
    """True when `node` is the node with mem_id `root_id` or one of its descendants. `stop_id`: a
    node known to hold both (or to be the root): the walk up ends there instead of at the document
    root."""
    p: LexborNode | None = node
    while p is not None:
        pid = p.mem_id
        if pid == root_id:
            return True
        if pid == stop_id:
            return False
        p = p.parent
    return False


def top_level(nodes: list[LexborNode], cls: str) -> list[LexborNode]:
    """Nodes not nested inside another ``figure`` with class `cls`."""
    out = []
    for n in nodes:
        p = n.parent
        nested = False
        while p is not None:
            if p.tag_id == FIGURE and cls in classes_of_classed(p):
                nested = True
                break
            p = p.parent
        if not nested:
            out.append(n)
    return out


# LaTeXML leaves the arguments of a colour command it could not run as plain text right after its
# ltx_ERROR span: "\cellcolor" + "[HTML]E19898 30.3". The colour is no content: its model and
# spec are dropped with the span (an HTML hex code, numbers for rgb/gray/cmyk, or a name with its
# "!20" mixes). A command that takes content after the colour (\textcolor, \colorbox) keeps it.
# The error span holds the macro's name, sometimes with its colour model ("\cellcolor[HTML]").
_COLOUR_ERROR = re.compile(
    r"\\(?:cellcolor|rowcolor|columncolor|color|textcolor|colorbox|arrayrulecolor)\s*(\[\s*([A-Za-z]{1,5})\s*\])?"
)
_COLOUR_ARG = re.compile(
    r"\s*(?:\[\s*HTML\s*\]\s*[0-9A-Fa-f]{6}(?![0-9A-Fa-f])"
    r"|\[\s*[A-Za-z]{1,5}\s*\]\s*\d*\.?\d+(?:\s*,\s*\d*\.?\d+)*"
    r"|[A-Za-z]+(?:!\d+(?:\.\d+)?(?:![A-Za-z]+)?)*(?![A-Za-z]))"
)
# what is left when the model was inside the error span: the spec alone
_COLOUR_SPEC = {
    "HTML": re.compile(r"\s*[0-9A-Fa-f]{6}(?![0-9A-Fa-f])"),
    "other": re.compile(r"\s*\d*\.?\d+(?:\s*,\s*\d*\.?\d+)*"),
}


def drop_errors(errors: list[LexborNode]) -> None:
    """Take LaTeXML's conversion-error spans (``span.ltx_ERROR``: an undefined macro's name such as
    ``\\cellcolor``) out of the tree, with the colour argument a colour command leaves behind in
    the text right after it (see _COLOUR_ARG): neither is text the paper shows. (Decomposing a
    node inside a subtree already taken out, a removed note, is a no-op.)"""
    for e in errors:
        colour = _COLOUR_ERROR.fullmatch(e.text_lexbor().strip())
        if colour is not None:
            after = e.next
            if after is not None and after.is_text_node:
                text = after.text_lexbor()
                model = colour.group(2)
                if model is None:
                    m = _COLOUR_ARG.match(text)
                else:
                    m = _COLOUR_SPEC["HTML" if model == "HTML" else "other"].match(text)
                if m is not None and m.end() > 0:
                    after.replace_with(text[m.end() :] or " ")
        e.decompose()


_SUPERSCRIPTS = str.maketrans(
    "0123456789abcdefghijklmnoprstuvwxyz+-=()",
    "⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ⁺⁻⁼⁽⁾",
)


def superscript(mark: str) -> str:
    """A footnote mark as the superscript a reader sees ("1" -> "¹", "a" -> "ᵃ", "†" stays)."""
    return mark.translate(_SUPERSCRIPTS)


def in_table_cell(node: LexborNode) -> bool:
    """The node sits inside a table cell (td/th) of the page."""
    p = node.parent
    while p is not None:
        tag_id = p.tag_id
        if tag_id in (TD, TH):
            return True
        if tag_id in (FIGURE, SECTION):
            return False
        p = p.parent
    return False
