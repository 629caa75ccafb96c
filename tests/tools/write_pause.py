"""A test-only writer that pauses while it closes a day, long enough for a test to kill the crawl
there (tests/test_resume.py, tests/test_first_run.py). Enabled per crawl with the settings
`write_pause("YYYY-MM-DD[/table]=SECONDS")` returns: it takes the writer's place in ITEM_PIPELINES.

* `YYYY-MM-DD=S` or `YYYY-MM-DD/<table>=S`: after the temporary file of that day (and table) is
  written and fsynced, before it replaces the day's file (the writer's `before_replace` seam);
* `YYYY-MM-DD/journal=S`: after every file of the day is in place, before the job's journal records
  the day (the day book journals as soon as `write_day` returns).

Nothing in the product knows about it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pipelines.write import ParquetWriterPipeline
from scraper import settings as project_settings
from scraper.fetch.day_writer import WrittenDay

logger = logging.getLogger(__name__)

SETTING = "TEST_WRITE_PAUSE"  # no HFPAPERS_ prefix: the crawl's preflight refuses unknown HFPAPERS_ names
WRITER = "pipelines.write.ParquetWriterPipeline"


def write_pause(spec: str) -> dict[str, str]:
    """`-s` settings that make the crawl's writer pause as `spec` says (see the module's text)."""
    pipelines = dict(project_settings.ITEM_PIPELINES)
    order = pipelines.pop(WRITER)
    pipelines[f"{__name__}.PausingWriter"] = order
    return {"ITEM_PIPELINES": json.dumps(pipelines), SETTING: spec}


class PausingWriter(ParquetWriterPipeline):
    pause_day: date | None = None
    pause_table: str = ""
    pause_seconds: float = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> PausingWriter:
        writer = super().from_crawler(crawler)
        spec = crawler.settings.get(SETTING) or ""
        if spec:
            target, _, seconds = spec.partition("=")
            day_text, _, writer.pause_table = target.strip().partition("/")
            writer.pause_day, writer.pause_seconds = date.fromisoformat(day_text), float(seconds)
        return writer

    def _pause(self, what: object) -> None:
        logger.warning("test hook: pausing %.1fs before %s", self.pause_seconds, what)
        time.sleep(self.pause_seconds)

    def before_replace(self, table: str, day: date) -> Callable[[Path], None] | None:
        if day != self.pause_day or self.pause_table == "journal":
            return None
        if self.pause_table and table != self.pause_table:
            return None
        return lambda tmp: self._pause(f"replacing {tmp}")

    def write_day(
        self, listing_date: date, supersedes: Collection[str] = (), kept: Mapping[str, str] | None = None
    ) -> WrittenDay:
        written = super().write_day(listing_date, supersedes, kept)
        if listing_date == self.pause_day and self.pause_table == "journal":
            self._pause(f"journaling {listing_date}")
        return written
