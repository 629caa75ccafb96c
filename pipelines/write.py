"""Parquet writer: rows are buffered per listing day, and when the spider says a day is complete its
partitions are written — one file per table and day, `data/<table>/date=YYYY-MM-DD/part-0.parquet`
(hive layout, zstd; scraper/store/layout.py names every path).

Rows wait as Python records only until BATCH_ROWS of one table and day have come (a few for
`fulltext`, whose rows are whole papers): then they are validated and converted in one go
(pipelines/validate.py, `conform_rows`), and the day is kept as Arrow tables until it is written.

Replaced tables (`papers`, `fulltext`, `metrics`, `claims`): the day's file is the day as this crawl
read it. Append-only tables (`ratings`, `rejects`: history and failures, scraper.schema.registry):
the day's one file is rewritten as its old rows followed by this crawl's, and the old rows are
copied as they were, never changed. The file's Parquet key-value metadata `hfpapers.appends` lists
the crawls whose rows it holds, in order, with their row counts (`[[crawl id, rows], …]`): a
resumed job's redo of a day replaces the rows of the crawl it supersedes (scraper/fetch/day_book.py),
and a rebuild knows which crawls a day holds.

Why this is crash-safe and idempotent: a partition is a single file, written beside its final name
and moved over it with `os.replace`, which is atomic on one filesystem. A reader (or a crash) sees
either the old file or the new one, never half of one. Re-running a day replaces exactly that day's
files; other days are never opened. A day that failed, or was still in flight when the crawl
stopped, is not written at all (only its rejects are appended), so the previous version of that day
stays as it was.

A day's tables are replaced one after the other, so a crash in the middle of a day's write can
leave that one day with some tables new and some old (every file whole and readable). The spider
journals a day (JOBDIR) only after all its files are in place, so a resumed job redoes such a day.

Folders written by earlier versions (one `part-<crawl id>.parquet` per crawl in `ratings`) are
merged into the one file when the writer opens, each old file a segment named after its crawl; the
old files are removed after the merged file is in place (a kill in between leaves rows twice until
the next crawl merges again, and never loses one).

The day book (scraper/fetch/day_book.py) calls `write_day` / `drop_day` when it closes a day
(the DayWriter interface, scraper/fetch/day_writer.py).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Self

import pyarrow as pa
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from pipelines.normalize import reject_row
from pipelines.validate import batch_rows, conform_rows
from scraper.fetch import stats
from scraper.fetch.day_writer import DayWriter, FailedDay, WrittenDay
from scraper.fetch.identity import crawl_id
from scraper.fetch.items import TableRow
from scraper.fetch.stats import DAYS_WRITTEN
from scraper.schema.registry import APPEND_ONLY, JOIN_INTO, JOINED, TABLES, schema_of
from scraper.store.layout import Layout
from scraper.store.partitions import (
    PAGE_TABLES,
    append_partition,
    assemble,
    assemble_joined,
    clean_stale_writes,
    join_by_key,
    kept_rows,
    merge_old_append_files,
    remove_partition,
    versioned_html_urls,
    write_partition,
)

logger = logging.getLogger(__name__)


@dataclass
class DayRows:
    """One listing day's rows, until the day is written: records waiting for their batch, and the
    batches already validated and converted to Arrow."""

    waiting: dict[str, list[TableRow]] = field(default_factory=lambda: defaultdict(list))
    converted: dict[str, list[pa.Table]] = field(default_factory=lambda: defaultdict(list))


class ParquetWriterPipeline(DayWriter):
    def __init__(self, root: Path, stats: StatsCollector | None = None, run_id: str = "") -> None:
        self.root = root
        self.stats = stats
        # Names this crawl's rows in append-only tables (`ratings`, `rejects`): the crawl id, which
        # also names its archive files (a rebuild writes the same ids).
        self.run_id = run_id or crawl_id(None)
        self.days: dict[date, DayRows] = defaultdict(DayRows)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(Layout.of(crawler.settings).root, crawler.stats, crawl_id(crawler))
        crawler.signals.connect(pipeline.close, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        stale = clean_stale_writes(self.root)
        if stale:
            logger.warning("removed %d unfinished partition file(s) of an earlier crash", stale)
        merged = merge_old_append_files(self.root)
        if merged:
            logger.info("merged the per-crawl files of %d day(s) into one file per day", merged)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, TableRow) and schema_of(item.table) is not None:
            rows = self.days[item.listing_date]
            rows.waiting[item.table].append(item)
            if len(rows.waiting[item.table]) >= batch_rows(item.table):
                self._convert(rows, item.table)
        return item

    def _convert(self, rows: DayRows, table: str) -> None:
        """Validate and convert the waiting rows of `table` in one batch (misfits become rejects)."""
        waiting = rows.waiting.pop(table, [])
        if not waiting:
            return
        data, rejects = conform_rows(table, waiting, self.stats)
        if data.num_rows:
            rows.converted[table].append(data)
        if table == "rejects":
            for reject in rejects:  # (reject_row makes rows that fit; this would be a bug)
                logger.error("a rejects row could not be written: %s", reject.record.get("detail"))
            return
        rows.waiting["rejects"].extend(rejects)

    def _converted(self, day: date) -> dict[str, list[pa.Table]]:
        """Every row of the day, validated and converted (rejects last: validation adds to them)."""
        rows = self.days.pop(day, DayRows())
        for table in [t for t in rows.waiting if t != "rejects"]:
            self._convert(rows, table)
        self._convert(rows, "rejects")
        return rows.converted

    def before_replace(self, table: str, day: date) -> Callable[[Path], None] | None:
        """A function called with `table`'s temporary file of `day`, complete and fsynced, just before
        it takes the final name (None: none). Subclasses may return one."""
        return None

    def write_day(
        self, listing_date: date, supersedes: Collection[str] = (), kept: Mapping[str, str] | None = None
    ) -> WrittenDay:
        """Write every table's partition for a completed day (tables with no rows are removed,
        append-only tables get this crawl's rows after their old ones); return the rows written per
        table. `supersedes`: crawls of this day whose rows this crawl replaces in the append-only
        tables (a resumed job's redo of a day an interrupted crawl may have written). `kept`: papers
        whose page was not fetched again because the day holds its rows (arxiv_id -> page URL)."""
        tables = self._converted(listing_date)
        for table in PAGE_TABLES:
            found = kept_rows(self.root, table, listing_date, kept or {})
            if found is not None and found.num_rows:
                tables[table].append(found)
        written: dict[str, int] = {}
        joins = {name: assemble_joined(name, tables.get(name, [])) for name in JOINED}
        for table in TABLES:
            rows = tables.get(table, [])
            pause = self.before_replace(table, listing_date)
            if table in APPEND_ONLY:
                data = assemble(table, rows) if rows else None
                path = append_partition(self.root, table, listing_date, data, self.run_id, supersedes, pause)
                if data is None:
                    continue
                logger.info("wrote %s (%d rows added)", path, data.num_rows)
            elif not rows:  # a replaced table loses what this crawl lacks
                if remove_partition(self.root, table, listing_date):
                    logger.warning("%s: no %s rows this time; removed its old partition", listing_date, table)
                continue
            else:
                data = assemble(table, rows)
                for name, (into, key) in JOIN_INTO.items():
                    if into == table and joins[name].num_rows:
                        data = join_by_key(data, joins[name], key)
                if table == "papers":
                    data = versioned_html_urls(data)
                path = write_partition(self.root, table, listing_date, data, pause)
                logger.info("wrote %s (%d rows)", path, data.num_rows)
            written[table] = data.num_rows
            if self.stats:
                self.stats.inc_value(stats.ROWS + table, data.num_rows)
        if self.stats and written:
            self.stats.inc_value(DAYS_WRITTEN)
        return WrittenDay(written)

    def drop_day(self, failed: FailedDay) -> None:
        """A failed day keeps its old partitions; only its rejects (why it failed) are added —
        under `filed_under` when the listing day is unknown (a failed undated request), with the
        failures that reached no pipeline (an exception in a callback or a pipeline)."""
        listing_date, supersedes = failed.listing_date, failed.supersedes
        day = listing_date or failed.filed_under
        if day is None:
            return
        rows = self.days.pop(day, DayRows())
        rows.waiting = defaultdict(list, {"rejects": rows.waiting.get("rejects", [])})
        for reject in failed.rejects:
            rows.waiting["rejects"].append(reject_row(reject, reject.crawled_at or datetime.now(UTC)))
        self._convert(rows, "rejects")
        if listing_date is not None:
            logger.warning("%s: day failed (%s); its partitions were left as they were", day, failed.reason)
        found = rows.converted.get("rejects", [])
        for table in sorted(APPEND_ONLY):
            data = assemble(table, found) if table == "rejects" and found else None
            path = append_partition(self.root, table, day, data, self.run_id, supersedes)
            if data is not None and path is not None:
                logger.info("wrote %s (%d rows added)", path, data.num_rows)

    def close(self, reason: str = "", **_: Any) -> None:
        for day in list(self.days):
            logger.warning("%s was not complete when the crawl stopped (%s); not written", day, reason)
        self.days.clear()
