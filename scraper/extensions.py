"""Extensions: the run report written at the end of every crawl."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals

logger = logging.getLogger(__name__)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


class RunReport:
    """At the end of every crawl: one summary (requests, retries by reason, rows per table, rejects,
    elapsed time) in the log, and the full stats as JSON in `<data>/_runs/<UTC timestamp>.json`."""

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

        return {
            "finish_reason": reason,
            "elapsed_seconds": stats.get("elapsed_time_seconds"),
            "requests": stats.get("downloader/request_count", 0),
            "responses_by_status": prefixed("downloader/response_status_count/"),
            "retries": stats.get("retry/count", 0),
            "retries_by_reason": prefixed("retry/reason_count/"),
            "retries_given_up": stats.get("retry/max_reached", 0),
            "cache_hits": stats.get("httpcache/hit", 0),
            "rows_by_table": prefixed("hfpapers/rows/"),
            "rejects_by_reason": prefixed("hfpapers/rejects/"),
            "days_written": stats.get("hfpapers/days_written", 0),
            "days_empty": stats.get("hfpapers/days_empty", 0),
            "days_failed": stats.get("hfpapers/days_failed", 0),
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
        path.write_text(json.dumps(report, indent=2, default=_jsonable, sort_keys=True))
        logger.info("run report written to %s", path)
