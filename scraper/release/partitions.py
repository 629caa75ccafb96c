"""Reading the crawl's `data/<table>/date=YYYY-MM-DD/*.parquet` partitions for a release."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from scraper import dates
from scraper.release import ReleaseError
from scraper.schema.registry import TABLES


def parse_day(text: str, what: str) -> date:
    try:
        return dates.parse_day(text, what)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from None


def table_partitions(
    data_dir: Path, table: str, start: date | None = None, end: date | None = None
) -> dict[date, list[Path]]:
    """The Parquet files of each listing day of `table` within [start, end], by day, in order."""
    days: dict[date, list[Path]] = {}
    root = data_dir / table
    if not root.is_dir():
        return days
    for folder in sorted(root.iterdir()):
        if folder.name.startswith((".", "_")) or not folder.is_dir():
            continue  # writer temp files and readers' metadata files are not partitions
        key, _, value = folder.name.partition("=")
        if key != "date":
            raise ReleaseError(f"{folder} is not a date=YYYY-MM-DD partition folder")
        day = parse_day(value, f"{folder}: date")
        if (start and day < start) or (end and day > end):
            continue
        files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("."))
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
