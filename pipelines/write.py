"""Parquet writer: rows are buffered per listing day, and when the spider says a day is complete its
partitions are written — one file per table and day, `data/<table>/date=YYYY-MM-DD/part-0.parquet`
(hive layout, zstd; scraper/layout.py names every path).

Why this is crash-safe and idempotent: a partition is a single file, written beside its final name
and moved over it with `os.replace`, which is atomic on one filesystem. A reader (or a crash) sees
either the old file or the new one, never half of one. Re-running a day replaces exactly that day's
files; other days are never opened. A day that failed, or was still in flight when the crawl
stopped, is not written at all, so the previous version of that day stays as it was.

A day's tables are replaced one after the other, so a crash in the middle of a day's write can
leave that one day with some tables new and some old (every file whole and readable). The spider
journals a day (JOBDIR) only after all its files are in place, so a resumed job redoes such a day.

Test hook: HFPAPERS_TEST_WRITE_PAUSE = "YYYY-MM-DD[/table]=SECONDS" makes the writer sleep after the
temporary file of that day (and table) is written and fsynced, before os.replace — long enough for a
test to kill the process there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from scrapy import signals

from pipelines.normalize import reject_row
from scraper.crawl import stats
from scraper.crawl.identity import crawl_id
from scraper.crawl.stats import DAYS_WRITTEN
from scraper.files import fsync_dir
from scraper.items import Reject, TableRow
from scraper.layout import PART_NAME, Layout, snapshot_name, tmp_path
from scraper.normalize import ARXIV_HTML_URL
from scraper.schema import conform
from scraper.schema.registry import APPEND_ONLY, JOIN_INTO, JOINED, KEYS, TABLES
from scraper.signals import day_completed, day_failed

logger = logging.getLogger(__name__)


def partition_dir(root: Path, table: str, day: date) -> Path:
    """The folder of one table's day (scraper.layout.Layout.partition_dir)."""
    return Layout(root).partition_dir(table, day)


def write_partition(
    root: Path,
    table: str,
    day: date,
    data: pa.Table,
    before_replace: Callable[[Path], None] | None = None,
    name: str = PART_NAME,
) -> Path:
    """Atomically replace one table's partition file `name` for `day` with `data`. `before_replace`
    (tests) is called with the temporary file once it is complete, before it takes the final name."""
    folder = partition_dir(root, table, day)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    tmp = tmp_path(final)
    pq.write_table(data, tmp, compression="zstd")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    if before_replace is not None:
        before_replace(tmp)
    os.replace(tmp, final)
    fsync_dir(folder)
    return final


def written_ids(root: Path, table: str, day: date) -> set[str]:
    """The `arxiv_id`s of a table's partition for `day` as written now (empty when none is)."""
    path = partition_dir(root, table, day) / PART_NAME
    if not path.exists():
        return set()
    return set(pq.read_table(path, columns=["arxiv_id"])["arxiv_id"].to_pylist())


def remove_partition(root: Path, table: str, day: date) -> bool:
    folder = partition_dir(root, table, day)
    final = folder / PART_NAME
    if not final.exists():
        return False
    final.unlink()
    with contextlib.suppress(OSError):  # the folder may hold other files; leave it then
        folder.rmdir()
    return True


def clean_stale_writes(root: Path) -> int:
    """Remove temporary files a killed writer left behind (they were never visible to readers):
    partitions and archive files alike (scraper.layout.Layout.stale_writes says which)."""
    removed = 0
    for tmp in Layout(root).stale_writes():
        tmp.unlink(missing_ok=True)
        removed += 1
    return removed


def assemble_joined(name: str, rows: list[pa.Table]) -> pa.Table:
    """Rows of a joined-only table (e.g. `arxiv`) as one table; the first row per key wins."""
    if not rows:
        return JOINED[name].empty_table()
    data = pa.concat_tables(rows).combine_chunks()
    key = KEYS[name][0]
    first: dict[Any, int] = {}
    for i, value in enumerate(data[key].to_pylist()):
        first.setdefault(value, i)
    return data.take(pa.array(sorted(first.values()), type=pa.int64()))


def assemble(table: str, rows: list[pa.Table]) -> pa.Table:
    """One day's rows of a table as one Arrow table of exactly its schema, in key order."""
    data = pa.concat_tables(rows).combine_chunks() if rows else TABLES[table].empty_table()
    keys = KEYS.get(table) or ()
    if keys and data.num_rows > 1:
        order = pc.sort_indices(data, sort_keys=[(k, "ascending") for k in keys])
        data = data.take(order)
    return data


def join_by_key(target: pa.Table, source: pa.Table, key: str) -> pa.Table:
    """Fill `target`'s columns that `source` also has from `source`'s row with the same `key`
    (a left join on a unique key; target rows without a match keep nulls)."""
    position = {value: i for i, value in enumerate(source[key].to_pylist())}
    indices = pa.array([position.get(v) for v in target[key].to_pylist()], type=pa.int64())
    matched = source.take(indices)
    for name in source.column_names:
        if name == key or name not in target.column_names:
            continue
        column = matched[name].cast(target.schema.field(name).type)
        target = target.set_column(target.schema.get_field_index(name), name, column)
    return target


def versioned_html_urls(papers: pa.Table) -> pa.Table:
    """`arxiv_html_url` points at the exact version the arXiv API reported, when it did."""
    if "arxiv_version" not in papers.column_names:
        return papers
    urls = [
        ARXIV_HTML_URL.format(id=f"{arxiv_id}v{version}") if version else url
        for arxiv_id, version, url in zip(
            papers["arxiv_id"].to_pylist(),
            papers["arxiv_version"].to_pylist(),
            papers["arxiv_html_url"].to_pylist(),
            strict=True,
        )
    ]
    index = papers.schema.get_field_index("arxiv_html_url")
    return papers.set_column(index, "arxiv_html_url", pa.array(urls, pa.string()))


def write_pause_hook(spec: str) -> Callable[[str, date], Callable[[Path], None] | None]:
    """HFPAPERS_TEST_WRITE_PAUSE ("YYYY-MM-DD[/table]=SECONDS") -> a function giving, per table and
    day, the pause to make before os.replace (None: no pause)."""
    if not spec.strip():
        return lambda table, day: None
    target, _, seconds = spec.partition("=")
    day_text, _, table_name = target.strip().partition("/")
    pause_day, pause = date.fromisoformat(day_text), float(seconds)

    def hook(table: str, day: date) -> Callable[[Path], None] | None:
        if day != pause_day or (table_name and table != table_name):
            return None

        def sleep(tmp: Path) -> None:
            logger.warning("test hook: pausing %.1fs before replacing %s", pause, tmp)
            time.sleep(pause)

        return sleep

    return hook


class ParquetWriterPipeline:
    def __init__(self, root: Path, stats=None, write_pause: str = "", run_id: str = "") -> None:
        self.root = root
        self.stats = stats
        # Names this crawl's files in append-only tables (`ratings`): one file per crawl and day —
        # the crawl id, which also names its archive files (a rebuild writes the same names).
        self.run_id = run_id or crawl_id(None)
        self.buffers: dict[date, dict[str, list[pa.Table]]] = defaultdict(lambda: defaultdict(list))
        self._pause_before_replace = write_pause_hook(write_pause)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(
            Layout.of(settings).root,
            crawler.stats,
            settings.get("HFPAPERS_TEST_WRITE_PAUSE") or "",
            crawl_id(crawler),
        )
        crawler.signals.connect(pipeline.pack_day, signal=day_completed)
        crawler.signals.connect(pipeline.drop_day, signal=day_failed)
        crawler.signals.connect(pipeline.close, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        stale = clean_stale_writes(self.root)
        if stale:
            logger.warning("removed %d unfinished partition file(s) of an earlier crash", stale)

    def process_item(self, item: Any, spider=None) -> Any:
        if isinstance(item, TableRow) and item.arrow is not None:
            self.buffers[item.listing_date][item.table].append(item.arrow)
        return item

    def pack_day(self, listing_date: date, **_: Any) -> dict[str, int]:
        """Write every table's partition for a completed day (tables with no rows are removed);
        return the rows written per table."""
        tables = self.buffers.pop(listing_date, {})
        written: dict[str, int] = {}
        joins = {name: assemble_joined(name, tables.get(name, [])) for name in JOINED}
        for table in TABLES:
            rows = tables.get(table, [])
            if not rows:
                # An append-only table keeps its history; any other loses what this crawl lacks.
                if table not in APPEND_ONLY and remove_partition(self.root, table, listing_date):
                    logger.warning("%s: no %s rows this time; removed its old partition", listing_date, table)
                continue
            data = assemble(table, rows)
            for name, (into, key) in JOIN_INTO.items():
                if into == table and joins[name].num_rows:
                    data = join_by_key(data, joins[name], key)
            if table == "papers":
                data = versioned_html_urls(data)
            # Append-only tables get one more file per crawl; the others' one file is replaced.
            file_name = snapshot_name(self.run_id) if table in APPEND_ONLY else PART_NAME
            path = write_partition(
                self.root,
                table,
                listing_date,
                data,
                self._pause_before_replace(table, listing_date),
                file_name,
            )
            written[table] = data.num_rows
            logger.info("wrote %s (%d rows)", path, data.num_rows)
            if self.stats:
                self.stats.inc_value(stats.ROWS + table, data.num_rows)
        if self.stats and written:
            self.stats.inc_value(DAYS_WRITTEN)
        return written

    def drop_day(
        self,
        listing_date: date | None,
        reason: str = "",
        filed_under: date | None = None,
        rejects: list[Reject] = (),  # type: ignore[assignment]
        **_: Any,
    ) -> None:
        """A failed day keeps its old partitions; only its rejects (why it failed) are written —
        under `filed_under` when the listing day is unknown (a failed undated request). `rejects`:
        failures that reached no pipeline (an exception in a callback or a pipeline)."""
        day = listing_date or filed_under
        if day is None:
            return
        tables = self.buffers.pop(day, {})
        if listing_date is not None:
            logger.warning("%s: day failed (%s); its partitions were left as they were", day, reason)
        rows = tables.get("rejects", [])
        for reject in rejects:
            row = reject_row(reject, reject.crawled_at or datetime.now(UTC))
            rows.append(conform(row.record, TABLES["rejects"]))
        if rows:
            path = write_partition(self.root, "rejects", day, assemble("rejects", rows))
            logger.info("wrote %s", path)

    def close(self, reason: str = "", **_: Any) -> None:
        for day in list(self.buffers):
            logger.warning("%s was not complete when the crawl stopped (%s); not written", day, reason)
        self.buffers.clear()
