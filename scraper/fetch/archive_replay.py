"""A rebuild's network: every request is answered from the archive (downloader middleware in the
recorder's place, 895), so the real spider, its middlewares, the judge and the writer run on the
answers the crawl got, with no network.

One archived crawl of one listing day (a *unit*: one WARC file) is replayed at a time. A request
gets the last answer its URL has in the unit's file — the crawl recorded every attempt, and the last
one is what the spider used; a revisit record's payload is read from its original (an arXiv API
answer that served several days is whole in the first day's file, a revisit in the others'). A
request the unit has no answer for was answered by the crawl's cache: the index gives the latest
page archived under its cache key, in another file, before the unit's day was closed — the crawl
fetched a day's pages after every other day before it in the batch was closed, and no later day's
page was fetched before it (scraper/fetch/day_book.py). An archived failure
(timeout, robots.txt…) fails again, with the crawl's reason and words, so its reject is the same.
An answer that is missing or unreadable fails the request with reason `archive_missing` /
`archive_damaged` and the file and offset in the reject's detail; the rest of the day goes on.
Retries are off in a rebuild: the archive holds the outcome each request ended with.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from scraper.fetch import stats
from scraper.fetch.archive_cache import response_from_record
from scraper.fetch.archive_recorder import FETCHED_AT
from scraper.fetch.failures import ArchivedFailure
from scraper.store.archive.index import ArchiveIndex, Entry, file_entries
from scraper.store.archive.keys import cache_key
from scraper.store.archive.warc import ArchiveDamaged, ArchivedRecord, read_record
from scraper.store.layout import Layout

logger = logging.getLogger(__name__)

REPLAY_DATA = "HFPAPERS_REPLAY_DATA"  # the data folder whose archive is replayed
REPLAY_WARC = "HFPAPERS_REPLAY_WARC"  # the unit: one WARC file in it
REPLAY_BEFORE = "HFPAPERS_REPLAY_BEFORE"  # when the unit's day closed (ISO): the cache held what came before
MISSING, DAMAGED = "archive_missing", "archive_damaged"
STAT_ANSWERS, STAT_MISSING, STAT_DAMAGED = (stats.REPLAY + what for what in ("answers", "missing", "damaged"))


@cache
def shared_index(root: str) -> ArchiveIndex:
    """The archive index of `root`, loaded once per process (a rebuild worker replays many units)."""
    return ArchiveIndex(Layout(Path(root)), heal=False)


@cache
def unit_answers(root: str, warc: str) -> dict[str, Entry]:
    """URL -> the last answer it got in one WARC file."""
    last: dict[str, Entry] = {}
    for entry in file_entries(Path(warc), Layout(Path(root)), heal=False):
        last[entry.url] = entry
    return last


class ArchiveReplay:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.get(REPLAY_WARC):
            raise NotConfigured
        self.crawler = crawler
        self.root = Path(settings.get(REPLAY_DATA))
        self.warc = Path(settings.get(REPLAY_WARC))
        self.before = datetime.fromisoformat(settings.get(REPLAY_BEFORE))
        self.index = shared_index(str(self.root))
        self.own = unit_answers(str(self.root), str(self.warc))
        self.own_name = self.index.layout.relative(self.warc)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> Response:
        entry = self.own.get(request.url)
        if entry is None:
            key = cache_key(request.url)
            if key is not None:
                entry = self.index.cached(key, before=self.before, other_than=self.own_name)
        if entry is None:
            self.crawler.stats.inc_value(STAT_MISSING)
            logger.error("%s: no archived answer in %s nor in the cache", request.url, self.warc)
            raise ArchivedFailure(MISSING, f"no archived answer for {request.url} in {self.own_name}")
        request.meta[FETCHED_AT] = entry.date
        if entry.type == "failure":
            fields = self._read(entry).fields()
            raise ArchivedFailure(fields.get("fetch-failure", "fetch_failed"), fields.get("description", ""))
        record = self._read(entry)
        body = None
        if entry.type == "revisit":
            original = self.index.original(entry)
            if original is None:
                self.crawler.stats.inc_value(STAT_MISSING)
                where = f"{entry.filename} at offset {entry.offset}"
                raise ArchivedFailure(MISSING, f"the original of the revisit record {where} is missing")
            body = self._read(original).payload
        self.crawler.stats.inc_value(STAT_ANSWERS)
        return response_from_record(record, request.url, body)

    def _read(self, entry: Entry) -> ArchivedRecord:
        path = self.root / entry.filename
        try:
            return read_record(path, entry.offset, entry.length)
        except ArchiveDamaged as exc:
            self.crawler.stats.inc_value(STAT_DAMAGED)
            logger.error("damaged archive record: %s at offset %d: %s", entry.filename, entry.offset, exc)
            raise ArchivedFailure(DAMAGED, f"{entry.filename} at offset {entry.offset}: {exc}") from None
