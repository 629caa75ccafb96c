"""`load()`: one table of the dataset as a typed pandas DataFrame, reading only the days asked for.

    from scraper.use.dataset import load
    papers = load("papers", start="2025-09-29", end="2025-10-03")

Works on the crawl's `data/` (one folder per listing day) and on a release folder's `data/` (one
file per month or year: only the files whose period overlaps the days asked for are opened).

Types: integers are pandas nullable integers (absent counts stay <NA>, not float NaN), booleans
are nullable booleans, timestamps are tz-aware (UTC), `listing_date` holds `datetime.date` values,
lists and structs are Arrow-backed (`pd.ArrowDtype`, with the `.list` / `.struct` accessors),
strings are pandas strings.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from scraper.parse.dates import parse_day
from scraper.schema import PARTITION_KEY
from scraper.schema.registry import MAY_BE_EMPTY, TABLES
from scraper.store.layout import DEFAULT_DATA_DIR, Layout, period_span

_NULLABLE_INTS = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
}


class NoDataError(LookupError):
    """The table has no partition in the range asked for (see `load` for `rejects`)."""


def _day(value: date | str | None, name: str) -> date | None:
    return None if value is None else parse_day(value, name)


def _pandas_dtype(data_type: pa.DataType) -> Any:
    """The pandas dtype of an Arrow type (None: pyarrow's default conversion)."""
    if data_type in _NULLABLE_INTS:
        return _NULLABLE_INTS[data_type]
    if pa.types.is_boolean(data_type):
        return pd.BooleanDtype()
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type) or pa.types.is_struct(data_type):
        return pd.ArrowDtype(data_type)
    return None


def load(
    table: str = "papers",
    start: date | str | None = None,
    end: date | str | None = None,
    data_dir: str | Path = DEFAULT_DATA_DIR,
    columns: list[str] | None = None,
) -> pd.DataFrame:
    """Rows of `table` whose listing day is in [start, end] (both optional, both included).

    Only the `date=` partitions in the range are opened: the partition filter prunes the others
    before any file is read. Raises ValueError for an unknown table or column, NoDataError when
    no partition of the table is in the range — except for `rejects`, whose rows are failures that
    may never happen (a crawl without one writes none): it gives an empty frame of its columns and
    types whenever the data folder holds any table's data, and NoDataError only when it holds none.
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; tables: {', '.join(TABLES)}")
    first, last = _day(start, "start"), _day(end, "end")
    if first and last and last < first:
        raise ValueError(f"end={last} is before start={first}")
    schema = TABLES[table]
    wanted = list(columns) if columns is not None else schema.names
    unknown = [c for c in wanted if c not in schema.names]
    if unknown:
        raise ValueError(f"{table} has no column(s) {', '.join(unknown)}")

    layout = Layout(Path(data_dir))
    root = layout.table_dir(table)
    span = f"between {first or 'the first day'} and {last or 'the last day'}"
    if not root.is_dir():
        if table in MAY_BE_EMPTY and _holds_data(layout):
            return _frame(schema.empty_table().select(wanted))
        raise NoDataError(f"no {table} data in {data_dir} (no folder {root})")
    if not layout.days(table):
        periods = _period_files(root, first, last)
        if periods is not None:  # a release's month (or year) files, not the crawl's day folders
            return _read_periods(periods, table, schema, wanted, first, last, data_dir, span)
    # The schema is given, so discovery lists files without opening any of them.
    partitioning = ds.partitioning(pa.schema([(PARTITION_KEY, pa.date32())]), flavor="hive")
    dataset = ds.dataset(
        root,
        format="parquet",
        partitioning=partitioning,
        schema=schema.append(pa.field(PARTITION_KEY, pa.date32())),
    )
    in_range = ds.scalar(True)
    if first:
        in_range &= ds.field(PARTITION_KEY) >= pa.scalar(first, pa.date32())
    if last:
        in_range &= ds.field(PARTITION_KEY) <= pa.scalar(last, pa.date32())
    fragments = sorted(dataset.get_fragments(filter=in_range), key=lambda f: f.path)
    if not fragments:
        if table in MAY_BE_EMPTY and _holds_data(layout):
            return _frame(schema.empty_table().select(wanted))
        raise NoDataError(f"no {table} data in {data_dir} {span}")
    # Read the matching files in day order (the folder names sort by date).
    selected = ds.FileSystemDataset(fragments, dataset.schema, dataset.format, dataset.filesystem)
    return _frame(selected.to_table(columns=wanted))


def _period_files(root: Path, first: date | None, last: date | None) -> list[Path] | None:
    """A release's files of `root` (`YYYY-MM.parquet`, `YYYY.parquet`) whose period overlaps
    [first, last], in order; None when the folder holds none at all."""
    found = []
    for path in sorted(root.glob("*.parquet")):
        span = period_span(path.stem)
        if span is not None:
            found.append((span, path))
    if not found:
        return None
    return [
        path
        for (begins, ends), path in sorted(found)
        if not (first and ends < first) and not (last and begins > last)
    ]


def _read_periods(
    files: list[Path],
    table: str,
    schema: pa.Schema,
    wanted: list[str],
    first: date | None,
    last: date | None,
    data_dir: str | Path,
    span: str,
) -> pd.DataFrame:
    in_range = ds.scalar(True)
    if first:
        in_range &= ds.field("listing_date") >= pa.scalar(first, pa.date32())
    if last:
        in_range &= ds.field("listing_date") <= pa.scalar(last, pa.date32())
    data = ds.dataset(files, format="parquet", schema=schema).to_table(columns=wanted, filter=in_range)
    if not data.num_rows and table not in MAY_BE_EMPTY:
        raise NoDataError(f"no {table} data in {data_dir} {span}")
    return _frame(data)


def _frame(data: pa.Table) -> pd.DataFrame:
    return data.to_pandas(types_mapper=_pandas_dtype, date_as_object=True)


def _holds_data(layout: Layout) -> bool:
    """Whether any table of the data folder has a day (read from folder names only)."""
    return any(layout.days(name) for name in TABLES)
