"""Crawling the replay server with the real spider: in this process (`crawl`: the real settings,
downloader, middlewares, extensions and pipelines, on the Twisted reactor pytest-twisted runs), or
as the real `scrapy crawl hfpapers` command in a subprocess (`run_crawl`, `start_crawl`: for what
only a process shows — its exit code and stderr, the data folder's lock, a kill)."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from scraper.fetch.args import ArgumentError
from scraper.fetch.commands.crawl import crawl_outcome, prepare_crawl, record_failed_days
from scraper.fetch.preflight import PreflightError
from tests.tools.replay import ROOT, Replay

logger = logging.getLogger(__name__)

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
class CrawlResult:
    returncode: int  # what `scrapy crawl hfpapers` exits with
    log: str  # its log (at LOG_LEVEL) and, last, the lines it prints on stderr
    data_dir: Path
    crawl_stats: dict[str, Any] | None = field(default=None, repr=False)  # in-process crawls only

    def report(self) -> dict:
        runs = sorted((self.data_dir / "_runs").glob("*[0-9]Z.json"))  # crawl reports (not rebuilds)
        assert runs, f"no run report written; log:\n{self.log[-3000:]}"
        return json.loads(runs[-1].read_text())

    def stats(self) -> dict:
        return self.report()["stats"]


def crawl_settings(replay: Replay, data_dir: Path, settings: dict | None = None) -> dict[str, str]:
    """The `-s` settings of a crawl of `replay` into `data_dir`: no delay, INFO log, then `settings`."""
    return {
        **replay.settings(),
        "HFPAPERS_DATA_DIR": str(data_dir),
        "DOWNLOAD_DELAY": "0",
        "LOG_LEVEL": "INFO",
        **(settings or {}),
    }


@dataclass
class Reference:
    """A crawl of the derived backfill without any fault (the `reference_backfill` fixture)."""

    overlay: Path
    result: CrawlResult
    requests: list[dict]


# -- in this process ---------------------------------------------------------------------------------


def crawl(
    replay: Replay,
    data_dir: Path,
    *args: str,
    settings: dict | None = None,
    stop_when: Callable[[], bool] | None = None,
) -> CrawlResult:
    """`scrapy crawl hfpapers -a … -s …` against `replay`, writing to `data_dir`, run in this process:
    the same checks before any request, the project's settings with these on top (at the command
    line's priority), and the exit code and closing lines the command would give. `stop_when`: stop
    the crawl gracefully, as Ctrl-C does (`Crawler.stop`), once this returns true (asked every 10 ms)."""
    return crawl_in_process(crawl_settings(replay, data_dir, settings), *args, stop_when=stop_when)


def crawl_in_process(
    overrides: dict[str, Any], *args: str, stop_when: Callable[[], bool] | None = None
) -> CrawlResult:
    import pytest_twisted

    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    spider_args = dict(arg.split("=", 1) for arg in args)
    data_dir = Path(settings["HFPAPERS_DATA_DIR"])
    try:
        lock = prepare_crawl(settings, spider_args)
    except (ArgumentError, PreflightError) as exc:
        return CrawlResult(2, f"hfpapers: error: {exc}\n", data_dir)
    runner = CrawlerRunner(settings)
    crawler = runner.create_crawler("hfpapers")
    failures = record_failed_days(crawler)
    with captured_log(settings) as log:
        try:
            done = runner.crawl(crawler, **spider_args)
            # A crawl that fails to start is logged (as `scrapy crawl` does) and exits 1 below.
            done.addErrback(lambda failure: logger.error("the crawl failed: %s", failure.getTraceback()))
            if stop_when is not None:
                watch = LoopingCall(_stopper(crawler, stop_when))
                watch.start(0.01)
                done.addBoth(_stop_watching, watch)
            pytest_twisted.blockon(done)
        finally:
            lock.close()
    returncode, lines = crawl_outcome(crawler, failures, runner.bootstrap_failed)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlResult(returncode, log.getvalue() + "".join(f"{line}\n" for line in lines), data_dir, stats)


def _stopper(crawler: Crawler, condition: Callable[[], bool]) -> Callable[[], None]:
    """A check that stops the crawl once `condition` holds, as Scrapy's Ctrl-C handler does."""
    asked = False

    def stop_once() -> None:
        nonlocal asked
        if not asked and crawler.crawling and condition():
            asked = True
            logger.info("stopping the crawl (as Ctrl-C does)")
            deferred_from_coro(crawler.stop_async())

    return stop_once


def _stop_watching(result: Any, watch: LoopingCall) -> Any:
    if watch.running:
        watch.stop()
    return result


@contextlib.contextmanager
def captured_log(settings: Settings) -> Iterator[io.StringIO]:
    """The log of a crawl, formatted as `scrapy crawl` writes it, at the crawl's LOG_LEVEL; meanwhile
    the root logger lets every record through (as Scrapy's own root handler has it)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT")))
    handler.setLevel(settings.get("LOG_LEVEL"))
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.NOTSET)
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


# -- as a command, in a subprocess -------------------------------------------------------------------

CRAWL_ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def crawl_command(replay: Replay, data_dir: Path, *args: str, settings: dict | None = None) -> list[str]:
    """The `scrapy crawl hfpapers -a … -s …` command line that crawls `replay` into `data_dir`."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "hfpapers"]
    for arg in args:
        cmd += ["-a", arg]
    for key, value in crawl_settings(replay, data_dir, settings).items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


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
