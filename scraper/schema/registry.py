"""Every table of the dataset, by name, built from the table declarations in the schema modules
(each column declared once there, with its type, meaning and source; each table with its row key)."""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import Table
from scraper.schema.arxiv import ARXIV_JOINED
from scraper.schema.claims import CLAIMS_TABLE
from scraper.schema.fulltext import FULLTEXT_TABLE
from scraper.schema.metrics import METRICS_TABLE
from scraper.schema.papers import PAPERS_TABLE
from scraper.schema.ratings import RATINGS_TABLE
from scraper.schema.rejects import REJECTS_TABLE

# What the writer writes, one folder each under data/, in this order (README and card follow it).
DECLARED: dict[str, Table] = {
    table.name: table
    for table in (PAPERS_TABLE, FULLTEXT_TABLE, METRICS_TABLE, CLAIMS_TABLE, RATINGS_TABLE, REJECTS_TABLE)
}
# Their schemas as written and validated (no field metadata: see `Table.schema`).
TABLES: dict[str, pa.Schema] = {name: table.schema for name, table in DECLARED.items()}

# Tables whose day is appended to instead of being replaced (pipelines/write.py): the day's one file
# is rewritten as its old rows, unchanged, followed by each crawl's — their history is the point:
# every ratings snapshot, every failure.
APPEND_ONLY: frozenset[str] = frozenset({"ratings", "rejects"})
# Tables of events that may never happen: a crawl without a failure writes no `rejects`, so `load()`
# gives an empty frame for them when the data folder holds data (scraper/use/dataset.py).
MAY_BE_EMPTY: frozenset[str] = frozenset({"rejects"})

# Rows that travel through the pipelines but are joined into another table when a day is written:
# the arXiv API's metadata arrives later than the HF row (other domain, other delays), so it is
# kept apart keyed by arxiv_id and joined into `papers` at write time — no partial record has to be
# carried through requests, and a re-run rebuilds the day from scratch.
JOINED: dict[str, pa.Schema] = {ARXIV_JOINED.name: ARXIV_JOINED.schema}
JOIN_INTO = {"arxiv": ("papers", "arxiv_id")}

# Row identity within a listing day (the dedupe pipeline and the writer's sort order use it).
KEYS: dict[str, tuple[str, ...]] = {table.name: table.keys for table in (*DECLARED.values(), ARXIV_JOINED)}


def schema_of(table: str) -> pa.Schema | None:
    return TABLES.get(table) or JOINED.get(table)
