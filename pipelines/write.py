"""Parquet writer: rows are buffered per listing day, and when the spider says a day is complete its
partitions are written — one file per table and day, `data/<table>/date=YYYY-MM-DD/part-0.parquet`
(hive layout, zstd; scraper/layout.py names every path).

Rows wait as Python records only until BATCH_ROWS of one table and day have come (a few for
`fulltext`, whose rows are whole papers): then they are validated and converted in one go
(pipelines/validate.py, `conform_rows`), and the day is kept as Arrow tables until it is written.

Replaced tables (`papers`, `fulltext`, `metrics`, `claims`): the day's file is the day as this crawl
read it. Append-only tables (`ratings`, `rejects`: history and failures, scraper.schema.registry):
the day's one file is rewritten as its old rows followed by this crawl's, and the old rows are
copied as they were, never changed. The file's Parquet key-value metadata `hfpapers.appends` lists
the crawls whose rows it holds, in order, with their row counts (`[[crawl id, rows], …]`): a
resumed job's redo of a day replaces the rows of the crawl it supersedes (scraper/crawl/days.py),
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

Test hook: HFPAPERS_TEST_WRITE_PAUSE = "YYYY-MM-DD[/table]=SECONDS" makes the writer sleep after the
temporary file of that day (and table) is written and fsynced, before os.replace — long enough for a
test to kill the process there; the table `journal` pauses after the day's files are all in place,
before the job's journal records it (scraper/crawl/days.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from scrapy import signals

from pipelines.normalize import reject_row
from pipelines.validate import batch_rows, conform_rows
from scraper.crawl import stats
from scraper.crawl.identity import crawl_id
from scraper.crawl.stats import DAYS_WRITTEN
from scraper.files import fsync_dir
from scraper.items import Reject, TableRow
from scraper.layout import PART_NAME, Layout, snapshot_crawl_id, tmp_path
from scraper.normalize import ARXIV_HTML_URL
from scraper.provenance import parser_revision
from scraper.schema.registry import APPEND_ONLY, JOIN_INTO, JOINED, KEYS, TABLES, schema_of
from scraper.signals import day_completed, day_failed

logger = logging.getLogger(__name__)

APPENDS_KEY = "hfpapers.appends"  # Parquet key-value metadata of an append-only table's day file
REVISION_KEY = "hfpapers.parser_revision"  # … of every partition: the parser revision that wrote it
# The tables whose rows a paper's arXiv page gives (a day keeps them when it is not fetched again).
PAGE_TABLES = ("fulltext", "metrics", "claims")
# Rows without a key (rejects) are sorted by these, so a crawl and its rebuild write the same order.
ORDER = {"rejects": ("crawled_at", "reason", "table", "source_url", "arxiv_id", "detail")}
Segments = list[tuple[str, int]]  # [(crawl id, rows)] in file order ("" : written by an older version)


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
    appends: Segments | None = None,
) -> Path:
    """Atomically replace one table's partition file `name` for `day` with `data` (with the crawls it
    holds as `appends`, for an append-only table). `before_replace` (tests) is called with the
    temporary file once it is complete, before it takes the final name."""
    folder = partition_dir(root, table, day)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    tmp = tmp_path(final)
    metadata = {REVISION_KEY: parser_revision()}
    if appends is not None:
        metadata[APPENDS_KEY] = json.dumps([list(s) for s in appends])
    with pq.ParquetWriter(tmp, data.schema, compression="zstd") as writer:
        writer.write_table(data)
        writer.add_key_value_metadata(metadata)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    if before_replace is not None:
        before_replace(tmp)
    os.replace(tmp, final)
    fsync_dir(folder)
    return final


def appended_crawls(path: Path) -> Segments:
    """The crawls whose rows an append-only table's day file holds, in order, with their row
    counts; a file without the metadata (written by an older version) is one segment: the crawl id
    in its name, or "" when it has none."""
    metadata = pq.ParquetFile(path).metadata
    found = (metadata.metadata or {}).get(APPENDS_KEY.encode())
    if found is not None:
        try:
            return [(str(crawl), int(rows)) for crawl, rows in json.loads(found)]
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{path}: unreadable {APPENDS_KEY} metadata ({exc})") from None
    return [(snapshot_crawl_id(path.name) or "", metadata.num_rows)]


def _day_history(root: Path, table: str, day: date) -> tuple[list[pa.Table], Segments, list[Path]]:
    """What an append-only table's day holds now: its row tables and segments, in order, and the
    files written by older versions (one per crawl) to remove once they are merged."""
    schema = TABLES[table]
    parts: list[pa.Table] = []
    segments: Segments = []
    merged: list[Path] = []
    files = Layout(root).partition_files(table, day)
    current = [p for p in files if p.name == PART_NAME]
    legacy = [p for p in files if p.name != PART_NAME]
    held = {crawl for crawl, _ in appended_crawls(current[0])} if current else set()
    for path in legacy:  # older versions: one file per crawl, in crawl order
        merged.append(path)
        crawl = snapshot_crawl_id(path.name) or ""
        if crawl and crawl in held:
            continue  # already merged (a kill came before this file was removed)
        data = pq.ParquetFile(path).read().select(schema.names).cast(schema)
        parts.append(data)
        segments.append((crawl, data.num_rows))
    if current:
        parts.append(pq.ParquetFile(current[0]).read().select(schema.names).cast(schema))
        segments += appended_crawls(current[0])
    return parts, segments, merged


def append_partition(
    root: Path,
    table: str,
    day: date,
    new: pa.Table | None,
    crawl: str | None,
    replaced: Collection[str] = (),
    before_replace: Callable[[Path], None] | None = None,
) -> Path | None:
    """Add `new` (the rows of crawl `crawl`) to an append-only table's day file: the file is rewritten
    as the rows it held — minus those of the crawls in `replaced` (a redo's interrupted crawls) —
    followed by `new`, atomically. Returns the file, or None when nothing had to change."""
    parts, segments, merged = _day_history(root, table, day)
    adding = new is not None and new.num_rows > 0
    dropping = any(crawl_of in replaced for crawl_of, _ in segments)
    if not adding and not dropping and not merged:
        return None
    kept: list[pa.Table] = []
    kept_segments: Segments = []
    whole = pa.concat_tables(parts) if parts else TABLES[table].empty_table()
    offset = 0
    for crawl_of, rows in segments:
        if crawl_of not in replaced:
            kept.append(whole.slice(offset, rows))
            kept_segments.append((crawl_of, rows))
        offset += rows
    if offset != whole.num_rows:
        counted = f"the file's {APPENDS_KEY} counts {offset} rows"
        raise ValueError(f"{table} {day}: {counted}, it holds {whole.num_rows}")
    if new is not None and adding:
        kept.append(new)
        kept_segments.append((crawl or "", new.num_rows))
    data = pa.concat_tables(kept).combine_chunks() if kept else TABLES[table].empty_table()
    path = write_partition(root, table, day, data, before_replace, PART_NAME, kept_segments)
    for old in merged:
        old.unlink(missing_ok=True)
    if merged:
        fsync_dir(path.parent)
    return path


def merge_old_append_files(root: Path) -> int:
    """Merge the per-crawl files older versions wrote in append-only tables into each day's one
    file; returns how many days were merged. Reads folder names only, unless a day needs merging."""
    layout, merged = Layout(root), 0
    for table in sorted(APPEND_ONLY):
        for day in layout.days(table):
            files = layout.partition_files(table, day)
            if any(p.name != PART_NAME for p in files):
                append_partition(root, table, day, None, None)
                merged += 1
    return merged


def file_revision(path: Path) -> str | None:
    """The parser revision that wrote a partition file (None: not recorded)."""
    found = (pq.ParquetFile(path).metadata.metadata or {}).get(REVISION_KEY.encode())
    return found.decode() if found else None


@dataclass(frozen=True)
class PageRows:
    """Where a paper's `fulltext` row of a day came from (scraper/spiders/arxiv.py decides whether
    the day may keep its page rows instead of fetching and parsing the page again)."""

    source: str  # fulltext_source: html, abs or none
    status: str | None  # fulltext_status (for an abs row: why there was no HTML)
    url: str  # the answer it was read from
    crawled_at: datetime  # when that answer was fetched


def derived_pages(root: Path, day: date, revision: str) -> dict[str, PageRows]:
    """The papers of `day` whose page rows (`fulltext`, and the `metrics` and conclusion `claims` of
    its page) were derived by parser revision `revision`, and where each came from. Empty when any of
    those tables' day file was written by another revision (or a crash left the day half written)."""
    layout = Layout(root)
    for table in PAGE_TABLES:
        path = layout.part_file(table, day)
        if path.exists() and file_revision(path) != revision:
            return {}
    path = layout.part_file("fulltext", day)
    if not path.exists():
        return {}
    columns = ["arxiv_id", "fulltext_source", "fulltext_status", "source_url", "crawled_at"]
    return {
        row["arxiv_id"]: PageRows(
            row["fulltext_source"], row["fulltext_status"], row["source_url"], row["crawled_at"]
        )
        for row in pq.read_table(path, columns=columns).to_pylist()
        if row["source_url"] and row["fulltext_source"]
    }


def kept_rows(root: Path, table: str, day: date, kept: dict[str, str]) -> pa.Table | None:
    """The rows of `day`'s `table` that came from the pages in `kept` (arxiv_id -> page URL)."""
    path = Layout(root).part_file(table, day)
    if not kept or not path.exists():
        return None
    schema = TABLES[table]
    data = pq.ParquetFile(path).read().select(schema.names).cast(schema)
    wanted = [
        kept.get(a) == u
        for a, u in zip(data["arxiv_id"].to_pylist(), data["source_url"].to_pylist(), strict=True)
    ]
    return data.filter(pa.array(wanted, pa.bool_()))


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
    keys = KEYS.get(table) or ORDER.get(table) or ()
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


@dataclass
class DayRows:
    """One listing day's rows, until the day is written: records waiting for their batch, and the
    batches already validated and converted to Arrow."""

    waiting: dict[str, list[TableRow]] = field(default_factory=lambda: defaultdict(list))
    converted: dict[str, list[pa.Table]] = field(default_factory=lambda: defaultdict(list))


class ParquetWriterPipeline:
    def __init__(self, root: Path, stats=None, write_pause: str = "", run_id: str = "") -> None:
        self.root = root
        self.stats = stats
        # Names this crawl's rows in append-only tables (`ratings`, `rejects`): the crawl id, which
        # also names its archive files (a rebuild writes the same ids).
        self.run_id = run_id or crawl_id(None)
        self.days: dict[date, DayRows] = defaultdict(DayRows)
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
        merged = merge_old_append_files(self.root)
        if merged:
            logger.info("merged the per-crawl files of %d day(s) into one file per day", merged)

    def process_item(self, item: Any, spider=None) -> Any:
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

    def pack_day(
        self,
        listing_date: date,
        supersedes: Collection[str] = (),
        kept: dict[str, str] | None = None,
        **_: Any,
    ) -> dict[str, int]:
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
            pause = self._pause_before_replace(table, listing_date)
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
        return written

    def drop_day(
        self,
        listing_date: date | None,
        reason: str = "",
        filed_under: date | None = None,
        rejects: Iterable[Reject] = (),
        supersedes: Collection[str] = (),
        **_: Any,
    ) -> None:
        """A failed day keeps its old partitions; only its rejects (why it failed) are added —
        under `filed_under` when the listing day is unknown (a failed undated request). `rejects`:
        failures that reached no pipeline (an exception in a callback or a pipeline)."""
        day = listing_date or filed_under
        if day is None:
            return
        rows = self.days.pop(day, DayRows())
        rows.waiting = defaultdict(list, {"rejects": rows.waiting.get("rejects", [])})
        for reject in rejects:
            rows.waiting["rejects"].append(reject_row(reject, reject.crawled_at or datetime.now(UTC)))
        self._convert(rows, "rejects")
        if listing_date is not None:
            logger.warning("%s: day failed (%s); its partitions were left as they were", day, reason)
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
