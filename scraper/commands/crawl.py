"""`scrapy crawl hfpapers …` with two additions users rely on in scripts and cron jobs:

* bad arguments stop with one line on stderr and exit code 2, before any request is sent;
* the exit code is 1 when a listing day could not be fetched at all (the crawl's stats say so).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from scraper.args import ArgumentError, plan_run

FAILED_DAYS_STAT = "hfpapers/days_failed"


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        # Runs before Scrapy sets up logging and the crawler process: a bad argument costs one
        # line on stderr and nothing else.
        super().process_options(args, opts)
        if args[:1] == ["hfpapers"]:
            spargs = dict(opts.spargs)
            try:
                plan_run(
                    spargs.get("date"), spargs.get("start"), spargs.get("end"), spargs.get("source")
                )
            except ArgumentError as exc:
                print(f"hfpapers: error: {exc}", file=sys.stderr)
                sys.exit(2)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        failed_days = crawler.stats.get_value(FAILED_DAYS_STAT) if crawler.stats else 0
        if self.crawler_process.bootstrap_failed or failed_days:
            self.exitcode = 1
