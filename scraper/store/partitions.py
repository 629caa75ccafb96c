"""A table's day as one Parquet file: written beside its final name and moved over it (atomic), or
appended to (append-only tables keep their old rows as they were, with `hfpapers.appends` naming the
crawls), read back for what a crawl keeps, and removed. The writer pipeline (pipelines/write.py)
decides when; this module owns how. See docs/design.md for why a partition is one file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from scraper.derive.clean import ARXIV_HTML_URL
from scraper.schema.registry import APPEND_ONLY, JOINED, KEYS, TABLES
from scraper.store.files import fsync_dir
from scraper.store.layout import PART_NAME, Layout, snapshot_crawl_id, tmp_path
from scraper.store.provenance import parser_revision

logger = logging.getLogger(__name__)

APPENDS_KEY = "hfpapers.appends"  # Parquet key-value metadata of an append-only table's day file
REVISION_KEY = "hfpapers.parser_revision"  # … of every partition: the parser revision that wrote it
# The tables whose rows a paper's arXiv page gives (a day keeps them when it is not fetched again).
PAGE_TABLES = ("fulltext", "metrics", "claims")
# Rows without a key (rejects) are sorted by these, so a crawl and its rebuild write the same order.
ORDER = {"rejects": ("crawled_at", "reason", "table", "source_url", "arxiv_id", "detail")}
Segments = list[tuple[str, int]]  # [(crawl id, rows)] in file order ("" : written by an older version)


def partition_dir(root: Path, table: str, day: date) -> Path:
    """The folder of one table's day (scraper.store.layout.Layout.partition_dir)."""
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
    """Where a paper's `fulltext` row of a day came from (scraper/fetch/spiders/arxiv.py decides whether
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


def kept_rows(root: Path, table: str, day: date, kept: Mapping[str, str]) -> pa.Table | None:
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
    partitions and archive files alike (scraper.store.layout.Layout.stale_writes says which)."""
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
