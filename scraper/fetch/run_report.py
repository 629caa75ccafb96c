"""The run report written at the end of every crawl (`data/_runs/<time>.json`): its stats, its
summary, what failed."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.httpobj import urlparse_cached

from scraper.fetch import stats
from scraper.fetch.identity import crawl_id
from scraper.store.layout import Layout
from scraper.store.provenance import parser_revision
from scraper.store.runs import write_run_report

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class RunReport:
    """At the end of every crawl: one summary (requests sent and cache hits, in all and per host,
    faults seen, retries by reason, rows per table, rejects by reason, elapsed time) in the log, and
    the summary with the full stats as JSON in `<data>/_runs/<UTC timestamp>.json`, beside the data
    it describes (earlier months' reports are rolled into `_runs/YYYY-MM.jsonl`: scraper/store/runs.py).

    `requests_sent` counts what went out on the network — every attempt, retries and robots.txt
    included; `cache_hits` the requests the HTTP cache (the web archive) answered without one; Scrapy's
    `downloader/request_count` (in `stats`) is their sum. `pages_kept` counts papers whose page was
    not asked for at all: their day held the page's rows already (scraper/fetch/spiders/arxiv.py).

    `faults_seen` counts what went wrong on the wire before retries sorted it out: answers with an
    error status (404 included: arXiv's "no HTML"), download exceptions by type (timeouts, resets,
    data loss…) and bodies that failed the body check (cut short / malformed)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.layout = Layout.of(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.request_sent, signal=signals.request_reached_downloader)
        return extension

    def request_sent(self, request: Request, spider: Spider | None = None) -> None:
        """A request reached the downloader: it goes out on the network (cache hits never get here)."""
        self.crawler.stats.inc_value(stats.SENT + (urlparse_cached(request).netloc or "?"))

    def summary(self, values: dict[str, Any], reason: str) -> dict[str, Any]:
        def prefixed(prefix: str) -> dict[str, Any]:
            return {k[len(prefix) :]: v for k, v in sorted(values.items()) if k.startswith(prefix)}

        statuses = prefixed(stats.SCRAPY_STATUSES)
        sent, hits = prefixed(stats.SENT), prefixed(stats.CACHE_HITS)
        return {
            "finish_reason": reason,
            "elapsed_seconds": values.get(stats.SCRAPY_ELAPSED),
            # what went out on the network, and what the cache (the archive) answered instead
            "requests_sent": sum(sent.values()),
            "cache_hits": sum(hits.values()),
            "by_host": {
                host: {"requests_sent": sent.get(host, 0), "cache_hits": hits.get(host, 0)}
                for host in sorted(set(sent) | set(hits))
            },
            "pages_kept": values.get(stats.PAGES_KEPT, 0),
            "responses_by_status": statuses,
            "faults_seen": {
                "error_statuses": {k: v for k, v in statuses.items() if k.isdigit() and int(k) >= 400},
                "exceptions": prefixed(stats.SCRAPY_EXCEPTIONS),
                "bad_bodies": prefixed(stats.BODY_CHECK),
            },
            "retries": values.get(stats.SCRAPY_RETRIES, 0),
            "retries_by_reason": prefixed(stats.SCRAPY_RETRIES_BY_REASON),
            "retries_given_up": values.get(stats.SCRAPY_RETRIES_GIVEN_UP, 0),
            "retry_after_honoured": values.get(stats.RETRY_AFTER_HONOURED, 0),
            "backoffs": values.get(stats.BACKOFFS, 0),
            "backoff_seconds": round(values.get(stats.BACKOFF_SECONDS, 0.0), 3),
            "cache_refreshed": values.get(stats.CACHE_REFRESHED, 0),
            "items_scraped": values.get(stats.SCRAPY_ITEMS_SCRAPED, 0),
            "items_dropped": values.get(stats.SCRAPY_ITEMS_DROPPED, 0),
            "rows_by_table": prefixed(stats.ROWS),
            "rejects_by_reason": prefixed(stats.REJECTS),
            "days_written": values.get(stats.DAYS_WRITTEN, 0),
            "days_empty": values.get(stats.DAYS_EMPTY, 0),
            "days_failed": values.get(stats.DAYS_FAILED, 0),
            "days_resumed": values.get(stats.DAYS_RESUMED, 0),
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        collected = self.crawler.stats.get_stats()
        days = getattr(getattr(spider, "days", None), "outcomes", {})
        revision = parser_revision()
        report = {
            "kind": "crawl",
            "crawl_id": crawl_id(self.crawler),
            "parser_revision": revision,
            # Provenance: what became of each listing day, and which parser revision derived it.
            "days": {day: {**info, "parser_revision": revision} for day, info in sorted(days.items())},
            "summary": self.summary(collected, reason),
            "stats": collected,
            "spider_args": {"plan": str(plan) if (plan := getattr(spider, "plan", None)) else None},
        }
        logger.info("run report: %s", json.dumps(report["summary"], default=_jsonable))
        # whole or absent, like the partitions; earlier months' reports are rolled into one file each
        path = write_run_report(self.layout, report, default=_jsonable)
        logger.info("run report written to %s", path)
