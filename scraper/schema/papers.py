"""`papers`: one row per (listing_date, arxiv_id) — what Hugging Face Daily Papers says of a paper.

Keys of every daily_papers shape from 2024-05 to 2026-08 (docs: docs/sources.md §2)
map onto these columns; counts the source did not send stay null (absent is not zero), and keys we
do not know yet are kept as JSON in `extra`.
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import table_schema
from scraper.schema.arxiv import ARXIV_META_FIELDS

TS = pa.timestamp("ms", tz="UTC")

AUTHOR = pa.struct(
    [
        pa.field("name", pa.string()),
        pa.field("hf_user", pa.string()),  # HF username when the author is linked to an account
        pa.field("hf_fullname", pa.string()),
        pa.field("hidden", pa.bool_()),
        pa.field("status", pa.string()),  # claimed_verified | admin_assigned | extracted_* | null
        pa.field("status_changed_at", TS),
        pa.field("author_id", pa.string()),  # HF's 24-hex id of the author entry
    ]
)

HF_FIELDS: list[pa.Field] = [
    pa.field("arxiv_id", pa.string(), nullable=False),
    pa.field("listing_rank", pa.int16()),
    pa.field("title", pa.string()),
    pa.field("summary", pa.string()),
    pa.field("authors", pa.list_(AUTHOR)),
    pa.field("published_at", TS),
    pa.field("submitted_on_daily_at", TS),
    pa.field("submitted_by", pa.string()),
    pa.field("submitted_by_fullname", pa.string()),
    pa.field("organization", pa.string()),
    pa.field("organization_fullname", pa.string()),
    pa.field("upvotes", pa.int32()),
    pa.field("num_comments", pa.int32()),
    pa.field("github_repo", pa.string()),
    pa.field("github_stars", pa.int32()),
    pa.field("github_repo_added_by", pa.string()),
    pa.field("project_page", pa.string()),
    pa.field("ai_summary", pa.string()),
    pa.field("ai_keywords", pa.list_(pa.string())),
    pa.field("ai_summary_model", pa.string()),
    pa.field("thumbnail", pa.string()),
    pa.field("media_urls", pa.list_(pa.string())),
    pa.field("discussion_id", pa.string()),
    pa.field("is_author_participating", pa.bool_()),
    pa.field("hf_url", pa.string()),
    pa.field("arxiv_abs_url", pa.string()),
    pa.field("arxiv_pdf_url", pa.string()),
    pa.field("arxiv_html_url", pa.string()),
    pa.field("extra", pa.string()),  # JSON object of source keys this schema does not map yet
    pa.field("headline_claims", pa.list_(pa.string())),  # strongest quantitative claims of the abstract
]

PAPERS = table_schema(
    HF_FIELDS + ARXIV_META_FIELDS,
    doc="One row per paper per Hugging Face Daily Papers listing day, with its arXiv API metadata.",
)
