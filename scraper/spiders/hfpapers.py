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

import datetime as dt
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import scrapy
from scrapy import signals
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
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from pipelines.parquet import written_ids
from scraper import stats
from scraper.args import RunPlan, plan_run
from scraper.daylist import PagedList, judge
from scraper.derive import abstract_claims, fulltext_derived
from scraper.items import Reject, TableRow
from scraper.journal import JOURNAL_NAME, DayJournal
from scraper.middlewares import BODY_KIND, BodyCheckFailed, describe_connection_failure
from scraper.parsers.arxiv_abs import fulltext_from_abs, parse_abs
from scraper.parsers.arxiv_atom import atom_query_url, parse_atom
from scraper.parsers.arxiv_html import parse_html
from scraper.parsers.errors import ParseError
from scraper.parsers.hf_daily_api import DailyList, daily_api_entries, infer_listing_date
from scraper.parsers.hf_listing_html import parse_listing_html
from scraper.schema.ratings import RATED_COLUMNS
from scraper.signals import day_completed, day_failed

logger = logging.getLogger(__name__)

# Full-text statuses for which the abs page is fetched instead (it still has the metadata).
ABS_FALLBACK = ("conversion_failed", "no_html")


class HfPapersSpider(scrapy.Spider):
    name = "hfpapers"

    def __init__(
        self,
        date: str | None = None,
        start: str | None = None,
        end: str | None = None,
        source: str | None = None,
        refresh: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.plan: RunPlan = plan_run(date, start, end, source, refresh=refresh)
        self._pending_days: list[dt.date | None] = list(self.plan.days or [None])
        self._current: dt.date | None = None  # the listing day in progress
        self._current_ok = False
        self._failure: str | None = None  # why the current day could not be fetched
        self._filed_under: dt.date | None = None  # the day its rejects go to (undated: today)
        self._pages = PagedList()  # the current day's list, page by page
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
            "fetched again; %d to go",
            self.journal.path.parent,
            len(skipped),
            len(self.plan.days or ()),
            ", ".join(d.isoformat() for d in skipped if d),
            len(self._pending_days),
        )

    def _refresh_days(self) -> int:
        if self.plan.refresh_days is not None:
            return self.plan.refresh_days
        return self.crawler.settings.getint("HFPAPERS_REFRESH_DAYS", 14)

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
        self._current, self._current_ok, self._pages = day, False, PagedList()
        return self._list_request(day, 0)

    def _list_request(self, day: dt.date | None, page: int) -> scrapy.Request:
        """Page `page` of `day`'s list (day None: the undated request that names the latest day)."""
        settings = self.crawler.settings
        hf = settings.get("HFPAPERS_HF_BASE").rstrip("/")
        if self.plan.source == "html":  # the listing page holds the whole day: no paging
            if day is None:
                url = f"{hf}/papers"
            else:
                url = hf + settings.get("HFPAPERS_LISTING_PATH").format(date=day.isoformat())
            callback, body = self.parse_listing_html, "html"
        else:
            query: dict[str, Any] = {"date": day.isoformat()} if day else {}
            query["limit"] = settings.getint("HFPAPERS_LIST_PAGE_SIZE", 100)
            if day is not None:
                query["p"] = page
            url = f"{hf}/api/daily_papers?{urlencode(query)}"
            callback, body = self.parse_daily_api, "json"
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.listing_failed,
            meta={
                "listing_date": day,
                "page": page,
                BODY_KIND: body,
                "download_maxsize": settings.getint("HFPAPERS_MAX_LIST_BYTES"),
            },
            dont_filter=True,  # a day's list is always fetched fresh (upvotes change)
        )

    def _finish_current_day(self) -> None:
        if self._current is None and self._failure is None and not self._current_ok:
            return
        day = self._current
        if self._failure is not None:
            self.crawler.signals.send_catch_log(
                day_failed, listing_date=day, reason=self._failure, filed_under=self._filed_under
            )
        elif self._current_ok and day is not None:
            self._complete_day(day)
        self.days_done += 1
        self._log_progress(day)
        self._current, self._current_ok, self._failure = None, False, None

    def _complete_day(self, day: dt.date) -> None:
        """Have the day written; journal it once its partitions are in place."""
        results = self.crawler.signals.send_catch_log(day_completed, listing_date=day)
        failures = [result for _, result in results if isinstance(result, Failure)]
        if failures:
            logger.error(
                "%s: the day could not be written (%s); it counts as failed and a resumed job redoes it",
                day,
                failures[0].getErrorMessage(),
            )
            self.crawler.stats.inc_value(stats.DAYS_FAILED)
            return
        if self.journal is not None:
            rows = next((r for _, r in results if isinstance(r, dict)), {})
            try:
                self.journal.record(day, self.plan.source, self._data_dir(), rows)
            except OSError as exc:  # the day is written; a resumed job would only redo it
                logger.error(
                    "%s: written, but the job journal %s could not be appended (%s)",
                    day,
                    self.journal.path,
                    exc,
                )

    def _log_progress(self, day: dt.date | None) -> None:
        if self.plan.days is None or len(self.plan.days) < 2:
            return
        total = len(self.plan.days)
        elapsed = time.monotonic() - self._started
        this_run = self.days_done - self.days_resumed
        eta = elapsed / this_run * (total - self.days_done) if this_run else 0.0
        logger.info(
            "backfill: %d/%d days done (last %s), %d papers so far, elapsed %s, ETA %s",
            self.days_done,
            total,
            day,
            self.papers_so_far,
            dt.timedelta(seconds=round(elapsed)),
            dt.timedelta(seconds=round(eta)),
        )

    def closed(self, reason: str) -> None:
        if self._current is not None and reason != "finished":
            logger.warning(
                "%s was in progress when the crawl stopped (%s); not written — a rerun "
                "(or a resumed job) does it again",
                self._current,
                reason,
            )

    # -- routing: the day's list -----------------------------------------------------------------

    def parse_daily_api(self, response: Response) -> Iterator[Any]:
        asked: dt.date | None = response.meta["listing_date"]
        self._count_response(response, "hf_list")
        try:
            entries = daily_api_entries(response.body, response.url)
        except ParseError as exc:
            yield from self._unparseable_list(asked, response, exc)
            return
        if asked is None:
            yield from self._latest_day_learned(entries, response.url)
            return
        page = response.meta["page"]
        new = self._pages.add_page(entries, response.url)
        if entries and not new:
            logger.info(
                "%s: page %d brought no paper not already seen (%d repeated); the list is complete",
                asked,
                page,
                len(entries),
            )
        if new:
            if page + 1 >= self.crawler.settings.getint("HFPAPERS_MAX_LIST_PAGES"):
                self._day_failed(
                    asked,
                    f"the list goes on past {page + 1} pages "
                    f"({len(self._pages.ids)} papers so far); not trusted",
                )
                logger.error("%s: %s (%s)", asked, self._failure, response.url)
                yield Reject(asked, response.url, "list_too_long", self._failure or "", "papers")
                return
            yield self._list_request(asked, page + 1)
            return
        if self._pages.repeated:
            self.crawler.stats.inc_value("hfpapers/list_entries_repeated", self._pages.repeated)
        yield from self._route_list(asked, self._pages.daily_list(asked), response.url)

    def parse_listing_html(self, response: Response) -> Iterator[Any]:
        asked: dt.date | None = response.meta["listing_date"]
        self._count_response(response, "hf_list")
        final = urlparse(response.url)
        if (
            asked is not None
            and response.meta.get("redirect_urls")
            and (final.path.rstrip("/").endswith("/papers") and not final.query)
        ):
            # HF redirects a date without a list to the undated /papers page.
            yield from self._route_list(asked, DailyList(asked), response.url, "redirected to /papers")
            return
        try:
            daily = parse_listing_html(response.body, response.url, asked)
        except ParseError as exc:
            yield from self._unparseable_list(asked, response, exc)
            return
        if asked is None:
            yield from self._latest_day_learned(None, response.url, daily.listing_date)
            return
        yield from self._route_list(asked, daily, response.url)

    def _unparseable_list(self, day: dt.date | None, response: Response, exc: ParseError) -> Iterator[Reject]:
        logger.error("listing %s could not be parsed: %s", response.url, exc)
        day = self._day_failed(day, f"{exc.reason}")
        yield Reject(
            day,
            response.url,
            exc.reason,
            exc.detail,
            exc.kind,
            payload=response.text[:65536] if response.encoding else None,
        )

    def _latest_day_learned(
        self, entries: list | None, url: str, latest: dt.date | None = None
    ) -> Iterator[scrapy.Request]:
        """The undated request named the latest listing day: crawl it, then the refresh window."""
        if latest is None and entries is not None:
            latest = infer_listing_date(entries)
        if latest is None:
            logger.info(
                "latest: no Daily Papers list (no entries to learn the listing date from) — 0 papers (%s)",
                url,
            )
            self._current_ok = True
            return
        window = self._refresh_days()
        refresh = [latest - dt.timedelta(days=n) for n in range(1, window + 1)]
        logger.info(
            "the latest listing day is %s; refreshing the %d days before it (%s … %s)",
            latest,
            window,
            refresh[-1] if refresh else "-",
            refresh[0] if refresh else "-",
        )
        self.crawler.stats.set_value("hfpapers/latest_day", latest.isoformat())
        self.crawler.stats.set_value("hfpapers/refresh_days", window)
        self._current, self._current_ok, self._pages = latest, False, PagedList()
        self._pending_days = refresh + self._pending_days
        yield self._list_request(latest, 0)

    def _route_list(
        self, day: dt.date, daily: DailyList, url: str, empty_why: str = "empty list"
    ) -> Iterator[Any]:
        """A day's complete list: judge it against what is written, then yield its rows and follow
        its papers to arXiv."""
        verdict = judge(daily, written_ids(Path(self._data_dir()), "papers", day))
        for arxiv_id, reason, raw in daily.rejects:
            logger.warning("%s: entry %r kept out of the dataset: %s", url, arxiv_id, reason)
            yield Reject(day, url, reason, "", "papers", arxiv_id or None, raw)
        if not verdict.ok:
            logger.error(
                "%s: %s — the day's partitions are kept as they were and the day counts as failed (%s)",
                day,
                verdict.problem,
                url,
            )
            self._day_failed(day, verdict.problem or "")
            yield Reject(day, url, "suspicious_list", verdict.problem or "", "papers")
            return
        self._current_ok = True
        if not daily.records:
            logger.info("%s: no Daily Papers list (%s) — 0 papers (%s)", day, empty_why, url)
            self.crawler.stats.inc_value("hfpapers/days_empty")
            return
        for arxiv_id in verdict.left:
            logger.warning(
                "%s: %s is no longer on the day's list; it leaves the day's papers (its ratings rows stay)",
                day,
                arxiv_id,
            )
        if verdict.left:
            self.crawler.stats.inc_value("hfpapers/papers_left_list", len(verdict.left))
        pages = f", {self._pages.pages} pages" if self._pages.pages > 1 else ""
        logger.info("%s: %d papers listed (%s%s)", day, len(daily.records), url, pages)
        self.papers_so_far += len(daily.records)
        self.crawler.stats.inc_value("hfpapers/papers_listed", len(daily.records))
        listed_at = dt.datetime.now(dt.UTC)  # one time for the whole list: its ratings snapshot
        for record in daily.records:
            page = self._pages.page_url.get(record["arxiv_id"]) or url  # the page it was on
            claims = abstract_claims(record)
            yield TableRow("papers", record, day, page)
            rating = {column: record[column] for column in RATED_COLUMNS}
            yield TableRow("ratings", rating, day, page, crawled_at=listed_at)
            for claim in claims:
                yield TableRow("claims", claim, day, page)
        if self.crawler.settings.getbool("HFPAPERS_ARXIV"):
            yield from self._arxiv_api_requests(day, [r["arxiv_id"] for r in daily.records])

    def _count_response(self, response: Response, kind: str) -> None:
        """Requests by kind, and how many of them the HTTP cache answered (a refresh's cost)."""
        self.crawler.stats.inc_value(f"hfpapers/responses/{kind}")
        if "cached" in response.flags:
            self.crawler.stats.inc_value(f"hfpapers/responses/{kind}/cached")

    # -- arXiv: API metadata in batches, then each paper's HTML (or its abs page) ----------------

    def _arxiv_api_requests(self, day: dt.date, ids: list[str]) -> Iterator[scrapy.Request]:
        batch = self.crawler.settings.getint("HFPAPERS_ARXIV_BATCH", 100)
        api = self.crawler.settings.get("HFPAPERS_ARXIV_API")
        unique = list(dict.fromkeys(ids))  # the parser let only real arXiv ids through
        for start in range(0, len(unique), batch):
            chunk = unique[start : start + batch]
            yield scrapy.Request(
                atom_query_url(api, chunk),
                callback=self.parse_arxiv_api,
                errback=self.arxiv_api_failed,
                meta={
                    "listing_date": day,
                    "arxiv_ids": chunk,
                    "handle_httpstatus_list": [400],
                    BODY_KIND: "atom",
                },
                dont_filter=True,
            )

    def parse_arxiv_api(self, response: Response) -> Iterator[Any]:
        day: dt.date = response.meta["listing_date"]
        asked: list[str] = response.meta["arxiv_ids"]
        self._count_response(response, "arxiv_api")
        versions: dict[str, int | None] = {}
        try:
            feed = parse_atom(response.body, response.url)
        except ParseError as exc:
            logger.error("arXiv API response %s could not be parsed: %s", response.url, exc)
            yield Reject(day, response.url, exc.reason, exc.detail, "arxiv_api")
        else:
            for message in feed.errors:
                logger.error("arXiv API error (HTTP %d) for %s: %s", response.status, response.url, message)
            for entry in feed.entries:
                if entry["arxiv_id"] in asked and entry["arxiv_id"] not in versions:
                    versions[entry["arxiv_id"]] = entry.get("arxiv_version")
                    yield TableRow("arxiv", entry, day, response.url)
        missing = [i for i in asked if i not in versions]
        if missing:
            logger.warning(
                "%s: arXiv API has no entry for %d of %d papers (%s); their latest "
                "version is fetched unversioned",
                day,
                len(missing),
                len(asked),
                ", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""),
            )
            self.crawler.stats.inc_value("hfpapers/arxiv_api_missing", len(missing))
        for arxiv_id in asked:
            yield self._html_request(day, arxiv_id, versions.get(arxiv_id))

    def arxiv_api_failed(self, failure: Failure) -> Iterator[scrapy.Request | Reject]:
        request = failure.request
        day = request.meta["listing_date"]
        cause = describe_failure(failure)
        logger.error(
            "%s: arXiv API request failed (%s): %s; fetching full texts unversioned", day, request.url, cause
        )
        yield Reject(day, request.url, failure_reason(failure), cause, "arxiv_api")
        for arxiv_id in request.meta["arxiv_ids"]:
            yield self._html_request(day, arxiv_id, None)

    def _arxiv_url(self, kind: str, arxiv_id: str, version: int | None) -> str:
        base = self.crawler.settings.get("HFPAPERS_ARXIV_BASE").rstrip("/")
        return f"{base}/{kind}/{arxiv_id}" + (f"v{version}" if version else "")

    def _html_request(self, day: dt.date, arxiv_id: str, version: int | None) -> scrapy.Request:
        return scrapy.Request(
            self._arxiv_url("html", arxiv_id, version),
            callback=self.parse_arxiv_html,
            errback=self.arxiv_page_failed,
            meta={
                "listing_date": day,
                "arxiv_id": arxiv_id,
                "version": version,
                "handle_httpstatus_list": [404],
                BODY_KIND: "html",
            },
            dont_filter=True,  # the same paper on two days is written on both (from the cache)
        )

    def _abs_request(self, day: dt.date, arxiv_id: str, version: int | None, status: str) -> scrapy.Request:
        return scrapy.Request(
            self._arxiv_url("abs", arxiv_id, version),
            callback=self.parse_arxiv_abs,
            errback=self.arxiv_page_failed,
            meta={
                "listing_date": day,
                "arxiv_id": arxiv_id,
                "version": version,
                "fulltext_status": status,
                "handle_httpstatus_list": [404],
                BODY_KIND: "html",
            },
            dont_filter=True,
        )

    def parse_arxiv_html(self, response: Response) -> Iterator[Any]:
        day, arxiv_id, version = (response.meta[k] for k in ("listing_date", "arxiv_id", "version"))
        self._count_response(response, "arxiv_html")
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
            response.meta[k] for k in ("listing_date", "arxiv_id", "version", "fulltext_status")
        )
        self._count_response(response, "arxiv_abs")
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
            yield TableRow("fulltext", no_fulltext(arxiv_id, version, "fetch_error"), day, request.url)

    def _day_failed(self, day: dt.date | None, reason: str) -> dt.date:
        """Mark the day failed; the writer is told when the day closes (see on_idle). Returns the
        day its rejects are filed under: a failed undated request (no listing day known) is filed
        under the day of the crawl (UTC)."""
        self.crawler.stats.inc_value(stats.DAYS_FAILED)
        self._current, self._current_ok, self._failure = day, False, reason
        self._filed_under = day or dt.datetime.now(dt.UTC).date()
        return self._filed_under

    def listing_failed(self, failure: Failure) -> Iterator[Reject]:
        request = failure.request
        day: dt.date | None = request.meta.get("listing_date")
        cause = describe_failure(failure)
        logger.error(
            "%s: the Daily Papers list could not be fetched (%s): %s; this day is not written",
            day or "latest day",
            request.url,
            cause,
        )
        filed = self._day_failed(day, cause)
        yield Reject(filed, request.url, failure_reason(failure), cause, "papers")


def no_fulltext(arxiv_id: str, version: int | None, status: str) -> dict:
    """The `fulltext` row of a paper for which arXiv gave us no text at all."""
    return {"arxiv_id": arxiv_id, "version": version, "fulltext_source": "none", "fulltext_status": status}


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
    # DNS, refused, TLS, timeout: named with the host (one line a user can act on).
    connection = describe_connection_failure(exc, failure.request.url if failure.request else "")
    if connection is not None:
        return connection
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
