"""A listing day's list, assembled from its pages and judged before it may replace what is written.

Hugging Face pages the daily_papers API (`limit` ≤ 100 per page, `p` 0-based, default page size 50;
docs/sources.md §2). A day is complete when a page comes back empty or brings no id not seen on an
earlier page — not merely when a page is shorter than asked, since a server that caps the page size
below our `limit` would cut the day again.

Before a day's partitions are replaced, its new list is judged against what is already written: an
empty answer, a list of mostly unusable entries, or a list that lost most of the papers already
written for the day is *suspicious* — the day counts as failed and its partitions stay as they were.
A paper that really left the list (seen: 38 → 37 papers two days later) leaves the day's `papers`;
the verdict names it so the spider can log it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scraper.parsers.hf_daily_api import DailyList, entries_to_daily_list

# A list with more than this share of unusable entries (not objects, no paper, no arXiv id) is not
# trusted: archives have served lists of Python repr() strings instead of objects.
MAX_UNUSABLE_SHARE = 0.2
# A new list holding fewer than this share of the papers already written for the day is not trusted
# to replace them (papers do leave lists, but one or two, not most of them).
MIN_KEPT_SHARE = 0.5


def entry_id(entry: Any) -> str | None:
    """The `paper.id` of a daily entry, or None when the entry has none."""
    if isinstance(entry, dict) and isinstance(entry.get("paper"), dict):
        value = entry["paper"].get("id")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


@dataclass
class PagedList:
    """The entries of one day's list, page by page, without repeats."""

    entries: list[Any] = field(default_factory=list)
    page_url: dict[str, str] = field(default_factory=dict)  # each id seen -> URL of the page it was on
    pages: int = 0
    repeated: int = 0  # entries whose id an earlier page already had (the list moved while paging)

    def add_page(self, entries: list[Any], url: str = "") -> int:
        """Add one page; return how many entries brought an id not seen before. Entries without an
        id are kept (they become rejects with a reason) but never count as new."""
        self.pages += 1
        new = 0
        for entry in entries:
            arxiv_id = entry_id(entry)
            if arxiv_id is not None and arxiv_id in self.page_url:
                self.repeated += 1
                continue
            if arxiv_id is not None:
                self.page_url[arxiv_id] = url
                new += 1
            self.entries.append(entry)
        return new

    def daily_list(self, listing_date: date | None) -> DailyList:
        return entries_to_daily_list(self.entries, listing_date)


@dataclass(frozen=True)
class Verdict:
    """Whether a day's new list may replace the day's partitions; `problem` says why not."""

    problem: str | None = None
    left: tuple[str, ...] = ()  # papers written before that are no longer on the list

    @property
    def ok(self) -> bool:
        return self.problem is None


def judge(daily: DailyList, written: set[str]) -> Verdict:
    """Judge a complete list against the ids already written for its day (`papers` partition)."""
    usable, unusable = len(daily.records), len(daily.rejects)
    total = usable + unusable
    if total == 0:
        if written:
            return Verdict(f"the list came back empty, but {len(written)} papers are already written")
        return Verdict()
    if unusable / total > MAX_UNUSABLE_SHARE:
        return Verdict(
            f"{unusable} of {total} entries are unusable (more than "
            f"{MAX_UNUSABLE_SHARE:.0%}); the answer is not trusted"
        )
    new_ids = {record["arxiv_id"] for record in daily.records}
    kept = len(written & new_ids)
    if written and kept < MIN_KEPT_SHARE * len(written):
        return Verdict(
            f"the list holds only {kept} of the {len(written)} papers already written "
            f"(and {usable - kept} new ones); the answer is not trusted"
        )
    return Verdict(left=tuple(sorted(written - new_ids)))
