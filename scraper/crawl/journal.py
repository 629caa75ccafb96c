"""The job journal: which listing days a job (`-s JOBDIR=DIR`) has finished, so a resumed job skips
them — also after a SIGKILL, when Scrapy's own saved state is stale."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

from scraper.files import fsync_dir

JOURNAL_NAME = "hfpapers-days.jsonl"  # in JOBDIR


class DayJournal:
    """The days a job has finished, one JSON line each (in JOBDIR).

    A line is appended, flushed and fsynced only after the day's partitions are in place (or the day
    turned out to have no list), so after any crash — SIGKILL included — a day in the journal is
    complete on disk and a day not in it is redone. A line cut short by a crash is ignored (that day
    is redone). Failed days are not journaled: a resumed job tries them again."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def finished(self, source: str, data_dir: str) -> dict[date, str]:
        """Days finished for this source and data folder -> outcome ("written" or "empty")."""
        done: dict[date, str] = {}
        if not self.path.exists():
            return done
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                day = date.fromisoformat(entry["day"])
            except (ValueError, KeyError, TypeError):
                continue
            if entry.get("source") == source and entry.get("data_dir") == data_dir:
                done[day] = str(entry.get("outcome"))
        return done

    def record(self, day: date, source: str, data_dir: str, rows: dict[str, int]) -> None:
        entry = {
            "day": day.isoformat(),
            "source": source,
            "data_dir": data_dir,
            "outcome": "written" if rows else "empty",
            "rows": rows,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
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
