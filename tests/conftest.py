"""Shared test fixtures: the recorded responses, a replay server on loopback, and a helper that runs
the real `scrapy crawl hfpapers` in a subprocess against it (Twisted's reactor cannot restart in one
process, and a subprocess also tests the real command line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scraper.schema.registry import APPEND_ONLY
from scraper.use.demo.replay import FaultPlan, replay_settings, serve
from tests.tools import derived as overlays

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# bench/ holds scripts, not a package; test_gold and test_bench import them.
sys.path.insert(0, str(ROOT / "bench"))


def fixture_bytes(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


@dataclass
class Replay:
    base: str
    log_path: Path

    def requests(self) -> list[dict]:
        if not self.log_path.exists():
            return []
        return [json.loads(line) for line in self.log_path.read_text().splitlines()]

    def settings(self) -> dict[str, str]:
        return replay_settings(self.base)

    def fault_report(self) -> dict:
        """The server's count of faults served so far (GET /_faults)."""
        with urllib.request.urlopen(f"{self.base}/_faults", timeout=10) as answer:
            return json.loads(answer.read())


def start_replay(
    tmp: Path,
    overlay: Path | None = None,
    faults: dict | None = None,
    robots: bytes | None = None,
    fault_plan: FaultPlan | None = None,
    page_cap: int | None = None,
):
    log_path = tmp / "replay-requests.jsonl"
    folders = [overlay, FIXTURES] if overlay else [FIXTURES]
    server = serve(folders, 0, "127.0.0.1", log_path, robots, faults, fault_plan, page_cap)
    return server, Replay(f"http://127.0.0.1:{server.server_address[1]}", log_path)


@pytest.fixture(scope="session")
def replay(tmp_path_factory) -> Iterator[Replay]:
    """One replay server of the recorded responses for the whole test session."""
    server, info = start_replay(tmp_path_factory.mktemp("replay"))
    yield info
    server.shutdown()


@dataclass
class CrawlResult:
    returncode: int
    log: str
    data_dir: Path

    def report(self) -> dict:
        runs = sorted((self.data_dir / "_runs").glob("*[0-9]Z.json"))  # crawl reports (not rebuilds)
        assert runs, f"no run report written; log:\n{self.log[-3000:]}"
        return json.loads(runs[-1].read_text())

    def stats(self) -> dict:
        return self.report()["stats"]


def crawl_command(replay: Replay, data_dir: Path, *args: str, settings: dict | None = None) -> list[str]:
    """The `scrapy crawl hfpapers -a … -s …` command line that crawls `replay` into `data_dir`."""
    all_settings = {
        **replay.settings(),
        "HFPAPERS_DATA_DIR": str(data_dir),
        "DOWNLOAD_DELAY": "0",
        "LOG_LEVEL": "INFO",
        **(settings or {}),
    }
    cmd = [sys.executable, "-m", "scrapy", "crawl", "hfpapers"]
    for arg in args:
        cmd += ["-a", arg]
    for key, value in all_settings.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


CRAWL_ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def run_crawl(
    replay: Replay,
    data_dir: Path,
    *args: str,
    settings: dict | None = None,
    timeout: int = 300,
    env: dict | None = None,
) -> CrawlResult:
    """`scrapy crawl hfpapers -a …` in a subprocess against `replay`, writing to `data_dir`; `env`
    adds to (or replaces) environment variables."""
    cmd = crawl_command(replay, data_dir, *args, settings=settings)
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**CRAWL_ENV, **(env or {})}
    )
    return CrawlResult(proc.returncode, proc.stdout + proc.stderr, data_dir)


def start_crawl(
    replay: Replay, data_dir: Path, log_path: Path, *args: str, settings: dict | None = None
) -> subprocess.Popen:
    """The same crawl started in the background (stdout and stderr to `log_path`), for tests that
    stop it from outside (e.g. with SIGKILL). The caller waits for or kills the process."""
    cmd = crawl_command(replay, data_dir, *args, settings=settings)
    with open(log_path, "wb") as log:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=CRAWL_ENV)


# -- a backfill of recorded days plus the derived arXiv day, and its fault-free reference crawl --

DERIVED_BACKFILL = (f"start={overlays.DEMO_START}", f"end={overlays.DEMO_END}")  # 10-01 has no list
ARXIV_DAY_AS = overlays.ARXIV_DAY_AS  # a weekday without a capture: the derived arXiv day is served here


def derive_backfill_overlay(folder: Path) -> Path:
    """The recorded days 2025-09-29…10-03 with the tests' derived arXiv day served as 2025-10-02, so
    one backfill has recorded lists and real arXiv pages (the demo serves its own day there:
    tests/tools/derived.py says how they differ)."""
    return overlays.derive_backfill_overlay(folder, FIXTURES)


# Timeouts and waits small enough for a fast suite (a `slow` fault answers after 3 s). Headroom for a
# loaded machine: a recorded answer that times out on the client resets the server's count of faults
# in a row for its path, so with at most 2 injected faults in a row a path may need more than 3 tries.
FAST_RETRY_SETTINGS = {
    "DOWNLOAD_TIMEOUT": "2",
    "HFPAPERS_RETRY_BACKOFF_BASE": "0.05",
    "HFPAPERS_RETRY_BACKOFF_MAX": "0.5",
    "RETRY_TIMES": "6",
}


@dataclass
class Reference:
    overlay: Path
    result: CrawlResult
    requests: list[dict]


@pytest.fixture(scope="session")
def reference_backfill(tmp_path_factory) -> Iterator[Reference]:
    """The derived backfill crawled once without any fault: what every faulty or interrupted crawl
    of the same days must end up with."""
    tmp = tmp_path_factory.mktemp("reference")
    overlay = derive_backfill_overlay(tmp / "overlay")
    server, replay = start_replay(tmp, overlay=overlay)
    try:
        result = run_crawl(
            replay,
            tmp / "data",
            *DERIVED_BACKFILL,
            settings=FAST_RETRY_SETTINGS,
        )
        requests = replay.requests()
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-4000:]
    yield Reference(overlay, result, requests)


def dataset_contents(data_dir: Path) -> dict[str, object]:
    """Every partition under `data_dir` (run reports aside) as a pyarrow Table, keyed by its path,
    made comparable across crawls: `crawled_at` dropped, the replay server's address cut from
    `source_url`. An append-only table's day (`ratings`, `rejects`: one file, each crawl's rows after
    the earlier ones) has its rows sorted, since the crawls that made them differ from run to run;
    every row counts (a day redone after a kill must not hold a snapshot twice)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    def comparable(path: Path) -> pa.Table:
        table = pq.read_table(path).drop_columns(["crawled_at"])
        index = table.schema.get_field_index("source_url")
        urls = pc.replace_substring_regex(
            table["source_url"], pattern=r"^http://127\.0\.0\.1:\d+", replacement=""
        )
        return table.set_column(index, "source_url", urls)

    contents: dict[str, object] = {}
    for path in sorted(data_dir.glob("*/date=*/*.parquet")):
        table = comparable(path)
        if path.parts[-3] in APPEND_ONLY and table.num_rows > 1:
            rows = sorted(table.to_pylist(), key=repr)
            table = pa.Table.from_pylist(rows, schema=table.schema)
        contents[str(path.relative_to(data_dir))] = table
    return contents


@pytest.fixture(scope="session")
def release_data(tmp_path_factory) -> Path:
    """A data dir with every table — the release's derived arXiv day (licensed and unlicensed
    conclusion claims) plus the recorded three-day backfill — crawled once for the session and
    only read by the tests that use it (test_release, test_load)."""
    tmp = tmp_path_factory.mktemp("release-data")
    server, replay = start_replay(tmp, overlay=overlays.derive_release_overlay(tmp / "overlay"))
    try:
        for args in ((f"date={overlays.ARXIV_DAY}",), ("start=2025-09-29", "end=2025-10-03")):
            result = run_crawl(replay, tmp / "data", *args)
            assert result.returncode == 0, result.log[-4000:]
    finally:
        server.shutdown()
    return tmp / "data"


# -- hfpapers-demo, as a user runs it ---------------------------------------------------------------

BIN = Path(sys.executable).parent  # the venv's scripts: hfpapers-demo, python
DEMO = BIN / "hfpapers-demo"
DEMO_ENV = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(Path.home())}


def run_demo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DEMO), *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=DEMO_ENV
    )


# -- hfpapers-rebuild, as a user runs it (no network, no replay server) -----------------------------

REBUILD = BIN / "hfpapers-rebuild"


def run_rebuild(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(REBUILD), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=CRAWL_ENV
    )


def table_files(data_dir: Path) -> dict[str, Path]:
    """Every table partition file under `data_dir`, by its path relative to it."""
    return {str(p.relative_to(data_dir)): p for p in sorted(data_dir.glob("*/date=*/*.parquet"))}


def assert_same_tables(expected_dir: Path, got_dir: Path) -> None:
    """Both folders hold the same table files, each with the same schema and the same rows (every
    value, `crawled_at` included), and an append-only table's day the same crawls in the same order."""
    import pyarrow.parquet as pq

    from scraper.store.partitions import appended_crawls

    expected, got = table_files(expected_dir), table_files(got_dir)
    assert list(got) == list(expected)
    for name, path in expected.items():
        a, b = pq.read_table(path), pq.read_table(got[name])
        assert b.schema.equals(a.schema, check_metadata=True), f"{name}: schema differs"
        assert b.equals(a), f"{name}: rows differ"
        if path.parts[-3] in APPEND_ONLY:
            assert appended_crawls(got[name]) == appended_crawls(path), f"{name}: crawls differ"
