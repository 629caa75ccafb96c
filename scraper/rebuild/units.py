"""What a rebuild replays: the archived crawls of each listing day (*units*), in the order they ran."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from scraper.archive.recorder import REQUEST_SETTINGS
from scraper.archive.warc import ArchiveDamaged, decompress_member, parse_member
from scraper.crawl.identity import CRAWL_ID
from scraper.layout import Layout, snapshot_crawl_id
from scraper.schema.registry import APPEND_ONLY


@dataclass(frozen=True)
class Unit:
    """One crawl's answers for one listing day: one WARC file."""

    day: date
    warc: Path
    crawl_id: str
    start: datetime  # its warcinfo's WARC-Date: the cache held only what was archived before
    requested: str  # "latest" (asked undated) or "date"
    source: str  # "api" or "html"
    settings: dict[str, str]  # the crawl's settings that shaped its requests
    accept_shrunk: bool = False  # the crawl was told the day's list really shrank


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
    if not CRAWL_ID.match(crawl_id):  # it names files: never a path
        raise UnitError(f"{warc}: {crawl_id!r} is not a crawl id")
    return Unit(
        day,
        warc,
        crawl_id,
        info.date,
        fields.get("requested", "date"),
        fields.get("source", "api"),
        settings,
        fields.get("accept-shrunk") == "yes",
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
    """Crawls that wrote `day`'s append-only files (ratings snapshots) but left no archive: their rows
    cannot be derived again (the day was crawled before the archive existed)."""
    found = []
    for table in sorted(APPEND_ONLY):
        for path in layout.partition_files(table, day):
            crawl = snapshot_crawl_id(path.name)
            if crawl and crawl not in crawl_ids:
                found.append(crawl)
    return sorted(set(found))
