"""End to end: the real spider through Scrapy's downloader and our pipelines, with the project's
settings, in this process (tests/tools/crawl.py), against recorded real responses served over HTTP
on loopback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from scraper.schema.registry import TABLES
from tests.tools.commands import run_rebuild
from tests.tools.crawl import crawl
from tests.tools.replay import Replay, start_replay
from tests.tools.tables import assert_same_tables

pytestmark = pytest.mark.crawl  # beyond the quick loop's budget

BACKFILL = ("start=2025-09-29", "end=2025-10-03")  # Mon…Fri; 10-01 and 10-02 have no capture


def partitions(data_dir: Path, table: str = "papers") -> dict[str, Path]:
    return {p.parent.name: p for p in sorted((data_dir / table).glob("date=*/*.parquet"))}


def content(path: Path) -> pd.DataFrame:
    return pq.read_table(path).to_pandas().drop(columns=["crawled_at"])


@pytest.fixture(scope="module")
def backfill(replay: Replay, tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("backfill") / "data"
    result = crawl(replay, data_dir, *BACKFILL)
    assert result.returncode == 0, result.log[-4000:]
    (data_dir / "crawl.log").write_text(result.log)
    return data_dir


def test_backfill_writes_one_partition_per_listed_day(backfill: Path) -> None:
    assert list(partitions(backfill)) == ["date=2025-09-29", "date=2025-09-30", "date=2025-10-03"]
    log = (backfill / "crawl.log").read_text()
    assert "2025-10-01: no Daily Papers list (empty list)" in log
    assert "backfill: 5/5 days done" in log and "ETA" in log
    df = pd.read_parquet(backfill / "papers")
    assert df.groupby("listing_date").size().to_dict() == {
        date(2025, 9, 29): 30,
        date(2025, 9, 30): 50,
        date(2025, 10, 3): 39,
    }
    assert str(df["date"].iloc[0]) in {"2025-09-29", "2025-09-30", "2025-10-03"}  # hive key
    assert df["crawled_at"].dt.tz is not None
    assert df["upvotes"].dtype == "int32"


def test_every_partition_has_the_full_schema(backfill: Path) -> None:
    for path in partitions(backfill).values():
        assert pq.read_schema(path).remove_metadata() == TABLES["papers"].remove_metadata()
        assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"


def test_duckdb_reads_the_hive_layout(backfill: Path) -> None:
    glob = str(backfill / "papers" / "*" / "*.parquet")
    rows = duckdb.sql(
        f"SELECT date, count(*) AS n, max(github_stars) AS stars "
        f"FROM read_parquet('{glob}', hive_partitioning=true) GROUP BY date ORDER BY date"
    ).fetchall()
    assert [(str(d), n) for d, n, _ in rows] == [("2025-09-29", 30), ("2025-09-30", 50), ("2025-10-03", 39)]
    orgs = duckdb.sql(
        f"SELECT organization, count(*) FROM read_parquet('{glob}', hive_partitioning=true) "
        f"WHERE date = '2025-10-03' AND organization IS NOT NULL GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    assert orgs, "organization is set from 2025-10-03 on"


def test_rerunning_a_day_replaces_only_that_day(backfill: Path, replay: Replay, tmp_path) -> None:
    before = {k: (p.read_bytes(), p.stat().st_mtime_ns) for k, p in partitions(backfill).items()}
    first = content(partitions(backfill)["date=2025-09-30"])
    result = crawl(replay, backfill, "date=2025-09-30")
    assert result.returncode == 0, result.log[-3000:]
    after = partitions(backfill)
    assert list(after) == list(before)
    pd.testing.assert_frame_equal(content(after["date=2025-09-30"]), first)
    for day in ("date=2025-09-29", "date=2025-10-03"):
        assert (after[day].read_bytes(), after[day].stat().st_mtime_ns) == before[day]
    assert after["date=2025-09-30"].stat().st_mtime_ns != before["date=2025-09-30"][1]


def test_latest_day_comes_from_the_data(replay: Replay, tmp_path) -> None:
    result = crawl(replay, tmp_path / "data")
    assert result.returncode == 0, result.log[-3000:]
    assert list(partitions(tmp_path / "data")) == ["date=2026-07-31"]
    assert pd.read_parquet(tmp_path / "data" / "papers").shape[0] == 30


def test_html_source_matches_the_api_schema(replay: Replay, tmp_path) -> None:
    html = crawl(replay, tmp_path / "html", "date=2024-08-01", "source=html")
    api = crawl(replay, tmp_path / "api", "date=2024-08-01", "source=api")
    assert html.returncode == 0 and api.returncode == 0, html.log[-3000:]
    html_table = pq.read_table(partitions(tmp_path / "html")["date=2024-08-01"])
    api_table = pq.read_table(partitions(tmp_path / "api")["date=2024-08-01"])
    assert html_table.schema == api_table.schema
    assert html_table.num_rows == 13 and api_table.num_rows == 11
    upvotes = dict(zip(html_table["arxiv_id"].to_pylist(), html_table["upvotes"].to_pylist(), strict=True))
    assert upvotes["2407.21783"] == 94


def test_a_day_without_list_on_the_listing_page(replay: Replay, tmp_path) -> None:
    result = crawl(replay, tmp_path / "data", "date=2024-08-03", "source=html")
    assert result.returncode == 0
    assert "2024-08-03: no Daily Papers list (redirected to /papers)" in result.log
    assert partitions(tmp_path / "data") == {}


def test_429_retry_after_is_honoured(tmp_path) -> None:
    path = "/hf/api/daily_papers?date=2025-07-07&limit=100&p=0"
    faults = {
        path: [
            {"status": 429, "headers": {"Retry-After": "2"}},
            {"status": 503, "headers": {"RateLimit": '"api";r=0;t=1'}},
        ]
    }
    server, replay = start_replay(tmp_path, faults=faults)
    try:
        result = crawl(replay, tmp_path / "data", "date=2025-07-07")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    assert "429 Unknown Status for" in result.log or "429 Too Many Requests" in result.log
    assert "server asks to wait 2.0s" in result.log and "server asks to wait 1.0s" in result.log
    stats = result.stats()
    assert stats["retry/retry_after_honoured"] == 2
    times = [r for r in replay.requests() if r["path"] == path]
    assert len(times) == 3
    assert result.report()["summary"]["elapsed_seconds"] >= 3.0
    assert all(r["ua"].startswith("hfpapers/") for r in replay.requests())
    assert pd.read_parquet(tmp_path / "data" / "papers").shape[0] == 1


def test_rate_limited_for_good_fails_the_day_and_keeps_old_data(tmp_path) -> None:
    path = "/hf/api/daily_papers?date=2025-07-07&limit=100&p=0"
    server, replay = start_replay(tmp_path)
    try:
        assert crawl(replay, tmp_path / "data", "date=2025-07-07").returncode == 0
    finally:
        server.shutdown()
    old = partitions(tmp_path / "data")["date=2025-07-07"].read_bytes()
    (tmp_path / "second").mkdir()
    faults = {path: [{"status": 429, "headers": {"Retry-After": "0"}}] * 10}
    server, replay = start_replay(tmp_path / "second", faults=faults)
    try:
        result = crawl(replay, tmp_path / "data", "date=2025-07-07", settings={"RETRY_TIMES": "2"})
    finally:
        server.shutdown()
    assert result.returncode == 1
    assert "2025-07-07: the Daily Papers list could not be fetched" in result.log
    assert "HTTP 429 (rate limited)" in result.log
    assert len(replay.requests()) == 1 + 3  # robots.txt, then the first try and two retries
    assert partitions(tmp_path / "data")["date=2025-07-07"].read_bytes() == old
    rejects = pd.read_parquet(tmp_path / "data" / "rejects")
    assert rejects["reason"].tolist() == ["fetch_failed"]
    # The archive holds both crawls (the second one's three 429s included): a rebuild replays the
    # good one, then the failed one, and ends where the crawls ended.
    rebuilt = run_rebuild("--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert rebuilt.returncode == 0, rebuilt.stdout[-2000:] + rebuilt.stderr[-2000:]
    assert_same_tables(tmp_path / "data", tmp_path / "out")


def test_no_server_is_a_clear_failure(tmp_path) -> None:
    nobody = Replay("http://127.0.0.1:9", tmp_path / "none.jsonl")  # port 9: nothing listens
    result = crawl(nobody, tmp_path / "data", "date=2025-07-07", settings={"RETRY_TIMES": "1"})
    assert result.returncode == 1
    assert "could not be fetched" in result.log and "connection refused" in result.log


def test_malformed_list_is_rejected_with_its_url(tmp_path) -> None:
    # Derived from a real capture: the 2025-07-07 list cut in the middle of a string.
    overlay = tmp_path / "overlay" / "hf_daily_api"
    overlay.mkdir(parents=True)
    real = (Path(__file__).parent / "fixtures/hf_daily_api/2025-07-07.json").read_bytes()
    (overlay / "2025-07-07.json").write_bytes(real[: len(real) // 2])
    server, replay = start_replay(tmp_path, overlay=overlay.parent)
    try:
        result = crawl(replay, tmp_path / "data", "date=2025-07-07")
    finally:
        server.shutdown()
    assert result.returncode == 1
    assert "could not be parsed" in result.log and "invalid_json" in result.log
    assert not (tmp_path / "data" / "papers").exists()
    rejects = pd.read_parquet(tmp_path / "data" / "rejects")
    assert rejects["reason"].tolist() == ["invalid_json"]
    assert rejects["source_url"].iloc[0].endswith("/hf/api/daily_papers?date=2025-07-07&limit=100&p=0")
    assert json.loads(json.dumps(rejects["payload"].iloc[0]))  # the body is kept for debugging
