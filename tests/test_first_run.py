"""A first run and hostile input: bad `-a`/`-s`, dates before Daily Papers existed, a data folder that
cannot be written or is in use by another crawl, and no network at all. Each ends quickly with one
clear line and the right exit code, before any request where the input alone is wrong."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from scrapy.settings import Settings

from scraper.fetch.args import FIRST_LIST_DAY, ArgumentError, plan_run
from scraper.fetch.preflight import PreflightError, check_settings, data_dir_lock
from scraper.store.partitions import clean_stale_writes
from tests.tools.crawl import CRAWL_ENV, crawl_command, start_crawl
from tests.tools.replay import ROOT
from tests.tools.write_pause import write_pause

pytestmark = pytest.mark.crawl

SCRAPY_CRAWL = [sys.executable, "-m", "scrapy", "crawl", "hfpapers"]


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A loopback port that accepts connections but never answers: any request the crawl sends
    shows up as a pending connection (and, if answered with nothing, as a timeout)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        sock.setblocking(False)
        yield sock


def connections_made(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def crawl(*args: str, timeout: int = 90) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*SCRAPY_CRAWL, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=CRAWL_ENV
    )


def assert_one_line_exit_2(proc: subprocess.CompletedProcess, *expected: str) -> None:
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hfpapers: error: "), proc.stderr
    for text in expected:
        assert text in lines[0]
    assert "Spider opened" not in proc.stdout + proc.stderr


# -- item 6 and 7: bad input stops before any request -------------------------------------------

BAD_INPUT = [
    (["-a", "Date=2025-09-30"], "unknown argument -a Date="),
    (["-a", "foo=bar"], "unknown argument -a foo="),
    (["-a", "date=1999-01-01"], "first Daily Papers list (2023-05-04)"),
    (["-a", "start=2000-01-01", "-a", "end=2025-09-30"], "first Daily Papers list (2023-05-04)"),
    (["-s", "HFPAPERS_ARXIV=flase"], "HFPAPERS_ARXIV='flase' is not a boolean"),
    (["-s", "HFPAPERS_ARXIV_BATCH=0"], "HFPAPERS_ARXIV_BATCH='0' is not a whole number"),
    # pages × page size must stay within listing_rank (int16): no row may be lost to a narrow type
    (
        ["-s", "HFPAPERS_MAX_LIST_PAGES=1000"],
        "HFPAPERS_MAX_LIST_PAGES='1000' is not a whole number from 1 to 300",
    ),
    (
        ["-s", "HFPAPERS_LIST_PAGE_SIZE=101"],
        "HFPAPERS_LIST_PAGE_SIZE='101' is not a whole number from 1 to 100",
    ),
    (["-s", "HFPAPERS_REFRESH_DAYS=400"], "HFPAPERS_REFRESH_DAYS='400'"),
    (["-s", "HFPAPERS_ARXV=false"], "unknown setting -s HFPAPERS_ARXV"),
    (["-s", "HFPAPERS_LISTING_PATH=/papers"], "HFPAPERS_LISTING_PATH"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_exits_2_with_one_line_before_any_request(listener, tmp_path, args, message) -> None:
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    proc = crawl(
        *args,
        "-s",
        f"HFPAPERS_HF_BASE={base}",
        "-s",
        f"HFPAPERS_ARXIV_BASE={base}",
        "-s",
        f"HFPAPERS_ARXIV_API={base}/api",
        "-s",
        f"HFPAPERS_DATA_DIR={tmp_path / 'data'}",
    )
    assert_one_line_exit_2(proc, message)
    assert connections_made(listener) == 0


@pytest.mark.parametrize("url", ["notaurl", "ftp://example.org", "http://", "https://exa mple.org"])
def test_a_base_url_that_is_not_a_url_exits_2(tmp_path, url) -> None:
    proc = crawl("-s", f"HFPAPERS_HF_BASE={url}", "-s", f"HFPAPERS_DATA_DIR={tmp_path}")
    assert_one_line_exit_2(proc, "HFPAPERS_HF_BASE", "is not an http(s) URL")


def test_booleans_take_yes_no_and_numbers_are_parsed() -> None:
    settings = Settings(
        {"HFPAPERS_ARXIV": "no", "HFPAPERS_ARXIV_BATCH": " 50 ", "HFPAPERS_REFRESH_DAYS": "0"},
        priority="cmdline",
    )
    check_settings(settings)
    assert settings.getbool("HFPAPERS_ARXIV") is False  # Scrapy alone cannot read "no"
    assert settings["HFPAPERS_ARXIV_BATCH"] == 50 and settings["HFPAPERS_REFRESH_DAYS"] == 0
    with pytest.raises(PreflightError, match="not a boolean"):
        check_settings(Settings({"HFPAPERS_ARXIV": "flase"}))


def test_the_unknown_setting_line_names_the_product_settings_only() -> None:
    with pytest.raises(PreflightError) as caught:
        check_settings(Settings({"HFPAPERS_ARXV": "false"}))
    known = str(caught.value).split("hfpapers settings are ", 1)[1].split(", ")
    assert "HFPAPERS_CONTACT" in known and "HFPAPERS_RETRY_AFTER_MAX" in known
    assert not [name for name in known if "TEST" in name]  # no test hook is offered to users
    contact = Settings({"HFPAPERS_CONTACT": "you@example.org"}, priority="cmdline")
    check_settings(contact)
    assert contact["HFPAPERS_CONTACT"] == "you@example.org"
    with pytest.raises(PreflightError, match="not a number"):  # a renamed retry setting is checked
        check_settings(Settings({"HFPAPERS_RETRY_BACKOFF_MAX": "soon"}))


def test_the_first_list_day_is_the_earliest_date_allowed() -> None:
    assert FIRST_LIST_DAY.isoformat() == "2023-05-04"
    assert plan_run(date="2023-05-04").days == (FIRST_LIST_DAY,)
    with pytest.raises(ArgumentError, match="lists begin"):
        plan_run(date="2023-05-03")
    with pytest.raises(ArgumentError, match=r"start=2000-01-01 is before the first Daily Papers list"):
        plan_run(start="2000-01-01", end="2023-06-01")


# -- item 8: a data folder that cannot be written ---------------------------------------------


def unwritable_folders(tmp_path: Path) -> list[Path]:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    folders = [a_file / "data", Path("/proc/hfpapers-no-such-parent/data")]
    if os.geteuid() != 0:  # root writes into a read-only folder anyway
        read_only = tmp_path / "read-only"
        read_only.mkdir()
        read_only.chmod(0o555)
        folders += [read_only, read_only / "missing" / "data"]
    return folders


def test_an_unwritable_data_folder_is_found_before_any_request(listener, tmp_path) -> None:
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    for folder in unwritable_folders(tmp_path):
        proc = crawl(
            "-a", "date=2025-09-30", "-s", f"HFPAPERS_HF_BASE={base}", "-s", f"HFPAPERS_DATA_DIR={folder}"
        )
        assert_one_line_exit_2(proc, f"the data folder {folder} cannot be written")
    assert connections_made(listener) == 0


# -- item 2: two crawls on one data folder -----------------------------------------------------


def test_a_second_crawl_into_a_folder_in_use_refuses_with_one_line(listener, tmp_path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with data_dir_lock(data):  # as a running crawl holds it
        proc = crawl(
            "-a", "date=2025-09-30", "-s", f"HFPAPERS_HF_BASE={base}", "-s", f"HFPAPERS_DATA_DIR={data}"
        )
    assert_one_line_exit_2(proc, f"the data folder {data} is in use by another crawl (pid {os.getpid()})")
    assert connections_made(listener) == 0


def test_a_second_crawl_leaves_the_first_ones_live_write_alone(replay, tmp_path) -> None:
    """The first crawl is paused between writing a partition's temporary file and moving it into
    place; a second crawl into the same folder then refuses, and the first one ends whole."""
    data, log = tmp_path / "data", tmp_path / "first.log"
    first = start_crawl(
        replay,
        data,
        log,
        "date=2025-09-30",
        settings={"HFPAPERS_ARXIV": "false", **write_pause("2025-09-30/papers=8")},
    )
    try:
        deadline = time.monotonic() + 90
        while "test hook: pausing" not in log.read_text() and first.poll() is None:
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        temporary = list(data.glob("papers/date=2025-09-30/.*.writing"))
        assert len(temporary) == 1
        second = subprocess.run(
            crawl_command(replay, data, "date=2025-09-30"),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=90,
            env=CRAWL_ENV,
        )
        assert_one_line_exit_2(second, "is in use by another crawl")
        assert temporary[0].exists()  # the live write was not removed under the first crawl
        assert first.wait(timeout=90) == 0, log.read_text()[-3000:]
    finally:
        if first.poll() is None:
            first.kill()
    assert pq.read_table(data / "papers" / "date=2025-09-30" / "part-0.parquet").num_rows > 0
    assert list(data.rglob("*.writing")) == []


def test_only_temporary_files_of_dead_processes_are_cleaned(tmp_path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = tmp_path / "papers" / "date=2025-09-30"
    folder.mkdir(parents=True)
    live_tmp = folder / f".part-0.parquet.{os.getpid()}.writing"
    dead_tmp = folder / f".part-0.parquet.{dead.pid}.writing"
    for path in (live_tmp, dead_tmp):
        path.write_bytes(b"PAR1")
    assert clean_stale_writes(tmp_path) == 1
    assert live_tmp.exists() and not dead_tmp.exists()


# -- item 5: no network ------------------------------------------------------------------------

NO_NETWORK = {
    # nothing listens on a port just closed; `.invalid` never resolves (RFC 6761): neither leaves
    # the machine. The timeout case is the `listener` fixture, which never answers.
    "refused": ("connection refused for 127.0.0.1:{port}", None),
    "dns": ("DNS lookup failed for nonexistent.invalid", "http://nonexistent.invalid"),
    "timeout": ("timed out for 127.0.0.1:{port}", None),
}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# How long an unreachable host is waited for, shrunk for the suite. With the defaults (6 s of retries,
# 10 s for robots.txt, 15 s for the next request) the timeout case takes about 26 s, within the 45 s
# asserted below — the sum is checked in test_the_default_waits_for_an_unreachable_host_fit_in_45_s.
SHORT_UNREACHABLE = {
    "HFPAPERS_UNREACHABLE_AFTER": 0.5,
    "HFPAPERS_ROBOTS_TIMEOUT": 1.0,
    "HFPAPERS_UNREACHABLE_TIMEOUT": 1.0,
}


def test_the_default_waits_for_an_unreachable_host_fit_in_45_s() -> None:
    from scraper import settings

    waits = [getattr(settings, name) for name in SHORT_UNREACHABLE]
    assert sum(waits) + 5 < 45, waits  # + 5 s for starting Scrapy and writing the reject


def test_no_network_ends_within_45_s_with_one_line_naming_cause_and_host(listener, tmp_path) -> None:
    refused = closed_port()
    bases = {
        "refused": f"http://127.0.0.1:{refused}",
        "dns": "http://nonexistent.invalid",
        "timeout": f"http://127.0.0.1:{listener.getsockname()[1]}",
    }
    ports = {"refused": refused, "timeout": listener.getsockname()[1]}
    runs = {}
    for case, base in bases.items():  # all three at once: the test takes as long as the slowest
        cmd = [*SCRAPY_CRAWL, "-s", f"HFPAPERS_HF_BASE={base}", "-s", f"HFPAPERS_DATA_DIR={tmp_path / case}"]
        for name, seconds in SHORT_UNREACHABLE.items():
            cmd += ["-s", f"{name}={seconds}"]
        runs[case] = (
            time.monotonic(),
            subprocess.Popen(
                cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=CRAWL_ENV
            ),
        )
    for case, (started, proc) in runs.items():
        stdout, stderr = proc.communicate(timeout=120)
        elapsed = time.monotonic() - started
        assert proc.returncode == 1, stderr[-3000:]
        assert elapsed < 45, f"{case}: {elapsed:.0f}s"
        assert "Traceback" not in stdout + stderr
        last = stderr.strip().splitlines()[-1]
        expected = NO_NETWORK[case][0].format(port=ports.get(case))
        assert last.startswith("hfpapers: error: the latest day could not be crawled: "), last
        assert expected in last, last
        # The undated crawl's failure is a `rejects` row too (filed under the day of the crawl).
        rejects = pd.read_parquet(tmp_path / case / "rejects")
        assert list(rejects["reason"]) == ["fetch_failed"] and expected in rejects["detail"][0]
