"""A listing day's list, assembled from its pages and judged before it may replace what is written.

Hugging Face pages the daily_papers API (`limit` ≤ 100 per page, `p` 0-based, default page size 50;
docs/sources.md §2). A day is complete when a page comes back empty or brings no id not seen on an
earlier page — not merely when a page is shorter than asked, since a server that caps the page size
below our `limit` would cut the day again.

Before a day's partitions are replaced, its new list is judged against what is already written: an
empty answer, a list of mostly unusable entries, or a list that lost more than a few of the papers
already written for the day is *suspicious* — the day counts as failed and its partitions stay as
they were. A paper that really left the list (seen: 38 → 37 papers two days later) leaves the day's
`papers`; the verdict names it so the spider can log it. A list that really shrank more than that is
accepted only when the maintainer says so for the days of that run (`-a accept_shrunk=yes`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scraper.parse.hf_daily_api import DailyList, entries_to_daily_list

# A list with more than this share of unusable entries (not objects, no paper, no arXiv id) is not
# trusted: archives have served lists of Python repr() strings instead of objects.
MAX_UNUSABLE_SHARE = 0.2
# How many of a day's written papers a new list may lack and still replace the day: papers do leave
# lists, but one at a time (every recorded re-capture of a day lost 0 or 1: 2026-05-08 went 38 -> 37,
# the three captures of 2026-02-27 kept all 28, 2024-08-01 kept its 11 and grew to 13). So at most
# MAX_LEFT papers, or MAX_LEFT_SHARE of a large day (7 of 130), whichever is more.
MAX_LEFT = 3
MAX_LEFT_SHARE = 0.05


def allowed_to_leave(written: int) -> int:
    """How many of `written` papers a day's new list may lack and still be trusted."""
    return max(MAX_LEFT, math.ceil(MAX_LEFT_SHARE * written))


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
    entry_url: dict[int, str] = field(default_factory=dict)  # id() of each kept entry -> its page's URL
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
            self.entry_url[id(entry)] = url
        return new

    def url_of(self, entry: Any) -> str | None:
        """The URL of the page an entry (as kept here, e.g. a reject's raw entry) came from."""
        return self.entry_url.get(id(entry))

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


def judge(daily: DailyList, written: set[str], accept_shrunk: bool = False) -> Verdict:
    """Judge a complete list against the ids already written for its day (`papers` partition).
    `accept_shrunk`: the maintainer confirmed that the day's list really lost papers."""
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
    left = tuple(sorted(written - new_ids))
    if len(left) > allowed_to_leave(len(written)) and not accept_shrunk:
        return Verdict(
            f"the list lacks {len(left)} of the {len(written)} papers already written (at most "
            f"{allowed_to_leave(len(written))} may leave a day); the answer is not trusted — if the list "
            "really shrank, crawl the day again with -a accept_shrunk=yes",
            left,
        )
    return Verdict(left=left)
