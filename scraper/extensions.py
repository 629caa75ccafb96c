"""Extensions: the run report written at the end of every crawl."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class RunReport:
    """At the end of every crawl: one summary (requests, faults seen, retries by reason, rows per
    table, rejects by reason, elapsed time) in the log, and the summary with the full stats as JSON in
    `<data>/_runs/<UTC timestamp>.json`, beside the data it describes.

    `faults_seen` counts what went wrong on the wire before retries sorted it out: answers with an
    error status (404 included: arXiv's "no HTML"), download exceptions by type (timeouts, resets,
    data loss…) and bodies that failed the body check (cut short / malformed)."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.root = Path(crawler.settings.get("HFPAPERS_DATA_DIR", "data")) / "_runs"

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def summary(self, stats: dict[str, Any], reason: str) -> dict[str, Any]:
        def prefixed(prefix: str) -> dict[str, Any]:
            return {k[len(prefix):]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}

        statuses = prefixed("downloader/response_status_count/")
        return {
            "finish_reason": reason,
            "elapsed_seconds": stats.get("elapsed_time_seconds"),
            "requests": stats.get("downloader/request_count", 0),
            "responses_by_status": statuses,
            "faults_seen": {
                "error_statuses": {k: v for k, v in statuses.items() if k.isdigit() and int(k) >= 400},
                "exceptions": prefixed("downloader/exception_type_count/"),
                "bad_bodies": prefixed("hfpapers/body_check/"),
            },
            "retries": stats.get("retry/count", 0),
            "retries_by_reason": prefixed("retry/reason_count/"),
            "retries_given_up": stats.get("retry/max_reached", 0),
            "retry_after_honoured": stats.get("retry/retry_after_honoured", 0),
            "backoffs": stats.get("retry/backoff_count", 0),
            "backoff_seconds": round(stats.get("retry/backoff_seconds", 0.0), 3),
            "cache_hits": stats.get("httpcache/hit", 0),
            "cache_refreshed": stats.get("httpcache/refresh", 0),
            "items_scraped": stats.get("item_scraped_count", 0),
            "items_dropped": stats.get("item_dropped_count", 0),
            "rows_by_table": prefixed("hfpapers/rows/"),
            "rejects_by_reason": prefixed("hfpapers/rejects/"),
            "days_written": stats.get("hfpapers/days_written", 0),
            "days_empty": stats.get("hfpapers/days_empty", 0),
            "days_failed": stats.get("hfpapers/days_failed", 0),
            "days_resumed": stats.get("hfpapers/days_resumed", 0),
        }

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        report = {"summary": self.summary(stats, reason), "stats": stats,
                  "spider_args": {k: getattr(spider, "plan", None) and str(spider.plan)
                                  for k in ("plan",)}}
        logger.info("run report: %s", json.dumps(report["summary"], default=_jsonable))
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.root / f"{stamp}.json"
        tmp = self.root / f".{stamp}.json.writing"  # whole or absent, like the partitions
        tmp.write_text(json.dumps(report, indent=2, default=_jsonable, sort_keys=True))
        os.replace(tmp, path)
        logger.info("run report written to %s", path)


class CrawlDelay:
    """Honour robots.txt `Crawl-delay` per domain (Scrapy reads robots.txt but does not apply the
    delay): when a site's robots.txt is parsed, its download slot gets at least that delay, one
    connection and no jitter. Delays above HFPAPERS_MAX_CRAWL_DELAY are capped, with a warning."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat("HFPAPERS_MAX_CRAWL_DELAY", 60.0)
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get(
            "USER_AGENT")

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.robots_parsed, signal=signals.robots_parsed)
        return extension

    def robots_parsed(self, robotparser, request, **_: Any) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        netloc = urlparse_cached(request).netloc
        if not delay:
            return
        if delay > self.max_delay:
            logger.warning("%s asks for Crawl-delay %ss; capped at HFPAPERS_MAX_CRAWL_DELAY=%ss",
                           netloc, delay, self.max_delay)
            delay = self.max_delay
        host = urlparse_cached(request).hostname or netloc
        downloader = self.crawler.engine.downloader
        slot_settings = downloader.per_slot_settings.setdefault(host, {})
        slot_settings["delay"] = max(float(slot_settings.get("delay", 0.0)), float(delay))
        slot_settings["concurrency"] = 1
        slot_settings["jitter"] = 0.0
        slot = downloader.slots.get(host)
        if slot is not None:
            slot.delay = max(slot.delay, float(delay))
            slot.concurrency = 1
            slot.jitter = 0.0
        self.crawler.stats.set_value(f"hfpapers/crawl_delay/{host}", slot_settings["delay"])
        logger.info("%s: robots.txt Crawl-delay %ss applied (one connection)", host, delay)
