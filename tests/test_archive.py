"""The web archive and `hfpapers-rebuild`, on the demo's crawl (the derived backfill, crawled in this
process with the settings `hfpapers-demo` gives it; tests/test_demo.py runs the demo itself):
every answer kept in WARC files that warcio reads, the tables derived again from them offline and
equal to the crawl's (crawl times included), a rebuild killed with SIGKILL and resumed giving the same
output, a damaged record costing one reject and exit 1, `--stale`, and the exact answer behind a row."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.store.archive import open_response
from scraper.store.archive.index import Entry, file_entries
from scraper.store.layout import Layout
from scraper.store.provenance import parser_revision
from scraper.use.demo.cli import demo_settings
from scraper.use.demo.derived_day import DEMO_END, DEMO_PAPERS, DEMO_START, derive_demo_overlay
from tests.tools.commands import REBUILD, run_rebuild
from tests.tools.crawl import CRAWL_ENV, crawl
from tests.tools.derived import ABS_ID, ARXIV_DAY_AS, HTML_ID
from tests.tools.replay import FIXTURES, ROOT, start_replay
from tests.tools.tables import assert_same_tables, table_files

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("archive")
    # The demo's own crawl (its derived day, its settings), in-process: tests/test_demo.py runs the command.
    server, replay = start_replay(work, overlay=derive_demo_overlay(work / "overlay", FIXTURES))
    try:
        result = crawl(
            replay,
            work / "demo",
            f"start={DEMO_START}",
            f"end={DEMO_END}",
            settings=demo_settings(replay.base, work / "demo"),
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    return work / "demo"


@pytest.fixture(scope="module")
def rebuilt(demo: Path, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("rebuilt") / "out"
    proc = run_rebuild("--data", str(demo), "--out", str(out))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out, proc


def records(path: Path) -> list:
    with open(path, "rb") as handle:
        return [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.rec_headers.get_header("Hfpapers-Purpose"),
                r.rec_headers.get_header("Hfpapers-Listing-Date"),
                r.http_headers.get_statuscode() if r.http_headers and r.rec_type == "response" else None,
                r.content_stream().read(),
            )
            for r in ArchiveIterator(handle)
        ]


def test_every_warc_file_reads_cleanly_and_holds_every_kind_of_answer(demo: Path) -> None:
    layout = Layout(demo)
    files = list(layout.warc_files())
    days = [d.isoformat() for d, _ in files]
    assert days == ["2025-09-29", "2025-09-30", "2025-10-01", ARXIV_DAY_AS, DEMO_END]
    seen = set()
    for day, path in files:
        found = records(path)
        assert found[0][0] == "warcinfo" and found[-1][0] == "metadata"
        responses = [r for r in found if r[0] == "response"]
        # (an arXiv API answer serving several days is whole in the first day's file, a revisit
        # record of it in the others')
        revisits = [r for r in found if r[0] == "revisit"]
        assert len([r for r in found if r[0] == "request"]) == len(responses) + len(revisits)
        assert all(r[2] == "api" for r in revisits)
        assert {r[3] for r in responses} == {day.isoformat()}  # the listing day of every answer
        seen |= {(r[2], r[4]) for r in responses}
        lists = [r for r in responses if r[2] == "list"]
        assert lists and lists[-1][5].strip() == b"[]"  # the empty page that closed the list
    assert {
        ("list", "200"),
        ("api", "200"),
        ("html", "200"),
        ("html", "404"),
        ("abs", "200"),
        ("abs", "404"),
    } <= seen
    html = [r for _, p in files for r in records(p) if r[1] and r[1].endswith(f"/html/{HTML_ID}v1")]
    assert [r[0] for r in html] == ["response", "request"] and html[0][5] == (
        ROOT / f"tests/fixtures/arxiv_html/{HTML_ID}v1.html"
    ).read_bytes()
    assert not list(demo.rglob("*.writing"))


def test_the_index_is_derived_from_the_warc_files_alone(demo: Path, tmp_path: Path) -> None:
    layout = Layout(demo)
    for _, warc in layout.warc_files():
        copy = tmp_path / "raw" / warc.parent.name / warc.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(warc, copy)  # without its .cdxj
        again = file_entries(copy, Layout(tmp_path))
        assert Layout.cdxj_file(copy).exists()  # written again
        assert again == file_entries(warc, layout)
        assert all(isinstance(e, Entry) for e in again)


def test_the_rebuild_equals_the_crawl(demo: Path, rebuilt) -> None:
    out, proc = rebuilt
    assert_same_tables(demo, out)  # schema and every row, crawled_at included
    assert set(table_files(out)) and "rebuild: 5/5 days" in proc.stdout
    assert re.search(r"rebuilt 5 day\(s\), \d+ archived answers \(\d+ arXiv pages", proc.stdout)
    report = json.loads(sorted((out / "_runs").glob("*-rebuild.json"))[-1].read_text())
    assert report["parser_revision"] == parser_revision()
    assert set(report["days"]) == {d.isoformat() for d, _ in Layout(demo).warc_files()}
    assert not (out / "_rebuild").exists()


def test_every_crawl_report_records_the_parser_revision_per_day(demo: Path) -> None:
    report = json.loads(sorted((demo / "_runs").glob("*.json"))[-1].read_text())
    assert report["kind"] == "crawl" and report["parser_revision"] == parser_revision()
    assert report["days"]["2025-10-01"]["outcome"] == "empty"
    assert {info["parser_revision"] for info in report["days"].values()} == {parser_revision()}
    assert report["days"][ARXIV_DAY_AS]["rows"]["papers"] == len(DEMO_PAPERS)


def test_a_killed_rebuild_resumes_to_the_same_output(demo: Path, rebuilt, tmp_path: Path) -> None:
    out = tmp_path / "out"
    log = tmp_path / "rebuild.log"
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            [str(REBUILD), "--data", str(demo), "--out", str(out), "--jobs", "1"],
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=CRAWL_ENV,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while "rebuild: 2/5 days" not in log.read_text():
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the command and its worker, as `kill -9` of a job would
    proc.wait(timeout=30)
    assert (out / "_rebuild" / "job.json").exists()
    again = run_rebuild("--data", str(demo), "--out", str(out), "--jobs", "1")
    assert again.returncode == 0, again.stdout + again.stderr
    assert re.search(r"resuming: [2-4] of 5 days were rebuilt", again.stdout), again.stdout
    assert_same_tables(rebuilt[0], out)
    assert not list(out.rglob("*.writing")) and not (out / "_rebuild").exists()


def test_stale_rebuilds_only_days_an_older_parser_derived(demo: Path, rebuilt, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(rebuilt[0], out)
    proc = run_rebuild("--data", str(demo), "--out", str(out), "--stale")
    assert proc.returncode == 0 and "no stale listing day" in proc.stdout, proc.stdout + proc.stderr
    # A later crawl of one day by an older parser revision (its report says so).
    old = {"kind": "crawl", "parser_revision": "0ld0ld0ld0ld", "days": {ARXIV_DAY_AS: {"outcome": "written"}}}
    (out / "_runs" / "29991231T000000000000Z.json").write_text(json.dumps(old))
    proc = run_rebuild("--data", str(demo), "--out", str(out), "--stale")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 listing day(s)" in proc.stdout and f"last {ARXIV_DAY_AS}" in proc.stdout
    assert_same_tables(rebuilt[0], out)


def test_a_damaged_record_is_one_reject_and_the_rest_of_the_day_is_rebuilt(
    demo: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(demo, data)
    metrics = pd.read_parquet(data / "metrics")
    metrics = metrics[metrics["arxiv_id"] == HTML_ID]  # one of the day's HTML pages
    page = open_response(data, metrics["source_url"].iloc[0], at=metrics["crawled_at"].iloc[0])
    with open(page.file, "r+b") as handle:  # a failing disk spoils the HTML page's record
        handle.seek(page.offset + 3000)
        handle.write(b"\x00" * 256)
    out = tmp_path / "out"
    proc = run_rebuild("--data", str(data), "--out", str(out))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "damaged record" in proc.stderr
    day = f"date={ARXIV_DAY_AS}"
    rejects = pq.read_table(out / "rejects" / day / "part-0.parquet").to_pandas()
    damaged = rejects[rejects["reason"] == "archive_damaged"]
    # …and the abs page the spider then asks for, which the crawl never needed, is not archived.
    assert sorted(rejects["reason"]) == ["archive_damaged", "archive_missing"]
    relative = str(page.file.relative_to(data))
    assert f"{relative} at offset {page.offset}" in damaged["detail"].iloc[0]
    assert damaged["arxiv_id"].iloc[0] == HTML_ID
    # The rest of the day, and every other day, is rebuilt as the crawl wrote it.
    expected, got = table_files(demo), table_files(out)
    for name in expected:
        if day not in name or name.startswith(("fulltext", "metrics", "rejects", "claims")):
            continue
        assert pq.read_table(got[name]).equals(pq.read_table(expected[name])), name
    for name in (n for n in expected if day not in n):
        assert pq.read_table(got[name]).equals(pq.read_table(expected[name])), name
    fulltext = pd.read_parquet(out / "fulltext" / day).set_index("arxiv_id")
    assert fulltext.loc[ABS_ID, "fulltext_source"] == "abs"


def test_the_answer_behind_a_row_can_be_opened(demo: Path) -> None:
    for table in ("metrics", "claims", "fulltext", "papers"):
        rows = pd.read_parquet(demo / table)
        row = rows.iloc[len(rows) // 2]
        answer = open_response(demo, row["source_url"], at=row["crawled_at"])
        assert answer.url == row["source_url"]
        assert answer.date.replace(microsecond=answer.date.microsecond // 1000 * 1000) <= row["crawled_at"]
    metrics = pd.read_parquet(demo / "metrics")
    metric = metrics[metrics["arxiv_id"] == HTML_ID].iloc[0]
    shown = subprocess.run(
        [
            str(REBUILD.parent / "hfpapers-archive"),
            "show",
            metric["source_url"],
            "--at",
            str(metric["crawled_at"]),
        ],
        cwd=demo.parent,
        capture_output=True,
        env=CRAWL_ENV,
        timeout=60,
    )
    assert shown.returncode == 1  # --data defaults to ./data, and the demo is in ./demo
    shown = subprocess.run(
        [
            str(REBUILD.parent / "hfpapers-archive"),
            "show",
            metric["source_url"],
            "--at",
            str(metric["crawled_at"]),
            "--data",
            str(demo),
        ],
        capture_output=True,
        env=CRAWL_ENV,
        timeout=60,
    )
    assert (
        shown.returncode == 0
        and shown.stdout == (ROOT / f"tests/fixtures/arxiv_html/{HTML_ID}v1.html").read_bytes()
    )


def test_without_the_archive_nothing_is_kept_and_nothing_is_cached(tmp_path: Path) -> None:
    from tests.tools.derived import ARXIV_DAY, derive_arxiv_day

    server, replay = start_replay(tmp_path, overlay=derive_arxiv_day(tmp_path / "overlay"))
    off = {"HFPAPERS_ARCHIVE": "false"}
    try:
        first = crawl(replay, tmp_path / "data", f"date={ARXIV_DAY}", settings=off)
        replay.log_path.unlink()
        second = crawl(replay, tmp_path / "data", f"date={ARXIV_DAY}", settings=off)
    finally:
        server.shutdown()
    assert first.returncode == second.returncode == 0, second.log[-3000:]
    assert not (tmp_path / "data" / "raw").exists()
    paths = [r["path"] for r in replay.requests()]
    assert f"/arxiv/abs/{ABS_ID}v2" in paths  # asked again: no cache
    assert "httpcache/hit" not in second.stats()
    # (the HTML page is not asked again either: its rows are in the day already — same version,
    # same parser — and are kept)
    assert f"/arxiv/html/{HTML_ID}v1" not in paths and second.stats()["hfpapers/pages_kept"] == 1
    snapshot = pd.read_parquet(tmp_path / "data" / "ratings")
    assert snapshot.groupby("crawled_at").size().tolist() == [5, 5]  # one time per snapshot still
