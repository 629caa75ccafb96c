"""The card's overview figure: papers per listing day, and the distribution of upvotes (PNG)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date
from pathlib import Path

UPVOTE_BUCKETS: tuple[tuple[int, int | None, str], ...] = (  # [low, high) and label
    (0, 1, "0"),
    (1, 5, "1–4"),
    (5, 10, "5–9"),
    (10, 20, "10–19"),
    (20, 50, "20–49"),
    (50, 100, "50–99"),
    (100, 200, "100–199"),
    (200, 500, "200–499"),
    (500, None, "500+"),
)


def upvote_histogram(upvotes: Sequence[int]) -> list[tuple[str, int]]:
    return [
        (label, sum(1 for v in upvotes if v >= low and (high is None or v < high)))
        for low, high, label in UPVOTE_BUCKETS
    ]


def draw_overview(papers_per_day: dict[date, int], upvotes: Sequence[int], path: Path) -> None:
    """Two panels: papers per listing day, and how many papers got how many upvotes (PNG)."""
    # The object API with an explicit Agg canvas: no pyplot state, no display needed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 3.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    per_day, distribution = figure.subplots(1, 2, width_ratios=(3, 2))

    days = sorted(papers_per_day)
    positions = list(range(len(days)))
    per_day.bar(positions, [papers_per_day[d] for d in days], width=0.8, color="#ff9d00")
    step = max(1, len(days) // 8)  # at most ~8 date labels, however many days
    per_day.set_xticks(positions[::step], [d.isoformat() for d in days[::step]], rotation=30, ha="right")
    per_day.set_title(f"Papers per listing day ({len(days)} days, {sum(papers_per_day.values())} rows)")
    per_day.set_ylabel("papers")
    per_day.grid(axis="y", alpha=0.3)

    buckets = upvote_histogram(upvotes)
    distribution.bar([label for label, _ in buckets], [n for _, n in buckets], color="#4a6fe3")
    distribution.set_title(f"Upvotes per paper row (median {_median(upvotes)})")
    distribution.set_xlabel("upvotes")
    distribution.set_ylabel("paper rows")
    distribution.tick_params(axis="x", labelrotation=30)
    distribution.grid(axis="y", alpha=0.3)

    # No "Software" entry: the bytes depend on the data, not on the matplotlib version string.
    figure.savefig(path, format="png", metadata={"Software": None})


def _median(values: Sequence[int]) -> str:
    return f"{statistics.median(values):g}" if values else "n/a"
