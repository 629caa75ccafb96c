"""`rejects`: input that was kept out of the dataset, with where it came from and why."""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import table_schema

REJECTS = table_schema(
    [
        pa.field("table", pa.string()),  # the table the row was meant for, or the parser kind
        pa.field("arxiv_id", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("payload", pa.string()),  # JSON or text of what was rejected, cut to 64 KiB
    ],
    doc="Input kept out of the dataset: malformed responses, failed requests, schema violations.",
)
