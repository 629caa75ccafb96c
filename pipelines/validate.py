"""Validate: every row must fit its table's schema; one that does not goes to `rejects` instead,
with its URL and the reason, and a log line.

Two steps, so that no row costs an Arrow table of its own:

* `ValidatePipeline.process_item` checks what needs no conversion (a known table, no unknown
  column, every required column set) as each row passes;
* `conform_rows` converts a batch of one day's rows of one table — the writer calls it every
  BATCH_ROWS rows and when the day is complete — into one Arrow table with a single conversion; a
  row whose values do not fit its column types becomes a `rejects` row there (scraper.schema.
  conform_batch finds it without converting the good rows one by one).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Self

import pyarrow as pa
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipelines.normalize import reject_row
from scraper.fetch import stats
from scraper.fetch.items import Reject, TableRow
from scraper.schema import SchemaError, check_columns, conform_batch
from scraper.schema.registry import schema_of

logger = logging.getLogger(__name__)

# Rows of one table converted at a time. A `fulltext` row holds a whole paper (sections, tables,
# references) as Python objects, several times its Arrow size: a few at a time keep the day's
# memory near its Arrow size. Other rows are small, and a larger batch costs less per row.
BATCH_ROWS = {"fulltext": 4}
DEFAULT_BATCH_ROWS = 512


def batch_rows(table: str) -> int:
    return BATCH_ROWS.get(table, DEFAULT_BATCH_ROWS)


def schema_violation(item: TableRow, reason: str, counter: Any = None) -> TableRow:
    """The `rejects` row of a row that does not fit its table (logged and counted)."""
    logger.warning("row for %s from %s rejected: %s", item.table, item.source_url, reason)
    if counter is not None:
        counter.inc_value(stats.REJECTS + "schema_violation")
    reject = Reject(
        item.listing_date,
        item.source_url,
        "schema_violation",
        reason,
        item.table,
        item.record.get("arxiv_id"),
        item.record,
    )
    return reject_row(reject, item.record.get("crawled_at") or datetime.now(UTC))


def conform_rows(table: str, rows: list[TableRow], counter: Any = None) -> tuple[pa.Table, list[TableRow]]:
    """One batch of `table` rows as one Arrow table, and the `rejects` rows of those that do not fit."""
    schema = schema_of(table)
    if schema is None:
        return pa.table({}), [schema_violation(row, f"no table named {table!r}", counter) for row in rows]
    data, bad = conform_batch([row.record for row in rows], schema)
    return data, [schema_violation(rows[index], reason, counter) for index, reason in bad]


class ValidatePipeline:
    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, TableRow):
            return item
        schema = schema_of(item.table)
        try:
            if schema is None:
                raise SchemaError(f"no table named {item.table!r}")
            check_columns(item.record, schema)
        except SchemaError as exc:
            return schema_violation(item, str(exc), self.stats)
        return item
