"""The data folder, in one place: where every table, partition, archive file, run report and lock
lives. The writer, the crawl, the archive, the rebuild, the release, the digest and `load()` all ask
this module, so the layout changes here and nowhere else.

    data/
      <table>/date=YYYY-MM-DD/part-0.parquet         one file per table and listing day, every table:
                                                     replaced by each crawl of the day, or, for the
                                                     append-only `ratings` and `rejects`, rewritten
                                                     as its old rows + the crawl's (pipelines/write.py)
      raw/date=YYYY-MM-DD/<crawl id>.warc.gz         every answer of one crawl for one listing day
      raw/date=YYYY-MM-DD/<crawl id>.cdxj            its index (URL -> offset), derived from the WARC
      raw/pages.cdxj                                 the cache's index: every archived page by its
                                                     cache key, merged from the .cdxj files (derived)
      _runs/<UTC time>.json                          a run report (manifest) of this month's crawls
      _runs/<UTC time>-rebuild.json                  … and rebuilds
      _runs/YYYY-MM.jsonl                            the reports of an earlier month, one per line
      _rebuild/                                      a rebuild's job state and staging (while it runs)
      .hfpapers.lock                                 held (flock) by the crawl or rebuild writing here

How many files: every table holds at most one file per listing day, however often the day is
crawled; run reports, one per run of the current month plus one per earlier month. The archive
adds a WARC file and its index per crawl of a day (a day is crawled while it is in the refresh
window: about 60 times at 4 runs a day, and never after).

Temporary files are dot-prefixed and end in `.writing` (`.<name>.<pid>.writing`), beside their final
name: no reader or glob of `*.parquet` / `*.warc.gz` ever picks one up, and `os.replace` makes the
final name appear whole or not at all.

The folder itself: the HFPAPERS_DATA_DIR setting (`-s HFPAPERS_DATA_DIR=…`), default `data`, read in
`data_root()` only; the command-line tools take `--data` with the same default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from scraper.schema import PARTITION_KEY

DEFAULT_DATA_DIR = "data"  # the default of the HFPAPERS_DATA_DIR setting (scraper/settings.py)
DATA_DIR_SETTING = "HFPAPERS_DATA_DIR"

PART_NAME = "part-0.parquet"  # the one file of a table's day
TMP_SUFFIX = ".writing"  # not *.parquet / *.warc.gz, and dot-prefixed: never read as data
RAW = "raw"  # the web archive
RUNS = "_runs"  # run reports
REBUILD = "_rebuild"  # a rebuild's job state and staging folders
LOCK_NAME = ".hfpapers.lock"
WARC_SUFFIX = ".warc.gz"
CDXJ_SUFFIX = ".cdxj"
PAGES_INDEX = "pages.cdxj"  # in raw/: the cache's merged index of pages (scraper/store/archive/index.py)
ROLLED_REPORTS = ".jsonl"  # `_runs/YYYY-MM.jsonl`: an earlier month's run reports

_PARTITION = re.compile(rf"^{PARTITION_KEY}=(\d{{4}}-\d{{2}}-\d{{2}})$")
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_FILE_STEM = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")  # a crawl id (scraper/fetch/identity.py)


def data_root(settings: Any = None) -> Path:
    """The data folder: the HFPAPERS_DATA_DIR setting of a crawl (any object with `.get`), else the
    default. The one place the setting is read."""
    value = settings.get(DATA_DIR_SETTING) if settings is not None else None
    return Path(value or DEFAULT_DATA_DIR)


def partition_folder(day: date) -> str:
    """The folder name of one listing day's partition, e.g. `date=2025-09-30`."""
    return f"{PARTITION_KEY}={day.isoformat()}"


def folder_day(name: str) -> date | None:
    """The day a `date=YYYY-MM-DD` folder name stands for (None: not a partition folder)."""
    match = _PARTITION.match(name)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def period_name(day: date, per_year: bool = False) -> str:
    """The stem of the release file (`hfpapers-release`) holding `day`'s rows: `YYYY-MM`, or `YYYY`
    for a table released one file per year."""
    return f"{day.year:04d}" if per_year else f"{day.year:04d}-{day.month:02d}"


def period_span(stem: str) -> tuple[date, date] | None:
    """The first and last day of a release file's period (`YYYY-MM` or `YYYY`); None: not one."""
    match = _PERIOD.match(stem)
    if match is None:
        return None
    year, month = int(match.group(1)), match.group(2)
    if not 1 <= year <= 9999:
        return None
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    number = int(month)
    if not 1 <= number <= 12:
        return None
    following = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return date(year, number, 1), following - timedelta(days=1)


def snapshot_name(crawl_id: str) -> str:
    """The file one crawl added to an append-only table's day folder in earlier versions
    (`part-<crawl id>.parquet`); the writer merges such files into `part-0.parquet`."""
    return f"part-{crawl_id}.parquet"


def snapshot_crawl_id(name: str) -> str | None:
    """The crawl id in the name of a file of an earlier version's append-only table (None for
    `part-0.parquet` or others)."""
    if name.startswith("part-") and name.endswith(".parquet") and name != PART_NAME:
        return name[len("part-") : -len(".parquet")]
    return None


def tmp_path(final: Path) -> Path:
    """Where `final` is written before it is moved into place (same folder, so the move is atomic)."""
    return final.parent / f".{final.name}.{os.getpid()}{TMP_SUFFIX}"


@dataclass(frozen=True)
class Layout:
    """The data folder at `root`, and every path in it."""

    root: Path

    @classmethod
    def of(cls, settings: Any = None) -> Layout:
        return cls(data_root(settings))

    # -- tables -----------------------------------------------------------------------------------

    def table_dir(self, table: str) -> Path:
        from scraper.schema.registry import TABLES  # (the schema names its folders from here)

        if not isinstance(table, str) or table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        return self.root / table

    def partition_dir(self, table: str, day: date) -> Path:
        """The folder of one table's day. Only registered table names and real dates get here, so
        no path can be built from fetched data."""
        if not isinstance(day, date) or isinstance(day, datetime):  # a datetime is a date too
            raise TypeError(f"listing day must be a date, not {type(day).__name__}")
        return self.table_dir(table) / partition_folder(day)

    def part_file(self, table: str, day: date) -> Path:
        """The one file of `table`'s `day`: `part-0.parquet` (append-only tables included)."""
        return self.partition_dir(table, day) / PART_NAME

    def partition_files(self, table: str, day: date) -> list[Path]:
        """The Parquet files of one table's day, in name order (temporary files left out)."""
        folder = self.partition_dir(table, day)
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("."))

    def days(self, table: str, start: date | None = None, end: date | None = None) -> list[date]:
        """The listing days `table` has a partition folder for, in [start, end], oldest first. Read
        from folder names: no file is opened."""
        root = self.table_dir(table)
        if not root.is_dir():
            return []
        found = []
        for folder in root.iterdir():
            day = folder_day(folder.name) if folder.is_dir() else None
            if day is not None and not (start and day < start) and not (end and day > end):
                found.append(day)
        return sorted(found)

    def foreign_entries(self, table: str) -> list[Path]:
        """Entries of a table folder that are not `date=` partitions (temporary and dot/underscore
        files aside): a folder a reader must not mistake for data."""
        root = self.table_dir(table)
        if not root.is_dir():
            return []
        return [
            p
            for p in sorted(root.iterdir())
            if not p.name.startswith((".", "_")) and (not p.is_dir() or folder_day(p.name) is None)
        ]

    # -- the web archive --------------------------------------------------------------------------

    @property
    def raw_dir(self) -> Path:
        return self.root / RAW

    def archive_day_dir(self, day: date) -> Path:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise TypeError(f"listing day must be a date, not {type(day).__name__}")
        return self.raw_dir / partition_folder(day)

    def warc_file(self, day: date, crawl_id: str) -> Path:
        return self.archive_day_dir(day) / f"{crawl_id}{WARC_SUFFIX}"

    @staticmethod
    def cdxj_file(warc: Path) -> Path:
        """The index beside a WARC file (`<crawl id>.cdxj`)."""
        return warc.with_name(warc.name[: -len(WARC_SUFFIX)] + CDXJ_SUFFIX)

    def warc_files(self, start: date | None = None, end: date | None = None) -> Iterator[tuple[date, Path]]:
        """Every finished WARC file (day, path), oldest day first, files of a day in name (= crawl)
        order. Files still being written (`.….writing`) are not listed."""
        raw = self.raw_dir
        if not raw.is_dir():
            return
        for folder in sorted(raw.iterdir()):
            day = folder_day(folder.name)
            if day is None or (start and day < start) or (end and day > end):
                continue
            for path in sorted(folder.glob(f"*{WARC_SUFFIX}")):
                if not path.name.startswith("."):
                    yield day, path

    def archive_file(self, relative: str) -> Path | None:
        """The WARC file a relative name read from the archive names (`raw/date=…/<crawl id>.warc.gz`),
        or None when the name is not one: no other path is ever built from what an index says."""
        parts = relative.split("/")
        if len(parts) != 3 or parts[0] != RAW or folder_day(parts[1]) is None:
            return None
        name = parts[2]
        if not name.endswith(WARC_SUFFIX) or not _FILE_STEM.match(name[: -len(WARC_SUFFIX)]):
            return None
        return self.raw_dir / parts[1] / name

    def relative(self, path: Path) -> str:
        """`path` relative to the data folder, as the index and the rejects name archive files."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    # -- run reports, rebuild state, lock ---------------------------------------------------------

    @property
    def runs_dir(self) -> Path:
        return self.root / RUNS

    def run_report(self, stamp: str, kind: str = "") -> Path:
        """A run report's path: `_runs/<stamp>.json`, or `_runs/<stamp>-<kind>.json` (rebuilds)."""
        return self.runs_dir / (f"{stamp}-{kind}.json" if kind else f"{stamp}.json")

    def run_reports(self) -> list[Path]:
        """The run reports kept one per file (this month's), oldest first (the names start with the
        UTC time)."""
        if not self.runs_dir.is_dir():
            return []
        return sorted(p for p in self.runs_dir.glob("*.json") if not p.name.startswith("."))

    def rolled_reports(self, month: str) -> Path:
        """The file of an earlier month's run reports (`month` is YYYY-MM): `_runs/YYYY-MM.jsonl`."""
        if not re.fullmatch(r"\d{4}-\d{2}", month):
            raise ValueError(f"not a month: {month!r}")
        return self.runs_dir / f"{month}{ROLLED_REPORTS}"

    def rolled_report_files(self) -> list[Path]:
        """Every month file of run reports, oldest month first."""
        if not self.runs_dir.is_dir():
            return []
        found = self.runs_dir.glob(f"*{ROLLED_REPORTS}")
        return sorted(p for p in found if re.fullmatch(r"\d{4}-\d{2}", p.stem))

    @property
    def pages_index(self) -> Path:
        """The cache's merged index of archived pages (derived from the per-file indexes)."""
        return self.raw_dir / PAGES_INDEX

    @property
    def rebuild_dir(self) -> Path:
        return self.root / REBUILD

    @property
    def lock_file(self) -> Path:
        return self.root / LOCK_NAME

    # -- temporary files of killed writers --------------------------------------------------------

    def stale_writes(self) -> Iterator[Path]:
        """Temporary files of partitions and archive files whose writer died (the PID in the name,
        `.<name>.<pid>.writing`, is not a live process). A live writer's file is left alone."""
        # `<table>/date=…/` and `raw/date=…/` alike
        for tmp in self.root.glob(f"*/{PARTITION_KEY}=*/.*{TMP_SUFFIX}"):
            pid_text = tmp.name[: -len(TMP_SUFFIX)].rpartition(".")[2]
            if pid_text.isdigit() and process_alive(int(pid_text)):
                continue
            yield tmp


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without sending anything)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True
