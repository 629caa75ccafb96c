"""Every table of the dataset, by name, with the columns that identify a row within a day."""

from __future__ import annotations

import pyarrow as pa

from scraper.schema.arxiv import ARXIV_META_FIELDS
from scraper.schema.fulltext import FULLTEXT
from scraper.schema.metrics import CLAIMS, METRICS
from scraper.schema.papers import PAPERS
from scraper.schema.ratings import RATINGS
from scraper.schema.rejects import REJECTS

# What the writer writes, one folder each under data/.
TABLES: dict[str, pa.Schema] = {
    "papers": PAPERS,
    "fulltext": FULLTEXT,
    "metrics": METRICS,
    "claims": CLAIMS,
    "ratings": RATINGS,
    "rejects": REJECTS,
}

# Tables whose day folder grows by one file per crawl instead of being replaced (see
# pipelines/parquet.py): their history is the point.
APPEND_ONLY: frozenset[str] = frozenset({"ratings"})

# Rows that travel through the pipelines but are joined into another table when a day is written:
# the arXiv API's metadata arrives later than the HF row (other domain, other delays), so it is
# kept apart keyed by arxiv_id and joined into `papers` at write time — no partial record has to be
# carried through requests, and a re-run rebuilds the day from scratch.
JOINED: dict[str, pa.Schema] = {
    "arxiv": pa.schema([pa.field("arxiv_id", pa.string(), nullable=False), *ARXIV_META_FIELDS]),
}
JOIN_INTO = {"arxiv": ("papers", "arxiv_id")}

# Row identity within a listing day (the dedupe pipeline and the writer's sort order use it).
KEYS: dict[str, tuple[str, ...]] = {
    "papers": ("arxiv_id",),
    "fulltext": ("arxiv_id", "version"),
    "metrics": ("arxiv_id", "version", "table_id", "row_index", "col_index", "value_index"),
    "claims": ("arxiv_id", "source_section", "sentence_index", "claim_text", "value"),
    "ratings": ("arxiv_id",),
    "rejects": (),
    "arxiv": ("arxiv_id",),
}


def schema_of(table: str) -> pa.Schema | None:
    return TABLES.get(table) or JOINED.get(table)
