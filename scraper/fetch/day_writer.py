"""What the day book (scraper/fetch/day_book.py) asks of the writer when it closes a listing day.

The writer is an item pipeline (pipelines/write.py) that subclasses DayWriter; the day book finds it
with `crawler.get_item_pipeline(DayWriter)` and calls it directly — the day's outcome comes back as a
`WrittenDay`, and an exception from the writer is the day's failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from scraper.fetch.items import Reject


@dataclass(frozen=True)
class WrittenDay:
    """The rows written per table of a completed day (empty: the day had nothing to write)."""

    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FailedDay:
    """A day that is not written: why, where its rejects go, and the rejects no pipeline saw."""

    listing_date: dt.date | None  # None: the undated request, whose listing day is unknown
    reason: str
    filed_under: dt.date | None  # the day its rejects are written under
    rejects: tuple[Reject, ...] = ()  # failures that reached no pipeline (an exception, a failed write)
    supersedes: Collection[str] = ()  # crawls of the day whose appended rows this crawl replaces


class DayWriter:
    """Writes a closed listing day's partitions (or, for a failed day, only its rejects); a base
    class, so that `crawler.get_item_pipeline(DayWriter)` finds the pipeline that writes."""

    def write_day(
        self, day: dt.date, supersedes: Collection[str] = (), kept: Mapping[str, str] | None = None
    ) -> WrittenDay:
        """Write every table of a completed day. `supersedes`: crawls of the day whose rows this
        crawl replaces in the append-only tables; `kept`: papers whose page rows the day already
        holds (arxiv_id -> page URL). Raises when the day could not be written."""
        raise NotImplementedError

    def drop_day(self, failed: FailedDay) -> None:
        """A failed day: its partitions stay as they are; only its rejects are added."""
        raise NotImplementedError
