"""`hfpapers-demo`: the README's demo block, run as written in a folder shaped like a fresh clone
(`data/.gitkeep`), finishes in under a minute with every table filled and the week's digest written,
says what it replayed and where the data is, and leaves no server behind; a second run into the
same folder works; folders holding other data are refused in one line."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from scraper.use.demo.derived_day import ABS_ID, ARXIV_DAY_AS, HTML_ID
from tests.tools.commands import DEMO_ENV, run_demo
from tests.tools.docs import README, section
from tests.tools.replay import FIXTURES

pytestmark = pytest.mark.crawl

DEMO_SECTION = section(README.read_text(), "## See it work offline")
DEMO_BLOCK = re.findall(r"```bash\n(.*?)```", DEMO_SECTION, flags=re.S)[0]
MAX_SECONDS = 60  # the promise made to a new user (issue 12)


def run_block(block: str, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run(
        ["bash", "-e", "-c", block], cwd=cwd, capture_output=True, text=True, timeout=300, env=DEMO_ENV
    )
    return proc, time.monotonic() - started


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    work = tmp_path_factory.mktemp("demo")
    (work / "data").mkdir()
    (work / "data" / ".gitkeep").touch()  # what a fresh clone's data/ holds
    proc, seconds = run_block(DEMO_BLOCK, work)
    assert proc.returncode == 0, f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return work, work / "data", proc, seconds


def recorded_list_length(day: str) -> int:
    return len(json.loads((FIXTURES / "hf_daily_api" / f"{day}.json").read_bytes()))


@pytest.mark.crawl
def test_the_readme_block_runs_in_under_a_minute(demo) -> None:
    work, _, _, seconds = demo
    print(f"hfpapers-demo + the week's digest: {seconds:.1f} s")
    assert seconds < MAX_SECONDS
    page = (work / "week.html").read_text()  # the block's digest command found the demo's data
    assert page.startswith("<!DOCTYPE html>") and ARXIV_DAY_AS in page


@pytest.mark.crawl
def test_every_table_is_filled(demo) -> None:
    _, out, _, _ = demo
    papers = pd.read_parquet(out / "papers")
    days = {str(d) for d in papers["listing_date"].unique()}
    assert days == {"2025-09-29", "2025-09-30", ARXIV_DAY_AS, "2025-10-03"}
    recorded = sum(recorded_list_length(d) for d in days - {ARXIV_DAY_AS})
    assert len(papers) == recorded + (papers["listing_date"].astype(str) == ARXIV_DAY_AS).sum()
    assert papers["arxiv_version"].notna().any()  # the arXiv API's columns reached `papers`

    fulltext = pd.read_parquet(out / "fulltext").set_index("arxiv_id")
    assert len(fulltext) == len(papers)
    assert fulltext.loc[HTML_ID, "fulltext_source"] == "html" and fulltext.loc[HTML_ID, "n_tables"] > 0
    assert (fulltext.loc[ABS_ID, "fulltext_source"], fulltext.loc[ABS_ID, "fulltext_status"]) == (
        "abs",
        "no_html",
    )
    metrics = pd.read_parquet(out / "metrics")
    assert set(metrics["arxiv_id"]) == {HTML_ID} and metrics["value"].notna().all()
    claims = pd.read_parquet(out / "claims")
    assert len(claims) > 0 and set(claims["arxiv_id"]) <= set(papers["arxiv_id"])
    # `ratings`: one row per paper per crawl, and the demo crawls each day once.
    assert len(pd.read_parquet(out / "ratings")) == len(papers)


@pytest.mark.crawl
def test_the_output_says_what_was_replayed_and_where_the_data_is(demo) -> None:
    _, out, proc, _ = demo
    assert "derived" in proc.stdout and ARXIV_DAY_AS in proc.stdout
    assert str(out.resolve()) in proc.stdout
    assert "backfill: 5/5 days done" in proc.stdout
    # It says how the full texts were read: HTML and the abs fallback among them.
    assert re.search(r"fulltext by source: .*\babs 1\b.*\bhtml 1\b", proc.stdout)
    assert (out / "_demo" / "crawl.log").stat().st_size > 0
    assert proc.stderr.strip() == ""


@pytest.mark.crawl
def test_the_replay_server_is_stopped(demo) -> None:
    _, _, proc, _ = demo
    port = int(re.search(r"at http://127\.0\.0\.1:(\d+)", proc.stdout).group(1))
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


@pytest.mark.crawl
def test_a_second_run_into_the_same_folder(demo) -> None:
    work, out, _, _ = demo
    before = {t: len(pd.read_parquet(out / t)) for t in ("papers", "fulltext", "metrics", "claims")}
    proc = run_demo("--out", "data", cwd=work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = {t: len(pd.read_parquet(out / t)) for t in before}
    assert after == before  # a re-run replaces the days it writes
    if (out / "ratings").is_dir():  # append-only: one more row per paper
        assert len(pd.read_parquet(out / "ratings")) == 2 * before["papers"]


def test_it_refuses_a_folder_holding_other_data(tmp_path) -> None:
    real = tmp_path / "data" / "papers" / "date=2025-09-30" / "part-0.parquet"
    real.parent.mkdir(parents=True)
    real.write_bytes(b"a real crawl's partition")
    proc = run_demo("--out", "data", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("hfpapers-demo: error: data is not empty")
    assert real.read_bytes() == b"a real crawl's partition" and not (tmp_path / "data" / "_demo").exists()


def test_it_refuses_to_run_without_the_recordings(tmp_path) -> None:
    proc = run_demo("--fixtures", str(tmp_path / "no-fixtures"), cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "no recorded responses at" in proc.stderr
    assert "runs from a clone" in proc.stderr and not (tmp_path / "demo-data").exists()


@pytest.mark.crawl
def test_a_day_that_fails_is_shown_and_fails_the_demo(tmp_path) -> None:
    # Derived here, in a copy of the recordings: the list of 2025-09-30 replaced by a JSON object.
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    broken = fixtures / "hf_daily_api" / "2025-09-30.json"
    broken.chmod(0o644)
    broken.write_text('{"unexpected": true}')
    proc = run_demo("--fixtures", str(fixtures), cwd=tmp_path)
    assert proc.returncode == 1
    shown = [line for line in proc.stdout.splitlines() if line.startswith("  ERROR: ")]
    assert len(shown) == 1 and "daily_papers?date=2025-09-30" in shown[0], proc.stdout
    assert proc.stderr.count("\n") == 1 and "the crawl failed (exit code 1" in proc.stderr
