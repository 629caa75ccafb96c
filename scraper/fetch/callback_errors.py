"""Nothing escapes silently: an unexpected exception while handling a response or an item fails the
listing day it belongs to — an ERROR line naming the URL, a `rejects` row saying what broke, the
day not written and not journaled (a resumed job redoes it), exit code 1.

Scrapy by itself logs such an exception and goes on, so the day would be written without the
rows that callback or item should have made, and the crawl would exit 0. Two hooks close that gap:
a spider middleware for callbacks and errbacks (`process_spider_exception`), and the `item_error`
signal for item pipelines. Both hand the failure to the day book (`scraper/fetch/day_book.py`), which
reports it with the day.

A problem with one list *entry* is not this: the parsers turn it into a reject of that entry and
the day's other entries are written (scraper/parse/hf_daily_api.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from scraper.fetch import stats
from scraper.fetch.archive_recorder import LISTING_DAYS
from scraper.fetch.items import TableRow

logger = logging.getLogger(__name__)

INTERNAL_ERROR = "internal_error"  # the reject reason


class FailsDays(Protocol):
    """What the hooks need of the day book."""

    def fail_with(
        self,
        day: date | None,
        url: str | None,
        reason: str,
        detail: str,
        table: str | None = None,
        arxiv_id: str | None = None,
    ) -> None: ...


def describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:500] if text else type(exc).__name__


class FailDayOnCallbackError:
    """Spider middleware: an exception escaping a callback or errback fails its listing day."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailDayOnCallbackError:
        return cls(crawler)

    def process_spider_exception(
        self, response: Response, exception: Exception, spider: Any = None
    ) -> Iterable[Any] | None:
        if isinstance(exception, (HttpError, IgnoreRequest)):  # Scrapy's own flow, not a failure
            return None
        what = describe(exception)
        days = response.meta.get(LISTING_DAYS) or [None]  # an arXiv API answer serves several
        day = days[0]
        logger.error(
            "%s: handling %s failed (%s); the day is not written",
            day or "the latest day",
            response.url,
            what,
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        self.crawler.stats.inc_value(stats.INTERNAL_ERRORS)
        book: FailsDays = self.crawler.spider.days  # type: ignore[union-attr]
        detail = f"handling the response: {what}"
        arxiv_id = response.cb_kwargs.get("arxiv_id")
        # an arXiv API answer serves every day of its batch that lists one of its papers
        for listed in days:
            book.fail_with(listed, response.url, INTERNAL_ERROR, detail, None, arxiv_id)
        return []


def fail_day_on_item_error(crawler: Crawler, days: FailsDays) -> None:
    """Connect the `item_error` signal: an exception in an item pipeline fails the item's day."""

    def on_item_error(
        item: Any, response: Response | None = None, spider: Any = None, failure: Failure | None = None
    ) -> None:
        if failure is not None and failure.check(DropItem):
            return
        what = describe(failure.value) if failure is not None else "unknown error"
        day = getattr(item, "listing_date", None)
        url = (
            getattr(item, "source_url", None)
            or getattr(item, "url", None)
            or (response.url if response else None)
        )
        table = getattr(item, "table", None)
        logger.error(
            "%s: an item pipeline failed on a %s row from %s (%s); the day is not written",
            day or "the latest day",
            table or type(item).__name__,
            url,
            what,
        )
        crawler.stats.inc_value(stats.INTERNAL_ERRORS)
        arxiv_id = (
            item.record.get("arxiv_id") if isinstance(item, TableRow) else getattr(item, "arxiv_id", None)
        )
        days.fail_with(day, url, INTERNAL_ERROR, f"processing a {table} row: {what}", table, arxiv_id)

    crawler.signals.connect(on_item_error, signal=signals.item_error, weak=False)
