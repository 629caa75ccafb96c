"""Faults real sites throw, injected by the replay server (scraper/use/demo/replay.py) into a real crawl:
nothing is lost, nothing is corrupted, and every failure is explained.

The central figure: a backfill crawled with 429s (Retry-After 0–1 s), 5xx, connection resets,
slow answers, cut and malformed bodies at realistic rates produces exactly the Parquet content of
the fault-free crawl of the same days (`reference_backfill`, crawl time aside).
"""

from __future__ import annotations

import http.client
import json
import re
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

from scraper.fetch.body_checks import body_problem
from scraper.fetch.retry_after import status_message
from scraper.store.archive import open_response
from scraper.use.demo.replay import FAULT_KINDS, FaultInjector, FaultPlan, Reply, parse_fault_rates
from tests.tools.commands import run_rebuild
from tests.tools.crawl import FAST_RETRY_SETTINGS, Reference, crawl
from tests.tools.derived import ARXIV_DAY as DAY
from tests.tools.derived import DERIVED_BACKFILL, HTML_ID
from tests.tools.derived import derive_arxiv_day as derive_overlay
from tests.tools.replay import FIXTURES, start_replay
from tests.tools.tables import assert_same_tables, dataset_contents

pytestmark = pytest.mark.crawl

# Two plans, each checked against the fault-free crawl:
# * realistic: the 10% 429, 5% 5xx, 2% resets, 2% truncation, plus a little of every other
#   transient kind;
# * bodies: body faults only. They fit just the answers with a 200 body (lists, Atom feeds, the one
#   real HTML and abs page: 11 of ~260 requests here, the rest are arXiv 404s), so at realistic
#   rates they seldom occur; high rates make every kind happen.
# `nohtml` is not transient (arXiv's stub is an answer; the crawl falls back to the abs page), so it
# has its own test below.
FAULT_PLANS = {
    "realistic": (
        "429=0.1,5xx=0.05,reset=0.02,truncate=0.02,dataloss=0.02,slow=0.01,badjson=0.02,badxml=0.02",
        3,
    ),
    "bodies": ("truncate=0.3,dataloss=0.2,badjson=0.3,badxml=0.3", 1),
}
BODY_KINDS = {"truncate", "dataloss", "badjson", "badxml"}


@pytest.fixture(scope="module", params=sorted(FAULT_PLANS))
def faulty_run(request, reference_backfill: Reference, tmp_path_factory):
    rates, seed = FAULT_PLANS[request.param]
    tmp = tmp_path_factory.mktemp(f"faulty-{request.param}")
    plan = FaultPlan(
        parse_fault_rates(rates), seed=seed, max_consecutive=2, retry_after=(0, 1), slow_seconds=3.0
    )
    server, replay = start_replay(tmp, overlay=reference_backfill.overlay, fault_plan=plan)
    try:
        result = crawl(
            replay,
            tmp / "data",
            *DERIVED_BACKFILL,
            settings=FAST_RETRY_SETTINGS,
        )
        faults = replay.fault_report()
        requests = replay.requests()
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-4000:]
    print(
        f"\n{request.param}: faults injected {json.dumps(faults['injected'])} in "
        f"{faults['requests']} requests\nrun report: {json.dumps(result.report()['summary'])}"
    )
    return result, faults, requests


def test_faults_were_injected_of_every_transient_kind(faulty_run) -> None:
    _, faults, requests = faulty_run
    injected = set(faults["injected"])
    if faults["rates"].get("429"):  # realistic
        assert {"429", "5xx", "reset", "slow"} <= injected
        assert faults["injected_total"] >= 50
    else:
        assert injected == BODY_KINDS
    logged = sum(1 for r in requests if r.get("fault"))
    assert logged == faults["injected_total"]


def test_nothing_is_lost_under_faults(faulty_run, reference_backfill: Reference) -> None:
    result, _, _ = faulty_run
    expected = dataset_contents(reference_backfill.result.data_dir)
    got = dataset_contents(result.data_dir)
    assert list(got) == list(expected)
    assert any(k.startswith("fulltext/") for k in expected) and any(
        k.startswith("metrics/") for k in expected
    )
    for key, table in expected.items():
        assert got[key].equals(table), f"{key} differs from the fault-free crawl"
    rows = result.report()["summary"]["rows_by_table"]
    assert rows == reference_backfill.result.report()["summary"]["rows_by_table"]
    assert rows["papers"] == 30 + 50 + 5 + 39


def test_the_archive_of_a_faulty_crawl_rebuilds_it_exactly(faulty_run, tmp_path) -> None:
    # The archive holds every attempt (429s, cut bodies, timeouts as failure records) and the
    # rebuild replays the one each request ended with: the same tables, crawl times included.
    result, faults, requests = faulty_run
    archived = sum(line.count("\n") for line in (p.read_text() for p in result.data_dir.glob("raw/*/*.cdxj")))
    asked = sum(1 for r in requests if r["path"] != "/robots.txt")
    assert archived >= asked - faults["injected"].get("slow", 0) - faults["injected"].get("reset", 0)
    rebuilt = run_rebuild("--data", str(result.data_dir), "--out", str(tmp_path / "out"), "--jobs", "2")
    assert rebuilt.returncode == 0, rebuilt.stdout[-2000:] + rebuilt.stderr[-2000:]
    assert_same_tables(result.data_dir, tmp_path / "out")


def test_no_partition_is_corrupted(faulty_run) -> None:
    data_dir = faulty_run[0].data_dir
    files = list(data_dir.glob("*/date=*/*.parquet"))
    assert files and all(pq.read_table(f).num_rows > 0 for f in files)
    assert list(data_dir.rglob("*.writing")) == []


def test_every_fault_was_retried_and_reported(faulty_run) -> None:
    result, faults, _ = faulty_run
    summary = result.report()["summary"]
    injected = {kind: faults["injected"].get(kind, 0) for kind in FAULT_KINDS}
    retried = summary["retries_by_reason"]
    assert retried.get("429 Too Many Requests", 0) == injected["429"]
    assert sum(v for k, v in retried.items() if k.startswith(("500", "502", "503"))) == injected["5xx"]
    # Every spoiled body is retried once per fault. Spoiling a tiny body (an empty list page, `[]`)
    # can leave what reads as a document cut short, so the two reasons are checked together.
    spoiled = injected["truncate"] + injected["badjson"] + injected["badxml"]
    assert retried.get("truncated_body", 0) >= injected["truncate"]
    assert retried.get("truncated_body", 0) + retried.get("malformed_body", 0) == spoiled
    assert retried.get("scrapy.exceptions.ResponseDataLossError", 0) == injected["dataloss"]
    # Every slow answer times out; a machine under load may add a timeout of its own (retried the
    # same way), so a small surplus is allowed.
    timeouts = retried.get("scrapy.exceptions.DownloadTimeoutError", 0)
    assert injected["slow"] <= timeouts <= injected["slow"] + 2
    # A reset on a reused keep-alive connection, before any byte of the answer, is retried by
    # Twisted's connection pool itself (idempotent GET): Scrapy never sees it.
    resets_seen = retried.get("scrapy.exceptions.DownloadFailedError", 0)
    assert resets_seen <= injected["reset"]
    absorbed, surplus = injected["reset"] - resets_seen, timeouts - injected["slow"]
    assert summary["retries"] == faults["injected_total"] - absorbed + surplus
    assert summary["retries_given_up"] == 0 and summary["days_failed"] == 0
    assert summary["rejects_by_reason"] == {}
    seen = summary["faults_seen"]
    assert seen["error_statuses"].get("429", 0) == injected["429"]
    assert sum(seen["bad_bodies"].values()) == injected["truncate"] + injected["badjson"] + injected["badxml"]
    assert sum(seen["exceptions"].values()) == resets_seen + injected["dataloss"] + timeouts
    assert summary["retry_after_honoured"] == injected["429"]
    assert summary["backoffs"] >= injected["5xx"] + injected["dataloss"] + injected["slow"]


def test_run_report_is_json_beside_the_data(faulty_run) -> None:
    result = faulty_run[0]
    reports = list((result.data_dir / "_runs").glob("*.json"))
    assert len(reports) == 1
    report = json.loads(reports[0].read_text())
    summary = report["summary"]
    for key in (
        "requests_sent",
        "cache_hits",
        "by_host",
        "retries_by_reason",
        "rows_by_table",
        "rejects_by_reason",
        "elapsed_seconds",
        "faults_seen",
        "items_scraped",
    ):
        assert key in summary
    assert summary["requests_sent"] > 250 and summary["elapsed_seconds"] > 0
    # Scrapy's own count includes the requests the cache answered; the report tells them apart
    requested = report["stats"]["downloader/request_count"]
    assert requested == summary["requests_sent"] + summary["cache_hits"]
    assert sum(h["requests_sent"] for h in summary["by_host"].values()) == summary["requests_sent"]
    assert f"run report written to {reports[0]}" in result.log


def test_a_page_cut_short_on_every_try_is_a_reject_not_half_a_record(tmp_path) -> None:
    # Derived from the real page: its first half, served with a matching Content-Length, on all
    # three tries (RETRY_TIMES=2). The lenient HTML parser would make a record of it; instead the
    # request fails with a reject saying why, and the paper gets its abs-page fallback row.
    page = (FIXTURES / "arxiv_html" / f"{HTML_ID}v1.html").read_bytes()
    half = {
        "status": 200,
        "body": page[: len(page) // 2].decode("utf-8", "ignore"),
        "headers": {"Content-Type": "text/html; charset=utf-8"},
    }
    html_path = f"/arxiv/html/{HTML_ID}v1"
    overlay = derive_overlay(tmp_path / "overlay")
    server, replay = start_replay(tmp_path, overlay=overlay, faults={html_path: [half] * 3})
    try:
        result = crawl(
            replay,
            tmp_path / "data",
            f"date={DAY}",
            settings={**FAST_RETRY_SETTINGS, "RETRY_TIMES": "2", "HTTPCACHE_ENABLED": "False"},
        )
    finally:
        server.shutdown()
    # The day is written, without that page; the exit code and the last line say it was lost.
    assert result.returncode == 1, result.log[-3000:]
    last = result.log.strip().splitlines()[-1]
    assert last.startswith("hfpapers: error: 1 arXiv request(s) failed for good") and html_path in last
    assert [r["path"] for r in replay.requests()].count(html_path) == 3
    assert "Gave up retrying" in result.log and "truncated_body" in result.log
    rejects = pd.read_parquet(tmp_path / "data" / "rejects")
    assert rejects[["reason", "arxiv_id"]].values.tolist() == [["truncated_body", HTML_ID]]
    assert rejects["source_url"].iloc[0].endswith(html_path)
    assert "HTTP 200" in rejects["detail"].iloc[0]
    fulltext = pd.read_parquet(tmp_path / "data" / "fulltext").set_index("arxiv_id")
    assert fulltext.loc[HTML_ID, "fulltext_status"] == "fetch_error"
    assert fulltext.loc[HTML_ID, "fulltext_source"] == "none"
    assert not (tmp_path / "data" / "metrics").exists()  # no metrics from half a page


def test_no_html_stub_falls_back_to_the_abs_page(tmp_path) -> None:
    overlay = derive_overlay(tmp_path / "overlay")
    server, replay = start_replay(tmp_path, overlay=overlay, fault_plan=FaultPlan({"nohtml": 1.0}, seed=1))
    try:
        result = crawl(
            replay,
            tmp_path / "data",
            f"date={DAY}",
            settings={**FAST_RETRY_SETTINGS, "HTTPCACHE_ENABLED": "False"},
        )
        faults = replay.fault_report()
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    assert faults["injected"] == {"nohtml": 1}  # the one recorded page (the others are 404s)
    fulltext = pd.read_parquet(tmp_path / "data" / "fulltext").set_index("arxiv_id")
    assert (fulltext.loc[HTML_ID, "fulltext_source"], fulltext.loc[HTML_ID, "fulltext_status"]) == (
        "none",
        "no_html",
    )
    paths = [r["path"] for r in replay.requests()]
    assert f"/arxiv/abs/{HTML_ID}v1" in paths  # the fallback was tried
    assert not (tmp_path / "data" / "rejects").exists()


def test_a_damaged_archive_record_is_fetched_again_and_healed(tmp_path) -> None:
    # First run: the page arrives cut short once, then whole; the archive keeps both attempts and the
    # cache answers with the last. Then that record is damaged on disk (as a failing disk would leave
    # it); the next run cannot read it, fetches the page again and archives it whole; the run after
    # that gets it from the archive again.
    page = (FIXTURES / "arxiv_html" / f"{HTML_ID}v1.html").read_bytes()
    half = {
        "status": 200,
        "body": page[: len(page) // 3].decode("utf-8", "ignore"),
        "headers": {"Content-Type": "text/html; charset=utf-8"},
    }
    html_path = f"/arxiv/html/{HTML_ID}v1"
    overlay = derive_overlay(tmp_path / "overlay")
    data = tmp_path / "data"
    server, replay = start_replay(tmp_path, overlay=overlay, faults={html_path: [half]})
    try:
        first = crawl(replay, data, f"date={DAY}", settings=FAST_RETRY_SETTINGS)
        before = {t: pd.read_parquet(data / t).drop(columns=["crawled_at"]) for t in ("fulltext", "metrics")}
        good = open_response(data, f"{replay.base}{html_path}")
        assert good.body == page and good.kind == "response"
        with open(good.file, "r+b") as handle:  # spoil the middle of its gzip member
            handle.seek(good.offset + 2000)
            handle.write(b"\x00" * 64)
        # (the day's rows of the page would be kept, and the page not even asked for: without its
        # fulltext partition the day needs the page again)
        shutil.rmtree(data / "fulltext")
        replay.log_path.unlink()
        second = crawl(replay, data, f"date={DAY}", settings=FAST_RETRY_SETTINGS)
        second_requests, stats = [r["path"] for r in replay.requests()], second.stats()
        replay.log_path.unlink()
        shutil.rmtree(data / "fulltext")
        third = crawl(replay, data, f"date={DAY}", settings=FAST_RETRY_SETTINGS)
    finally:
        server.shutdown()
    assert first.returncode == second.returncode == third.returncode == 0, second.log[-3000:]
    assert second_requests.count(html_path) == 1
    # The spoilt record either fails to read (a cache miss) or reads as a damaged page (the body
    # check sends the request past the cache): either way the page is fetched once and archived whole.
    assert stats.get("httpcache/retrieve_error", 0) + stats.get("httpcache/refresh", 0) == 1
    assert open_response(data, f"{replay.base}{html_path}").body == page
    assert html_path not in [r["path"] for r in replay.requests()]
    assert third.stats()["httpcache/hit"] >= 1  # the page came from the archive
    for table, frame in before.items():
        pd.testing.assert_frame_equal(pd.read_parquet(data / table).drop(columns=["crawled_at"]), frame)


# -- the fault injector itself ---------------------------------------------------------------------


def _served(injector: FaultInjector, paths: list[str], tries: int) -> list[str | None]:
    ok = Reply(200, b'{"a": [1, 2]}', "application/json")
    return [injector.choose(p, ok)[0] for p in paths for _ in range(tries)]


def test_faults_are_deterministic_by_seed_and_never_endless() -> None:
    rates = parse_fault_rates("429=0.3,5xx=0.3,truncate=0.2")
    paths = [f"/hf/api/daily_papers?date=2025-01-{d:02d}" for d in range(1, 29)]
    a = _served(FaultInjector(FaultPlan(rates, seed=5)), paths, 6)
    b = _served(FaultInjector(FaultPlan(rates, seed=5)), list(reversed(paths)), 6)
    c = _served(FaultInjector(FaultPlan(rates, seed=6)), paths, 6)
    by_path = [a[i : i + 6] for i in range(0, len(a), 6)]
    assert by_path == [b[i : i + 6] for i in range(0, len(b), 6)][::-1]  # order does not matter
    assert a != c
    always = FaultInjector(FaultPlan({"5xx": 1.0}, max_consecutive=2))
    assert _served(always, ["/x"], 6) == ["5xx", "5xx", None, "5xx", "5xx", None]


def test_fault_kinds_only_where_they_fit() -> None:
    injector = FaultInjector(FaultPlan({"truncate": 0.5, "badjson": 0.5}, max_consecutive=99))
    not_found = Reply(404, b"not recorded")
    assert {injector.choose("/arxiv/html/1v1", not_found)[0] for _ in range(20)} == {None}
    html = Reply(200, b"<html></html>", "text/html")
    assert {injector.choose("/arxiv/abs/1", html)[0] for _ in range(40)} == {None, "truncate"}


def test_fault_rates_are_checked() -> None:
    assert parse_fault_rates("429=0.1, 5xx=0.05") == {"429": 0.1, "5xx": 0.05}
    assert parse_fault_rates("badjson=0.6,badxml=0.6")  # never both on one answer
    for bad in ("teapot=0.1", "429", "429=2", "429=0.6,5xx=0.6", "5xx=0.5,badjson=0.6"):
        with pytest.raises(ValueError):
            parse_fault_rates(bad)
    assert "nohtml" in FAULT_KINDS


def test_faults_endpoint_and_stub_over_http(tmp_path) -> None:
    server, replay = start_replay(tmp_path, fault_plan=FaultPlan({"nohtml": 1.0}))
    try:
        host, port = server.server_address[:2]
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", f"/arxiv/html/{HTML_ID}v1")
        stub = conn.getresponse()
        body = stub.read()
        report = replay.fault_report()
    finally:
        server.shutdown()
    assert stub.status == 200 and f"No HTML for '{HTML_ID}v1'".encode() in body  # the real stub, re-pointed
    assert b"ltx_document" not in body and body_problem("html", body) is None
    assert report["injected"] == {"nohtml": 1} and report["requests"] == 1
    assert all(r["path"] != "/_faults" for r in replay.requests())


def test_body_checks_hold_for_every_real_capture() -> None:
    kinds = {
        "hf_daily_api": "json",
        "arxiv_api": "atom",
        "arxiv_html": "html",
        "arxiv_abs": "html",
        "hf_daily_html": "html",
    }
    checked: dict[str, set[str]] = {}
    for folder, kind in kinds.items():
        for path in (FIXTURES / folder).iterdir():
            body = path.read_bytes()
            assert body_problem(kind, body) is None, path
            cut = body_problem(kind, body[: len(body) // 2])
            assert cut is not None and cut[0] == "truncated_body", path
            checked.setdefault(folder, set()).add(path.name)
    # Every capture the manifest lists was checked, and nothing unlisted hides in those folders.
    listed = manifest_files()
    assert {folder: listed.get(folder, set()) for folder in kinds} == checked
    assert body_problem("json", b'[{"a": 1}\x00}{]')[0] == "malformed_body"
    assert body_problem("atom", b"<feed><\x00/feed>")[0] == "malformed_body"
    assert body_problem("html", b"   ")[0] == "truncated_body"


@pytest.mark.parametrize(
    ("status", "message"),
    [(429, "429 Too Many Requests"), (503, "503 Service Unavailable"), (522, "522 (non-standard status)")],
)
def test_retry_reasons_name_the_status(status: int, message: str) -> None:
    # Scrapy's own table has no 429: its retries said "429 Unknown Status".
    assert status_message(status) == message


def manifest_files() -> dict[str, set[str]]:
    """File names per fixture folder, as the tables of tests/fixtures/MANIFEST.md list them."""
    folder, listed = "", {}
    for line in (FIXTURES / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"## (\w+)/", line):
            folder = heading.group(1)
        elif (row := re.match(r"\| `?([^|` ]+\.\w+)`? \|", line)) and folder:
            listed.setdefault(folder, set()).add(row.group(1))
    return listed
