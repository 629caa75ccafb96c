"""arXiv Atom-API columns, appended to the ``papers`` table (all nullable) when a day is written.

Filled by :func:`scraper.parse.arxiv_atom.parse_atom`; every entry dict it returns carries
exactly these keys plus ``arxiv_id``.
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import ATOM, Table, column

TS = pa.timestamp("ms", tz="UTC")

ARXIV_AUTHOR = pa.struct([pa.field("name", pa.string()), pa.field("affiliations", pa.list_(pa.string()))])

ARXIV_META_FIELDS: list[pa.Field] = [
    column("arxiv_version", pa.int16(), "Latest version the arXiv API reported.", ATOM),
    column("arxiv_title", pa.string(), "Title according to arXiv.", ATOM),
    column("arxiv_abstract", pa.string(), "Abstract according to arXiv.", ATOM),
    column("arxiv_categories", pa.list_(pa.string()), "All arXiv categories, e.g. `cs.CL`.", ATOM),
    column("arxiv_primary_category", pa.string(), "Primary arXiv category.", ATOM),
    column("arxiv_comment", pa.string(), "Authors' comment (pages, figures, venue).", ATOM),
    column("arxiv_journal_ref", pa.string(), "Journal reference, when given.", ATOM),
    column("arxiv_doi", pa.string(), "Publisher DOI, when given.", ATOM),
    column("arxiv_published", TS, "Submission time of version 1.", ATOM),
    column("arxiv_updated", TS, "Submission time of the latest version.", ATOM),
    column(
        "arxiv_authors", pa.list_(ARXIV_AUTHOR), "Authors with their affiliations, according to arXiv.", ATOM
    ),
]

ARXIV_META_NAMES: list[str] = [f.name for f in ARXIV_META_FIELDS]

# The API's rows as they travel through the pipelines, before the writer joins them into `papers` by
# arxiv_id (see registry.JOINED): not a table of their own, so no common columns and no doc.
ARXIV_JOINED = Table(
    "arxiv",
    doc="",
    columns=[
        column("arxiv_id", pa.string(), "arXiv identifier without version.", ATOM, nullable=False),
        *ARXIV_META_FIELDS,
    ],
    keys=("arxiv_id",),
    common=False,
)
