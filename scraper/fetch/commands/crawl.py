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
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

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
            try:
                SpiderArguments.check_names(opts.spargs)
                SpiderArguments(**opts.spargs).plan()
                assert self.settings is not None  # set by Scrapy before options are processed
                check_settings(self.settings)
                if self.settings.getpriority("USER_AGENT") == self.settings.getpriority("BOT_NAME"):
                    # the project's own User-Agent (not one given with -s): add the contact
                    self.settings.set("USER_AGENT", user_agent(self.settings), priority="project")
                data_dir = check_data_dir(data_root(self.settings))
                # Held until this process ends (the open file keeps the flock).
                self.data_dir_lock = lock_data_dir(data_dir)
            except (ArgumentError, PreflightError) as exc:
                print(f"hfpapers: error: {exc}", file=sys.stderr)
                sys.exit(2)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        failures: list[tuple[date | None, str]] = []

        def remember_failure(listing_date: date | None = None, reason: str = "", **_: Any) -> None:
            failures.append((listing_date, reason))

        crawler.signals.connect(remember_failure, signal=day_failed, weak=False)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        failed_days = crawler.stats.get_value(FAILED_DAYS_STAT) if crawler.stats else 0
        failed_requests = crawler.stats.get_value(stats.REQUESTS_FAILED) if crawler.stats else 0
        if self.crawler_process.bootstrap_failed or failed_days or failed_requests:
            self.exitcode = 1
        if failed_requests and not failures:
            first = crawler.stats.get_value(stats.FIRST_FAILED_REQUEST)
            print(
                f"hfpapers: error: {failed_requests} arXiv request(s) failed for good, their papers are "
                f"written without that page (rejects say which); the first: {first}",
                file=sys.stderr,
            )
        if failures:
            # The log above has the details; the last line says in short what went wrong.
            first_day, first_reason = failures[0]
            more = f" (and {len(failures) - 1} more day(s))" if len(failures) > 1 else ""
            print(
                f"hfpapers: error: {first_day or 'the latest day'} could not be crawled: "
                f"{first_reason}{more}",
                file=sys.stderr,
            )
