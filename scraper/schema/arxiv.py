"""arXiv Atom-API columns that the lead appends to the ``papers`` table (all nullable).

Filled by :func:`scraper.parsers.arxiv_atom.parse_atom`; every entry dict it returns carries
exactly these keys plus ``arxiv_id``.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("ms", tz="UTC")

ARXIV_AUTHOR = pa.struct([pa.field("name", pa.string()), pa.field("affiliations", pa.list_(pa.string()))])

ARXIV_META_FIELDS: list[pa.Field] = [
    pa.field("arxiv_version", pa.int16()),  # latest version the API reports
    pa.field("arxiv_title", pa.string()),
    pa.field("arxiv_abstract", pa.string()),
    pa.field("arxiv_categories", pa.list_(pa.string())),
    pa.field("arxiv_primary_category", pa.string()),
    pa.field("arxiv_comment", pa.string()),
    pa.field("arxiv_journal_ref", pa.string()),
    pa.field("arxiv_doi", pa.string()),
    pa.field("arxiv_published", TS),  # v1 submission
    pa.field("arxiv_updated", TS),  # latest version
    pa.field("arxiv_authors", pa.list_(ARXIV_AUTHOR)),
]

ARXIV_META_NAMES: list[str] = [f.name for f in ARXIV_META_FIELDS]
