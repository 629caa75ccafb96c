"""End to end with arXiv: papers joined with arXiv API columns, full text from HTML or the abs
fallback, metrics and claims — and a second run that sends no arXiv page request (cache)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest

# The tests' derived arXiv day (tests/tools/derived.py says what is derived from which real capture).
from tests.tools.crawl import crawl
from tests.tools.derived import ABS_ID, HTML_ID, REAL_ATOM_IDS, derive_arxiv_day
from tests.tools.derived import ARXIV_DAY as DAY
from tests.tools.replay import FIXTURES, start_replay

pytestmark = pytest.mark.crawl  # beyond the quick loop's budget


def derive_overlay(folder: Path) -> Path:
    """The derived arXiv day (`tests.tools.derived.derive_arxiv_day`) from tests/fixtures,
    in `folder`."""
    return derive_arxiv_day(folder, FIXTURES)


@pytest.fixture(scope="module")
def arxiv_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("arxiv")
    server, replay = start_replay(tmp, overlay=derive_overlay(tmp / "overlay"))
    first = crawl(replay, tmp / "data", f"date={DAY}")
    first_requests = replay.requests()
    # The second crawl goes into the same folder (its archive is the cache); keep the first's tables.
    shutil.copytree(tmp / "data", tmp / "first", ignore=shutil.ignore_patterns("raw", "_runs"))
    first = dataclasses.replace(first, data_dir=tmp / "first")
    replay.log_path.unlink()
    second = crawl(replay, tmp / "data", f"date={DAY}")
    second_requests = replay.requests()
    server.shutdown()
    assert first.returncode == 0, first.log[-4000:]
    assert second.returncode == 0, second.log[-4000:]
    return first, first_requests, second, second_requests


def read(result, table: str) -> pd.DataFrame:
    return pd.read_parquet(result.data_dir / table)


def test_papers_carry_arxiv_api_columns(arxiv_run) -> None:
    papers = read(arxiv_run[0], "papers").set_index("arxiv_id")
    assert len(papers) == 5
    assert papers["arxiv_version"].notna().all()
    real = papers.loc["2607.28568"]
    assert real["arxiv_primary_category"] == "cs.CL"
    assert real["arxiv_html_url"] == "https://arxiv.org/html/2607.28568v1"
    assert real["arxiv_published"].year == 2026
    assert papers.loc[ABS_ID, "arxiv_version"] == 2


def test_fulltext_from_html_and_from_the_abs_fallback(arxiv_run) -> None:
    fulltext = read(arxiv_run[0], "fulltext").set_index("arxiv_id")
    html = fulltext.loc[HTML_ID]
    assert (html["fulltext_source"], html["fulltext_status"]) == ("html", "partial")
    assert html["version"] == 1 and html["n_tables"] == 47 and html["n_references"] == 48
    assert html["n_errors"] == 7 and html["title"].startswith("Tell me about yourself")
    fallback = fulltext.loc[ABS_ID]
    assert (fallback["fulltext_source"], fallback["fulltext_status"]) == ("abs", "no_html")
    assert "cs.DL" in list(fallback["subjects"]) and len(fallback["submission_history"]) == 2
    for arxiv_id in REAL_ATOM_IDS:  # no page of theirs was captured: 404 for HTML and abs
        assert (fulltext.loc[arxiv_id, "fulltext_source"], fulltext.loc[arxiv_id, "fulltext_status"]) == (
            "none",
            "no_html",
        )


def test_metrics_and_claims_are_written(arxiv_run) -> None:
    metrics = read(arxiv_run[0], "metrics")
    assert set(metrics["arxiv_id"]) == {HTML_ID}
    assert len(metrics) == 102 and metrics["value"].notna().all()
    claims = read(arxiv_run[0], "claims")
    assert set(claims["source_section"]) == {"abstract"}
    papers = read(arxiv_run[0], "papers").set_index("arxiv_id")
    # "100% … compared with 88.3% without retrieval": one claim, its baseline kept (never a result)
    assert list(papers.loc["2607.28618", "headline_claims"]) == [
        "grounding a GPT-5.5 reader in AskChem yields 100% resolvable DOIs",
    ]
    askchem = claims[claims["arxiv_id"] == "2607.28618"]
    assert askchem[["value", "baseline", "unit"]].values.tolist() == [[100.0, 88.3, "%"]]


def test_arxiv_api_is_asked_once_for_the_whole_day(arxiv_run) -> None:
    api = [r for r in arxiv_run[1] if r["path"].startswith("/export/api/query")]
    assert len(api) == 1
    assert all(i in api[0]["path"] for i in [*REAL_ATOM_IDS, HTML_ID, ABS_ID])


def test_second_run_sends_no_arxiv_page_request(arxiv_run) -> None:
    first, first_requests, second, second_requests = arxiv_run
    pages = [r for r in first_requests if r["path"].startswith(("/arxiv/html/", "/arxiv/abs/"))]
    assert len(pages) == 9  # 5 HTML (one 200, four 404) + 4 abs (one 200, three 404)
    again = [r for r in second_requests if r["path"].startswith(("/arxiv/html/", "/arxiv/abs/"))]
    assert again == []
    # Every paper's page rows are in the day already, from the answers the cache would give (the
    # versioned HTML page; the abs page and 404s after "no HTML" answers still trusted), derived by
    # the same parser: kept, not even read from the archive.
    assert second.stats()["hfpapers/pages_kept"] == 5
    assert "httpcache/hit" not in second.stats() and "httpcache/miss" not in second.stats()
    # The HF list and the arXiv API are always fetched fresh.
    assert any(r["path"].startswith("/hf/api/daily_papers") for r in second_requests)
    assert any(r["path"].startswith("/export/api/query") for r in second_requests)
    for table in ("papers", "fulltext", "metrics", "claims"):
        a = read(first, table).drop(columns="crawled_at")
        b = read(second, table).drop(columns="crawled_at")
        pd.testing.assert_frame_equal(a, b)
    # Rows from archived pages carry the time the page was fetched, not the time of the re-crawl.
    for table in ("fulltext", "metrics"):
        assert read(first, table)["crawled_at"].equals(read(second, table)["crawled_at"])


CRAWL_DELAY = 0.25  # seconds; robots.txt allows fractions (arxiv.org asked for 15 s when last seen)


def test_robots_crawl_delay_is_honoured(tmp_path) -> None:
    # A robots.txt written for this test, with a delay short enough for the suite.
    robots = f"User-agent: *\nCrawl-delay: {CRAWL_DELAY}\n".encode()
    server, replay = start_replay(tmp_path, overlay=derive_overlay(tmp_path / "overlay"), robots=robots)
    try:
        result = crawl(replay, tmp_path / "data", f"date={DAY}", settings={"HTTPCACHE_ENABLED": "False"})
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats()["hfpapers/crawl_delay/127.0.0.1"] == CRAWL_DELAY
    assert f"robots.txt Crawl-delay {CRAWL_DELAY}" in result.log
    times = [r["t"] for r in replay.requests() if r["path"] != "/robots.txt"]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) >= 10 and min(gaps) >= 0.95 * CRAWL_DELAY


def test_duckdb_reads_metrics_and_claims(arxiv_run) -> None:
    import duckdb

    data = arxiv_run[0].data_dir
    metrics = duckdb.sql(
        f"SELECT date, arxiv_id, count(*) AS n, count(DISTINCT table_id) AS tables "
        f"FROM read_parquet('{data}/metrics/*/*.parquet', hive_partitioning=true) GROUP BY ALL"
    ).fetchall()
    assert [(str(d), a, n) for d, a, n, _ in metrics] == [(DAY, HTML_ID, 102)]
    kinds = dict(
        duckdb.sql(
            f"SELECT kind, count(*) FROM read_parquet('{data}/claims/*/*.parquet', hive_partitioning=true) "
            f"WHERE date = '{DAY}' GROUP BY kind"
        ).fetchall()
    )
    assert sum(kinds.values()) == len(read(arxiv_run[0], "claims")) > 0
