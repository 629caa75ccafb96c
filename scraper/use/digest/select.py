"""Read what a digest shows for a period, and nothing else: only the `date=` partitions of the
period (`scraper.use.dataset.load` prunes the others before opening a file) and only the columns shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from scraper.schema.registry import TABLES
from scraper.use.dataset import NoDataError, load
from scraper.use.digest.period import Period

PAPER_COLUMNS = [
    "arxiv_id", "listing_rank", "title", "summary", "ai_keywords", "arxiv_categories", "authors",
    "organization", "organization_fullname", "upvotes", "num_comments", "github_repo", "github_stars",
    "project_page", "ai_summary", "hf_url", "arxiv_abs_url", "arxiv_pdf_url", "arxiv_html_url",
    "headline_claims", "arxiv_version", "arxiv_primary_category", "arxiv_authors", "listing_date",
    "crawled_at",
]  # fmt: skip
FULLTEXT_COLUMNS = [
    "arxiv_id", "version", "fulltext_source", "fulltext_status", "license_name", "primary_subject",
    "listing_date", "crawled_at",
]  # fmt: skip
METRICS_COLUMNS = [
    "arxiv_id", "version", "table_id", "table_label", "row_index", "col_index", "value_index",
    "row_label", "column_label", "raw_text", "value", "unit", "spread", "is_best", "direction",
    "table_kind", "listing_date",
]  # fmt: skip
RATINGS_COLUMNS = ["arxiv_id", "upvotes", "num_comments", "github_stars", "listing_date", "crawled_at"]


@dataclass
class Selection:
    """The period's rows. A table without rows for the period is None: a crawl without arXiv has
    no `fulltext` or `metrics`, a day without HTML tables no `metrics`, older data no `ratings`.
    `missing` says, in words for the reader, what the digest cannot show because of it."""

    period: Period
    papers: pd.DataFrame
    fulltext: pd.DataFrame | None
    metrics: pd.DataFrame | None
    ratings: pd.DataFrame | None
    missing: list[str] = field(default_factory=list)


def _optional(table: str, period: Period, data_dir: Path, columns: list[str]) -> pd.DataFrame | None:
    if table not in TABLES:  # a dataset written before the table existed
        return None
    try:
        return load(table, period.start, period.end, data_dir=data_dir, columns=columns)
    except NoDataError:
        return None


def select(period: Period, data_dir: str | Path) -> Selection:
    """The period's papers plus what the other tables hold about them.

    Raises NoDataError when no `papers` partition lies in the period.
    """
    data_dir = Path(data_dir)
    try:
        papers = load("papers", period.start, period.end, data_dir=data_dir, columns=PAPER_COLUMNS)
    except NoDataError:
        papers = None
    if papers is None or papers.empty:
        raise NoDataError(f"no papers in {data_dir} for {period.label} (no listing day of it was crawled)")
    fulltext = _optional("fulltext", period, data_dir, FULLTEXT_COLUMNS)
    metrics = _optional("metrics", period, data_dir, METRICS_COLUMNS)
    ratings = _optional("ratings", period, data_dir, RATINGS_COLUMNS)
    subjects_known = fulltext is not None and fulltext["primary_subject"].notna().any()
    metadata_known = papers["arxiv_primary_category"].notna().any() or subjects_known
    missing = []
    if fulltext is None and not metadata_known:
        missing.append(
            "arXiv (this crawl did not follow the papers to arXiv, e.g. -s HFPAPERS_ARXIV=false): "
            "no field, reading source, licence or table result"
        )
    elif fulltext is None:
        missing.append(
            "arXiv full text (no fulltext rows for these days): no reading source, licence or table result"
        )
    elif not metadata_known:
        missing.append("arXiv metadata (the arXiv API answered for none of these papers): no field")
    return Selection(period, papers, fulltext, metrics, ratings, missing)
