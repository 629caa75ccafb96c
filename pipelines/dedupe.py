"""De-duplicate: one row per key per listing day and table (the first one wins)."""

from __future__ import annotations

from datetime import date
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from scraper.fetch.items import TableRow
from scraper.fetch.signals import day_completed
from scraper.schema.registry import KEYS


class DedupePipeline:
    def __init__(self) -> None:
        self.seen: dict[date, set[tuple]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls()
        crawler.signals.connect(pipeline.forget_day, signal=day_completed)
        crawler.signals.connect(pipeline.forget_all, signal=signals.spider_closed)
        return pipeline

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, TableRow) or not KEYS.get(item.table):
            return item
        key = (item.table, *(item.record.get(column) for column in KEYS[item.table]))
        seen = self.seen.setdefault(item.listing_date, set())
        if key in seen:
            raise DropItem(f"duplicate {key} on {item.listing_date}", log_level="INFO")
        seen.add(key)
        return item

    def forget_day(self, listing_date: date, **_: Any) -> None:
        self.seen.pop(listing_date, None)

    def forget_all(self, **_: Any) -> None:
        self.seen.clear()
