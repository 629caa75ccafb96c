"""What a built release holds: the numbers the card and the figure are drawn from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from scraper.use.release.licence import LicenceCounts


@dataclass
class TableRelease:
    name: str
    rows: int = 0
    files: list[str] = field(default_factory=list)  # paths relative to the release folder
    days: list[date] = field(default_factory=list)
    size_bytes: int = 0


@dataclass
class ReleaseSummary:
    tables: dict[str, TableRelease]
    licence: LicenceCounts
    papers_per_day: dict[date, int]
    upvotes: list[int]
    repo_id: str | None

    @property
    def first_day(self) -> date:
        return min(self.papers_per_day)

    @property
    def last_day(self) -> date:
        return max(self.papers_per_day)
