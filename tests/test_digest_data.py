"""Datasets for the digest tests, written without a crawl: the recorded Hugging Face lists
(tests/fixtures/hf_daily_api/, real titles, abstracts and `ai_keywords`) go through the spider's own
parser and normalizer and the project's writer (`pipelines.write`), so the Parquet files are what a
crawl of those days writes for `papers` and `ratings` — minus arXiv, which these days have no
recorded pages for.

DERIVED, and said where used: extra `ratings` snapshots of a day (the same crawl repeated at other
times with other upvote counts) — the recordings hold one capture per day. Nothing recorded is edited.

The tests in this file check the builder itself against the recordings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from scraper.derive.clean import add_common, clean_paper
from scraper.derive.rows import abstract_claims
from scraper.parse.hf_daily_api import parse_daily_api
from scraper.schema import conform
from scraper.schema.ratings import RATED_COLUMNS
from scraper.schema.registry import TABLES
from scraper.store.partitions import append_partition, assemble, write_partition
from tests.tools.replay import FIXTURES

# The recorded days of ISO week 2025-W40 (Monday 09-29 … Friday 10-03; 10-01 has no recording).
REAL_WEEK = ("2025-09-29", "2025-09-30", "2025-10-03")
API_URL = "https://huggingface.co/api/daily_papers?date={day}"
# When the recordings were captured (MANIFEST.md: ~07:49 UTC on the listing day).
CAPTURED_AT = {day: datetime.fromisoformat(f"{day}T07:49:00+00:00") for day in REAL_WEEK}

Upvotes = Callable[[str, int | None], int | None]  # (arxiv_id, recorded upvotes) -> upvotes at a crawl


def recorded_entries(day: str) -> list[dict]:
    return json.loads((FIXTURES / "hf_daily_api" / f"{day}.json").read_text())


def listed_records(day: str) -> list[dict]:
    """The recorded list of `day` as the spider's `papers` records, before the common columns."""
    daily = parse_daily_api(
        (FIXTURES / "hf_daily_api" / f"{day}.json").read_bytes(),
        API_URL.format(day=day),
        date.fromisoformat(day),
    )
    assert not daily.rejects, daily.rejects
    for record in daily.records:
        abstract_claims(record)  # the spider sets `headline_claims` from the abstract
        clean_paper(record)  # the normalize pipeline
    return daily.records


def write_crawl(
    data: Path, day: str, crawled_at: datetime, upvotes: Upvotes | None = None, limit: int | None = None
) -> list[dict]:
    """What one crawl of `day` writes: its `papers` partition (replaced: the latest values) and one
    more snapshot in the day's `ratings` file (append-only). `upvotes` changes the recorded counts
    (derived snapshots); `limit` keeps only the first papers of the list. Returns the records written."""
    records = listed_records(day)[:limit]
    listing_day = date.fromisoformat(day)
    url = API_URL.format(day=day)
    papers, ratings = [], []
    for record in records:
        if upvotes is not None:
            record["upvotes"] = upvotes(record["arxiv_id"], record["upvotes"])
        add_common(record, listing_day, crawled_at, url)
        papers.append(conform(record, TABLES["papers"]))
        rating = {column: record[column] for column in RATED_COLUMNS}
        ratings.append(conform(add_common(rating, listing_day, crawled_at, url), TABLES["ratings"]))
    write_partition(data, "papers", listing_day, assemble("papers", papers))
    run_id = crawled_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    append_partition(data, "ratings", listing_day, assemble("ratings", ratings), run_id)
    return records


def write_real_week(data: Path) -> Path:
    """The three recorded days of 2025-W40 as one crawl each, at their capture times."""
    for day in REAL_WEEK:
        write_crawl(data, day, CAPTURED_AT[day])
    return data


# -- the builder against the recordings -----------------------------------------------------------------


def test_the_real_week_is_written_as_the_recordings_list_it(tmp_path: Path) -> None:
    data = write_real_week(tmp_path / "data")
    papers = pd.read_parquet(data / "papers")
    recorded = [entry for day in REAL_WEEK for entry in recorded_entries(day)]
    assert len(papers) == len(recorded) == 119
    assert sorted(papers["arxiv_id"]) == sorted(entry["paper"]["id"] for entry in recorded)
    longlive = papers.set_index("arxiv_id").loc["2509.22622"]
    assert longlive["title"] == "LongLive: Real-time Interactive Long Video Generation"
    assert "frame-level autoregressive" in list(longlive["ai_keywords"])
    assert longlive["summary"].startswith("We present LongLive")
    ratings = pd.read_parquet(data / "ratings")
    assert len(ratings) == 119 and ratings["crawled_at"].nunique() == 3


def test_a_second_crawl_adds_a_ratings_snapshot_and_replaces_papers(tmp_path: Path) -> None:
    data = tmp_path / "data"
    day = REAL_WEEK[0]
    first = write_crawl(data, day, CAPTURED_AT[day])
    write_crawl(data, day, datetime(2025, 9, 30, 8, tzinfo=UTC), upvotes=lambda _, up: (up or 0) + 5)
    assert len(list((data / "ratings" / f"date={day}").glob("*.parquet"))) == 1  # one file per day
    papers = pd.read_parquet(data / "papers" / f"date={day}").set_index("arxiv_id")
    assert len(papers) == len(first) == 30
    top = recorded_entries(day)[0]["paper"]
    assert papers.loc[top["id"], "upvotes"] == top["upvotes"] + 5
    history = pd.read_parquet(data / "ratings" / f"date={day}")
    assert sorted(history[history["arxiv_id"] == top["id"]]["upvotes"]) == [
        top["upvotes"],
        top["upvotes"] + 5,
    ]
