"""The listing days of one run: which day is in progress, how it ended, what is left, and the job's
journal of finished days.

Days are crawled one after another. When the engine goes idle every request of the day in progress
is done (retries included), so the spider calls `finish()`: a day whose list was read is handed to
the writer (signal `day_completed`) and, once its partitions are in place, journaled; a failed day
is reported (signal `day_failed`) and not journaled, so a resumed job tries it again.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.utils.job import job_dir
from twisted.python.failure import Failure

from scraper.args import RunPlan
from scraper.crawl import stats
from scraper.crawl.errors import fail_day_on_item_error
from scraper.crawl.journal import JOURNAL_NAME, DayJournal
from scraper.daylist import PagedList
from scraper.items import Reject
from scraper.layout import Layout
from scraper.signals import day_closing, day_completed, day_failed

logger = logging.getLogger(__name__)


class DayBook:
    def __init__(self, plan: RunPlan, crawler: Crawler) -> None:
        self.plan = plan
        self.crawler = crawler
        self.data_dir = Layout.of(crawler.settings).root.resolve()
        self.pending: list[dt.date | None] = list(plan.days or [None])  # None: "the latest day"
        self.current: dt.date | None = None  # the listing day in progress
        self.ok = False  # its list was read and judged sound
        self.failure: str | None = None  # why it could not be fetched or trusted
        self.latest_requested = False  # its list was asked for undated (as the latest day)
        self.filed_under: dt.date | None = None  # where its rejects go (undated: the crawl's day)
        self.pages = PagedList()  # its list, page by page
        self.failure_rejects: list[Reject] = []  # why it failed, for failures no callback could yield
        self.days_done = 0  # of the plan, including days an earlier run of the job finished
        self.days_resumed = 0
        self.papers_so_far = 0
        self.outcomes: dict[str, dict] = {}  # listing day -> how it ended (for the run report)
        self._started = time.monotonic()
        jobdir = job_dir(crawler.settings)
        self.journal = DayJournal(Path(jobdir) / JOURNAL_NAME) if jobdir else None
        if self.journal is not None:
            self._skip_finished_days(self.journal)
        fail_day_on_item_error(crawler, self)

    def _skip_finished_days(self, journal: DayJournal) -> None:
        """Leave out the days an earlier run of this job finished (the journal says which)."""
        finished = journal.finished(self.plan.source, str(self.data_dir))
        skipped = [day for day in self.pending if day in finished]
        if not skipped:
            return
        self.pending = [day for day in self.pending if day not in finished]
        self.days_done = self.days_resumed = len(skipped)
        logger.info(
            "resuming the job in %s: %d of %d days were finished by an earlier run (%s) and are not "
            "fetched again; %d to go",
            journal.path.parent,
            len(skipped),
            len(self.plan.days or ()),
            ", ".join(d.isoformat() for d in skipped if d),
            len(self.pending),
        )

    # -- the day in progress -----------------------------------------------------------------

    def begin(self, day: dt.date | None, latest: bool = False) -> None:
        self.current, self.ok, self.failure, self.pages = day, False, None, PagedList()
        self.failure_rejects = []
        self.latest_requested = latest  # the day's list was asked for undated (as the latest day)

    def begin_next(self) -> dt.date | None:
        """Start the next planned day (the caller checks `pending` first)."""
        day = self.pending.pop(0)
        self.begin(day, latest=day is None)
        return day

    def refresh_before(self, latest: dt.date, window: int) -> None:
        """Crawl `latest` now and the `window` calendar days before it next."""
        refresh: list[dt.date | None] = [latest - dt.timedelta(days=n) for n in range(1, window + 1)]
        self.pending = refresh + self.pending
        self.begin(latest, latest=True)

    def mark_read(self) -> None:
        """The day's list was read and may be written (possibly as a day without a list)."""
        self.ok = True

    def fail(self, day: dt.date | None, reason: str, at: dt.datetime | None = None) -> dt.date:
        """Mark the day failed; the writer is told when it closes. Returns the day its rejects are
        filed under: a failed undated request (no listing day known) goes under the day of `at`, the
        time of the failed answer (a rebuild, reading it from the archive, files them alike)."""
        if self.failure is None:  # a day counts as failed once, whatever else goes wrong in it
            self.crawler.stats.inc_value(stats.DAYS_FAILED)
        self.current, self.ok, self.failure = day or self.current, False, self.failure or reason
        self.filed_under = self.current or (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
        return self.filed_under

    def fail_with(
        self,
        day: dt.date | None,
        url: str | None,
        reason: str,
        detail: str,
        table: str | None = None,
        arxiv_id: str | None = None,
    ) -> None:
        """Fail the day because of something no callback could turn into a reject of its own (an
        exception in a callback or a pipeline); its reject is written with the day's other rejects."""
        filed = self.fail(day, detail)
        self.failure_rejects.append(Reject(filed, url, reason, detail, table, arxiv_id))

    # -- closing a day -----------------------------------------------------------------------

    def finish(self) -> None:
        """Close the day in progress: have it written (and journaled) or reported as failed."""
        if self.current is None and self.failure is None and not self.ok:
            return  # nothing began (the undated request that only named the latest day)
        day = self.current
        if self.failure is not None:
            self._close(self.filed_under, "failed", self.failure)
            self.crawler.signals.send_catch_log(
                day_failed,
                listing_date=day,
                reason=self.failure,
                filed_under=self.filed_under,
                rejects=self.failure_rejects,
            )
        elif self.ok and day is not None and self._close(day, "read"):
            self._complete(day)
        self.days_done += 1
        self._log_progress(day)
        self.begin(None)

    def _close(self, day: dt.date | None, outcome: str, reason: str = "") -> bool:
        """Tell the archive the day is over (it finishes the day's file); False when it could not."""
        if day is None:
            return True
        requested = "latest" if self.latest_requested else "date"
        results = self.crawler.signals.send_catch_log(
            day_closing, listing_date=day, outcome=outcome, reason=reason, requested=requested
        )
        self.outcomes[day.isoformat()] = {"outcome": "failed" if reason else outcome}
        failures = [result for _, result in results if isinstance(result, Failure)]
        if failures and outcome != "failed":
            logger.error(
                "%s: the day's answers could not be archived (%s); it is not written and counts as failed",
                day,
                failures[0].getErrorMessage(),
            )
            self.crawler.stats.inc_value(stats.DAYS_FAILED)
            self.outcomes[day.isoformat()] = {"outcome": "failed"}
            return False
        return True

    def _complete(self, day: dt.date) -> None:
        results = self.crawler.signals.send_catch_log(day_completed, listing_date=day)
        failures = [result for _, result in results if isinstance(result, Failure)]
        if failures:
            cause = failures[0].getErrorMessage()
            logger.error(
                "%s: the day could not be written (%s); it counts as failed and a resumed job redoes it",
                day,
                cause,
            )
            self.crawler.stats.inc_value(stats.DAYS_FAILED)
            self.outcomes[day.isoformat()] = {"outcome": "failed"}
            reason = f"the day could not be written: {cause}"
            reject = Reject(day, None, "write_failed", reason, None)
            self.crawler.signals.send_catch_log(
                day_failed, listing_date=day, reason=reason, filed_under=day, rejects=[reject]
            )
            return
        rows = next((r for _, r in results if isinstance(r, dict)), {})
        self.outcomes[day.isoformat()] = {"outcome": "written" if rows else "empty", "rows": rows}
        if self.journal is None:
            return
        try:
            self.journal.record(day, self.plan.source, str(self.data_dir), rows)
        except OSError as exc:  # the day is written; a resumed job would only redo it
            logger.error(
                "%s: written, but the job journal %s could not be appended (%s)", day, self.journal.path, exc
            )

    def _log_progress(self, day: dt.date | None) -> None:
        if self.plan.days is None or len(self.plan.days) < 2:
            return
        total = len(self.plan.days)
        elapsed = time.monotonic() - self._started
        this_run = self.days_done - self.days_resumed
        eta = elapsed / this_run * (total - self.days_done) if this_run else 0.0
        logger.info(
            "backfill: %d/%d days done (last %s), %d papers so far, elapsed %s, ETA %s",
            self.days_done,
            total,
            day,
            self.papers_so_far,
            dt.timedelta(seconds=round(elapsed)),
            dt.timedelta(seconds=round(eta)),
        )

    def stopped(self, reason: str) -> None:
        if self.current is not None and reason != "finished":
            logger.warning(
                "%s was in progress when the crawl stopped (%s); not written — a rerun "
                "(or a resumed job) does it again",
                self.current,
                reason,
            )
