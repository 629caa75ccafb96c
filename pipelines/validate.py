"""Validate: every row must fit its table's schema; one that does not goes to `rejects` instead,
with its URL and the reason, and a log line."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pipelines.normalize import reject_row
from scraper.crawl import stats
from scraper.items import Reject, TableRow
from scraper.schema import SchemaError, conform
from scraper.schema.registry import TABLES, schema_of

logger = logging.getLogger(__name__)


class ValidatePipeline:
    def __init__(self, stats=None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item: Any, spider=None) -> Any:
        if not isinstance(item, TableRow):
            return item
        schema = schema_of(item.table)
        try:
            if schema is None:
                raise SchemaError(f"no table named {item.table!r}")
            item.arrow = conform(item.record, schema)
        except SchemaError as exc:
            logger.warning("row for %s from %s rejected: %s", item.table, item.source_url, exc)
            if self.stats:
                self.stats.inc_value(stats.REJECTS + "schema_violation")
            reject = Reject(
                item.listing_date,
                item.source_url,
                "schema_violation",
                str(exc),
                item.table,
                item.record.get("arxiv_id"),
                item.record,
            )
            row = reject_row(reject, item.record.get("crawled_at") or datetime.now(UTC))
            row.arrow = conform(row.record, TABLES["rejects"])
            return row
        return item
