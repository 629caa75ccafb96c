"""Reading the crawl's `data/<table>/date=YYYY-MM-DD/*.parquet` partitions for a release."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from scraper.parse import dates
from scraper.schema.registry import TABLES
from scraper.store.layout import Layout
from scraper.use.release import ReleaseError


def parse_day(text: str, what: str) -> date:
    try:
        return dates.parse_day(text, what)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None


def table_partitions(
    data_dir: Path, table: str, start: date | None = None, end: date | None = None
) -> dict[date, list[Path]]:
    """The Parquet files of each listing day of `table` within [start, end], by day, in order."""
    layout = Layout(data_dir)
    foreign = [p for p in layout.foreign_entries(table) if p.is_dir()]
    if foreign:  # writer temp files and readers' metadata files are not partitions; folders are
        raise ReleaseError(f"{foreign[0]} is not a date=YYYY-MM-DD partition folder")
    days: dict[date, list[Path]] = {}
    for day in layout.days(table, start, end):
        files = layout.partition_files(table, day)
        if files:
            days[day] = files
    return days


def read_partition(files: Sequence[Path], table: str) -> pa.Table:
    """One day's rows of `table`, with exactly the registry schema (metadata included)."""
    schema = TABLES[table]
    parts = []
    for path in files:
        data = pq.ParquetFile(path).read()  # the file alone: no hive column from its path
        try:
            parts.append(data.select(schema.names).cast(schema))
        except (KeyError, pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as exc:
            raise ReleaseError(f"{path} does not have the {table} schema: {exc}") from exc
    return pa.concat_tables(parts) if len(parts) > 1 else parts[0]
