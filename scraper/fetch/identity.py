"""Which crawl this is: its id names the crawl's archive files (`raw/date=…/<id>.warc.gz`) and its
files in append-only tables (`ratings/date=…/part-<id>.parquet`), so a rebuild of the archive writes
the very same file names. The id is the crawl's start time in UTC (`20251002T061500123456Z`): ids
sort in the order the crawls ran."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

CRAWL_ID_SETTING = "HFPAPERS_CRAWL_ID"  # set by a rebuild to the id of the crawl it replays
CRAWL_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")  # what may name a file

_ids: WeakKeyDictionary[Any, str] = WeakKeyDictionary()


def new_crawl_id(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")


def crawl_id(crawler: Any) -> str:
    """The id of `crawler`'s crawl: the HFPAPERS_CRAWL_ID setting when given, else one made when
    first asked and kept for the crawler's lifetime (None: a fresh id)."""
    if crawler is None:
        return new_crawl_id()
    given = crawler.settings.get(CRAWL_ID_SETTING)
    if given:
        return str(given)
    if crawler not in _ids:
        _ids[crawler] = new_crawl_id()
    return _ids[crawler]
