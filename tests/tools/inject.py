"""A test-only Scrapy extension that makes one stage of the crawl raise, to prove that no exception
escapes silently (tests/test_errors.py). Enabled per crawl with

    -s EXTENSIONS='{"tests.tools.inject.InjectFault": 0}' -s INJECT_FAULT=<stage>

where <stage> is `callback:<spider method>` (a callback or errback: it raises on its first call),
`pipeline:<pipeline class>` (its `process_item` raises on its first item) or `write` (the writer's
first partition write of a completed day raises). Nothing in the product knows about it.
"""

from __future__ import annotations

import functools
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

MESSAGE = "injected by tests.tools.inject"


class InjectedFault(RuntimeError):
    pass


class InjectFault:
    def __init__(self, crawler: Crawler, stage: str) -> None:
        self.crawler = crawler
        self.kind, _, self.name = stage.partition(":")
        crawler.signals.connect(self.arm, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InjectFault:
        return cls(crawler, crawler.settings.get("INJECT_FAULT", ""))

    def arm(self, spider: Any) -> None:
        if self.kind == "callback":
            setattr(spider, self.name, _raising_once(getattr(spider, self.name)))
        elif self.kind == "pipeline":  # Scrapy keeps each pipeline's bound process_item in a chain
            chain = self.crawler.engine.scraper.itemproc.methods["process_item"]
            for i, method in enumerate(chain):
                if type(method.__self__).__name__ == self.name:
                    chain[i] = _raising_once(method)
        elif self.kind == "write":  # the writer's first partition write of a completed day
            import pipelines.write

            pipelines.write.write_partition = _raising_once(pipelines.write.write_partition)


def _raising_once(method: Any) -> Any:
    fired = False

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal fired
        if not fired:
            fired = True
            raise InjectedFault(MESSAGE)
        return method(*args, **kwargs)

    return wrapper
