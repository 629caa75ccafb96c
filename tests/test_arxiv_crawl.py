"""End to end with arXiv: papers joined with arXiv API columns, full text from HTML or the abs
fallback, metrics and claims — and a second run that sends no arXiv page request (cache)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from tests.conftest import FIXTURES, Replay, run_crawl, start_replay

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = "2026-07-30"  # no real list is recorded for this day: the test derives one below
REAL_ATOM_IDS = ["2607.28568", "2607.28582", "2607.28618"]  # in both the HF and arXiv captures
HTML_ID, ABS_ID = "2501.11120", "1902.02534"  # real HTML page / real abs page (no HTML link)


def derive_overlay(folder: Path) -> Path:
    """Test-derived variants of real captures (the shared captures have no day whose papers have
    both an arXiv API entry and an HTML or abs page):

    * a daily list: the real 2026-07-31 entries of the three papers whose arXiv API entries were
      captured, plus two copies of a real entry re-pointed at the papers whose HTML (2501.11120v1)
      and abs page (1902.02534, v2, no HTML) were captured;
    * an Atom feed holding one entry for each of those two papers: a real captured entry
      (1707.08567) with its id, title and links rewritten to the paper and version of the page.
    """
    raw = json.loads((FIXTURES / "hf_daily_api/default-endpoint_2026-07-31_raw.json").read_bytes())
    entries = [e for e in raw if e["paper"]["id"] in REAL_ATOM_IDS]
    for arxiv_id in (HTML_ID, ABS_ID):
        twin = copy.deepcopy(raw[0])
        twin["paper"]["id"] = arxiv_id
        entries.append(twin)
    (folder / "hf_daily_api").mkdir(parents=True)
    (folder / "hf_daily_api" / f"{DAY}.json").write_text(json.dumps(entries))

    feed = etree.fromstring((FIXTURES / "arxiv_api/idlist_1707.08567.xml").read_bytes())
    donor = feed.find(f"{ATOM}entry")
    feed.remove(donor)
    for arxiv_id, version, title in (
        (HTML_ID, 1, "Tell me about yourself: LLMs are aware of their learned behaviors"),
        (ABS_ID, 2, "Sentence-level arXiv abstract page capture"),
    ):
        entry = copy.deepcopy(donor)
        entry.find(f"{ATOM}id").text = f"http://arxiv.org/abs/{arxiv_id}v{version}"
        entry.find(f"{ATOM}title").text = title
        for link in entry.findall(f"{ATOM}link"):
            link.set("href", link.get("href").replace("1707.08567v1", f"{arxiv_id}v{version}"))
        feed.append(entry)
    (folder / "arxiv_api").mkdir()
    (folder / "arxiv_api" / "derived_2501.11120_1902.02534.xml").write_bytes(etree.tostring(feed))
    return folder


@pytest.fixture(scope="module")
def arxiv_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("arxiv")
    server, replay = start_replay(tmp, overlay=derive_overlay(tmp / "overlay"))
    settings = {"HTTPCACHE_DIR": str(tmp / "cache")}
    first = run_crawl(replay, tmp / "data", f"date={DAY}", settings=settings)
    first_requests = replay.requests()
    replay.log_path.unlink()
    second = run_crawl(replay, tmp / "data2", f"date={DAY}", settings=settings)
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
        assert (fulltext.loc[arxiv_id, "fulltext_source"],
                fulltext.loc[arxiv_id, "fulltext_status"]) == ("none", "no_html")


def test_metrics_and_claims_are_written(arxiv_run) -> None:
    metrics = read(arxiv_run[0], "metrics")
    assert set(metrics["arxiv_id"]) == {HTML_ID}
    assert len(metrics) == 108 and metrics["value"].notna().all()
    claims = read(arxiv_run[0], "claims")
    assert set(claims["source_section"]) == {"abstract"}
    papers = read(arxiv_run[0], "papers").set_index("arxiv_id")
    assert list(papers.loc["2607.28618", "headline_claims"]) == [
        "grounding a GPT-5.5 reader in AskChem yields 100% resolvable DOIs",
        "compared with 88.3% without retrieval",
    ]


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
    assert second.stats()["httpcache/hit"] == 9
    assert second.stats().get("httpcache/miss", 0) == 0 or all(
        not r["path"].startswith("/arxiv/") for r in second_requests)
    # The HF list and the arXiv API are always fetched fresh.
    assert any(r["path"].startswith("/hf/api/daily_papers") for r in second_requests)
    assert any(r["path"].startswith("/export/api/query") for r in second_requests)
    for table in ("papers", "fulltext", "metrics", "claims"):
        a = read(first, table).drop(columns="crawled_at")
        b = read(second, table).drop(columns="crawled_at")
        pd.testing.assert_frame_equal(a, b)


def test_robots_crawl_delay_is_honoured(tmp_path) -> None:
    # A robots.txt written for this test (arxiv.org's asked for 15 s when last seen).
    server, replay = start_replay(tmp_path, overlay=derive_overlay(tmp_path / "overlay"),
                                  robots=b"User-agent: *\nCrawl-delay: 1\n")
    try:
        result = run_crawl(replay, tmp_path / "data", f"date={DAY}",
                           settings={"HTTPCACHE_ENABLED": "False"})
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats()["hfpapers/crawl_delay/127.0.0.1"] == 1.0
    assert "robots.txt Crawl-delay 1" in result.log
    times = [r["t"] for r in replay.requests() if r["path"] != "/robots.txt"]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) >= 10 and min(gaps) >= 0.95
    assert Replay  # the replay helper type is part of the public test API


def test_duckdb_reads_metrics_and_claims(arxiv_run) -> None:
    import duckdb

    data = arxiv_run[0].data_dir
    metrics = duckdb.sql(
        f"SELECT date, arxiv_id, count(*) AS n, count(DISTINCT table_id) AS tables "
        f"FROM read_parquet('{data}/metrics/*/*.parquet', hive_partitioning=true) GROUP BY ALL"
    ).fetchall()
    assert [(str(d), a, n) for d, a, n, _ in metrics] == [(DAY, HTML_ID, 108)]
    kinds = dict(duckdb.sql(
        f"SELECT kind, count(*) FROM read_parquet('{data}/claims/*/*.parquet', hive_partitioning=true) "
        f"WHERE date = '{DAY}' GROUP BY kind"
    ).fetchall())
    assert sum(kinds.values()) == len(read(arxiv_run[0], "claims")) > 0
