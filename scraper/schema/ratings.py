"""`ratings`: the history of a paper's ratings — one row per paper per crawl of its listing day.

Append-only: every crawl of a day adds its own file under `data/ratings/date=YYYY-MM-DD/` and never
rewrites an earlier one, so the rows of one paper and day, ordered by `crawled_at`, are its upvote
(comment, star) curve. `papers` keeps only the latest values.
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import table_schema

# The columns a `papers` record shares with `ratings` (the spider copies them from it).
RATED_COLUMNS: tuple[str, ...] = ("arxiv_id", "listing_rank", "upvotes", "num_comments", "github_stars")

RATINGS = table_schema(
    [
        pa.field("arxiv_id", pa.string(), nullable=False),
        pa.field("listing_rank", pa.int16()),
        pa.field("upvotes", pa.int32()),
        pa.field("num_comments", pa.int32()),
        pa.field("github_stars", pa.int32()),
    ],
    doc="One row per paper per crawl of its listing day: the history of its ratings (append-only).",
)
