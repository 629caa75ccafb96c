"""The scheduler the crawl uses (settings.SCHEDULER): Scrapy's, with its queue kept in memory."""

from __future__ import annotations

from typing import Self

from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler
from scrapy.utils.misc import build_from_crawler, load_object


class MemoryQueueScheduler(Scheduler):
    """Scrapy's scheduler, with its request queue in memory even when JOBDIR is set.

    With JOBDIR, Scrapy keeps pending requests in a disk queue whose index is written only on a
    graceful stop: after a SIGKILL it is stale or torn, and even a clean one holds only part of the
    day in progress (in-flight requests are lost either way) — replaying it next to the redone day
    would fetch pages twice and could add rows of a different version. Resume does not need it (see
    DayJournal), so the queue stays in memory, and JOBDIR never holds a pickled request. The
    dupefilter still keeps its fingerprints there (all our requests are dont_filter)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(
            dupefilter=build_from_crawler(load_object(settings["DUPEFILTER_CLASS"]), crawler),
            jobdir=None,
            dqclass=load_object(settings["SCHEDULER_DISK_QUEUE"]),
            mqclass=load_object(settings["SCHEDULER_MEMORY_QUEUE"]),
            logunser=settings.getbool("SCHEDULER_DEBUG"),
            stats=crawler.stats,
            pqclass=load_object(settings["SCHEDULER_PRIORITY_QUEUE"]),
            crawler=crawler,
        )
