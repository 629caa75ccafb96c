"""`scrapy crawl hfpapers …` with additions users rely on in scripts and cron jobs:

* bad arguments (`-a`), bad HFPAPERS_* settings (`-s`) and a data folder that cannot be written stop
  with one line on stderr and exit code 2, before any request is sent;
* the data folder is locked for the crawl: a second crawl into the same folder refuses with one line
  (exit 2) instead of replacing the first one's files under it;
* the exit code is 1 when a listing day could not be fetched, trusted or written, or an arXiv
  request failed for good (the crawl's stats say so), and the last line on stderr says what and why.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import IO, Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

from scraper.fetch import stats
from scraper.fetch.args import ArgumentError, SpiderArguments
from scraper.fetch.preflight import (
    PreflightError,
    check_data_dir,
    check_settings,
    lock_data_dir,
    user_agent,
)
from scraper.fetch.signals import day_failed
from scraper.fetch.stats import DAYS_FAILED as FAILED_DAYS_STAT
from scraper.store.layout import data_root


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        # Runs before Scrapy sets up logging and the crawler process: a bad argument costs one
        # line on stderr and nothing else.
        super().process_options(args, opts)
        if args[:1] == ["hfpapers"]:
            assert self.settings is not None  # set by Scrapy before options are processed
            try:
                # Held until this process ends (the open file keeps the flock).
                self.data_dir_lock = prepare_crawl(self.settings, dict(opts.spargs))
            except (ArgumentError, PreflightError) as exc:
                print(f"hfpapers: error: {exc}", file=sys.stderr)
                sys.exit(2)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        failures = record_failed_days(crawler)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        self.exitcode, lines = crawl_outcome(crawler, failures, self.crawler_process.bootstrap_failed)
        for line in lines:
            print(line, file=sys.stderr)


def prepare_crawl(settings: BaseSettings, spider_args: dict[str, Any]) -> IO[str]:
    """Everything checked before any request: the spider arguments, the HFPAPERS_* settings (stored
    parsed), the User-Agent's contact, the data folder (writable, and locked for this crawl). Returns
    the open lock file (closing it releases the folder); raises ArgumentError or PreflightError."""
    SpiderArguments.check_names(spider_args)
    SpiderArguments(**spider_args).plan()
    check_settings(settings)
    if settings.getpriority("USER_AGENT") == settings.getpriority("BOT_NAME"):
        # the project's own User-Agent (not one given with -s): add the contact
        settings.set("USER_AGENT", user_agent(settings), priority="project")
    return lock_data_dir(check_data_dir(data_root(settings)))


def record_failed_days(crawler: Crawler) -> list[tuple[date | None, str]]:
    """The listing days this crawler reports failed (`day_failed`), in order, as (day, reason)."""
    failures: list[tuple[date | None, str]] = []

    def remember_failure(listing_date: date | None = None, reason: str = "", **_: Any) -> None:
        failures.append((listing_date, reason))

    crawler.signals.connect(remember_failure, signal=day_failed, weak=False)
    return failures


def crawl_outcome(
    crawler: Crawler, failures: list[tuple[date | None, str]], bootstrap_failed: bool
) -> tuple[int, list[str]]:
    """The exit code of a finished crawl (0, or 1 when a day or an arXiv request failed for good,
    or the crawl could not start) and the lines that say in short what went wrong (for stderr)."""
    failed_days = crawler.stats.get_value(FAILED_DAYS_STAT) if crawler.stats else 0
    failed_requests = crawler.stats.get_value(stats.REQUESTS_FAILED) if crawler.stats else 0
    exitcode = 1 if bootstrap_failed or failed_days or failed_requests else 0
    lines = []
    if failed_requests and not failures:
        first = crawler.stats.get_value(stats.FIRST_FAILED_REQUEST)
        lines.append(
            f"hfpapers: error: {failed_requests} arXiv request(s) failed for good, their papers are "
            f"written without that page (rejects say which); the first: {first}"
        )
    if failures:
        # The log above has the details; the last line says in short what went wrong.
        first_day, first_reason = failures[0]
        more = f" (and {len(failures) - 1} more day(s))" if len(failures) > 1 else ""
        lines.append(
            f"hfpapers: error: {first_day or 'the latest day'} could not be crawled: {first_reason}{more}"
        )
    return exitcode, lines
