"""Writing the release folder: the filtered Parquet partitions, the card, the licence and the figure.

Deterministic: the same `data/` gives byte-identical Parquet files, card and figure, so a push only
commits the partitions that really changed.
"""

from __future__ import annotations

import inspect
import os
import shutil
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from scraper.layout import partition_folder
from scraper.release import FIGURE_PATH, MANAGED_DIRS, MANAGED_FILES, PART_NAME, RELEASED_TABLES, ReleaseError
from scraper.release.card import LICENSE_TEXT, render_card
from scraper.release.figure import draw_overview
from scraper.release.licence import (
    LicenceCounts,
    filter_claims,
    filter_fulltext,
    filter_metrics,
    redistribution_flags,
)
from scraper.release.partitions import read_partition, table_partitions
from scraper.release.summary import ReleaseSummary, TableRelease

# Small row groups for the big nested table, so the Hub viewer can page through it.
ROW_GROUP_ROWS = {"fulltext": 64}


def _parquet_options(table: str) -> dict:
    options: dict = {"compression": "zstd", "write_page_index": True}
    if table in ROW_GROUP_ROWS:
        options["row_group_size"] = ROW_GROUP_ROWS[table]
    # Content-defined chunking (pyarrow >= 21) makes pages of unchanged rows byte-identical
    # between versions of a file, so the Hub's Xet storage only transfers what changed.
    if "use_content_defined_chunking" in inspect.signature(pq.ParquetWriter.__init__).parameters:
        options["use_content_defined_chunking"] = True
    return options


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
        for day, files in partitions[table].items():
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
            relative = f"data/{table}/{partition_folder(day)}/{PART_NAME}"
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(data, target, **_parquet_options(table))
            info = tables[table]
            info.rows += data.num_rows
            info.files.append(relative)
            info.days.append(day)
            info.size_bytes += target.stat().st_size
    released = {name: info for name, info in tables.items() if info.files}
    return ReleaseSummary(released, counts, papers_per_day, upvotes, repo_id)


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
