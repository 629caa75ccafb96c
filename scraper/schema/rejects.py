"""`rejects`: input that was kept out of the dataset, with where it came from and why."""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import CRAWLER, Table, column

REJECTS_TABLE = Table(
    "rejects",
    doc="Input kept out of the dataset: malformed responses, failed requests, schema violations.",
    columns=[
        column(
            "table",
            pa.string(),
            "The table the row was meant for, or the kind of parser that failed.",
            CRAWLER,
        ),
        column("arxiv_id", pa.string(), "arXiv identifier concerned, when known.", CRAWLER),
        column(
            "reason",
            pa.string(),
            "Why it was kept out: `invalid_json`, `fetch_failed`, a schema violation, …",
            CRAWLER,
            nullable=False,
        ),
        column("detail", pa.string(), "Human-readable detail of the reason.", CRAWLER),
        column("payload", pa.string(), "JSON or text of what was rejected, cut to 64 KiB.", CRAWLER),
    ],
    keys=(),
)
REJECTS = REJECTS_TABLE.schema
