"""`ratings`: the history of a paper's ratings — one row per paper per crawl of its listing day.

Append-only: every crawl of a day adds its own file under `data/ratings/date=YYYY-MM-DD/` and never
rewrites an earlier one, so the rows of one paper and day, ordered by `crawled_at`, are its upvote
(comment, star) curve. `papers` keeps only the latest values.
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import HF, Table, column

RATINGS_TABLE = Table(
    "ratings",
    doc="One row per paper per crawl of its listing day: the history of its ratings (append-only).",
    columns=[
        column(
            "arxiv_id", pa.string(), "arXiv identifier without version.", f"{HF} `paper.id`", nullable=False
        ),
        column("listing_rank", pa.int16(), "Position of the paper in the day's list at that crawl.", HF),
        column("upvotes", pa.int32(), "Upvotes at that crawl (null when not sent).", f"{HF} `paper.upvotes`"),
        column("num_comments", pa.int32(), "Comments at that crawl.", f"{HF} `numComments`"),
        column(
            "github_stars",
            pa.int32(),
            "GitHub stars as cached by Hugging Face at that crawl.",
            f"{HF} `paper.githubStars`",
        ),
    ],
    keys=("arxiv_id",),
)

# The columns a `papers` record shares with `ratings` (the spider copies them from it).
RATED_COLUMNS: tuple[str, ...] = tuple(f.name for f in RATINGS_TABLE.columns)
