"""What is moving, from `ratings`: each paper's upvote curve, and the papers whose upvotes rose most.

`ratings` holds one row per paper per crawl of its listing day (append-only), so a paper's rows,
ordered by `crawled_at`, are its upvote curve. A paper listed on two days of the period has the
snapshots of both days in one curve (upvotes belong to the paper, not to the listing).

Rises are measured up to the digest's "now": the latest crawl in the period's `ratings`.

* since the previous crawl — the paper's latest snapshot minus the one before it;
* over the last 24 hours and the last 7 days — the latest snapshot minus the last one taken at or
  before now − 24 h (7 d). A paper first seen inside the window is measured from its first
  snapshot (it had no earlier count on Hugging Face's list to compare with).

Only rises (> 0) are listed, largest first; equal rises keep the digest's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

TOP_RISERS = 5


@dataclass(frozen=True)
class Snapshot:
    crawled_at: datetime
    upvotes: int


@dataclass(frozen=True)
class Rise:
    arxiv_id: str
    gain: int
    before: Snapshot
    after: Snapshot


@dataclass(frozen=True)
class Window:
    title: str  # "Since the previous crawl", "Last 24 hours", "Last 7 days"
    said: str  # the same in a sentence: "since its previous crawl", "over the last 24 hours"
    rises: list[Rise]  # largest first, at most TOP_RISERS


@dataclass
class Rising:
    curves: dict[str, list[Snapshot]] = field(default_factory=dict)  # per arxiv_id, oldest first
    windows: list[Window] = field(default_factory=list)
    now: datetime | None = None  # the latest crawl in `ratings`
    crawls: int = 0  # distinct crawl times in `ratings` for the papers shown
    note: str | None = None  # why there is nothing to compare, in words for the reader

    @property
    def biggest(self) -> tuple[Window, Rise] | None:
        """The first window's top riser (the rise since the previous crawl, else the next window's)."""
        for window in self.windows:
            if window.rises:
                return window, window.rises[0]
        return None


WINDOWS: tuple[tuple[str, str, timedelta | None], ...] = (
    ("Since the previous crawl", "since its previous crawl", None),
    ("Last 24 hours", "over the last 24 hours", timedelta(hours=24)),
    ("Last 7 days", "over the last 7 days", timedelta(days=7)),
)


def curves(ratings: pd.DataFrame | None, arxiv_ids: Sequence[str]) -> dict[str, list[Snapshot]]:
    """Each paper's snapshots with known upvotes, oldest first (one per crawl time)."""
    if ratings is None or ratings.empty:
        return {}
    wanted = ratings[ratings["arxiv_id"].isin(list(arxiv_ids)) & ratings["upvotes"].notna()]
    wanted = wanted.sort_values(["arxiv_id", "crawled_at"], kind="stable")
    wanted = wanted.drop_duplicates(["arxiv_id", "crawled_at"], keep="last")
    found: dict[str, list[Snapshot]] = {}
    for arxiv_id, crawled_at, upvotes in zip(
        wanted["arxiv_id"].tolist(),
        wanted["crawled_at"].tolist(),
        wanted["upvotes"].tolist(),
        strict=True,
    ):
        found.setdefault(arxiv_id, []).append(Snapshot(crawled_at.to_pydatetime(), int(upvotes)))
    return found


def _since(curve: list[Snapshot], start: datetime | None) -> Snapshot | None:
    """The snapshot a rise is measured from: the one before the latest (start None), else the last
    one at or before `start`, else the first one."""
    if len(curve) < 2:
        return None
    if start is None:
        return curve[-2]
    before = [snapshot for snapshot in curve if snapshot.crawled_at <= start]
    return before[-1] if before else curve[0]


def rising(ratings: pd.DataFrame | None, arxiv_ids: Sequence[str]) -> Rising:
    """Curves and top risers of the papers `arxiv_ids` (in digest order: it breaks ties)."""
    found = curves(ratings, arxiv_ids)
    if not found:
        return Rising(note="no upvote snapshot of these papers in the ratings table")
    now = max(curve[-1].crawled_at for curve in found.values())
    crawls = len({snapshot.crawled_at for curve in found.values() for snapshot in curve})
    result = Rising(curves=found, now=now, crawls=crawls)
    if all(len(curve) < 2 for curve in found.values()):
        result.note = (
            f"one upvote snapshot per paper so far (latest crawl {now:%Y-%m-%d %H:%M} UTC), "
            "nothing to compare yet"
        )
        return result
    place = {arxiv_id: i for i, arxiv_id in enumerate(arxiv_ids)}
    for title, said, span in WINDOWS:
        rises = []
        for arxiv_id, curve in found.items():
            start = _since(curve, None if span is None else now - span)
            if start is not None and curve[-1].upvotes > start.upvotes:
                rises.append(Rise(arxiv_id, curve[-1].upvotes - start.upvotes, start, curve[-1]))
        rises.sort(key=lambda rise: (-rise.gain, place[rise.arxiv_id]))
        result.windows.append(Window(title, said, rises[:TOP_RISERS]))
    return result
