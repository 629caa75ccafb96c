"""The job journal: which listing days a job (`-s JOBDIR=DIR`) has finished, so a resumed job skips
them — also after a SIGKILL, when Scrapy's own saved state is stale — and which crawl was closing a
day when it was interrupted, so the redo of that day replaces what that crawl may have appended."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

from scraper.store.files import fsync_dir

JOURNAL_NAME = "hfpapers-days.jsonl"  # in JOBDIR


CLOSING, FAILED = "closing", "failed"  # the `state` of lines that are not a finished day


class DayJournal:
    """The days a job has finished, one JSON line each (in JOBDIR).

    A line is appended, flushed and fsynced only after the day's partitions are in place (or the day
    turned out to have no list), so after any crash — SIGKILL included — a day in the journal is
    complete on disk and a day not in it is redone. A line cut short by a crash is ignored (that day
    is redone). Failed days are not journaled as finished: a resumed job tries them again.

    Before a day is closed (its archive file finished, its tables written) a `closing` line names the
    crawl closing it; a `failed` line or the finished line follows when that is done. A `closing` line
    with nothing after it is a crawl interrupted while it closed the day: it may have appended its
    ratings snapshot and rejects already, so the redo replaces them (`interrupted`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _entries(self, source: str, data_dir: str) -> list[tuple[date, dict]]:
        found: list[tuple[date, dict]] = []
        if not self.path.exists():
            return found
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                day = date.fromisoformat(entry["day"])
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
            if entry.get("source") == source and entry.get("data_dir") == data_dir:
                found.append((day, entry))
        return found

    def finished(self, source: str, data_dir: str) -> dict[date, str]:
        """Days finished for this source and data folder -> outcome ("written" or "empty")."""
        return {
            day: str(entry.get("outcome"))
            for day, entry in self._entries(source, data_dir)
            if entry.get("state") not in (CLOSING, FAILED)
        }

    def interrupted(self, source: str, data_dir: str) -> dict[date, list[str]]:
        """Days a crawl of this job was closing when it stopped -> those crawls' ids, in order."""
        closing: dict[date, list[str]] = {}
        for day, entry in self._entries(source, data_dir):
            crawl = entry.get("crawl")
            if entry.get("state") == CLOSING and isinstance(crawl, str):
                closing.setdefault(day, []).append(crawl)
            elif isinstance(crawl, str) and crawl in closing.get(day, []):
                closing[day].remove(crawl)  # that crawl closed the day (failed or finished)
        return {day: crawls for day, crawls in closing.items() if crawls}

    def closing(self, day: date, source: str, data_dir: str, crawl: str) -> None:
        """`crawl` starts closing `day` (archiving it, writing its tables)."""
        self._append(
            {"day": day.isoformat(), "source": source, "data_dir": data_dir, "crawl": crawl, "state": CLOSING}
        )

    def failed(self, day: date, source: str, data_dir: str, crawl: str) -> None:
        """`crawl` closed `day` as failed (nothing of it is finished: a resumed job tries it again)."""
        self._append(
            {"day": day.isoformat(), "source": source, "data_dir": data_dir, "crawl": crawl, "state": FAILED}
        )

    def record(self, day: date, source: str, data_dir: str, rows: dict[str, int], crawl: str = "") -> None:
        entry = {
            "day": day.isoformat(),
            "source": source,
            "data_dir": data_dir,
            "outcome": "written" if rows else "empty",
            "rows": rows,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        if crawl:
            entry["crawl"] = crawl
        self._append(entry)

    def _append(self, entry: dict) -> None:
        created = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab") as handle:
            if not created and handle.tell() and not self._ends_with_newline():
                handle.write(b"\n")  # a crash cut the last line short: start a fresh one
            handle.write(json.dumps(entry, sort_keys=True).encode() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        if created:
            fsync_dir(self.path.parent)

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as handle:
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) == b"\n"
