"""Run for years (issue 21): files, refresh cost and memory that stay flat however long the dataset
lives — through the real spider, run in this process (tests/tools/crawl.py) with the project's
settings, against the replay server, as a cron job runs it.

The window's lists are real entries: the undated capture of 2026-07-31 (served undated and by date),
and days derived from real entries pooled from the recorded days (tests/tools/derived.py), with
upvotes raised from run to run. Nothing recorded is edited; the changed lists are new files in the
overlay folder.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from scraper.store.partitions import appended_crawls
from tests.tools.commands import run_rebuild
from tests.tools.crawl import crawl
from tests.tools.derived import RECORDED_PAGES, derive_big_arxiv_day, pooled_entries
from tests.tools.replay import FIXTURES, start_replay
from tests.tools.tables import assert_same_tables

pytestmark = pytest.mark.crawl

NO_ARXIV = {"HFPAPERS_ARXIV": "false"}
LATEST = "2026-07-31"  # the undated capture's day
CAPTURE = "default-endpoint_2026-07-31_raw.json"


def serve(overlay: Path, name: str, entries: list[dict], more: int = 0) -> None:
    """Serve `entries` as hf_daily_api/`name`, every upvote count raised by `more`."""
    raised = json.loads(json.dumps(entries))
    for entry in raised:
        entry["paper"]["upvotes"] = (entry["paper"].get("upvotes") or 0) + more
    (overlay / "hf_daily_api").mkdir(parents=True, exist_ok=True)
    (overlay / "hf_daily_api" / name).write_text(json.dumps(raised))


def capture() -> list[dict]:
    return json.loads((FIXTURES / "hf_daily_api" / CAPTURE).read_text())


def test_twelve_refreshes_keep_every_snapshot_in_one_file_per_day(tmp_path: Path) -> None:
    """12 no-argument crawls (latest day + 14 days before it) with upvotes rising between runs:
    every paper has 12 snapshots in `ratings`, none lost, and each table holds one file per listing
    day, ratings included."""
    overlay, data = tmp_path / "overlay", tmp_path / "data"
    window = {
        CAPTURE: capture(),
        "2026-07-28.json": pooled_entries(20),
        "2026-07-24.json": pooled_entries(10, skip=20),
    }
    server, replay = start_replay(tmp_path, overlay=overlay)
    try:
        for run in range(12):
            for name, entries in window.items():
                serve(overlay, name, entries, more=run)
            result = crawl(replay, data, settings=NO_ARXIV)
            assert result.returncode == 0, result.log[-3000:]
    finally:
        server.shutdown()
    listed = {"2026-07-31": 30, "2026-07-28": 20, "2026-07-24": 10}
    assert sorted(p.name for p in data.iterdir() if not p.name.startswith(".")) == [
        "_runs",
        "claims",
        "papers",
        "ratings",
        "raw",
    ]  # arXiv off: no fulltext, metrics; no failure: no rejects
    for table in ("papers", "claims", "ratings"):
        folders = sorted((data / table).iterdir())
        assert [f.name for f in folders] == [f"date={day}" for day in sorted(listed)], table
        assert all([p.name for p in f.iterdir()] == ["part-0.parquet"] for f in folders), table
    for day, papers in listed.items():
        path = data / "ratings" / f"date={day}" / "part-0.parquet"
        history = pq.read_table(path).to_pandas()
        assert len(history) == 12 * papers  # every snapshot of every paper, none lost
        crawls = appended_crawls(path)
        assert len(crawls) == 12 and [rows for _, rows in crawls] == [papers] * 12
        assert [c for c, _ in crawls] == sorted({c for c, _ in crawls})  # in the order they ran
        curves = history.sort_values("crawled_at").groupby("arxiv_id")["upvotes"].agg(list)
        assert len(curves) == papers
        assert all([b - a for a, b in zip(c, c[1:], strict=False)] == [1] * 11 for c in curves)
    latest = pd.read_parquet(data / "papers" / f"date={LATEST}")
    first = {e["paper"]["id"]: e["paper"].get("upvotes") or 0 for e in capture()}
    assert latest.set_index("arxiv_id")["upvotes"].to_dict() == {k: v + 11 for k, v in first.items()}
    reports = list((data / "_runs").glob("*.json"))
    assert len(reports) == 12  # this month's reports (earlier months' are rolled into one file each)


def test_a_refresh_where_nothing_changed_asks_the_api_once_per_100_ids_and_no_page(tmp_path: Path) -> None:
    """Two undated crawls of a window of 180 papers over three days, nothing changed between them:
    each asks the arXiv API ⌈180/100⌉ = 2 times for the whole window; the second sends no request to
    arxiv.org at all — the versioned pages' rows are in their days already, and the pages of papers
    the API did not know (fetched unversioned, real pages and "no HTML" answers alike) are cached for
    the TTL. The run report tells requests sent from cache hits, per host. The archive of both
    crawls rebuilds their tables exactly."""
    overlay, data = tmp_path / "overlay", tmp_path / "data"
    serve(overlay, CAPTURE, capture())  # 30 papers; the recorded API answers know 3 of them
    big = derive_big_arxiv_day(overlay, "2026-07-28", 130)  # API entry and HTML page (v1) for each
    unknown = pooled_entries(20, skip=130)  # the API does not know these; 5 have a real HTML page
    serve(overlay, "2026-07-25.json", unknown)
    for n, entry in enumerate(unknown[:5]):
        page = RECORDED_PAGES[n % len(RECORDED_PAGES)].read_bytes()
        (overlay / "arxiv_html" / f"{entry['paper']['id']}v1.html").write_bytes(page)
    ids = 30 + len(big) + len(unknown)
    server, replay = start_replay(tmp_path, overlay=overlay)
    try:
        first = crawl(replay, data)
        first_requests = [r["path"] for r in replay.requests()]
        replay.log_path.unlink()
        second = crawl(replay, data)
        second_requests = [r["path"] for r in replay.requests()]
    finally:
        server.shutdown()
    assert first.returncode == second.returncode == 0, second.log[-3000:]

    def api(paths: list[str]) -> list[str]:
        return [p for p in paths if p.startswith("/export/api/query")]

    assert len(api(first_requests)) == len(api(second_requests)) == math.ceil(ids / 100) == 2
    asked = [i for p in api(second_requests) for i in p.split("id_list=")[1].split("&")[0].split(",")]
    assert len(asked) == len(set(asked)) == ids  # every id of the window once
    assert [p for p in second_requests if p.startswith("/arxiv/")] == []
    unversioned = [p for p in first_requests if p.startswith("/arxiv/html/") and p[-2] != "v"]
    assert all(f"/arxiv/html/{e['paper']['id']}" in unversioned for e in unknown)
    # The undated answer is the latest day's first page: one request for it, then its closing page.
    lists = [p for p in second_requests if p.startswith("/hf/api/daily_papers")]
    assert lists.count("/hf/api/daily_papers?limit=100") == 1
    assert not any(f"date={LATEST}&limit=100&p=0" in p for p in lists)
    # + the 14 days before it, + the pages after the first of the 3 listed days (the 130-paper day: 2)
    assert len(lists) == 1 + 14 + 4

    report = second.report()["summary"]
    assert report["requests_sent"] == len(second_requests)  # robots.txt included
    host = next(iter(report["by_host"]))
    assert report["by_host"][host]["requests_sent"] == len(second_requests)
    tables = {t: pd.read_parquet(data / t) for t in ("papers", "fulltext", "metrics")}
    assert tables["papers"].groupby("listing_date").size().tolist() == [20, 130, 30]
    fulltext = tables["fulltext"]
    # Every paper's page rows are kept, not fetched nor parsed again: those from versioned HTML
    # pages (which never change), and those read after a "no HTML" answer or from the latest page of
    # a paper the API did not know, while the cache still trusts those answers.
    assert report["pages_kept"] == ids and report["cache_hits"] == 0
    assert {"html", "none"} <= set(fulltext["fulltext_source"]) and len(tables["metrics"]) > 0
    assert second.stats()["downloader/request_count"] == report["requests_sent"] + report["cache_hits"]
    unknown_ids = {e["paper"]["id"] for e in unknown[:5]}
    pages = fulltext[fulltext["arxiv_id"].isin(unknown_ids)]  # read from their unversioned pages
    assert len(pages) == 5 and (pages["fulltext_source"] == "html").any()
    assert all(url.rsplit("/", 1)[1] in unknown_ids for url in pages["source_url"])

    rebuilt = run_rebuild("--data", str(data), "--out", str(tmp_path / "out"), "--jobs", "2")
    assert rebuilt.returncode == 0, rebuilt.stdout[-2000:] + rebuilt.stderr[-2000:]
    assert_same_tables(data, tmp_path / "out")


def test_every_failure_of_a_day_is_a_rejects_row(tmp_path: Path) -> None:
    """Issue 20: six failed crawls of one day leave six rows in `rejects` (appended, not replaced),
    in the day's one file."""
    overlay, data, day = tmp_path / "overlay", tmp_path / "data", "2025-10-06"
    (overlay / "hf_daily_api").mkdir(parents=True)
    (overlay / "hf_daily_api" / f"{day}.json").write_bytes(b"<html>not the list</html>")  # derived
    server, replay = start_replay(tmp_path, overlay=overlay)
    try:
        for _ in range(6):
            result = crawl(replay, data, f"date={day}", settings=NO_ARXIV)
            assert result.returncode == 1, result.log[-3000:]
    finally:
        server.shutdown()
    folder = data / "rejects" / f"date={day}"
    assert [p.name for p in folder.iterdir()] == ["part-0.parquet"]
    rejects = pd.read_parquet(folder)
    assert len(rejects) == 6 and rejects["crawled_at"].nunique() == 6
    assert len(appended_crawls(folder / "part-0.parquet")) == 6
