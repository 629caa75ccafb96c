"""Normalize: clean text, derive links, fill the common columns; turn Reject items into `rejects` rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from scraper.derive.clean import add_common, clean_paper
from scraper.fetch import stats
from scraper.fetch.items import PAYLOAD_LIMIT, Reject, TableRow
from scraper.schema.registry import JOINED


def reject_row(reject: Reject, crawled_at: datetime) -> TableRow:
    """A Reject as a row of the `rejects` table (payload serialized and cut to 64 KiB)."""
    payload = reject.payload
    if payload is not None and not isinstance(payload, str):
        payload = json.dumps(payload, ensure_ascii=False, default=str)
    record = {
        "table": reject.table,
        "arxiv_id": reject.arxiv_id,
        "reason": reject.reason,
        "detail": reject.detail or None,
        "payload": payload[:PAYLOAD_LIMIT] if payload else None,
    }
    add_common(record, reject.listing_date, crawled_at, reject.url)
    return TableRow("rejects", record, reject.listing_date, reject.url)


class NormalizePipeline:
    # Table-specific cleaning; tables without an entry only get the common columns.
    CLEANERS = {"papers": clean_paper}

    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        now = datetime.now(UTC)
        if isinstance(item, Reject):
            if self.stats:
                self.stats.inc_value(stats.REJECTS + item.reason)
            return reject_row(item, item.crawled_at or now)
        if isinstance(item, TableRow) and item.table not in JOINED:
            cleaner = self.CLEANERS.get(item.table)
            if cleaner is not None:
                cleaner(item.record)
            add_common(item.record, item.listing_date, item.crawled_at or now, item.source_url)
        return item
