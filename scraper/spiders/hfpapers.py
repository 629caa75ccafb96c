"""The `hfpapers` spider: schedules requests and routes responses to parsers. No parsing here.

Listing days are crawled one after another: a day's list is requested, every request it leads to
runs, and when the engine goes idle the day is complete — the spider then tells the Parquet writer
(signal `day_completed`) and schedules the next day. Idle is the one moment Scrapy guarantees that
nothing of the day is still in flight (retries included), so no counting of requests is needed.

Resume (`-s JOBDIR=DIR`): once a day's partitions are in place, the day is appended to a journal in
DIR (`DayJournal`, fsynced). A later run with the same JOBDIR skips the days in the journal and
redoes the rest from their lists — also after a SIGKILL, when Scrapy's own saved state is stale.
The day that was in progress is fetched again from its HF list and arXiv API query (neither is ever
cached); its versioned arXiv pages come from the HTTP cache.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import scrapy
from scrapy import signals
from scrapy.core.scheduler import Scheduler
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.job import job_dir
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from scraper.args import RunPlan, plan_run
from scraper.commands.crawl import FAILED_DAYS_STAT
from scraper.derive import abstract_claims, fulltext_derived
from scraper.files import fsync_dir
from scraper.items import Reject, TableRow
from scraper.middlewares import BODY_KIND, BodyCheckFailed
from scraper.parsers.arxiv_abs import fulltext_from_abs, parse_abs
from scraper.parsers.arxiv_atom import atom_query_url, parse_atom
from scraper.parsers.arxiv_html import parse_html
from scraper.parsers.errors import ParseError
from scraper.parsers.hf_daily_api import DailyList, parse_daily_api
from scraper.parsers.hf_listing_html import parse_listing_html
from scraper.signals import day_completed, day_failed

logger = logging.getLogger(__name__)

# arXiv identifiers as HF lists them (no version): new style 2501.11120, old style hep-th/9901001.
ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})$")
# Full-text statuses for which the abs page is fetched instead (it still has the metadata).
ABS_FALLBACK = ("conversion_failed", "no_html")
JOURNAL_NAME = "hfpapers-days.jsonl"  # in JOBDIR


class DayJournal:
    """The days a job has finished, one JSON line each (in JOBDIR).

    A line is appended, flushed and fsynced only after the day's partitions are in place (or the day
    turned out to have no list), so after any crash — SIGKILL included — a day in the journal is
    complete on disk and a day not in it is redone. A line cut short by a crash is ignored (that day
    is redone). Failed days are not journaled: a resumed job tries them again."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def finished(self, source: str, data_dir: str) -> dict[date, str]:
        """Days finished for this source and data folder -> outcome ("written" or "empty")."""
        done: dict[date, str] = {}
        if not self.path.exists():
            return done
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                day = date.fromisoformat(entry["day"])
            except (ValueError, KeyError, TypeError):
                continue
            if entry.get("source") == source and entry.get("data_dir") == data_dir:
                done[day] = str(entry.get("outcome"))
        return done

    def record(self, day: date, source: str, data_dir: str, rows: dict[str, int]) -> None:
        entry = {"day": day.isoformat(), "source": source, "data_dir": data_dir,
                 "outcome": "written" if rows else "empty", "rows": rows,
                 "at": datetime.now(UTC).isoformat(timespec="seconds")}
        created = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab") as handle:
            if not created and handle.tell() and not self._ends_with_newline():
                handle.write(b"\n")  # a crash cut the last line short: start a fresh one
            handle.write(json.dumps(entry, sort_keys=True).encode() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        if created:
            fsync_dir(self.path.parent)

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) == b"\n"


class MemoryQueueScheduler(Scheduler):
    """Scrapy's scheduler, with its request queue in memory even when JOBDIR is set.

    With JOBDIR, Scrapy keeps pending requests in a disk queue whose index is written only on a
    graceful stop: after a SIGKILL it is stale or torn, and even a clean one holds only part of the
    day in progress (in-flight requests are lost either way) — replaying it next to the redone day
    would fetch pages twice and could add rows of a different version. Resume does not need it (see
    DayJournal), so the queue stays in memory, and JOBDIR never holds a pickled request. The
    dupefilter still keeps its fingerprints there (all our requests are dont_filter)."""

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            dupefilter=build_from_crawler(load_object(settings["DUPEFILTER_CLASS"]), crawler),
            jobdir=None,
            dqclass=load_object(settings["SCHEDULER_DISK_QUEUE"]),
            mqclass=load_object(settings["SCHEDULER_MEMORY_QUEUE"]),
            logunser=settings.getbool("SCHEDULER_DEBUG"),
            stats=crawler.stats,
            pqclass=load_object(settings["SCHEDULER_PRIORITY_QUEUE"]),
            crawler=crawler,
        )


class HfPapersSpider(scrapy.Spider):
    name = "hfpapers"

    def __init__(
        self,
        date: str | None = None,
        start: str | None = None,
        end: str | None = None,
        source: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.plan: RunPlan = plan_run(date, start, end, source)
        self._pending_days: list[date | None] = list(self.plan.days or [None])
        self._current: date | None = None  # the listing day in progress
        self._current_ok = False
        self._failure: str | None = None  # why the current day could not be fetched
        self._started = time.monotonic()
        self.days_done = 0  # of the plan, including days an earlier run of the job finished
        self.days_resumed = 0
        self.papers_so_far = 0
        self.journal: DayJournal | None = None

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        jobdir = job_dir(crawler.settings)
        if jobdir:
            spider.journal = DayJournal(Path(jobdir) / JOURNAL_NAME)
            spider._skip_finished_days()
        return spider

    # -- scheduling ------------------------------------------------------------------------------

    def _data_dir(self) -> str:
        return str(Path(self.crawler.settings.get("HFPAPERS_DATA_DIR", "data")).resolve())

    def _skip_finished_days(self) -> None:
        """Leave out the days an earlier run of this job finished (the journal says which)."""
        assert self.journal is not None
        finished = self.journal.finished(self.plan.source, self._data_dir())
        skipped = [day for day in self._pending_days if day in finished]
        if not skipped:
            return
        self._pending_days = [day for day in self._pending_days if day not in finished]
        self.days_done = self.days_resumed = len(skipped)
        logger.info(
            "resuming the job in %s: %d of %d days were finished by an earlier run (%s) and are not "
            "fetched again; %d to go", self.journal.path.parent, len(skipped),
            len(self.plan.days or ()), ", ".join(d.isoformat() for d in skipped if d),
            len(self._pending_days),
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        logger.info("hfpapers: crawling %s from the %s source", self.plan.label, self.plan.source)
        if self.days_resumed:
            self.crawler.stats.set_value("hfpapers/days_resumed", self.days_resumed)
        request = self._next_day_request()
        if request is not None:
            yield request

    def on_idle(self) -> None:
        """All requests of the current day are done: close the day, then start the next one."""
        self._finish_current_day()
        request = self._next_day_request()
        if request is not None:
            self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def _next_day_request(self) -> scrapy.Request | None:
        if not self._pending_days:
            return None
        day = self._pending_days.pop(0)
        self._current, self._current_ok = day, False
        settings = self.crawler.settings
        hf = settings.get("HFPAPERS_HF_BASE").rstrip("/")
        if self.plan.source == "html":
            if day is None:
                url = f"{hf}/papers"
            else:
                url = hf + settings.get("HFPAPERS_LISTING_PATH").format(date=day.isoformat())
            callback, body = self.parse_listing_html, "html"
        else:
            query = {"date": day.isoformat()} if day else {}
            url = f"{hf}/api/daily_papers" + (f"?{urlencode(query)}" if query else "")
            callback, body = self.parse_daily_api, "json"
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.listing_failed,
            meta={"listing_date": day, BODY_KIND: body},
            dont_filter=True,  # a day's list is always fetched fresh (upvotes change)
        )

    def _finish_current_day(self) -> None:
        if self._current is None and self._failure is None and not self._current_ok:
            return
        day = self._current
        if self._failure is not None:
            self.crawler.signals.send_catch_log(day_failed, listing_date=day, reason=self._failure)
        elif self._current_ok and day is not None:
            self._complete_day(day)
        self.days_done += 1
        self._log_progress(day)
        self._current, self._current_ok, self._failure = None, False, None

    def _complete_day(self, day: date) -> None:
        """Have the day written; journal it once its partitions are in place."""
        results = self.crawler.signals.send_catch_log(day_completed, listing_date=day)
        failures = [result for _, result in results if isinstance(result, Failure)]
        if failures:
            logger.error("%s: the day could not be written (%s); it counts as failed and a resumed "
                         "job redoes it", day, failures[0].getErrorMessage())
            self.crawler.stats.inc_value(FAILED_DAYS_STAT)
            return
        if self.journal is not None:
            rows = next((r for _, r in results if isinstance(r, dict)), {})
            try:
                self.journal.record(day, self.plan.source, self._data_dir(), rows)
            except OSError as exc:  # the day is written; a resumed job would only redo it
                logger.error("%s: written, but the job journal %s could not be appended (%s)", day,
                             self.journal.path, exc)

    def _log_progress(self, day: date | None) -> None:
        if self.plan.days is None or len(self.plan.days) < 2:
            return
        total = len(self.plan.days)
        elapsed = time.monotonic() - self._started
        this_run = self.days_done - self.days_resumed
        eta = elapsed / this_run * (total - self.days_done) if this_run else 0.0
        logger.info(
            "backfill: %d/%d days done (last %s), %d papers so far, elapsed %s, ETA %s",
            self.days_done, total, day, self.papers_so_far,
            timedelta(seconds=round(elapsed)), timedelta(seconds=round(eta)),
        )

    # -- routing ---------------------------------------------------------------------------------

    def parse_daily_api(self, response: Response) -> Iterator[TableRow | Reject]:
        yield from self._route_listing(response, parse_daily_api)

    def parse_listing_html(self, response: Response) -> Iterator[TableRow | Reject]:
        asked: date | None = response.meta["listing_date"]
        final = urlparse(response.url)
        if asked is not None and response.meta.get("redirect_urls") and (
            final.path.rstrip("/").endswith("/papers") and not final.query
        ):
            # HF redirects a date without a list to the undated /papers page.
            self._empty_day(asked, response.url, "redirected to /papers")
            return
        yield from self._route_listing(response, parse_listing_html)

    def _route_listing(self, response: Response, parser) -> Iterator[TableRow | Reject]:
        asked: date | None = response.meta["listing_date"]
        try:
            daily: DailyList = parser(response.body, response.url, asked)
        except ParseError as exc:
            logger.error("listing %s could not be parsed: %s", response.url, exc)
            self._day_failed(asked, f"{exc.reason}")
            yield Reject(asked or date.today(), response.url, exc.reason, exc.detail, exc.kind,
                         payload=response.text[:65536] if response.encoding else None)
            return
        day = daily.listing_date
        if day is None:
            self._empty_day(asked, response.url, "no entries to learn the listing date from")
            return
        self._current, self._current_ok = day, True
        if not daily.records and not daily.rejects:
            self._empty_day(day, response.url, "empty list")
            return
        logger.info("%s: %d papers listed (%s)", day, len(daily.records), response.url)
        self.papers_so_far += len(daily.records)
        self.crawler.stats.inc_value("hfpapers/papers_listed", len(daily.records))
        for arxiv_id, reason, raw in daily.rejects:
            logger.warning("%s: entry %r kept out of the dataset: %s", response.url, arxiv_id,
                           reason)
            yield Reject(day, response.url, reason, "", "papers", arxiv_id or None, raw)
        for record in daily.records:
            claims = abstract_claims(record)
            yield TableRow("papers", record, day, response.url)
            for claim in claims:
                yield TableRow("claims", claim, day, response.url)
        if self.crawler.settings.getbool("HFPAPERS_ARXIV"):
            yield from self._arxiv_api_requests(day, [r["arxiv_id"] for r in daily.records])

    # -- arXiv: API metadata in batches, then each paper's HTML (or its abs page) ----------------

    def _arxiv_api_requests(self, day: date, ids: list[str]) -> Iterator[scrapy.Request | Reject]:
        valid = [i for i in dict.fromkeys(ids) if ARXIV_ID.match(i)]
        for bad in sorted(set(ids) - set(valid)):
            logger.warning("%s: %r is not an arXiv id; not followed to arXiv", day, bad)
            yield Reject(day, None, "not_an_arxiv_id", bad, "fulltext", bad)
        batch = self.crawler.settings.getint("HFPAPERS_ARXIV_BATCH", 100)
        api = self.crawler.settings.get("HFPAPERS_ARXIV_API")
        for start in range(0, len(valid), batch):
            chunk = valid[start:start + batch]
            yield scrapy.Request(
                atom_query_url(api, chunk),
                callback=self.parse_arxiv_api,
                errback=self.arxiv_api_failed,
                meta={"listing_date": day, "arxiv_ids": chunk, "handle_httpstatus_list": [400],
                      BODY_KIND: "atom"},
                dont_filter=True,
            )

    def parse_arxiv_api(self, response: Response) -> Iterator[Any]:
        day: date = response.meta["listing_date"]
        asked: list[str] = response.meta["arxiv_ids"]
        versions: dict[str, int | None] = {}
        try:
            feed = parse_atom(response.body, response.url)
        except ParseError as exc:
            logger.error("arXiv API response %s could not be parsed: %s", response.url, exc)
            yield Reject(day, response.url, exc.reason, exc.detail, "arxiv_api")
        else:
            for message in feed.errors:
                logger.error("arXiv API error (HTTP %d) for %s: %s", response.status, response.url,
                             message)
            for entry in feed.entries:
                if entry["arxiv_id"] in asked and entry["arxiv_id"] not in versions:
                    versions[entry["arxiv_id"]] = entry.get("arxiv_version")
                    yield TableRow("arxiv", entry, day, response.url)
        missing = [i for i in asked if i not in versions]
        if missing:
            logger.warning("%s: arXiv API has no entry for %d of %d papers (%s); their latest "
                           "version is fetched unversioned", day, len(missing), len(asked),
                           ", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""))
            self.crawler.stats.inc_value("hfpapers/arxiv_api_missing", len(missing))
        for arxiv_id in asked:
            yield self._html_request(day, arxiv_id, versions.get(arxiv_id))

    def arxiv_api_failed(self, failure: Failure) -> Iterator[scrapy.Request | Reject]:
        request = failure.request
        day = request.meta["listing_date"]
        cause = describe_failure(failure)
        logger.error("%s: arXiv API request failed (%s): %s; fetching full texts unversioned",
                     day, request.url, cause)
        yield Reject(day, request.url, failure_reason(failure), cause, "arxiv_api")
        for arxiv_id in request.meta["arxiv_ids"]:
            yield self._html_request(day, arxiv_id, None)

    def _arxiv_url(self, kind: str, arxiv_id: str, version: int | None) -> str:
        base = self.crawler.settings.get("HFPAPERS_ARXIV_BASE").rstrip("/")
        return f"{base}/{kind}/{arxiv_id}" + (f"v{version}" if version else "")

    def _html_request(self, day: date, arxiv_id: str, version: int | None) -> scrapy.Request:
        return scrapy.Request(
            self._arxiv_url("html", arxiv_id, version),
            callback=self.parse_arxiv_html,
            errback=self.arxiv_page_failed,
            meta={"listing_date": day, "arxiv_id": arxiv_id, "version": version,
                  "handle_httpstatus_list": [404], BODY_KIND: "html"},
            dont_filter=True,  # the same paper on two days is written on both (from the cache)
        )

    def _abs_request(self, day: date, arxiv_id: str, version: int | None,
                     status: str) -> scrapy.Request:
        return scrapy.Request(
            self._arxiv_url("abs", arxiv_id, version),
            callback=self.parse_arxiv_abs,
            errback=self.arxiv_page_failed,
            meta={"listing_date": day, "arxiv_id": arxiv_id, "version": version,
                  "fulltext_status": status, "handle_httpstatus_list": [404], BODY_KIND: "html"},
            dont_filter=True,
        )

    def parse_arxiv_html(self, response: Response) -> Iterator[Any]:
        day, arxiv_id, version = (response.meta[k] for k in ("listing_date", "arxiv_id", "version"))
        if response.status == 404:
            logger.info("%s has no HTML version (404); using its abs page", arxiv_id)
            yield self._abs_request(day, arxiv_id, version, "no_html")
            return
        try:
            row = parse_html(response.body, response.url)
        except ParseError as exc:
            logger.error("arXiv HTML %s could not be parsed: %s", response.url, exc)
            yield Reject(day, response.url, exc.reason, exc.detail, "fulltext", arxiv_id)
            yield self._abs_request(day, arxiv_id, version, "fetch_error")
            return
        status = row["fulltext_status"]
        if status in ABS_FALLBACK:
            logger.info("%s: HTML status %s; using its abs page", response.url, status)
            yield self._abs_request(day, arxiv_id, row.get("version") or version, status)
            return
        row["arxiv_id"] = arxiv_id  # the id we asked for is the join key, whatever the page says
        row["version"] = row.get("version") or version
        self.crawler.stats.inc_value(f"hfpapers/fulltext/{status}")
        yield TableRow("fulltext", row, day, response.url)
        metrics, claims = fulltext_derived(row)
        for metric in metrics:
            yield TableRow("metrics", metric, day, response.url)
        for claim in claims:
            yield TableRow("claims", claim, day, response.url)

    def parse_arxiv_abs(self, response: Response) -> Iterator[Any]:
        day, arxiv_id, version, status = (
            response.meta[k] for k in ("listing_date", "arxiv_id", "version", "fulltext_status"))
        if response.status == 404:
            logger.warning("%s: no abs page either (404); no full text", arxiv_id)
            yield TableRow("fulltext", no_fulltext(arxiv_id, version, status), day, response.url)
            return
        try:
            row = fulltext_from_abs(parse_abs(response.body, response.url), status)
        except ParseError as exc:
            logger.error("arXiv abs page %s could not be parsed: %s", response.url, exc)
            yield Reject(day, response.url, exc.reason, exc.detail, "fulltext", arxiv_id)
            yield TableRow("fulltext", no_fulltext(arxiv_id, version, status), day, response.url)
            return
        row["arxiv_id"] = arxiv_id
        self.crawler.stats.inc_value(f"hfpapers/fulltext/abs_{status}")
        yield TableRow("fulltext", row, day, response.url)

    def arxiv_page_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        meta = request.meta
        cause = describe_failure(failure)
        logger.error("%s: %s failed for good: %s", meta["arxiv_id"], request.url, cause)
        day, arxiv_id, version = meta["listing_date"], meta["arxiv_id"], meta["version"]
        yield Reject(day, request.url, failure_reason(failure), cause, "fulltext", arxiv_id)
        if "fulltext_status" not in meta:  # the HTML failed: the abs page may still answer
            yield self._abs_request(day, arxiv_id, version, "fetch_error")
        else:
            yield TableRow("fulltext", no_fulltext(arxiv_id, version, "fetch_error"), day,
                           request.url)

    def _empty_day(self, day: date | None, url: str, why: str) -> None:
        logger.info("%s: no Daily Papers list (%s) — 0 papers (%s)", day or "latest", why, url)
        self.crawler.stats.inc_value("hfpapers/days_empty")
        self._current, self._current_ok = day, True

    def _day_failed(self, day: date | None, reason: str) -> None:
        """Mark the day failed; the writer is told when the day closes (see on_idle)."""
        self.crawler.stats.inc_value(FAILED_DAYS_STAT)
        self._current, self._current_ok, self._failure = day, False, reason

    def listing_failed(self, failure: Failure) -> Iterator[Reject]:
        request = failure.request
        day: date | None = request.meta.get("listing_date")
        cause = describe_failure(failure)
        logger.error(
            "%s: the Daily Papers list could not be fetched (%s): %s; this day is not written",
            day or "latest day", request.url, cause,
        )
        self._day_failed(day, cause)
        if day is not None:
            yield Reject(day, request.url, failure_reason(failure), cause, "papers")


def no_fulltext(arxiv_id: str, version: int | None, status: str) -> dict:
    """The `fulltext` row of a paper for which arXiv gave us no text at all."""
    return {"arxiv_id": arxiv_id, "version": version, "fulltext_source": "none",
            "fulltext_status": status}


def failure_reason(failure: Failure) -> str:
    """The reject reason of a request that failed for good: what was wrong with the body when it
    kept coming back cut short or malformed, else `fetch_failed`."""
    exc = failure.value
    return exc.reason if isinstance(exc, BodyCheckFailed) else "fetch_failed"


def describe_failure(failure: Failure) -> str:
    """One human line for why a request failed for good (after retries)."""
    exc = failure.value
    if isinstance(exc, BodyCheckFailed):
        return str(exc)
    if isinstance(exc, HttpError):
        status = exc.response.status
        hint = " (rate limited)" if status == 429 else ""
        return f"HTTP {status}{hint}"
    for types, label in _FAILURE_LABELS:
        if isinstance(exc, types):
            return f"{label}: {exc}"
    return f"{type(exc).__name__}: {exc}"


# Scrapy ≥ 2.14 wraps Twisted's errors in its own; both are named so either version reads well.
_FAILURE_LABELS = [
    ((CannotResolveHostError, DNSLookupError), "DNS lookup failed (no network?)"),
    ((DownloadConnectionRefusedError, ConnectionRefusedError), "connection refused"),
    ((DownloadTimeoutError, TimeoutError), "timed out"),
    ((ResponseDataLossError,), "response cut short"),
]
