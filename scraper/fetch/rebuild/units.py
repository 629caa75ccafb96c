"""What a rebuild replays: the archived crawls of each listing day (*units*), in the order they ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from scraper.fetch.archive_recorder import REQUEST_SETTINGS
from scraper.fetch.identity import CRAWL_ID
from scraper.store.archive.index import CLOSED, file_entries
from scraper.store.archive.warc import ArchiveDamaged, decompress_member, parse_member
from scraper.store.layout import Layout
from scraper.store.partitions import appended_crawls


@dataclass(frozen=True)
class Unit:
    """One crawl's answers for one listing day: one WARC file."""

    day: date
    warc: Path
    crawl_id: str
    start: datetime  # its warcinfo's WARC-Date
    requested: str  # "latest" (asked undated) or "date"
    source: str  # "api" or "html"
    settings: dict[str, str]  # the crawl's settings that shaped its requests
    accept_shrunk: bool = False  # the crawl was told the day's list really shrank
    # when the crawl closed the day (its closing record; older files: `start`): the crawl's cache
    # held what was archived before — the day's pages were fetched after the batch's lists
    closed: datetime | None = None
    supersedes: tuple[str, ...] = ()  # crawls of the day whose appended rows this one replaced
    api_queries: tuple[str, ...] = ()  # the arXiv API queries whose answers served the day

    @property
    def cache_before(self) -> datetime:
        return self.closed or self.start


class UnitError(Exception):
    """A WARC file whose first record (its warcinfo) cannot be read: the day cannot be replayed."""


def read_unit(day: date, warc: Path) -> Unit:
    try:
        with open(warc, "rb") as handle:
            head = handle.read(1 << 16)
        raw, _ = decompress_member(head)
        info = parse_member(raw)
    except (OSError, ArchiveDamaged) as exc:
        raise UnitError(f"{warc}: its warcinfo record is unreadable ({exc})") from None
    if info.type != "warcinfo":
        raise UnitError(f"{warc}: does not start with a warcinfo record")
    fields = info.fields()
    settings = {name: fields[f"setting-{name}"] for name in REQUEST_SETTINGS if f"setting-{name}" in fields}
    crawl_id = fields.get("crawl-id") or warc.name.split(".")[0]
    supersedes = tuple(fields.get("supersedes", "").split())
    for crawl in (crawl_id, *supersedes):
        if not CRAWL_ID.match(crawl):  # it names files and rows: never a path
            raise UnitError(f"{warc}: {crawl!r} is not a crawl id")
    entries = file_entries(warc, Layout(warc.parents[2]), heal=False)
    closed = next((e.date for e in entries if e.type == CLOSED), None)
    queries = tuple(dict.fromkeys(e.url for e in entries if e.purpose == "api"))
    return Unit(
        day,
        warc,
        crawl_id,
        info.date,
        fields.get("requested", "date"),
        fields.get("source", "api"),
        settings,
        fields.get("accept-shrunk") == "yes",
        closed,
        supersedes,
        queries,
    )


def units_by_day(
    layout: Layout, start: date | None = None, end: date | None = None
) -> dict[date, list[Path]]:
    """The WARC files of each archived listing day in [start, end], in crawl order."""
    days: dict[date, list[Path]] = {}
    for day, warc in layout.warc_files(start, end):
        days.setdefault(day, []).append(warc)
    return days


def unarchived_crawls(layout: Layout, day: date, crawl_ids: set[str]) -> list[str]:
    """Crawls whose ratings snapshots `day` holds but that left no archive: their rows cannot be
    derived again (the day was crawled before the archive existed). The crawls come from the day
    file's list of appended crawls (scraper/store/partitions.py), or the names of an older version's files."""
    found = []
    for path in layout.partition_files("ratings", day):
        for crawl, _rows in appended_crawls(path):
            if crawl and crawl not in crawl_ids:
                found.append(crawl)
    return sorted(set(found))
