"""What the spider yields: rows bound for a table, and rejects (input kept out of the dataset)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

PAYLOAD_LIMIT = 65536  # characters of a rejected answer kept in its `rejects` row (64 KiB)


@dataclass
class TableRow:
    """One record for `table` (a name in scraper.schema.registry.TABLES), for one listing day."""

    table: str
    record: dict[str, Any]
    listing_date: date
    source_url: str | None = None
    # When the answer the row came from was fetched (its WARC-Date in the archive); None: now.
    crawled_at: datetime | None = None


@dataclass
class Reject:
    """Input that did not become a row: a malformed response, an unmappable entry, a record that
    broke the schema, a request that failed for good. Written to the `rejects` table with its reason."""

    listing_date: date
    url: str | None
    reason: str
    detail: str = ""
    table: str | None = None
    arxiv_id: str | None = None
    payload: Any = field(default=None, repr=False)
    crawled_at: datetime | None = None  # when the answer (or the failure) behind it came; None: now
