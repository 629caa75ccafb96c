"""The arXiv half of the crawl's routing: each listed paper's metadata from the arXiv API (in
batches), then its HTML full text at the version the API reported, or its abs page when there is no
HTML. Parsing is the parsers' (scraper/parsers/arxiv_*); deriving metrics and claims, scraper/derive.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from scraper.archive.recorder import PURPOSE, fetched_at
from scraper.crawl import stats
from scraper.crawl.body_checks import BODY_KIND
from scraper.crawl.failures import describe_failure, failed_request, failure_reason
from scraper.derive import fulltext_derived
from scraper.items import Reject, TableRow
from scraper.parsers.arxiv_abs import fulltext_from_abs, parse_abs
from scraper.parsers.arxiv_atom import atom_query_url, parse_atom
from scraper.parsers.arxiv_html import parse_html
from scraper.parsers.errors import ParseError

logger = logging.getLogger(__name__)

# Full-text statuses for which the abs page is fetched instead (it still has the metadata).
ABS_FALLBACK = ("conversion_failed", "no_html")


class ArxivRoutes(scrapy.Spider):
    """Requests to arXiv and the callbacks of their answers (a part of the `hfpapers` spider)."""

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
                    PURPOSE: "api",
                    "handle_httpstatus_list": [400],
                    BODY_KIND: "atom",
                },
                dont_filter=True,
            )

    def parse_arxiv_api(self, response: Response) -> Iterator[Any]:
        day: dt.date = response.meta["listing_date"]
        asked: list[str] = response.meta["arxiv_ids"]
        at = fetched_at(response)
        self._count_response(response, "arxiv_api")
        versions: dict[str, int | None] = {}
        try:
            feed = parse_atom(response.body, response.url)
        except ParseError as exc:
            logger.error("arXiv API response %s could not be parsed: %s", response.url, exc)
            yield Reject(day, response.url, exc.reason, exc.detail, "arxiv_api", crawled_at=at)
        else:
            for message in feed.errors:
                logger.error("arXiv API error (HTTP %d) for %s: %s", response.status, response.url, message)
            for entry in feed.entries:
                if entry["arxiv_id"] in asked and entry["arxiv_id"] not in versions:
                    versions[entry["arxiv_id"]] = entry.get("arxiv_version")
                    yield TableRow("arxiv", entry, day, response.url, crawled_at=at)
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
            self.crawler.stats.inc_value(stats.ARXIV_API_MISSING, len(missing))
        for arxiv_id in asked:
            yield self._html_request(day, arxiv_id, versions.get(arxiv_id))

    def arxiv_api_failed(self, failure: Failure) -> Iterator[scrapy.Request | Reject]:
        request = failed_request(failure)
        day, at = request.meta["listing_date"], fetched_at(request)
        cause = describe_failure(failure)
        self._count_failed(request.url, cause)
        logger.error(
            "%s: arXiv API request failed (%s): %s; fetching full texts unversioned", day, request.url, cause
        )
        yield Reject(day, request.url, failure_reason(failure), cause, "arxiv_api", crawled_at=at)
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
            meta={
                "listing_date": day,
                "arxiv_id": arxiv_id,
                "version": version,
                "fulltext_status": status,
                PURPOSE: "abs",
                "handle_httpstatus_list": [404],
                BODY_KIND: "html",
            },
            dont_filter=True,
        )

    def parse_arxiv_html(self, response: Response) -> Iterator[Any]:
        day, arxiv_id, version = (response.meta[k] for k in ("listing_date", "arxiv_id", "version"))
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

    def parse_arxiv_abs(self, response: Response) -> Iterator[Any]:
        day, arxiv_id, version, status = (
            response.meta[k] for k in ("listing_date", "arxiv_id", "version", "fulltext_status")
        )
        at = fetched_at(response)
        self._count_response(response, "arxiv_abs")
        if response.status == 404:
            logger.warning("%s: no abs page either (404); no full text", arxiv_id)
            yield TableRow(
                "fulltext", no_fulltext(arxiv_id, version, status), day, response.url, crawled_at=at
            )
            return
        try:
            row = fulltext_from_abs(parse_abs(response.body, response.url), status)
        except ParseError as exc:
            logger.error("arXiv abs page %s could not be parsed: %s", response.url, exc)
            yield Reject(day, response.url, exc.reason, exc.detail, "fulltext", arxiv_id, crawled_at=at)
            yield TableRow(
                "fulltext", no_fulltext(arxiv_id, version, status), day, response.url, crawled_at=at
            )
            return
        row["arxiv_id"] = arxiv_id
        self.crawler.stats.inc_value(f"{stats.FULLTEXT}abs_{status}")
        yield TableRow("fulltext", row, day, response.url, crawled_at=at)

    def arxiv_page_failed(self, failure: Failure) -> Iterator[Any]:
        request = failed_request(failure)
        meta, at = request.meta, fetched_at(request)
        cause = describe_failure(failure)
        self._count_failed(request.url, cause)
        logger.error("%s: %s failed for good: %s", meta["arxiv_id"], request.url, cause)
        day, arxiv_id, version = meta["listing_date"], meta["arxiv_id"], meta["version"]
        yield Reject(day, request.url, failure_reason(failure), cause, "fulltext", arxiv_id, crawled_at=at)
        if "fulltext_status" not in meta:  # the HTML failed: the abs page may still answer
            yield self._abs_request(day, arxiv_id, version, "fetch_error")
        else:
            yield TableRow(
                "fulltext", no_fulltext(arxiv_id, version, "fetch_error"), day, request.url, crawled_at=at
            )


def no_fulltext(arxiv_id: str, version: int | None, status: str) -> dict:
    """The `fulltext` row of a paper for which arXiv gave us no text at all."""
    return {"arxiv_id": arxiv_id, "version": version, "fulltext_source": "none", "fulltext_status": status}
