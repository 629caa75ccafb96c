"""Writing the release folder: the filtered tables, one Parquet file per table and month (per year
for small tables: scraper/use/release/__init__.py), the card, the licence and the figure.

Deterministic: the same `data/` gives byte-identical Parquet files, card and figure, so a push only
commits the months that really changed.
"""

from __future__ import annotations

import inspect
import os
import shutil
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from scraper.schema.registry import TABLES
from scraper.store.layout import period_name
from scraper.use.release import (
    FIGURE_PATH,
    MANAGED_DIRS,
    MANAGED_FILES,
    PER_YEAR,
    RELEASED_TABLES,
    ROW_GROUP_MAX_ROWS,
    ROW_GROUP_TARGET_BYTES,
    ReleaseError,
)
from scraper.use.release.card import LICENSE_TEXT, render_card
from scraper.use.release.figure import draw_overview
from scraper.use.release.licence import (
    LicenceCounts,
    filter_claims,
    filter_fulltext,
    filter_metrics,
    redistribution_flags,
)
from scraper.use.release.partitions import read_partition, table_partitions
from scraper.use.release.summary import ReleaseSummary, TableRelease


def _parquet_options() -> dict:
    options: dict = {"compression": "zstd", "write_page_index": True}
    # Content-defined chunking (pyarrow >= 21) makes pages of unchanged rows byte-identical
    # between versions of a file, so the Hub's Xet storage only transfers what changed.
    if "use_content_defined_chunking" in inspect.signature(pq.ParquetWriter.__init__).parameters:
        options["use_content_defined_chunking"] = True
    return options


def group_rows(data: pa.Table) -> int:
    """Rows per row group for rows like `data`'s: at most ROW_GROUP_MAX_ROWS and about
    ROW_GROUP_TARGET_BYTES of Arrow data."""
    per_row = max(1, data.nbytes // max(1, data.num_rows))
    return max(1, min(ROW_GROUP_MAX_ROWS, ROW_GROUP_TARGET_BYTES // per_row))


class PeriodFile:
    """One release file (a table's month or year), written day by day in row groups of one size:
    a month of full texts never has to be in memory at once."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None
        self._per_group: int | None = None
        self._waiting: list[pa.Table] = []
        self._waiting_rows = 0

    def add(self, data: pa.Table) -> None:
        if not data.num_rows:
            return
        if self._per_group is None:  # from the period's first rows: the same data, the same bytes
            self._per_group = group_rows(data)
        self._waiting.append(data)
        self._waiting_rows += data.num_rows
        while self._waiting_rows >= self._per_group:
            self._write(self._per_group)

    def _write(self, rows: int) -> None:
        waiting = pa.concat_tables(self._waiting)
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self.path, self.schema, **_parquet_options())
        self._writer.write_table(waiting.slice(0, rows), row_group_size=rows)
        rest = waiting.slice(rows)
        self._waiting, self._waiting_rows = ([rest] if rest.num_rows else []), rest.num_rows
        self.rows += rows

    def close(self) -> None:
        if self._waiting_rows:
            self._write(self._waiting_rows)
        if self._writer is None:  # a period without rows still gets its (empty) file
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self.path, self.schema, **_parquet_options())
        self._writer.close()


def build_release(
    data_dir: Path,
    out_dir: Path,
    start: date | None = None,
    end: date | None = None,
    repo_id: str | None = None,
) -> ReleaseSummary:
    """Write the release folder for the listing days in [start, end] and return what it holds.

    Everything is built in a staging folder beside OUT_DIR first and moved in at the end, so a
    failure leaves OUT_DIR as it was.
    """
    partitions = {t: table_partitions(data_dir, t, start, end) for t in RELEASED_TABLES}
    if not partitions["papers"]:
        where = f" between {start or '…'} and {end or '…'}" if start or end else ""
        raise ReleaseError(f"no papers partitions in {data_dir}{where}: nothing to release")
    out_dir = out_dir.resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise ReleaseError(f"{out_dir} exists and is not a folder")
    staging = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        summary = _write_tables(partitions, staging, repo_id)
        (staging / "assets").mkdir()
        draw_overview(summary.papers_per_day, summary.upvotes, staging / FIGURE_PATH)
        (staging / "README.md").write_text(render_card(summary), encoding="utf-8")
        (staging / "LICENSE.md").write_text(LICENSE_TEXT, encoding="utf-8")
        _move_into_place(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary


def _write_tables(
    partitions: dict[str, dict[date, list[Path]]], staging: Path, repo_id: str | None
) -> ReleaseSummary:
    counts = LicenceCounts()
    tables = {name: TableRelease(name) for name in RELEASED_TABLES}
    papers_per_day: dict[date, int] = {}
    upvotes: list[int] = []
    flags_by_day: dict[date, dict[tuple[str, int | None], bool]] = {}
    for table in RELEASED_TABLES:  # fulltext comes before metrics and claims
        info = tables[table]
        current: PeriodFile | None = None
        for day, files in sorted(partitions[table].items()):
            data = read_partition(files, table)
            if table == "papers":
                papers_per_day[day] = data.num_rows
                upvotes += [v for v in data["upvotes"].to_pylist() if v is not None]
            elif table == "fulltext":
                flags_by_day[day] = redistribution_flags(data)
                data = filter_fulltext(data, counts)
            elif table in ("metrics", "claims"):  # they follow the licence of the day's full text
                filter_rows = filter_metrics if table == "metrics" else filter_claims
                data = filter_rows(data, flags_by_day.get(day, {}), counts)
            relative = f"data/{table}/{period_name(day, table in PER_YEAR)}.parquet"
            if current is None or current.path != staging / relative:
                if current is not None:
                    _close(current, info, staging)
                current = PeriodFile(staging / relative, TABLES[table])
            current.add(data)
            info.rows += data.num_rows
            info.days.append(day)
        if current is not None:
            _close(current, info, staging)
    released = {name: info for name, info in tables.items() if info.files}
    return ReleaseSummary(released, counts, papers_per_day, upvotes, repo_id)


def _close(period: PeriodFile, info: TableRelease, staging: Path) -> None:
    period.close()
    info.files.append(period.path.relative_to(staging).as_posix())
    info.size_bytes += period.path.stat().st_size


def _move_into_place(staging: Path, out_dir: Path) -> None:
    """Replace the managed entries of OUT_DIR with the staged ones (other entries are kept)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in (*MANAGED_DIRS, *MANAGED_FILES):
        target = out_dir / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        if (staging / name).exists():
            os.replace(staging / name, target)
