"""The arXiv half of the crawl's routing: the metadata of every paper of a batch of days from the
arXiv API (one set of queries of up to 100 ids for the whole batch), then, day by day, each paper's
HTML full text at the version the API reported, or its abs page when there is no HTML. Parsing is the
parsers' (scraper/parse/arxiv_*); deriving metrics and claims, scraper/derive.

A paper whose day already holds the rows of its page at that version — `fulltext`, `metrics` and
conclusion `claims` derived from the versioned HTML page by the current parser revision — is not
asked for again: its rows are kept (the page never changes, and deriving it again would give the
same rows). A refresh of a window where nothing changed so fetches and parses no page.

A rebuild asks the API the queries the crawl sent (HFPAPERS_API_QUERIES, read from the archive):
one answer may serve several days of a crawl, and each day is replayed on its own.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from scraper.derive.rows import fulltext_derived
from scraper.fetch import stats
from scraper.fetch.archive_recorder import ARCHIVE_SETTING, LISTING_DAYS, PURPOSE, archive_index, fetched_at
from scraper.fetch.body_checks import BODY_KIND
from scraper.fetch.day_book import Day, DayBook
from scraper.fetch.failures import describe_failure, failed_request, failure_reason
from scraper.fetch.items import Reject, TableRow
from scraper.parse.arxiv_abs import fulltext_from_abs, parse_abs
from scraper.parse.arxiv_atom import atom_query_url, parse_atom
from scraper.parse.arxiv_html import parse_html
from scraper.parse.errors import ParseError
from scraper.store.archive.keys import cache_key
from scraper.store.partitions import PageRows, derived_pages
from scraper.store.provenance import parser_revision

logger = logging.getLogger(__name__)

# A rebuild's arXiv API queries: the crawl's, as a JSON list of URLs (scraper/fetch/rebuild/worker.py).
API_QUERIES_SETTING = "HFPAPERS_API_QUERIES"
# Full-text statuses for which the abs page is fetched instead (it still has the metadata).
ABS_FALLBACK = ("conversion_failed", "no_html")


class ArxivRoutes(scrapy.Spider):
    """Requests to arXiv and the callbacks of their answers (a part of the `hfpapers` spider)."""

    days: DayBook  # set by the spider's from_crawler
    # set in from_crawler from the crawler's settings (scraper/settings.py)
    follow_arxiv: bool
    arxiv_base: str
    arxiv_api: str
    arxiv_batch: int
    api_queries: list[str] | None  # a rebuild's: the queries the crawl sent
    archive_on: bool
    missing_html_ttl: float

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.follow_arxiv = settings.getbool("HFPAPERS_ARXIV")
        spider.arxiv_base = settings.get("HFPAPERS_ARXIV_BASE").rstrip("/")
        spider.arxiv_api = settings.get("HFPAPERS_ARXIV_API")
        spider.arxiv_batch = settings.getint("HFPAPERS_ARXIV_BATCH")
        given = settings.get(API_QUERIES_SETTING)
        spider.api_queries = json.loads(given) if given is not None else None
        spider.archive_on = settings.getbool(ARCHIVE_SETTING)
        spider.missing_html_ttl = settings.getfloat("HFPAPERS_MISSING_HTML_TTL")
        return spider

    def _count_response(self, response: Response, kind: str) -> None:
        """Requests by kind, and how many of them the HTTP cache answered (a refresh's cost)."""
        self.crawler.stats.inc_value(stats.RESPONSES + kind)
        if "cached" in response.flags:
            self.crawler.stats.inc_value(f"{stats.RESPONSES}{kind}/cached")

    def _count_failed(self, url: str, cause: str) -> None:
        """A request that failed for good: the crawl's exit code will say so."""
        self.crawler.stats.inc_value(stats.REQUESTS_FAILED)
        if not self.crawler.stats.get_value(stats.FIRST_FAILED_REQUEST):
            self.crawler.stats.set_value(stats.FIRST_FAILED_REQUEST, f"{url}: {cause}")

    def _arxiv_api_requests(self, ids: list[str]) -> Iterator[scrapy.Request]:
        """The arXiv API queries for `ids` (every id of the batch's lists), up to 100 ids each."""
        if self.api_queries is not None:  # a rebuild: the queries the crawl sent, as it sent them
            for url in self.api_queries:
                request = self._api_request(url, query_ids(url))
                if request is not None:
                    yield request
            return
        batch, api = self.arxiv_batch, self.arxiv_api
        unique = list(dict.fromkeys(ids))  # the parser let only real arXiv ids through
        for start in range(0, len(unique), batch):
            chunk = unique[start : start + batch]
            request = self._api_request(atom_query_url(api, chunk), chunk)
            if request is not None:
                yield request

    def _api_request(self, url: str, ids: list[str]) -> scrapy.Request | None:
        days = self.days.days_listing(ids)
        if not days:
            return None
        return scrapy.Request(
            url,
            callback=self.parse_arxiv_api,
            errback=self.arxiv_api_failed,
            cb_kwargs={"days": days, "arxiv_ids": ids},
            meta={
                LISTING_DAYS: days,  # the first day's archive file holds the answer
                PURPOSE: "api",
                "handle_httpstatus_list": [400],
                BODY_KIND: "atom",
            },
            dont_filter=True,
        )

    def parse_arxiv_api(self, response: Response, days: list[dt.date], arxiv_ids: list[str]) -> Iterator[Any]:
        at = fetched_at(response)
        self._count_response(response, "arxiv_api")
        found: dict[str, dict] = {}
        try:
            feed = parse_atom(response.body, response.url)
        except ParseError as exc:
            logger.error("arXiv API response %s could not be parsed: %s", response.url, exc)
            for day in days:
                yield Reject(day, response.url, exc.reason, exc.detail, "arxiv_api", crawled_at=at)
        else:
            for message in feed.errors:
                logger.error("arXiv API error (HTTP %d) for %s: %s", response.status, response.url, message)
            for entry in feed.entries:
                if entry["arxiv_id"] in arxiv_ids and entry["arxiv_id"] not in found:
                    found[entry["arxiv_id"]] = entry
        book = self.days
        for arxiv_id, entry in found.items():
            book.version_found(arxiv_id, entry.get("arxiv_version"))
        for day in days:
            listed = set(book.state(day).papers)
            for arxiv_id in arxiv_ids:
                if arxiv_id in listed and arxiv_id in found:
                    yield TableRow("arxiv", found[arxiv_id], day, response.url, crawled_at=at)
        missing = [i for i in arxiv_ids if i not in found]
        if missing:
            logger.warning(
                "%s: arXiv API has no entry for %d of %d papers (%s); their latest "
                "version is fetched unversioned",
                ", ".join(d.isoformat() for d in days),
                len(missing),
                len(arxiv_ids),
                ", ".join(missing[:10]) + (" …" if len(missing) > 10 else ""),
            )
            self.crawler.stats.inc_value(stats.ARXIV_API_MISSING, len(missing))

    def arxiv_api_failed(self, failure: Failure) -> Iterator[scrapy.Request | Reject]:
        request = failed_request(failure)
        days, at = request.cb_kwargs["days"], fetched_at(request)
        cause = describe_failure(failure)
        self._count_failed(request.url, cause)
        logger.error(
            "%s: arXiv API request failed (%s): %s; fetching full texts unversioned",
            ", ".join(d.isoformat() for d in days),
            request.url,
            cause,
        )
        for day in days:
            yield Reject(day, request.url, failure_reason(failure), cause, "arxiv_api", crawled_at=at)

    def _page_requests(self, entry: Day) -> Iterator[scrapy.Request]:
        """The arXiv pages of one day's papers, at the versions the API gave; a paper whose day
        already holds the rows those pages would give keeps them (`_kept_page`)."""
        if not self.follow_arxiv or entry.day is None:
            return  # Hugging Face only (or no day: never, a day with pages has its date)
        day = entry.day
        book = self.days
        derived = derived_pages(book.data_dir, day, parser_revision())
        for arxiv_id in entry.papers:
            version = book.versions.get(arxiv_id)
            rows = derived.get(arxiv_id)
            kept = self._kept_page(arxiv_id, version, rows) if rows is not None else None
            if kept is not None:
                book.keep_page(day, arxiv_id, kept)
                continue
            yield self._html_request(day, arxiv_id, version)
        if entry.kept:
            self.crawler.stats.inc_value(stats.PAGES_KEPT, len(entry.kept))
            logger.info(
                "%s: %d papers' page rows are in the day already (same answers, same parser): kept",
                day,
                len(entry.kept),
            )

    def _kept_page(self, arxiv_id: str, version: int | None, rows: PageRows) -> str | None:
        """The URL of the answer a paper's day rows came from, when fetching (or reading from the
        cache) and parsing its pages again would give the very same rows; None: fetch them.

        The rows must come from the answers the HTTP cache would give now: a versioned HTML page
        (never changes); or, while arXiv's "no HTML" answer for that version (or the page of a paper
        the API did not know, fetched unversioned) is still trusted (HFPAPERS_MISSING_HTML_TTL),
        the answer read after it — its abs page. A failed fetch is always tried again."""
        html = self._arxiv_url("html", arxiv_id, version)
        if rows.source == "html" and rows.url == html and version:
            return html  # a versioned page never changes
        if not self.archive_on or rows.status == "fetch_error":
            return None  # (without the archive there is no cache to tell what is still trusted)
        index = archive_index(self.crawler)
        ttl = self.missing_html_ttl
        now = dt.datetime.now(dt.UTC)

        def trusted(url: str, versioned_page: bool) -> dt.datetime | None:
            """When the answer the cache holds for `url` was fetched, if the cache would serve it."""
            key = cache_key(url)
            found = index.cached(key) if key else None
            if found is None:
                return None
            fresh = versioned_page and found.status == 200 or (now - found.date).total_seconds() < ttl
            return found.date.replace(microsecond=found.date.microsecond // 1000 * 1000) if fresh else None

        at = rows.crawled_at
        if rows.source == "html":  # the latest version of a paper the API did not know
            return html if rows.url == html and trusted(html, False) == at else None
        if rows.source not in ("abs", "none") or rows.status not in ABS_FALLBACK + ("no_html",):
            return None
        abs_page = self._arxiv_url("abs", arxiv_id, None)  # (a rebuild asks the same URL: same rows)
        if rows.url != abs_page and not re.fullmatch(re.escape(abs_page) + r"v\d+", rows.url):
            return None
        said_no = trusted(html, False)  # arXiv's "no HTML" answer, still trusted…
        if said_no is None or said_no > at:
            return None
        versioned = bool(re.search(r"v\d+$", rows.url))
        return rows.url if trusted(rows.url, versioned) == at else None  # …and the page read after

    def _arxiv_url(self, kind: str, arxiv_id: str, version: int | None) -> str:
        return f"{self.arxiv_base}/{kind}/{arxiv_id}" + (f"v{version}" if version else "")

    def _html_request(self, day: dt.date, arxiv_id: str, version: int | None) -> scrapy.Request:
        return scrapy.Request(
            self._arxiv_url("html", arxiv_id, version),
            callback=self.parse_arxiv_html,
            errback=self.arxiv_page_failed,
            cb_kwargs={"day": day, "arxiv_id": arxiv_id, "version": version},
            meta={
                LISTING_DAYS: [day],
                PURPOSE: "html",
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
            cb_kwargs={"day": day, "arxiv_id": arxiv_id, "version": version, "fulltext_status": status},
            meta={
                LISTING_DAYS: [day],
                PURPOSE: "abs",
                "handle_httpstatus_list": [404],
                BODY_KIND: "html",
            },
            dont_filter=True,
        )

    def parse_arxiv_html(
        self, response: Response, day: dt.date, arxiv_id: str, version: int | None
    ) -> Iterator[Any]:
        at = fetched_at(response)
        self._count_response(response, "arxiv_html")
        if response.status == 404:
            logger.info("%s has no HTML version (404); using its abs page", arxiv_id)
            yield self._abs_request(day, arxiv_id, version, "no_html")
            return
        try:
            row = parse_html(response.body, response.url)
        except ParseError as exc:
            logger.error("arXiv HTML %s could not be parsed: %s", response.url, exc)
            yield Reject(day, response.url, exc.reason, exc.detail, "fulltext", arxiv_id, crawled_at=at)
            yield self._abs_request(day, arxiv_id, version, "fetch_error")
            return
        status = row["fulltext_status"]
        if status in ABS_FALLBACK:
            logger.info("%s: HTML status %s; using its abs page", response.url, status)
            yield self._abs_request(day, arxiv_id, row.get("version") or version, status)
            return
        row["arxiv_id"] = arxiv_id  # the id we asked for is the join key, whatever the page says
        row["version"] = row.get("version") or version
        self.crawler.stats.inc_value(stats.FULLTEXT + status)
        yield TableRow("fulltext", row, day, response.url, crawled_at=at)
        metrics, claims = fulltext_derived(row)
        for metric in metrics:
            yield TableRow("metrics", metric, day, response.url, crawled_at=at)
        for claim in claims:
            yield TableRow("claims", claim, day, response.url, crawled_at=at)

    def parse_arxiv_abs(
        self, response: Response, day: dt.date, arxiv_id: str, version: int | None, fulltext_status: str
    ) -> Iterator[Any]:
        at = fetched_at(response)
        self._count_response(response, "arxiv_abs")
        if response.status == 404:
            logger.warning("%s: no abs page either (404); no full text", arxiv_id)
            yield TableRow(
                "fulltext", no_fulltext(arxiv_id, version, fulltext_status), day, response.url, crawled_at=at
            )
            return
        try:
            row = fulltext_from_abs(parse_abs(response.body, response.url), fulltext_status)
        except ParseError as exc:
            logger.error("arXiv abs page %s could not be parsed: %s", response.url, exc)
            yield Reject(day, response.url, exc.reason, exc.detail, "fulltext", arxiv_id, crawled_at=at)
            yield TableRow(
                "fulltext", no_fulltext(arxiv_id, version, fulltext_status), day, response.url, crawled_at=at
            )
            return
        row["arxiv_id"] = arxiv_id
        self.crawler.stats.inc_value(f"{stats.FULLTEXT}abs_{fulltext_status}")
        yield TableRow("fulltext", row, day, response.url, crawled_at=at)

    def arxiv_page_failed(self, failure: Failure) -> Iterator[Any]:
        request = failed_request(failure)
        given, at = request.cb_kwargs, fetched_at(request)
        cause = describe_failure(failure)
        self._count_failed(request.url, cause)
        day, arxiv_id, version = given["day"], given["arxiv_id"], given["version"]
        logger.error("%s: %s failed for good: %s", arxiv_id, request.url, cause)
        yield Reject(day, request.url, failure_reason(failure), cause, "fulltext", arxiv_id, crawled_at=at)
        if "fulltext_status" not in given:  # the HTML failed: the abs page may still answer
            yield self._abs_request(day, arxiv_id, version, "fetch_error")
        else:
            yield TableRow(
                "fulltext", no_fulltext(arxiv_id, version, "fetch_error"), day, request.url, crawled_at=at
            )


def query_ids(url: str) -> list[str]:
    """The ids of an arXiv API `id_list` query URL (as `atom_query_url` makes them), in order."""
    values = parse_qs(urlsplit(url).query).get("id_list") or []
    return [i for i in ",".join(values).split(",") if i]


def no_fulltext(arxiv_id: str, version: int | None, status: str) -> dict:
    """The `fulltext` row of a paper for which arXiv gave us no text at all."""
    return {"arxiv_id": arxiv_id, "version": version, "fulltext_source": "none", "fulltext_status": status}
