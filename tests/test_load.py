"""`scraper.use.dataset.load`: typed DataFrames of one table, reading only the listing days asked for; and the
analysis snippets written for the README, run against a real replay crawl's `data/`."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from scraper.use.dataset import NoDataError, load


@pytest.fixture(scope="module")
def data_dir(release_data: Path) -> Path:
    return release_data


def test_dtypes(data_dir: Path) -> None:
    papers = load("papers", data_dir=data_dir)
    assert len(papers) == 124 and "date" not in papers.columns  # the table's columns, no hive key
    assert str(papers["crawled_at"].dtype) == "datetime64[ms, UTC]"
    assert str(papers["arxiv_published"].dt.tz) == "UTC"
    assert isinstance(papers["listing_date"].iloc[0], date)
    assert papers["upvotes"].dtype == "Int32" and papers["github_stars"].dtype == "Int32"
    assert papers["github_stars"].isna().any()  # absent stays <NA>, not 0 or NaN
    assert papers["is_author_participating"].dtype == "boolean"
    assert isinstance(papers["arxiv_categories"].dtype, pd.ArrowDtype)
    assert papers["arxiv_categories"].list.len().max() >= 1
    first_author = papers["authors"].iloc[0][0]
    assert set(first_author) >= {"name", "hf_user"} and isinstance(first_author["name"], str)
    assert papers["title"].map(type).eq(str).all()


def test_range_and_columns(data_dir: Path) -> None:
    week = load(
        "papers",
        start="2025-09-30",
        end=date(2025, 10, 3),
        data_dir=data_dir,
        columns=["listing_date", "arxiv_id", "upvotes"],
    )
    assert list(week.columns) == ["listing_date", "arxiv_id", "upvotes"]
    assert week.groupby("listing_date").size().to_dict() == {date(2025, 9, 30): 50, date(2025, 10, 3): 39}
    assert week["listing_date"].is_monotonic_increasing  # days in order
    assert len(load("papers", start="2025-10-01", data_dir=data_dir)) == 39 + 5
    assert len(load("papers", end="2025-09-29", data_dir=data_dir)) == 30
    metrics = load("metrics", data_dir=data_dir)
    assert metrics["value"].dtype == "float64" and metrics["is_best"].dtype == "boolean"


def test_files_outside_the_range_are_not_opened(data_dir: Path, tmp_path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    corrupt = copy / "papers" / "date=2025-09-29" / "part-0.parquet"
    corrupt.write_bytes(b"not parquet at all")
    os.chmod(corrupt, 0)  # unreadable too (root can still read it; the garbage covers that case)
    try:
        week = load("papers", start="2025-09-30", end="2025-10-03", data_dir=copy)
        assert len(week) == 89
        with pytest.raises(Exception, match="(?i)parquet|permission"):  # proof it would be read
            load("papers", data_dir=copy)
    finally:
        os.chmod(corrupt, 0o644)


def test_clear_errors(data_dir: Path, tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown table 'paper'; tables: papers, fulltext"):
        load("paper", data_dir=data_dir)
    with pytest.raises(NoDataError, match="no papers data in .* between 2024-01-01 and 2024-01-31"):
        load("papers", start="2024-01-01", end="2024-01-31", data_dir=data_dir)
    with pytest.raises(NoDataError, match="no papers data"):
        load("papers", data_dir=tmp_path / "nothing")
    with pytest.raises(ValueError, match="has no column"):
        load("papers", columns=["arxiv_id", "stars"], data_dir=data_dir)
    with pytest.raises(ValueError, match="is before start"):
        load("papers", start="2025-10-03", end="2025-09-30", data_dir=data_dir)
    with pytest.raises(ValueError, match="not a calendar date"):
        load("papers", start="last week", data_dir=data_dir)
