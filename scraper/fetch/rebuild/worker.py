"""A rebuild worker: one process with one Twisted reactor, replaying listing days one after another.

For each day it is given, the day's units (archived crawls) are replayed in the order they ran,
each as a crawl of its own — the real `hfpapers` spider with the crawl's request settings, its real
middlewares, judge and writer — into a private staging folder that starts empty, exactly as the
crawls began with the state the crawls before them left. The archive is the network
(scraper/fetch/archive_replay.py). When the last unit is done, the day's files are moved into the output
folder (`publish`), each with an atomic rename, and the day is reported to the parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import shutil
import signal
import traceback
from collections.abc import Generator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twisted.internet.defer import Deferred

from scraper.fetch import stats
from scraper.schema.registry import TABLES
from scraper.store.files import fsync_dir
from scraper.store.layout import Layout

if TYPE_CHECKING:
    from scraper.fetch.rebuild.units import Unit

logger = logging.getLogger("hfpapers.rebuild")


def replay_settings(unit: Unit, staging: Path, data_root: Path) -> dict[str, Any]:
    """The settings of one unit's replay: the crawl's request settings, no network, no archive, no
    cache, no retries (the archive holds each request's outcome), no politeness waits."""
    from scraper.fetch import archive_replay as replay
    from scraper.fetch.day_book import SUPERSEDES_SETTING
    from scraper.fetch.spiders.arxiv import API_QUERIES_SETTING

    return {
        **unit.settings,
        "HFPAPERS_DATA_DIR": str(staging),
        "HFPAPERS_CRAWL_ID": unit.crawl_id,
        "HFPAPERS_ARCHIVE": False,
        replay.REPLAY_DATA: str(data_root),
        replay.REPLAY_WARC: str(unit.warc),
        replay.REPLAY_BEFORE: unit.cache_before.isoformat(),
        # the arXiv API queries the crawl sent for the batch this day was in, answered from the archive
        API_QUERIES_SETTING: json.dumps(list(unit.api_queries)),
        SUPERSEDES_SETTING: json.dumps({unit.day.isoformat(): list(unit.supersedes)}),
        "HTTPCACHE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "RETRY_ENABLED": False,
        "RETRY_TIMES": 0,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "REMOTE_CONTROL_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOGSTATS_INTERVAL": 0,
        "DOWNLOADER_MIDDLEWARES": {
            "scraper.fetch.archive_recorder.ArchiveRecorder": None,
            "scraper.fetch.archive_replay.ArchiveReplay": 895,
        },
        "EXTENSIONS": {
            "scraper.fetch.run_report.RunReport": None,
            "scraper.fetch.crawl_delay.CrawlDelay": None,
        },
    }


def publish(staging: Path, out: Path, day: date) -> None:
    """Move the rebuilt day from `staging` into `out`: each table's day folder becomes what the
    replay wrote (a day whose tables hold crawls the archive lacks is skipped by the caller in
    place, so nothing but derivable rows is replaced)."""
    source, target = Layout(staging), Layout(out)
    for table in TABLES:
        src = source.partition_dir(table, day)
        dst = target.partition_dir(table, day)
        made = {p.name: p for p in source.partition_files(table, day)}
        if made:
            dst.mkdir(parents=True, exist_ok=True)
        for name, path in made.items():
            os.replace(path, dst / name)
        for old in target.partition_files(table, day):
            if old.name not in made:
                old.unlink()
        if dst.is_dir():
            fsync_dir(dst)
            with contextlib.suppress(OSError):
                dst.rmdir()  # only when empty
        shutil.rmtree(src, ignore_errors=True)


def _die_with_parent() -> None:
    """Linux: this process gets SIGKILL when the parent dies (a killed rebuild leaves no worker
    writing behind it)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _configure_logging(log_path: Path, level: str) -> None:
    root = logging.getLogger()
    root.handlers.clear()
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)


def worker_main(
    number: int, data_root: str, out_root: str, tasks: Any, results: Any, log_level: str = "WARNING"
) -> None:
    """Run in a child process: take days from `tasks` until None, put a result per day on `results`."""
    _die_with_parent()
    out = Path(out_root)
    staging = Layout(out).rebuild_dir / "staging" / f"worker-{number}"
    _configure_logging(Layout(out).rebuild_dir / f"worker-{number}.log", log_level)

    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from scrapy.crawler import Crawler, CrawlerRunner
    from scrapy.settings import Settings
    from twisted.internet import defer, reactor, threads

    from scraper.fetch.rebuild.units import UnitError, read_unit
    from scraper.fetch.spiders.hfpapers import HfPapersSpider

    runner = CrawlerRunner()

    @defer.inlineCallbacks
    def replay_day(day: date, warcs: list[str]) -> Generator[Deferred[Any], Any, dict[str, Any]]:
        result: dict[str, Any] = {"day": day.isoformat(), "crawls": [], "rows": {}, "answers": 0, "pages": 0}
        errors: list[str] = []
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for warc in warcs:
            try:
                unit = read_unit(day, Path(warc))
            except UnitError as exc:
                errors.append(str(exc))
                continue
            result["crawls"].append(unit.crawl_id)
            settings = Settings()
            settings.setmodule("scraper.settings", priority="project")
            settings.setdict(replay_settings(unit, staging, Path(data_root)), priority="cmdline")
            crawler = Crawler(HfPapersSpider, settings)
            kwargs = {"source": unit.source}
            if unit.requested == "latest":
                kwargs["refresh"] = "0"
            else:
                kwargs["date"] = day.isoformat()
                if unit.accept_shrunk:
                    kwargs["accept_shrunk"] = "yes"
            try:
                yield runner.crawl(crawler, **kwargs)
            except Exception as exc:  # a crash of the replay itself: the day is not published
                errors.append(f"{unit.warc}: the replay failed: {type(exc).__name__}: {exc}")
                logger.error("%s", traceback.format_exc())
                continue
            values = crawler.stats.get_stats() if crawler.stats else {}
            for key, value in values.items():
                if key.startswith(stats.ROWS):
                    table = key[len(stats.ROWS) :]
                    result["rows"][table] = result["rows"].get(table, 0) + value
                elif key.startswith(stats.RESPONSES) and not key.endswith("/cached"):
                    result["answers"] += value
                    if key.endswith(("arxiv_html", "arxiv_abs")):
                        result["pages"] += value
            for what in ("damaged", "missing"):
                count = values.get(stats.REPLAY + what, 0)
                if count:
                    errors.append(f"{unit.warc}: {count} {what} record(s) (see the day's rejects)")
        if not any(e for e in errors if "the replay failed" in e or "warcinfo" in e):
            publish(staging, out, day)
            result["published"] = True
        result["errors"] = errors
        return result

    @defer.inlineCallbacks
    def loop() -> Generator[Deferred[Any], Any, None]:
        try:
            while True:
                task = yield threads.deferToThread(tasks.get)
                if task is None:
                    break
                day_text, warcs = task
                try:
                    result = yield replay_day(date.fromisoformat(day_text), warcs)
                except Exception as exc:
                    result = {"day": day_text, "errors": [f"{type(exc).__name__}: {exc}"], "crawls": []}
                    logger.error("%s", traceback.format_exc())
                results.put(result)
        finally:
            reactor.stop()  # type: ignore[misc]

    reactor.callWhenRunning(loop)
    reactor.run()  # type: ignore[misc]
    shutil.rmtree(staging, ignore_errors=True)
