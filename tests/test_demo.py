"""`hfpapers-demo`: the README's demo block, run as written in a folder shaped like a fresh clone
(`data/.gitkeep`), finishes in under a minute with every table filled and the week's digest written,
says what it replayed and where the data is, and leaves no server behind; a second run into the
same folder works; folders holding other data are refused in one line; without the clone's
recordings (an installed package) it says in one line that it needs a clone.

Its derived day holds together: each paper's Hugging Face entry, arXiv API entry and page describe
one paper (same title, authors, abstract), no title repeats, no id is newer than its listing day, and
at least three papers have HTML full text with results tables."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from scraper.use.demo.cli import FIXTURES_ENV, REPOSITORY
from scraper.use.demo.derived_day import DEMO_DAY, DEMO_PAPERS
from tests.tools.commands import DEMO, DEMO_ENV, run_demo
from tests.tools.docs import README, section
from tests.tools.replay import FIXTURES, ROOT

pytestmark = pytest.mark.crawl

DEMO_SECTION = section(README.read_text(), "## See it work offline")
DEMO_BLOCK = re.findall(r"```bash\n(.*?)```", DEMO_SECTION, flags=re.S)[0]
MAX_SECONDS = 60  # the promise made to a new user (issue 12)
HTML_IDS = {p.arxiv_id for p in DEMO_PAPERS if p.kind == "html"}
(ABS_ID,) = (p.arxiv_id for p in DEMO_PAPERS if p.kind == "abs")


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
    assert page.startswith("<!DOCTYPE html>") and DEMO_DAY in page


@pytest.mark.crawl
def test_every_table_is_filled(demo) -> None:
    _, out, _, _ = demo
    papers = pd.read_parquet(out / "papers")
    days = {str(d) for d in papers["listing_date"].unique()}
    assert days == {"2025-09-29", "2025-09-30", DEMO_DAY, "2025-10-03"}
    recorded = sum(recorded_list_length(d) for d in days - {DEMO_DAY})
    assert len(papers) == recorded + (papers["listing_date"].astype(str) == DEMO_DAY).sum()
    assert papers["arxiv_version"].notna().any()  # the arXiv API's columns reached `papers`

    fulltext = pd.read_parquet(out / "fulltext").set_index("arxiv_id")
    assert len(fulltext) == len(papers)
    for arxiv_id in HTML_IDS:
        assert fulltext.loc[arxiv_id, "fulltext_source"] == "html" and fulltext.loc[arxiv_id, "n_tables"] > 0
    assert (fulltext.loc[ABS_ID, "fulltext_source"], fulltext.loc[ABS_ID, "fulltext_status"]) == (
        "abs",
        "no_html",
    )
    metrics = pd.read_parquet(out / "metrics")
    assert set(metrics["arxiv_id"]) == HTML_IDS and metrics["value"].notna().all()
    claims = pd.read_parquet(out / "claims")
    assert len(claims) > 0 and set(claims["arxiv_id"]) <= set(papers["arxiv_id"])
    # `ratings`: one row per paper per crawl, and the demo crawls each day once.
    assert len(pd.read_parquet(out / "ratings")) == len(papers)


@pytest.mark.crawl
def test_the_output_says_what_was_replayed_and_where_the_data_is(demo) -> None:
    _, out, proc, _ = demo
    assert "derived" in proc.stdout and DEMO_DAY in proc.stdout
    assert str(out.resolve()) in proc.stdout
    assert "backfill: 5/5 days done" in proc.stdout
    # It says how the full texts were read: HTML and the abs fallback among them.
    assert re.search(rf"fulltext by source: .*\babs 1\b.*\bhtml {len(HTML_IDS)}\b", proc.stdout)
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


def assert_needs_a_clone(proc: subprocess.CompletedProcess, cwd: Path) -> None:
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and "no recorded responses at" in proc.stderr
    assert "needs a clone of the repository" in proc.stderr and REPOSITORY in proc.stderr
    assert "Traceback" not in proc.stderr and not (cwd / "demo-data").exists()


def test_it_refuses_to_run_without_the_recordings(tmp_path) -> None:
    assert_needs_a_clone(run_demo("--fixtures", str(tmp_path / "no-fixtures"), cwd=tmp_path), tmp_path)


def test_the_recordings_folder_can_be_named_in_the_environment(tmp_path) -> None:
    proc = subprocess.run(
        [str(DEMO)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**DEMO_ENV, FIXTURES_ENV: str(tmp_path / "elsewhere")},
    )
    assert_needs_a_clone(proc, tmp_path)
    assert str(tmp_path / "elsewhere") in proc.stderr


def test_installed_without_the_clone_it_says_it_needs_one(tmp_path) -> None:
    # What an installed wheel holds: the packages, no tests/ beside them (so no recordings, and no
    # test tree to import).
    installed = tmp_path / "site"
    for package in ("scraper", "pipelines"):
        shutil.copytree(ROOT / package, installed / package, ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from scraper.use.demo.cli import main; sys.exit(main())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**DEMO_ENV, "PYTHONPATH": str(installed), FIXTURES_ENV: ""},
    )
    assert_needs_a_clone(proc, tmp_path)
    assert str(installed / "tests" / "fixtures") in proc.stderr
    assert not any(name.startswith("tests") for name in os.listdir(installed))


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


# -- the derived day holds together ------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables(demo) -> dict[str, pd.DataFrame]:
    _, out, _, _ = demo
    return {t: pd.read_parquet(out / t) for t in ("papers", "fulltext", "metrics")}


def id_month(arxiv_id: str) -> tuple[int, int] | None:
    match = re.match(r"^(\d{2})(\d{2})\.\d{4,5}$", arxiv_id)
    return (2000 + int(match[1]), int(match[2])) if match else None


@pytest.mark.crawl
def test_one_title_per_paper_and_no_repeated_title(tables) -> None:
    papers = tables["papers"]
    assert (papers.groupby("arxiv_id")["title"].nunique() == 1).all()
    assert (papers.groupby("title")["arxiv_id"].nunique() == 1).all()  # no title on two papers
    assert not papers.duplicated(["listing_date", "title"]).any()
    assert not papers.duplicated(["listing_date", "arxiv_id"]).any()


@pytest.mark.crawl
def test_no_paper_is_listed_before_its_id_exists(tables) -> None:
    papers = tables["papers"]
    months = papers["arxiv_id"].map(id_month)
    assert months.notna().all()  # every id of the demo is new-style (YYMM.NNNNN)
    listed = papers["listing_date"].map(lambda d: (d.year, d.month))
    too_new = papers[[m > day for m, day in zip(months, listed, strict=True)]]
    assert too_new.empty, too_new[["listing_date", "arxiv_id"]]


@pytest.mark.crawl
def test_each_paper_of_the_derived_day_is_one_paper_in_all_three_answers(tables) -> None:
    papers = tables["papers"].set_index("arxiv_id")
    day = papers[papers["listing_date"].astype(str) == DEMO_DAY]
    assert set(day.index) == {p.arxiv_id for p in DEMO_PAPERS}
    fulltext = tables["fulltext"].set_index("arxiv_id")
    for paper in DEMO_PAPERS:
        hf, page = day.loc[paper.arxiv_id], fulltext.loc[paper.arxiv_id]
        # the HF list entry, the arXiv API entry and the page (HTML or abs) name the same paper
        assert hf["title"] == hf["arxiv_title"] == page["title"], paper
        assert hf["arxiv_version"] == paper.version and page["fulltext_source"] == paper.kind
        hf_authors = [a["name"] for a in hf["authors"]]
        assert hf_authors == [a["name"] for a in hf["arxiv_authors"]] and len(hf_authors) > 0
        assert hf_authors == [a["name"] for a in page["authors"]]
        assert hf["summary"] == hf["arxiv_abstract"] and len(hf["summary"]) > 200
    # every other paper's full text is absent (no page recorded), never another paper's
    others = fulltext.drop(index=list(day.index))
    assert set(others["fulltext_source"]) == {"none"} and others["title"].isna().all()


@pytest.mark.crawl
def test_at_least_three_papers_have_results_tables(tables) -> None:
    metrics = tables["metrics"]
    results = metrics[(metrics["table_kind"] == "results") & metrics["value"].notna()]
    per_paper = results.groupby("arxiv_id").size()
    assert set(per_paper.index) == HTML_IDS and len(per_paper) >= 3
    assert (per_paper >= 10).all(), per_paper
    assert set(results["listing_date"].astype(str)) == {DEMO_DAY}
