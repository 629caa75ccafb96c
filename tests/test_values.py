"""No value is dropped without a trace (issue 20): a count that is not a non-negative integer below
the documented bound, or a timestamp that cannot be read, is null in its column and kept raw, with
the reason, in `papers.invalid_values` and as a `rejects` row; arXiv ids are ASCII only.

Every answer here is DERIVED from real entries (tests/fixtures/hf_daily_api/): one value of a real
entry is replaced by a crafted one, in the test; no recorded file is edited.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scraper.parse.arxiv_id import VERSIONED_ARXIV_ID, is_arxiv_id
from scraper.parse.hf_daily_api import COUNT_BOUND, as_count, entries_to_daily_list
from scraper.parse.text import parse_iso_datetime
from tests.tools.crawl import crawl
from tests.tools.replay import FIXTURES, start_replay

DAY = "2025-10-06"  # a Monday without a capture: the derived day is served there
REAL_DAY = FIXTURES / "hf_daily_api" / "2026-03-12.json"  # 19 real entries with every newer key


def real_entries() -> list[dict]:
    return json.loads(REAL_DAY.read_text())


def with_value(path: str, value: object, index: int = 0) -> list[dict]:
    """The real entries with one value replaced (`paper.upvotes`, `numComments`,
    `paper.authors.0.statusLastChangedAt` …)."""
    entries = real_entries()
    target = entries[index]
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    target[last] = value
    return entries


@pytest.mark.parametrize(
    ("path", "value", "column"),
    [
        ("paper.upvotes", -5, "upvotes"),
        ("paper.upvotes", "abc", "upvotes"),
        ("paper.upvotes", 3.5, "upvotes"),
        ("paper.upvotes", 1e20, "upvotes"),
        ("paper.upvotes", True, "upvotes"),
        ("paper.githubStars", COUNT_BOUND, "github_stars"),
        ("numComments", -1, "num_comments"),
        ("paper.submittedOnDailyAt", "0001-01-01T00:00:00+05:00", "submitted_on_daily_at"),
        ("paper.publishedAt", "Tue, 10 Mar 2026 17:59:59 GMT", "published_at"),  # RFC 2822
        ("paper.publishedAt", 1773165599, "published_at"),  # epoch seconds
    ],
)
def test_a_value_that_cannot_be_typed_is_kept_raw_with_its_reason(
    path: str, value: object, column: str
) -> None:
    daily = entries_to_daily_list(with_value(path, value), None)
    assert not daily.rejects and len(daily.records) == 19  # the entry itself is kept
    record = daily.records[0]
    assert record[column] is None
    invalid = json.loads(record["invalid_values"])
    assert list(invalid) == [path] and invalid[path]["raw"] == value and invalid[path]["reason"]
    assert all(r["invalid_values"] is None for r in daily.records[1:])


def test_an_author_timestamp_out_of_range_is_kept_raw() -> None:
    entries = with_value("paper.authors.0.statusLastChangedAt", "9999-12-31T23:59:59-05:00")
    record = entries_to_daily_list(entries, None).records[0]
    assert record["authors"][0]["status_changed_at"] is None
    assert json.loads(record["invalid_values"]) == {
        "authors[0].statusLastChangedAt": {
            "raw": "9999-12-31T23:59:59-05:00",
            "reason": "not an ISO 8601 timestamp within years 1-9999",
        }
    }


def test_good_values_pass_unchanged() -> None:
    assert [as_count(v) for v in (0, 12, 12.0, "12", " 7 ", COUNT_BOUND - 1)] == [
        0,
        12,
        12,
        12,
        7,
        COUNT_BOUND - 1,
    ]
    assert [as_count(v) for v in (-1, 1.5, "1e3", "²", False, None, COUNT_BOUND)] == [None] * 7
    assert parse_iso_datetime("2026-03-12T08:24:00.000Z") is not None
    assert parse_iso_datetime("0001-01-01T00:00:00+05:00") is None  # OverflowError, not a crash
    assert all(r["invalid_values"] is None for r in entries_to_daily_list(real_entries(), None).records)


@pytest.mark.parametrize("text", ["２５０１.０００１２", "٢٥٠١.٠٠٠١٣", "2501.0001２", "hep-th/990100١"])
def test_arxiv_ids_are_ascii_only(text: str) -> None:
    assert not is_arxiv_id(text) and not VERSIONED_ARXIV_ID.match(text + "v1")
    entries = with_value("paper.id", text)
    daily = entries_to_daily_list(entries, None)
    assert [reject.reason for reject in daily.rejects] == ["not_an_arxiv_id"] and len(daily.records) == 18


@pytest.mark.crawl
def test_an_out_of_range_timestamp_costs_one_value_not_the_day(tmp_path: Path) -> None:
    """The issue's case: one entry's `submittedOnDailyAt` out of range. The day's 19 papers are
    written, the value is null and kept raw, a reject names it, and the crawl says so with exit 0
    (nothing was lost); `hfpapers-parse` reads the same answer without a traceback."""
    entries = with_value("paper.submittedOnDailyAt", "0001-01-01T00:00:00+05:00", index=3)
    bad_id = entries[3]["paper"]["id"]
    overlay = tmp_path / "overlay" / "hf_daily_api"
    overlay.mkdir(parents=True)
    (overlay / f"{DAY}.json").write_text(json.dumps(entries))
    server, replay = start_replay(tmp_path, overlay=tmp_path / "overlay")
    try:
        result = crawl(replay, tmp_path / "data", f"date={DAY}", settings={"HFPAPERS_ARXIV": "false"})
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    papers = pd.read_parquet(tmp_path / "data" / "papers").set_index("arxiv_id")
    assert len(papers) == 19 and pd.isna(papers.loc[bad_id, "submitted_on_daily_at"])
    assert "0001-01-01T00:00:00+05:00" in papers.loc[bad_id, "invalid_values"]
    rejects = pd.read_parquet(tmp_path / "data" / "rejects")
    bad = rejects[rejects["reason"] == "invalid_value"]
    assert list(bad["arxiv_id"]) == [bad_id] and "paper.submittedOnDailyAt" in bad["detail"].iloc[0]
    assert "0001-01-01T00:00:00+05:00" in bad["payload"].iloc[0]

    saved = tmp_path / "list.json"
    saved.write_text(json.dumps(entries))
    parse = subprocess.run(
        [str(Path(sys.executable).parent / "hfpapers-parse"), str(saved)], capture_output=True, text=True
    )
    assert parse.returncode == 0 and "Traceback" not in parse.stderr
    assert len(parse.stdout.splitlines()) == 19
    assert f"{bad_id} paper.submittedOnDailyAt=0001-01-01T00:00:00+05:00" in parse.stderr
