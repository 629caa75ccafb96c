"""The crawl writes every answer into the web archive as it arrives (downloader middleware, settings
895: just below the HTTP cache at 900).

Where it sits decides what it sees. On the way back from the server, process_response runs from the
highest number down: the cache (900), then this (895), then redirects (600), decompression (590),
the body check (560) and retries (550). So every answer is recorded as it came off the wire —
compressed bodies compressed, a redirect as the 3xx it was, and each attempt once: a 429, a body cut
short and the good answer after them are three records, the last being the one the spider used.
Failed attempts without an answer (timeout, refused, robots.txt) reach process_exception here and
become `metadata` records saying why. An answer served by the HTTP cache (flag `cached`) is not
archived again: it already is, and the index says where (a rebuild finds it there). Requests the
spider did not make (robots.txt) carry no purpose and are not archived.

Files: one per listing day per crawl, `raw/date=YYYY-MM-DD/<crawl id>.warc.gz`, written under a
temporary name (`.<name>.<pid>.writing`) and moved into place — fsynced — when the spider closes the
day (signal `day_closing`, sent before the day's tables are written: a written day always has its
archive). Its index is written next (scraper/store/archive/index.py). A day still in progress when the
crawl stops is not finished: its temporary file is removed (or, after a kill, by the next crawl),
and no rebuild ever reads it. An undated request (the latest day) has no listing day until its
answer is parsed: its records wait in memory and go into the file of the day it named.

Each answer's time is also put in the request's meta (FETCHED_AT): the rows made from it carry it as
`crawled_at`, so a rebuild, which reads the time back from WARC-Date, writes the same value.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Self
from weakref import WeakKeyDictionary

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.http.headers import Headers
from twisted.python.failure import Failure

from scraper.fetch import stats
from scraper.fetch.cache_policy import CACHEABLE
from scraper.fetch.failures import describe_failure, failure_reason
from scraper.fetch.identity import crawl_id
from scraper.fetch.signals import day_closing
from scraper.store.archive.index import ArchiveIndex, Entry, closing_entry, day_urn, write_sidecar
from scraper.store.archive.keys import cache_key
from scraper.store.archive.warc import DROPPED_HEADERS, RecordMaker, payload_digest, record_id
from scraper.store.files import fsync_dir
from scraper.store.layout import Layout, tmp_path

logger = logging.getLogger(__name__)

PURPOSE = "purpose"  # request meta set by the spider: list, api, html or abs
# request meta set by the spider: the listing days an answer serves ([None]: the undated list, whose
# day is not known yet); it is archived in the first one's file
LISTING_DAYS = "listing_days"
FETCHED_AT = "fetched_at"  # request meta: when the answer the spider got was fetched (UTC)
ARCHIVE_SETTING = "HFPAPERS_ARCHIVE"
# The settings that shape a crawl's requests: a rebuild replays a day with the same ones.
REQUEST_SETTINGS = (
    "HFPAPERS_HF_BASE",
    "HFPAPERS_LISTING_PATH",
    "HFPAPERS_ARXIV_BASE",
    "HFPAPERS_ARXIV_API",
    "HFPAPERS_LIST_PAGE_SIZE",
    "HFPAPERS_MAX_LIST_PAGES",
    "HFPAPERS_MAX_LIST_BYTES",
    "HFPAPERS_ARXIV",
    "HFPAPERS_ARXIV_BATCH",
)

_indexes: WeakKeyDictionary[Any, ArchiveIndex] = WeakKeyDictionary()


def archive_index(crawler: Crawler) -> ArchiveIndex:
    """The archive index of a crawl's data folder: one per crawler, shared by the recorder and the
    cache (which answers from it)."""
    if crawler not in _indexes:
        _indexes[crawler] = ArchiveIndex(Layout.of(crawler.settings))
    return _indexes[crawler]


def now() -> datetime:
    return datetime.now(UTC)


def fetched_at(request_or_response: Request | Response) -> datetime | None:
    """When the answer the spider got for this request was fetched (None: not known)."""
    return request_or_response.meta.get(FETCHED_AT)


def _headers(headers: Headers) -> list[tuple[str, str]]:
    out = []
    for name, values in headers.items():
        if name.lower() in DROPPED_HEADERS:
            continue
        for value in values:
            out.append((name.decode("latin-1"), value.decode("latin-1")))
    return out


@dataclass
class DayFile:
    """One listing day's WARC file of this crawl, while it is written."""

    final: Path
    tmp: Path
    handle: BinaryIO
    filename: str  # relative to the data folder (what the index says)
    entries: list[Entry] = field(default_factory=list)

    def write(self, member: bytes) -> tuple[int, int]:
        offset = self.handle.tell()
        self.handle.write(member)
        return offset, len(member)


# One answer's records for one listing day, built once the day is known: (record, entry fields or
# None). The second argument: the answer's entry in the first day's file, when the answer serves
# several days (an arXiv API query for a batch of days); the others get a revisit record of it.
Pending = Callable[[date, "Entry | None"], list[tuple[Any, dict | None]]]


class ArchiveRecorder:
    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool(ARCHIVE_SETTING):
            raise NotConfigured
        self.crawler = crawler
        self.layout = Layout.of(crawler.settings)
        self.index = archive_index(crawler)
        self.crawl_id = crawl_id(crawler)
        self.maker = RecordMaker()
        self.files: dict[date, DayFile] = {}
        self.pending: list[Pending] = []  # answers to the undated request, until its day is known

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.close_day, signal=day_closing)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    # -- the middleware --------------------------------------------------------------------------

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if "cached" in response.flags or not request.meta.get(PURPOSE):
            return response  # archived already (the cache said when: FETCHED_AT) / not ours
        when = now()
        request.meta[FETCHED_AT] = when
        body = response.body
        digest = payload_digest(body)
        key = cache_key(request.url) if request.meta.pop(CACHEABLE, False) else None
        headers = _headers(response.headers)
        req_headers = _headers(request.headers)
        purpose = request.meta[PURPOSE]
        url, status, method = request.url, response.status, request.method

        def build(day: date, first: Entry | None) -> list[tuple[Any, dict | None]]:
            # `first`: this very answer, archived in the file of the first day it serves; else the
            # last answer to this URL archived for this listing day, when its payload is the same
            same = first
            if same is None and key is None:
                earlier = self.index.last_answer(url, day)
                original = self.index.original(earlier) if earlier is not None else None
                same = original if original is not None and original.digest == digest else None
            if same is not None:
                answer = self.maker.revisit(
                    url,
                    status,
                    headers,
                    digest,
                    (same.id, same.url, same.date),
                    when,
                    day,
                    purpose,
                    self.crawl_id,
                    same.filename,
                )
                kind: dict[str, str | None] = {
                    "type": "revisit",
                    "refers_to": same.id,
                    "refers_in": same.filename,
                }
            else:
                answer = self.maker.response(
                    url, status, headers, body, when, day, purpose, key, self.crawl_id
                )
                kind = {"type": "response", "key": key}
            request_record = self.maker.request(method, url, req_headers, when, day, purpose)
            request_record.rec_headers.add_header("WARC-Concurrent-To", record_id(answer))
            mime = (response.headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0].strip()
            entry = {**kind, "status": status, "mime": mime or None, "digest": digest}
            return [(answer, entry), (request_record, None)]

        self._record(request, build)
        self.crawler.stats.inc_value(stats.ARCHIVE_ANSWERS)
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        if not request.meta.get(PURPOSE):
            return None
        when = now()
        request.meta[FETCHED_AT] = when
        failure = Failure(exception)
        failure.request = request  # type: ignore[attr-defined]
        fields = {
            "fetch-failure": failure_reason(failure),
            "description": describe_failure(failure),
            "exception": f"{type(exception).__name__}: {exception}",
        }
        purpose, url, method = request.meta[PURPOSE], request.url, request.method
        req_headers = _headers(request.headers)

        def build(day: date, first: Entry | None) -> list[tuple[Any, dict | None]]:
            request_record = self.maker.request(method, url, req_headers, when, day, purpose)
            note = self.maker.metadata(url, when, fields, day, purpose, record_id(request_record))
            return [(request_record, None), (note, {"type": "failure"})]

        self._record(request, build)
        self.crawler.stats.inc_value(stats.ARCHIVE_FAILURES)
        return None

    # -- files -----------------------------------------------------------------------------------

    def _record(self, request: Request, build: Pending) -> None:
        days = request.meta.get(LISTING_DAYS) or [None]
        if days[0] is None:
            self.pending.append(build)  # the undated request: its day is not known yet
            return
        # An answer serving several days (the batch's arXiv API query) is archived whole in the file
        # of the first of them, which is finished first (days close in order), and as a revisit
        # record in each other day's file, so that every day's file replays alone.
        first = self._write(self._file(days[0]), days[0], build)
        for day in days[1:]:
            self._write(self._file(day), day, build, first)

    def _write(
        self, day_file: DayFile, day: date, build: Pending, first: Entry | None = None
    ) -> Entry | None:
        """Write one answer's records into a day's file; returns the answer's index entry."""
        answer: Entry | None = None
        for record, entry in build(day, first):
            offset, length = day_file.write(self.maker.member(record))
            if entry is not None:
                rec = record.rec_headers
                day_file.entries.append(
                    Entry(
                        url=rec.get_header("WARC-Target-URI"),
                        date=datetime.fromisoformat(rec.get_header("WARC-Date").replace("Z", "+00:00")),
                        filename=day_file.filename,
                        offset=offset,
                        length=length,
                        id=record_id(record),
                        day=day,
                        purpose=rec.get_header("Hfpapers-Purpose"),
                        **entry,
                    )
                )
                answer = day_file.entries[-1]
        return answer

    def _file(self, day: date) -> DayFile:
        if day in self.files:
            return self.files[day]
        final = self.layout.warc_file(day, self.crawl_id)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = tmp_path(final)
        day_file = DayFile(final, tmp, open(tmp, "wb"), self.layout.relative(final))  # noqa: SIM115
        settings = self.crawler.settings
        book = getattr(self.crawler.spider, "days", None)
        undated = bool(self.pending) and (book is None or book.asked_undated(day))
        superseded = list(getattr(book, "superseded", {}).get(day, []))
        info = {
            "software": "hfpapers (scraper/store/archive; warcio)",
            "format": "WARC File Format 1.1",
            "crawl-id": self.crawl_id,
            "listing-date": day.isoformat(),
            # How the day's list was asked for: undated (the latest day; its answers wait in
            # `pending` until the day is known) or by date. A rebuild asks the same way.
            "requested": "latest" if undated else "date",
            "source": getattr(getattr(self.crawler.spider, "plan", None), "source", "api"),
            # the maintainer confirmed the day's list really shrank: a rebuild judges it alike
            "accept-shrunk": "yes"
            if getattr(getattr(self.crawler.spider, "plan", None), "accept_shrunk", False)
            else "no",
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            **{f"setting-{name}": str(settings.get(name)) for name in REQUEST_SETTINGS},
        }
        if superseded:
            # a resumed job's redo of a day these crawls of the job were closing when interrupted:
            # their appended rows are replaced (scraper/fetch/day_book.py); a rebuild does the same
            info["supersedes"] = " ".join(superseded)
        day_file.write(self.maker.member(self.maker.warcinfo(final.name, now(), info)))
        self.files[day] = day_file
        if undated:
            for build in self.pending:  # the undated request's answers belong to the day it named
                self._write(day_file, day, build)
            self.pending.clear()
        return day_file

    def close_day(
        self, listing_date: date, outcome: str, reason: str = "", requested: str = "", **_: Any
    ) -> None:
        """The day is over (its tables are about to be written): finish its file, atomically."""
        if listing_date not in self.files and not (self.pending and requested == "latest"):
            return  # nothing was fetched for it (a resumed or empty undated day)
        day_file = self._file(listing_date)
        fields = {"listing-date": listing_date.isoformat(), "outcome": outcome, "requested": requested}
        if reason:
            fields["reason"] = reason
        fields["crawl-id"] = self.crawl_id
        note = self.maker.metadata(day_urn(listing_date), now(), fields, listing_date)
        offset, length = day_file.write(self.maker.member(note))
        # indexed too: a rebuild's cache lookups take what was archived before the day closed
        day_file.entries.append(closing_entry(note, day_file.filename, offset, length, listing_date))
        day_file.handle.flush()
        os.fsync(day_file.handle.fileno())
        day_file.handle.close()
        os.replace(day_file.tmp, day_file.final)
        fsync_dir(day_file.final.parent)
        del self.files[listing_date]
        try:
            write_sidecar(day_file.final, day_file.entries)
        except OSError as exc:  # the WARC is whole; its index is made again when next needed
            logger.warning("the index of %s could not be written (%s)", day_file.final, exc)
        self.index.add(day_file.entries)
        logger.info("archived %s (%d answers)", day_file.final, len(day_file.entries))

    def spider_closed(self, spider: Spider | None = None, reason: str = "") -> None:
        """Days still open did not finish: their files are not trusted, so they go. Then the pages
        index takes in this crawl's files (and any an earlier, killed crawl left)."""
        for day, day_file in list(self.files.items()):
            day_file.handle.close()
            day_file.tmp.unlink(missing_ok=True)
            logger.info(
                "%s: the crawl stopped (%s) before the day was done; its archive file is dropped", day, reason
            )
        self.files.clear()
        self.pending.clear()
        try:
            self.index.write_pages(self.crawl_id)
        except OSError as exc:  # derived: the next crawl reads the files it lacks from their indexes
            logger.warning("the archive's pages index could not be updated (%s)", exc)
