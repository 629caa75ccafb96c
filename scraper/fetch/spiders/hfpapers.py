"""The `hfpapers` spider: schedules requests and routes responses to parsers. No parsing here.

Listing days go in batches (scraper/fetch/day_book.py keeps the book), each in three steps that end when
the engine goes idle — the one moment Scrapy guarantees that nothing is in flight (retries
included), so no counting of requests is needed: the lists of the batch's days, page by page; the
arXiv API for every id of those lists in one set of queries of up to 100 ids; then, day after day,
that day's arXiv pages, after which the day is complete — the day book has the writer write it
(scraper/fetch/day_writer.py) — and the next day's pages are scheduled.

An undated crawl's batch is the latest listing day and its refresh window: the undated answer names
the latest day and is used as that day's first page (not asked for again by date).

This module routes the Hugging Face lists (scraper/fetch/lists.py judges them before they may replace
a written day); scraper/fetch/spiders/arxiv.py routes each listed paper's arXiv requests.

Resume (`-s JOBDIR=DIR`): once a day's partitions are in place, the day is appended to a journal in
DIR (scraper/fetch/journal.py). A later run with the same JOBDIR skips the days in the journal and
redoes the rest from their lists — also after a SIGKILL, when Scrapy's own saved state is stale.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from typing import Any, Self
from urllib.parse import urlencode, urlparse

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from scraper.derive.rows import abstract_claims
from scraper.fetch import stats
from scraper.fetch.archive_recorder import LISTING_DAYS, PURPOSE, fetched_at
from scraper.fetch.args import RunPlan, SpiderArguments
from scraper.fetch.body_checks import BODY_KIND
from scraper.fetch.day_book import DayBook
from scraper.fetch.failures import describe_failure, failed_request, failure_reason
from scraper.fetch.items import PAYLOAD_LIMIT, Reject, TableRow
from scraper.fetch.lists import judge
from scraper.fetch.spiders.arxiv import ArxivRoutes
from scraper.parse.errors import ParseError
from scraper.parse.hf_daily_api import DailyList, daily_api_entries, infer_listing_date
from scraper.parse.hf_listing_html import parse_listing_html
from scraper.schema.ratings import RATED_COLUMNS
from scraper.store.partitions import written_ids

logger = logging.getLogger(__name__)


class HfPapersSpider(ArxivRoutes):
    name = "hfpapers"
    # set in from_crawler from the crawler's settings (scraper/settings.py)
    hf_base: str
    listing_path: str
    list_page_size: int
    max_list_pages: int
    max_list_bytes: int
    refresh_days: int

    def __init__(self, **kwargs: Any) -> None:
        arguments = SpiderArguments.take(kwargs)  # the `-a` arguments (scraper/fetch/args.py)
        super().__init__(**kwargs)
        self.plan: RunPlan = arguments.plan()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.days = DayBook(spider.plan, crawler)
        settings = crawler.settings
        spider.hf_base = settings.get("HFPAPERS_HF_BASE").rstrip("/")
        spider.listing_path = settings.get("HFPAPERS_LISTING_PATH")
        spider.list_page_size = settings.getint("HFPAPERS_LIST_PAGE_SIZE")
        spider.max_list_pages = settings.getint("HFPAPERS_MAX_LIST_PAGES")
        spider.max_list_bytes = settings.getint("HFPAPERS_MAX_LIST_BYTES")
        spider.refresh_days = settings.getint("HFPAPERS_REFRESH_DAYS")
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    # -- scheduling: batches of listing days, step by step ---------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        logger.info("hfpapers: crawling %s from the %s source", self.plan.label, self.plan.source)
        if self.days.days_resumed:  # (stats exist only once the crawl runs)
            self.crawler.stats.set_value(stats.DAYS_RESUMED, self.days.days_resumed)
        for request in self._next_batch_requests():
            yield request

    def on_idle(self) -> None:
        """Everything of the current step is done: take the next one (or the next batch)."""
        requests = self._next_step_requests()
        if requests:
            for request in requests:
                self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def closed(self, reason: str) -> None:
        self.days.stopped(reason)

    def _next_batch_requests(self) -> list[scrapy.Request]:
        return [self._list_request(entry.day, 0) for entry in self.days.next_batch()]

    def _next_step_requests(self) -> list[scrapy.Request]:
        """The requests of the next step that has any, closing the days that need none."""
        days = self.days
        if self.follow_arxiv and days.start_api_step():
            api = list(self._arxiv_api_requests(days.api_ids()))
            if api:
                return api
        while True:
            entry = days.next_page_day()
            if entry is None:  # the batch is done: the next one, if any
                requests = self._next_batch_requests()
                if requests or not days.pending:
                    return requests
                continue
            requests = list(self._page_requests(entry))
            if requests:
                return requests

    def _list_request(self, day: dt.date | None, page: int) -> scrapy.Request:
        """Page `page` of `day`'s list (day None: the undated request that names the latest day)."""
        hf = self.hf_base
        cb_kwargs: dict[str, Any] = {"day": day}
        callback: Callable[..., Iterator[Any]]
        if self.plan.source == "html":  # the listing page holds the whole day: no paging
            url = f"{hf}/papers" if day is None else hf + self.listing_path.format(date=day.isoformat())
            callback, body = self.parse_listing_html, "html"
        else:
            query: dict[str, Any] = {"date": day.isoformat()} if day else {}
            query["limit"] = self.list_page_size
            if day is not None:
                query["p"] = page
            url = f"{hf}/api/daily_papers?{urlencode(query)}"
            callback, body = self.parse_daily_api, "json"
            cb_kwargs["page"] = page
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.listing_failed,
            cb_kwargs=cb_kwargs,
            meta={
                LISTING_DAYS: [day],
                PURPOSE: "list",
                BODY_KIND: body,
                "download_maxsize": self.max_list_bytes,
            },
            dont_filter=True,  # a day's list is always fetched fresh (upvotes change)
        )

    # -- routing: the day's list -----------------------------------------------------------------

    def parse_daily_api(self, response: Response, day: dt.date | None, page: int) -> Iterator[Any]:
        self._count_response(response, "hf_list")
        try:
            entries = daily_api_entries(response.body, response.url)
        except ParseError as exc:
            yield from self._unparseable_list(day, response, exc)
            return
        if day is None:  # the undated answer: it names the latest day and is its first page
            day = yield from self._latest_day_learned(entries, response.url)
            if day is None:
                return
        yield from self._list_page(day, page, entries, response)

    def _list_page(self, day: dt.date, page: int, entries: list, response: Response) -> Iterator[Any]:
        """One page of `day`'s list: ask for the next page, or route the list once it is complete."""
        pages = self.days.state(day).pages
        new = pages.add_page(entries, response.url)
        if entries and not new:
            logger.info(
                "%s: page %d brought no paper not already seen (%d repeated); the list is complete",
                day,
                page,
                len(entries),
            )
        if new:
            if page + 1 >= self.max_list_pages:
                self.days.fail(
                    day,
                    f"the list goes on past {page + 1} pages "
                    f"({len(pages.page_url)} papers so far); not trusted",
                )
                logger.error("%s: %s (%s)", day, self.days.failure(day), response.url)
                yield Reject(
                    day,
                    response.url,
                    "list_too_long",
                    self.days.failure(day) or "",
                    "papers",
                    crawled_at=fetched_at(response),
                )
                return
            yield self._list_request(day, page + 1)
            return
        if pages.repeated:
            self.crawler.stats.inc_value(stats.LIST_ENTRIES_REPEATED, pages.repeated)
        yield from self._route_list(day, pages.daily_list(day), response)

    def parse_listing_html(self, response: Response, day: dt.date | None) -> Iterator[Any]:
        self._count_response(response, "hf_list")
        final = urlparse(response.url)
        if (
            day is not None
            and response.meta.get("redirect_urls")
            and (final.path.rstrip("/").endswith("/papers") and not final.query)
        ):
            # HF redirects a date without a list to the undated /papers page.
            yield from self._route_list(day, DailyList(day), response, "redirected to /papers")
            return
        try:
            daily = parse_listing_html(response.body, response.url, day)
        except ParseError as exc:
            yield from self._unparseable_list(day, response, exc)
            return
        if day is None:  # the undated page: it names the latest day and holds its whole list
            day = yield from self._latest_day_learned(None, response.url, daily.listing_date)
            if day is None:
                return
        yield from self._route_list(day, daily, response)

    def _unparseable_list(self, day: dt.date | None, response: Response, exc: ParseError) -> Iterator[Reject]:
        logger.error("listing %s could not be parsed: %s", response.url, exc)
        day = self.days.fail(day, f"{exc.reason}", fetched_at(response))
        yield Reject(
            day,
            response.url,
            exc.reason,
            exc.detail,
            exc.kind,
            payload=response.text[:PAYLOAD_LIMIT] if isinstance(response, TextResponse) else None,
            crawled_at=fetched_at(response),
        )

    def _latest_day_learned(
        self, entries: list | None, url: str, latest: dt.date | None = None
    ) -> Generator[scrapy.Request | Reject, None, dt.date | None]:
        """The undated request named the latest listing day: it and the refresh window before it
        make the batch. Yields the window days' list requests; returns the latest day (None: the
        answer named none, and the refresh failed)."""
        if latest is None and entries is not None:
            latest = infer_listing_date(entries)
        if latest is None:
            # HF's undated answer is always the latest day with papers: an empty one is a bad answer,
            # and the refresh window cannot be placed without the latest day.
            reason = "the undated list came back without papers, so the latest listing day is unknown"
            logger.error("latest day: %s; no day of the refresh window was crawled (%s)", reason, url)
            filed = self.days.fail(None, reason)
            yield Reject(filed, url, "suspicious_list", reason, "papers")
            return None
        window = self.refresh_days if self.plan.refresh_days is None else self.plan.refresh_days
        logger.info(
            "the latest listing day is %s; refreshing the %d days before it (%s … %s)",
            latest,
            window,
            latest - dt.timedelta(days=window) if window else "-",
            latest - dt.timedelta(days=1) if window else "-",
        )
        self.crawler.stats.set_value(stats.LATEST_DAY, latest.isoformat())
        self.crawler.stats.set_value(stats.REFRESH_DAYS, window)
        for entry in self.days.latest_known(latest, window):
            yield self._list_request(entry.day, 0)
        return latest

    def _route_list(
        self, day: dt.date, daily: DailyList, response: Response, empty_why: str = "empty list"
    ) -> Iterator[Any]:
        """A day's complete list: judge it against what is written, then yield its rows and follow
        its papers to arXiv. Its rows carry the time of the answer that completed the list (one
        time for the whole list: its ratings snapshot)."""
        # (without the archive, HFPAPERS_ARCHIVE=false, no fetch time is kept: the list's is now)
        url, listed_at = response.url, fetched_at(response) or dt.datetime.now(dt.UTC)
        verdict = judge(daily, written_ids(self.days.data_dir, "papers", day), self.plan.accept_shrunk)
        pages = self.days.state(day).pages
        for entry in daily.rejects:
            page = pages.url_of(entry.raw) or url  # the page the entry was on
            logger.warning("%s: entry %r kept out of the dataset: %s", page, entry.arxiv_id, entry.reason)
            yield Reject(
                day,
                page,
                entry.reason,
                entry.detail,
                "papers",
                entry.arxiv_id or None,
                entry.raw,
                crawled_at=listed_at,
            )
        if not verdict.ok:
            logger.error(
                "%s: %s — the day's partitions are kept as they were and the day counts as failed (%s)",
                day,
                verdict.problem,
                url,
            )
            self.days.fail(day, verdict.problem or "")
            yield Reject(day, url, "suspicious_list", verdict.problem or "", "papers", crawled_at=listed_at)
            return
        self.days.mark_read(day, [record["arxiv_id"] for record in daily.records])
        if not daily.records:
            logger.info("%s: no Daily Papers list (%s) — 0 papers (%s)", day, empty_why, url)
            self.crawler.stats.inc_value(stats.DAYS_EMPTY)
            return
        for arxiv_id in verdict.left:
            logger.warning(
                "%s: %s is no longer on the day's list; it leaves the day's papers (its ratings rows stay)",
                day,
                arxiv_id,
            )
        if verdict.left:
            self.crawler.stats.inc_value(stats.PAPERS_LEFT_LIST, len(verdict.left))
        many = f", {pages.pages} pages" if pages.pages > 1 else ""
        logger.info("%s: %d papers listed (%s%s)", day, len(daily.records), url, many)
        self.crawler.stats.inc_value(stats.PAPERS_LISTED, len(daily.records))
        for record in daily.records:
            page = pages.page_url.get(record["arxiv_id"]) or url  # the page it was on
            yield from invalid_value_rejects(day, page, record, listed_at)
            claims = abstract_claims(record)
            yield TableRow("papers", record, day, page, crawled_at=listed_at)
            rating = {column: record[column] for column in RATED_COLUMNS}
            yield TableRow("ratings", rating, day, page, crawled_at=listed_at)
            for claim in claims:
                yield TableRow("claims", claim, day, page, crawled_at=listed_at)
        # the list's raw entries are rows now: let them go before the day's pages are fetched
        self.days.release_list_pages(day)

    def listing_failed(self, failure: Failure) -> Iterator[Reject]:
        request = failed_request(failure)
        day: dt.date | None = request.cb_kwargs["day"]
        cause = describe_failure(failure)
        logger.error(
            "%s: the Daily Papers list could not be fetched (%s): %s; this day is not written",
            day or "latest day",
            request.url,
            cause,
        )
        filed = self.days.fail(day, cause, fetched_at(request))
        yield Reject(
            filed, request.url, failure_reason(failure), cause, "papers", crawled_at=fetched_at(request)
        )


def invalid_value_rejects(day: dt.date, url: str, record: dict, at: dt.datetime | None) -> Iterator[Reject]:
    """One `rejects` row per value of an entry that could not be typed (the row keeps it raw too)."""
    if not record.get("invalid_values"):
        return
    for where, found in json.loads(record["invalid_values"]).items():
        logger.warning(
            "%s: %s of %s is %r: %s", url, where, record["arxiv_id"], found["raw"], found["reason"]
        )
        detail = f"{where}: {found['reason']}"
        raw = {where: found["raw"]}
        yield Reject(day, url, "invalid_value", detail, "papers", record["arxiv_id"], raw, crawled_at=at)
