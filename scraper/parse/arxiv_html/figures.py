"""Figures of an arXiv HTML page (the ``figures`` column: id, label, caption, image sources), and
the caption reader that table records share."""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from .dom import FIGCAPTION, attr, first_with_class, squash_whitespace, top_level


def caption_of(figure: LexborNode, tag_class: str) -> tuple[str | None, str | None]:
    """(label, caption) of a figure: its own figcaption, tag span text split off."""
    cap = None
    for child in figure.iter():
        if child.tag_id == FIGCAPTION:
            cap = child
            break
    if cap is None:
        cap = figure.css_first("figcaption")
    if cap is None:
        return None, None
    full = squash_whitespace(cap.text_lexbor())
    tag = first_with_class(cap, tag_class, "span") or first_with_class(cap, "ltx_tag", "span")
    label = None
    if tag is not None:
        tag_text = squash_whitespace(tag.text_lexbor())
        label = tag_text.rstrip(":").strip() or None
        if full.startswith(tag_text):
            full = full[len(tag_text) :].strip()
    return label, full or None


def read_figures(figures: list[LexborNode], imgs: list[LexborNode], root_id: int) -> list[dict]:
    """Figure records; `figures` = every figure.ltx_figure, `imgs` = every img under the root."""
    top = top_level(figures, "ltx_figure")
    srcs: dict[int, list[str]] = {f.mem_id: [] for f in top}
    for img in imgs:  # each img goes to its top-level figure, if any (document order kept)
        p = img.parent
        while p is not None:
            pid = p.mem_id
            found = srcs.get(pid)
            if found is not None:
                found.append(attr(img, "src") or "")  # (attrs: see dom.attr)
                break
            if pid == root_id:
                break
            p = p.parent
    out = []
    for fig in top:
        label, caption = caption_of(fig, "ltx_tag_figure")
        out.append(
            {
                "id": fig.id,
                "label": label,
                "caption": caption,
                "images": [i for i in srcs[fig.mem_id] if i and not i.startswith("data:")],
            }
        )
    return out
