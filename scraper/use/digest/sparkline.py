"""A paper's upvote curve as a small inline SVG (HTML) and as words (Markdown, Atom, screen readers).

The x axis is time (crawls far apart are far apart), the y axis upvotes from the curve's lowest to
its highest value; a flat curve is drawn at mid height, a single snapshot as a dot. The SVG carries
`role="img"` and an `aria-label` that says what the drawing shows, so it is never the only way to
read the values.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from scraper.use.digest.rising import Snapshot

WIDTH, HEIGHT, PAD = 96, 24, 3
MAX_POINTS_SAID = 6  # a longer curve is said as first, lowest, highest and last


def when(snapshot: Snapshot) -> str:
    return f"{snapshot.crawled_at:%Y-%m-%d %H:%M} UTC"


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def curve_text(curve: Sequence[Snapshot]) -> str:
    """First and last values with their dates: `12 (2025-10-02 08:00 UTC) → 292 (… UTC), 4 snapshots`."""
    first, last = curve[0], curve[-1]
    if len(curve) == 1:
        return f"{first.upvotes:,} ({when(first)}), one snapshot"
    return f"{first.upvotes:,} ({when(first)}) → {last.upvotes:,} ({when(last)}), {len(curve)} snapshots"


def curve_label(curve: Sequence[Snapshot]) -> str:
    """The text equivalent of the drawing: every point of a short curve, the landmarks of a long one."""
    if len(curve) == 1:
        return (
            f"Upvotes: {_count(curve[0].upvotes, 'upvote', 'upvotes')} at the only snapshot, {when(curve[0])}"
        )
    if len(curve) <= MAX_POINTS_SAID:
        points = [f"{s.upvotes:,} on {when(s)}" for s in curve]
        return f"Upvotes over {len(curve)} snapshots: " + ", ".join(points)
    low = min(curve, key=lambda s: s.upvotes)
    high = max(curve, key=lambda s: s.upvotes)
    return (
        f"Upvotes over {len(curve)} snapshots: {curve[0].upvotes:,} on {when(curve[0])}, lowest "
        f"{low.upvotes:,}, highest {high.upvotes:,}, {curve[-1].upvotes:,} on {when(curve[-1])}"
    )


def _points(curve: Sequence[Snapshot]) -> list[tuple[float, float]]:
    start, end = curve[0].crawled_at, curve[-1].crawled_at
    span = (end - start).total_seconds()
    low = min(s.upvotes for s in curve)
    high = max(s.upvotes for s in curve)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    points = []
    for snapshot in curve:
        x = PAD + (inner_w * (snapshot.crawled_at - start).total_seconds() / span if span else inner_w)
        y = PAD + (inner_h / 2 if high == low else inner_h * (high - snapshot.upvotes) / (high - low))
        points.append((round(x, 1), round(y, 1)))
    return points


def sparkline_svg(curve: Sequence[Snapshot]) -> str:
    """The inline SVG of a curve (at least one snapshot)."""
    points = _points(curve)
    last_x, last_y = points[-1]
    line = ""
    if len(points) > 1:
        line = f'<polyline points="{" ".join(f"{x:g},{y:g}" for x, y in points)}"/>'
    return (
        f'<svg class="spark" role="img" aria-label="{escape(curve_label(curve))}" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">'
        f'{line}<circle cx="{last_x:g}" cy="{last_y:g}" r="2"/></svg>'
    )
