"""robots.txt `Crawl-delay`, applied per domain on top of the download slots (Scrapy obeys
robots.txt rules but not this directive)."""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

from scraper.fetch import stats

logger = logging.getLogger(__name__)


class CrawlDelay:
    """Honour robots.txt `Crawl-delay` per domain (Scrapy reads robots.txt but does not apply the
    delay): when a site's robots.txt is parsed, its download slot gets at least that delay, one
    connection and no jitter. Delays above HFPAPERS_MAX_CRAWL_DELAY are capped, with a warning."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat("HFPAPERS_MAX_CRAWL_DELAY")
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.robots_parsed, signal=signals.robots_parsed)
        return extension

    def robots_parsed(self, robotparser: RobotParser, request: Request, **_: Any) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        netloc = urlparse_cached(request).netloc
        if not delay:
            return
        if delay > self.max_delay:
            logger.warning(
                "%s asks for Crawl-delay %ss; capped at HFPAPERS_MAX_CRAWL_DELAY=%ss",
                netloc,
                delay,
                self.max_delay,
            )
            delay = self.max_delay
        host = urlparse_cached(request).hostname or netloc
        downloader = self.crawler.engine.downloader
        slot_settings = downloader.per_slot_settings.setdefault(host, {})
        slot_settings["delay"] = max(float(slot_settings.get("delay", 0.0)), float(delay))
        slot_settings["concurrency"] = 1
        slot_settings["jitter"] = 0.0
        slot = downloader.slots.get(host)
        if slot is not None:
            slot.delay = max(slot.delay, float(delay))
            slot.concurrency = 1
            slot.jitter = 0.0
        self.crawler.stats.set_value(stats.CRAWL_DELAY + host, slot_settings["delay"])
        logger.info("%s: robots.txt Crawl-delay %ss applied (one connection)", host, delay)
