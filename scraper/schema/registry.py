"""Every table of the dataset, by name, with the columns that identify a row within a day."""

from __future__ import annotations

import pyarrow as pa

from scraper.schema.papers import PAPERS
from scraper.schema.rejects import REJECTS

TABLES: dict[str, pa.Schema] = {
    "papers": PAPERS,
    "rejects": REJECTS,
}

# Row identity within a listing day (the dedupe pipeline and the writer's sort order use it).
KEYS: dict[str, tuple[str, ...]] = {
    "papers": ("arxiv_id",),
    "rejects": (),
}
