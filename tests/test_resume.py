"""Crash safety and resume: a crawl killed with SIGKILL — between requests, or in the middle of
writing a partition — leaves every partition file whole and readable, and a restart with the same
JOBDIR finishes the job, skipping the days the journal says were finished, with the same content as
a crawl that was never interrupted (`reference_backfill`).

The crawls that are killed are real `scrapy crawl` subprocesses, killed from outside with a real
`kill -9` (marked `crawl`); the crawls that resume them, and the gracefully stopped job, run in this
process (tests/tools/crawl.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scraper.fetch.journal import JOURNAL_NAME, DayJournal
from scraper.schema.registry import APPEND_ONLY
from scraper.store.archive.warc import iter_members
from scraper.use.demo.replay import FaultPlan
from tests.tools.crawl import FAST_RETRY_SETTINGS, Reference, crawl, start_crawl
from tests.tools.derived import ABS_ID, ARXIV_DAY_AS, DERIVED_BACKFILL, HTML_ID
from tests.tools.replay import start_replay
from tests.tools.tables import dataset_contents
from tests.tools.write_pause import write_pause

ALL_DAYS = ["2025-09-29", "2025-09-30", "2025-10-01", "2025-10-02", "2025-10-03"]


def wait_until(
    condition: Callable[[], bool], proc: subprocess.Popen, log: Path, timeout: float = 60.0
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(
                f"the crawl ended (code {proc.returncode}) before the moment to "
                f"stop it came:\n{log.read_text()[-3000:]}"
            )
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"timed out waiting; log:\n{log.read_text()[-3000:]}")
        time.sleep(0.02)


def journaled(jobdir: Path) -> list[str]:
    """The days the job's journal says are finished (lines of days being closed or failed aside)."""
    path = jobdir / JOURNAL_NAME
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [line["day"] for line in lines if "state" not in line]


def kill_hard(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def requested(replay) -> list[str]:
    return [r["path"] for r in replay.requests()]


def papers_of(reference: Reference, day: str) -> set[str]:
    papers = pd.read_parquet(reference.result.data_dir / "papers" / f"date={day}")
    return set(papers["arxiv_id"])


def assert_same_as_reference(
    data_dir: Path, reference: Reference, crawled_twice: tuple[str, ...] = ()
) -> None:
    """The same tables as the uninterrupted crawl; on the days in `crawled_twice` (a copy of the
    reference's files crawled once more) the append-only tables hold each row twice."""
    expected = dataset_contents(reference.result.data_dir)
    got = dataset_contents(data_dir)
    assert list(got) == list(expected)
    for key, table in expected.items():
        table_name, day = key.split("/")[:2]
        if table_name in APPEND_ONLY and day.removeprefix("date=") in crawled_twice:
            rows = sorted(table.to_pylist() * 2, key=repr)  # type: ignore[attr-defined]
            table = pa.Table.from_pylist(rows, schema=table.schema)  # type: ignore[attr-defined]
        assert got[key].equals(table), f"{key} differs from the uninterrupted crawl"
    assert list(data_dir.rglob("*.writing")) == []


@pytest.mark.crawl
def test_sigkill_mid_backfill_then_resume(reference_backfill: Reference, tmp_path: Path) -> None:
    # Every answer 20 ms late: the second day (50 papers, ~100 requests) takes over a second, and
    # the kill lands in it.
    server, replay = start_replay(
        tmp_path, overlay=reference_backfill.overlay, fault_plan=FaultPlan(delay=0.02)
    )
    data, job = tmp_path / "data", tmp_path / "job"
    settings = {**FAST_RETRY_SETTINGS, "JOBDIR": str(job)}
    log = tmp_path / "first.log"
    try:
        proc = start_crawl(replay, data, log, *DERIVED_BACKFILL, settings=settings)
        wait_until(lambda: len(journaled(job)) >= 1, proc, log)
        kill_hard(proc)
        finished = journaled(job)
        assert finished == ALL_DAYS[: len(finished)] and len(finished) < 3, finished

        # Its archive holds the finished days (and at most the day in progress, when the kill came
        # between archiving it and writing its tables) — nothing of a later day, nothing half-written
        # under a final name.
        archived = sorted(p.parent.name.removeprefix("date=") for p in (data / "raw").glob("*/*.warc.gz"))
        assert archived in (finished, ALL_DAYS[: len(finished) + 1]), archived
        for warc in (data / "raw").glob("*/*.warc.gz"):
            assert all(not isinstance(r, Exception) for _, _, r in iter_members(warc))

        # What the killed crawl wrote is whole, readable and final: exactly the reference's days.
        expected = dataset_contents(reference_backfill.result.data_dir)
        written = dataset_contents(data)
        assert written and {key.split("/")[1] for key in written} <= {f"date={d}" for d in finished}
        for key, table in written.items():
            assert table.equals(expected[key]), key

        replay.log_path.unlink()
        second = crawl(replay, data, *DERIVED_BACKFILL, settings=settings)
    finally:
        server.shutdown()
    assert second.returncode == 0, second.log[-3000:]
    assert f"resuming the job in {job}: {len(finished)} of 5 days were finished" in second.log
    assert "Resuming crawl (" not in second.log  # Scrapy's disk queue is not used
    paths = requested(replay)
    for day in finished:  # nothing of a finished day is fetched again …
        assert not any(f"date={day}" in p for p in paths)
        only_there = papers_of(reference_backfill, day) - set().union(
            *(papers_of(reference_backfill, d) for d in ALL_DAYS if d not in finished and d != "2025-10-01")
        )
        assert only_there and not any(i in p for p in paths for i in only_there)
    # … and the day that was in progress is redone from its list.
    assert f"/hf/api/daily_papers?date={ALL_DAYS[len(finished)]}&limit=100&p=0" in paths
    assert second.report()["summary"]["days_resumed"] == len(finished)
    assert journaled(job) == finished + ALL_DAYS[len(finished) :]
    assert_same_as_reference(data, reference_backfill)


@pytest.mark.crawl
def test_sigkill_while_writing_a_partition_keeps_every_file_whole(
    reference_backfill: Reference, tmp_path: Path
) -> None:
    # The job re-crawls days that are already on disk; the writer is made to pause after the
    # temporary file of the arXiv day's `papers` partition is complete, before os.replace, and is
    # killed there.
    data, job = tmp_path / "data", tmp_path / "job"
    for path in reference_backfill.result.data_dir.glob("*/date=*/*.parquet"):
        target = data / path.relative_to(reference_backfill.result.data_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    before = {path: path.read_bytes() for path in data.glob("*/date=*/*.parquet")}
    victim = data / "papers" / f"date={ARXIV_DAY_AS}" / "part-0.parquet"

    server, replay = start_replay(tmp_path, overlay=reference_backfill.overlay)
    settings = {**FAST_RETRY_SETTINGS, "JOBDIR": str(job)}
    log = tmp_path / "first.log"
    try:
        proc = start_crawl(
            replay,
            data,
            log,
            *DERIVED_BACKFILL,
            settings={**settings, **write_pause(f"{ARXIV_DAY_AS}/papers=60")},
        )
        wait_until(lambda: "test hook: pausing" in log.read_text(), proc, log)
        kill_hard(proc)
        assert journaled(job) == ALL_DAYS[:3]  # the days before were finished, this one was not

        # The half-done write is invisible: the old file is there, untouched, and every file reads.
        assert len(list(victim.parent.glob(".*.writing"))) == 1
        assert victim.read_bytes() == before[victim]
        for path in data.glob("*/date=*/*.parquet"):
            assert pq.read_table(path).num_rows > 0
        assert len(pd.read_parquet(data / "papers")) == 30 + 50 + 5 + 39  # a dataset read too

        replay.log_path.unlink()
        second = crawl(replay, data, *DERIVED_BACKFILL, settings=settings)
    finally:
        server.shutdown()
    assert second.returncode == 0, second.log[-3000:]
    # the partition's temporary file, and the archive file of the batch's next day (2025-10-03),
    # which the killed crawl had begun with the batch's lists and never finished
    assert "removed 2 unfinished partition file(s) of an earlier crash" in second.log
    paths = requested(replay)
    assert not any(f"date={day}" in p for p in paths for day in ALL_DAYS[:3])
    # The unfinished day's list and arXiv query are fetched again (never cached); its versioned
    # arXiv pages come from the archive, where the killed crawl put them when it closed the day
    # (before writing its tables).
    assert f"/hf/api/daily_papers?date={ARXIV_DAY_AS}&limit=100&p=0" in paths
    assert any(p.startswith("/export/api/query") and HTML_ID in p for p in paths)
    arxiv_day_papers = papers_of(reference_backfill, ARXIV_DAY_AS)
    assert not any(p.startswith("/arxiv/") and any(i in p for i in arxiv_day_papers) for p in paths)
    assert f"/arxiv/html/{HTML_ID}v1" not in paths and f"/arxiv/abs/{ABS_ID}v2" not in paths
    assert second.stats()["httpcache/hit"] == 9
    # (the days copied from the reference were crawled once more: one more ratings snapshot each)
    assert_same_as_reference(data, reference_backfill, crawled_twice=tuple(ALL_DAYS))


@pytest.mark.crawl
@pytest.mark.parametrize(
    "pause",
    [
        pytest.param("journal", id="killed-between-the-tables-and-the-journal"),
        pytest.param("papers", id="killed-between-the-archive-and-the-tables"),
    ],
)
def test_a_day_killed_while_it_closes_holds_one_snapshot_and_rebuilds_the_same(
    reference_backfill: Reference, tmp_path: Path, pause: str
) -> None:
    """Issue 20 item 4: the crawl is killed with SIGKILL while it closes the derived arXiv day —
    after every table of the day is in place but before the job's journal says so (its ratings
    snapshot and rejects were appended), or after the day's archive file is finished but before any
    table is written. The resumed job redoes the day: the day then holds one ratings snapshot (the
    redo's), every row once, as an uninterrupted crawl; and a rebuild from the archive — which holds
    the killed crawl's answers for that day too — gives the very same tables, since the redo's
    archive file says which crawl it superseded."""
    from scraper.store.partitions import appended_crawls
    from tests.tools.commands import run_rebuild
    from tests.tools.tables import assert_same_tables

    data, job = tmp_path / "data", tmp_path / "job"
    server, replay = start_replay(tmp_path, overlay=reference_backfill.overlay)
    settings = {**FAST_RETRY_SETTINGS, "JOBDIR": str(job)}
    log = tmp_path / "first.log"
    try:
        proc = start_crawl(
            replay,
            data,
            log,
            *DERIVED_BACKFILL,
            settings={**settings, **write_pause(f"{ARXIV_DAY_AS}/{pause}=60")},
        )
        wait_until(lambda: "test hook: pausing" in log.read_text(), proc, log)
        kill_hard(proc)
        assert journaled(job) == ALL_DAYS[:3]
        killed = [json.loads(line) for line in (job / JOURNAL_NAME).read_text().splitlines()][-1]
        assert killed["day"] == ARXIV_DAY_AS and killed["state"] == "closing"
        snapshot = data / "ratings" / f"date={ARXIV_DAY_AS}" / "part-0.parquet"
        if pause == "journal":  # the killed crawl's snapshot is in place
            assert appended_crawls(snapshot) == [(killed["crawl"], 5)]
        else:
            assert not snapshot.exists()
        assert any(
            p.name.startswith(killed["crawl"]) for p in (data / "raw" / f"date={ARXIV_DAY_AS}").iterdir()
        )
        second = crawl(replay, data, *DERIVED_BACKFILL, settings=settings)
    finally:
        server.shutdown()
    assert second.returncode == 0, second.log[-3000:]
    assert journaled(job) == ALL_DAYS
    redo = second.report()["crawl_id"]
    assert appended_crawls(snapshot) == [(redo, 5)]  # one snapshot: the redo's (not 2 × 5 rows)
    for day in ALL_DAYS:
        if day == "2025-10-01":
            continue  # no list that day
        ratings = pq.read_table(data / "ratings" / f"date={day}" / "part-0.parquet").to_pandas()
        assert not ratings["arxiv_id"].duplicated().any(), day
    assert_same_as_reference(data, reference_backfill)
    # The archive holds both crawls of the day; the redo's file names the crawl it superseded.
    files = sorted((data / "raw" / f"date={ARXIV_DAY_AS}").glob("*.warc.gz"))
    assert [f.name.split(".")[0] for f in files] == [killed["crawl"], redo]
    rebuilt = run_rebuild("--data", str(data), "--out", str(tmp_path / "out"))
    assert rebuilt.returncode == 0, rebuilt.stdout[-2000:] + rebuilt.stderr[-2000:]
    assert_same_tables(data, tmp_path / "out")


def test_graceful_stop_then_resume(reference_backfill: Reference, tmp_path: Path) -> None:
    # Stopped as Ctrl-C (SIGINT) stops `scrapy crawl` (Scrapy's handler calls `Crawler.stop`) once a
    # day is finished: the requests in flight finish, nothing of the unfinished day is written and no
    # request queue either; the restart redoes that day. Both crawls run in this process.
    server, replay = start_replay(tmp_path, overlay=reference_backfill.overlay)
    data, job = tmp_path / "data", tmp_path / "job"
    settings = {**FAST_RETRY_SETTINGS, "JOBDIR": str(job)}
    try:
        stopped = crawl(
            replay, data, *DERIVED_BACKFILL, settings=settings, stop_when=lambda: len(journaled(job)) >= 1
        )
        first = stopped.log
        finished = journaled(job)
        second = crawl(replay, data, *DERIVED_BACKFILL, settings=settings)
    finally:
        server.shutdown()
    assert "Closing spider (shutdown)" in first and "not written" in first
    assert len(finished) < 5
    # No pickled request queue, no pickled spider.state: the journal is all a job keeps.
    assert sorted(p.name for p in job.iterdir()) == [JOURNAL_NAME, "requests.seen"]
    assert (job / "requests.seen").read_text() == ""  # every request is dont_filter
    assert second.returncode == 0, second.log[-3000:]
    assert f"{len(finished)} of 5 days were finished by an earlier run" in second.log
    assert_same_as_reference(data, reference_backfill)


def test_the_journal_survives_a_torn_line_and_ignores_what_is_not_a_day(tmp_path: Path) -> None:
    journal = DayJournal(tmp_path / JOURNAL_NAME)
    journal.record(date(2025, 9, 29), "api", "/data", {"papers": 30})
    with open(journal.path, "ab") as handle:  # a crash in the middle of the next append
        handle.write(b'{"day": "2025-09-30", "source": "ap')
    journal.path.open("a").close()
    journal.record(date(2025, 10, 1), "api", "/data", {})
    with open(journal.path, "a") as handle:
        handle.write(json.dumps({"day": "../../etc", "source": "api", "data_dir": "/data"}) + "\n")
        handle.write(json.dumps({"day": "2025-10-02", "source": "html", "data_dir": "/data"}) + "\n")
        handle.write(json.dumps({"day": "2025-10-03", "source": "api", "data_dir": "/other"}) + "\n")
        handle.write("[1, 2]\n")
    assert journal.finished("api", "/data") == {date(2025, 9, 29): "written", date(2025, 10, 1): "empty"}
    assert len(journal.path.read_text().splitlines()) == 7
