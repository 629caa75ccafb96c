"""One rule: nothing is lost silently (issue 20). An exception injected into each callback, errback
and pipeline stage in turn — and into the writing of a completed day — fails that listing day
loudly: an ERROR line naming it, a `rejects` row saying what broke, the day's partitions not written
and the day not journaled (a resumed job redoes it), exit code 1 with the cause on the last line.

The crawls are the real `scrapy crawl hfpapers` against the replay server; the fault comes from a
test-only extension (tests/tools/inject.py) that nothing in the product knows about.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.tools.crawl import run_crawl
from tests.tools.derived import ARXIV_DAY as DAY
from tests.tools.derived import derive_arxiv_day
from tests.tools.inject import MESSAGE
from tests.tools.replay import FIXTURES, start_replay

pytestmark = pytest.mark.crawl

STAGES = [
    "callback:parse_daily_api",
    "callback:parse_arxiv_api",
    "callback:parse_arxiv_html",
    "callback:parse_arxiv_abs",
    "callback:arxiv_page_failed",
    "pipeline:NormalizePipeline",
    "pipeline:ValidatePipeline",
    "pipeline:DedupePipeline",
    "pipeline:ParquetWriterPipeline",
    "write",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The derived arXiv day (HTML page, abs fallback, API answer), plus one paper whose HTML and
    abs requests fail for good (HTTP 500 on every try) so that the errbacks run too."""
    tmp = tmp_path_factory.mktemp("errors")
    overlay = derive_arxiv_day(tmp / "overlay", FIXTURES)
    listed = json.loads((overlay / "hf_daily_api" / f"{DAY}.json").read_text())
    broken = json.loads(json.dumps(listed[0]))
    broken["paper"]["id"] = "2607.99999"  # derived: an id no recording has
    (overlay / "hf_daily_api" / f"{DAY}.json").write_text(json.dumps([*listed, broken]))
    fail = {"status": 500, "body": "injected"}
    faults = {f"/arxiv/{kind}/2607.99999": [fail] * 10 for kind in ("html", "abs")}
    server, replay = start_replay(tmp, overlay=overlay, faults=faults)
    yield replay
    server.shutdown()


def crawl(replay, tmp_path: Path, stage: str | None):
    settings = {"RETRY_TIMES": "0", "JOBDIR": str(tmp_path / "job")}
    if stage:
        settings |= {"EXTENSIONS": json.dumps({"tests.tools.inject.InjectFault": 0}), "INJECT_FAULT": stage}
    return run_crawl(replay, tmp_path / "data", f"date={DAY}", settings=settings)


def test_without_a_fault_the_day_is_written(served, tmp_path: Path) -> None:
    result = crawl(served, tmp_path, None)
    assert result.returncode == 1, result.log[-3000:]  # the broken paper's pages failed for good
    papers = pd.read_parquet(tmp_path / "data" / "papers")
    assert len(papers) == 6  # …but that is not a failure of the day: it is written
    rejects = pd.read_parquet(tmp_path / "data" / "rejects")
    assert "internal_error" not in set(rejects["reason"])


@pytest.mark.parametrize("stage", STAGES)
def test_an_exception_in_any_stage_fails_its_day_loudly(served, tmp_path: Path, stage: str) -> None:
    result = crawl(served, tmp_path, stage)
    assert result.returncode == 1, result.log[-3000:]
    errors = [line for line in result.log.splitlines() if " ERROR: " in line and DAY in line]
    assert any("not written" in line or "could not be written" in line for line in errors), errors
    last = result.log.strip().splitlines()[-1]
    assert last.startswith(f"hfpapers: error: {DAY} could not be crawled") and MESSAGE in last, last
    assert not (tmp_path / "data" / "papers").exists()  # the day's partitions were not written
    rejects = pd.read_parquet(tmp_path / "data" / "rejects" / f"date={DAY}")
    reason = "write_failed" if stage == "write" else "internal_error"
    failed = rejects[rejects["reason"] == reason]
    assert len(failed) == 1 and MESSAGE in failed["detail"].iloc[0], rejects[["reason", "detail"]]
    journal = tmp_path / "job" / "hfpapers-days.jsonl"
    lines = [json.loads(line) for line in journal.read_text().splitlines()] if journal.exists() else []
    assert not [line for line in lines if line["day"] == DAY and "state" not in line]  # not finished
