"""The listing days of one run: which days are in progress, how each ended, what is left, and the
job's journal of finished days.

Days go in *batches* (the latest day and its refresh window, or up to HFPAPERS_BATCH_DAYS days of a
backfill), in three steps, each ending when the engine goes idle — the one moment Scrapy guarantees
that nothing is in flight (retries included), so no request counting is needed:

1. lists: every day's list, page by page (the days of a batch in parallel);
2. arXiv API: the ids of every list of the batch in one set of queries of up to 100 ids (a refresh
   asks ⌈ids/100⌉ times, not once per day);
3. pages: day after day, that day's arXiv pages; when they are done the day is closed — its archive
   file finished, its partitions written (the writer's `write_day`, then signal `day_completed`) and
   journaled, or, when it failed, its rejects written (`drop_day`, then signal `day_failed`) and not
   journaled, so a resumed job tries it again. The writer is the item pipeline that is a DayWriter
   (scraper/fetch/day_writer.py).

Days are closed one at a time, in the batch's order, so a day is still written whole and atomically,
and a kill loses at most the days of the batch not yet closed. Closing in order also keeps the
archive's promise: an arXiv API answer that serves several days is archived in the file of the
first of them, which is finished before the others (scraper/fetch/archive_recorder.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.utils.job import job_dir
from twisted.python.failure import Failure

from scraper.fetch import stats
from scraper.fetch.args import RunPlan
from scraper.fetch.callback_errors import fail_day_on_item_error
from scraper.fetch.day_writer import DayWriter, FailedDay, WrittenDay
from scraper.fetch.identity import crawl_id
from scraper.fetch.items import Reject
from scraper.fetch.journal import JOURNAL_NAME, DayJournal
from scraper.fetch.lists import PagedList
from scraper.fetch.signals import day_closing, day_completed, day_failed
from scraper.store.layout import Layout

logger = logging.getLogger(__name__)

BATCH_DAYS_SETTING = "HFPAPERS_BATCH_DAYS"
# A rebuild replays a crawl that superseded interrupted crawls of its day: {"YYYY-MM-DD": [crawl id…]}
SUPERSEDES_SETTING = "HFPAPERS_SUPERSEDES"


class Step(Enum):
    LISTS = "lists"
    API = "api"
    PAGES = "pages"


@dataclass
class Day:
    """One listing day of the batch (day None: the undated request, until it names the latest day)."""

    day: dt.date | None
    latest: bool = False  # its list was asked for undated (the latest day)
    pages: PagedList = field(default_factory=PagedList)
    ok: bool = False  # its list was read and judged sound
    failure: str | None = None  # why it could not be fetched or trusted
    filed_under: dt.date | None = None  # where its rejects go (undated: the crawl's day)
    failure_rejects: list[Reject] = field(default_factory=list)  # failures no callback could yield
    papers: list[str] = field(default_factory=list)  # ids to follow to arXiv, in list order
    kept: dict[str, str] = field(default_factory=dict)  # id -> page whose rows are kept (not fetched)


class DayBook:
    def __init__(self, plan: RunPlan, crawler: Crawler) -> None:
        self.plan = plan
        self.crawler = crawler
        self.data_dir = Layout.of(crawler.settings).root.resolve()
        self.crawl_id = crawl_id(crawler)
        self.pending: list[dt.date | None] = list(plan.days or [None])  # None: "the latest day"
        self.batch: list[Day] = []
        self.step = Step.LISTS
        self.at = 0  # the batch's day whose pages are being fetched (step PAGES)
        self.latest_day: dt.date | None = None  # the day the undated request named
        self.versions: dict[str, int | None] = {}  # the batch's ids -> version the arXiv API gave
        self.days_done = 0  # of the plan, including days an earlier run of the job finished
        self.days_resumed = 0
        self.papers_so_far = 0
        self.outcomes: dict[str, dict] = {}  # listing day -> how it ended (for the run report)
        self._started = time.monotonic()
        settings = crawler.settings
        self.batch_days = max(1, settings.getint(BATCH_DAYS_SETTING))
        # Crawls of a day this crawl supersedes: a resumed job redoes a day whose closing a crawl of the
        # job began but did not finish; the redo replaces what that crawl appended (ratings, rejects).
        self.superseded: dict[dt.date, list[str]] = {}
        given = settings.get(SUPERSEDES_SETTING)
        if given:
            self.superseded = {dt.date.fromisoformat(d): list(ids) for d, ids in json.loads(given).items()}
        jobdir = job_dir(settings)
        self.journal = DayJournal(Path(jobdir) / JOURNAL_NAME) if jobdir else None
        if self.journal is not None:
            self._skip_finished_days(self.journal)
            for day, crawls in self.journal.interrupted(plan.source, str(self.data_dir)).items():
                self.superseded.setdefault(day, []).extend(c for c in crawls if c != self.crawl_id)
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

    # -- the batch -------------------------------------------------------------------------------

    def next_batch(self) -> list[Day]:
        """Begin the next batch of planned days (step LISTS); returns its days (empty: none left)."""
        if not self.pending:
            self.batch = []
            return []
        if self.pending[0] is None:  # the undated request: the batch grows once it names the day
            self.pending.pop(0)
            self.batch = [Day(None, latest=True)]
        else:
            take, self.pending = self.pending[: self.batch_days], self.pending[self.batch_days :]
            self.batch = [Day(day) for day in take]
        self.step, self.at, self.versions = Step.LISTS, 0, {}
        return list(self.batch)

    def latest_known(self, latest: dt.date, window: int) -> list[Day]:
        """The undated request named `latest`: it is the batch's first day, followed by the `window`
        calendar days before it (the refresh). Returns the days added (to request their lists)."""
        undated = self.state(None)
        undated.day = latest
        self.latest_day = latest
        added = [Day(latest - dt.timedelta(days=n)) for n in range(1, window + 1)]
        self.batch += added
        return added

    def state(self, day: dt.date | None) -> Day:
        """The batch's Day for `day` (None: the undated request, also once it named its day)."""
        for entry in self.batch:
            if entry.day == day or (day is None and entry.latest):
                return entry
        for entry in self.batch:  # a failed undated request's rejects are filed under another day
            if day is not None and entry.filed_under == day:
                return entry
        entry = Day(day)  # (an answer for a day outside the batch: kept apart, never written)
        logger.error("%s is not a day of the batch being crawled", day)
        return entry

    def asked_undated(self, day: dt.date) -> bool:
        """Whether `day`'s list was asked for undated, as the latest day (or, when that failed, its
        rejects are filed under `day`)."""
        return any(entry.latest and (entry.day or entry.filed_under) == day for entry in self.batch)

    def mark_read(self, day: dt.date, papers: list[str]) -> None:
        """The day's list was read and may be written; `papers` are to be followed to arXiv."""
        state = self.state(day)
        state.ok, state.papers = True, papers
        self.papers_so_far += len(papers)

    def release_list_pages(self, day: dt.date) -> None:
        """The day's list entries are rows now: let its pages go before the day's arXiv pages come."""
        self.state(day).pages = PagedList()

    def version_found(self, arxiv_id: str, version: int | None) -> None:
        """The arXiv API gave `arxiv_id`'s latest version: its pages are asked for at that version."""
        self.versions[arxiv_id] = version

    def keep_page(self, day: dt.date, arxiv_id: str, url: str) -> None:
        """`day` holds the rows of `arxiv_id`'s page `url` already: they are kept, not fetched."""
        self.state(day).kept[arxiv_id] = url

    def start_api_step(self) -> bool:
        """Move from the lists step to the arXiv API step; False when the lists step is over."""
        if self.step is not Step.LISTS:
            return False
        self.step = Step.API
        return True

    def fail(self, day: dt.date | None, reason: str, at: dt.datetime | None = None) -> dt.date:
        """Mark the day failed; the writer is told when it closes. Returns the day its rejects are
        filed under: a failed undated request (no listing day known) goes under the day of `at`, the
        time of the failed answer (a rebuild, reading it from the archive, files them alike)."""
        state = self.state(day)
        if state.failure is None:  # a day counts as failed once, whatever else goes wrong in it
            self.crawler.stats.inc_value(stats.DAYS_FAILED)
        state.ok, state.failure = False, state.failure or reason
        state.filed_under = state.day or (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).date()
        return state.filed_under

    def failure(self, day: dt.date | None) -> str | None:
        return self.state(day).failure

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
        self.state(day).failure_rejects.append(Reject(filed, url, reason, detail, table, arxiv_id))

    def api_ids(self) -> list[str]:
        """The ids of every sound list of the batch, once each, in the batch's order."""
        return list(dict.fromkeys(i for entry in self.batch if entry.ok for i in entry.papers))

    def days_listing(self, ids: list[str]) -> list[dt.date]:
        """The batch's days (sound lists) that list any of `ids`, in the batch's order."""
        wanted = set(ids)
        return [e.day for e in self.batch if e.ok and e.day is not None and wanted & set(e.papers)]

    # -- moving on when the engine is idle -------------------------------------------------------

    def next_page_day(self) -> Day | None:
        """Close the day whose pages were fetched (step PAGES) and return the next day of the batch
        to fetch pages for, closing on the way those that need none. None: the batch is done."""
        if self.step is not Step.PAGES:
            self.step, self.at = Step.PAGES, 0
        else:
            self.finish(self.batch[self.at])
            self.at += 1
        while self.at < len(self.batch):
            entry = self.batch[self.at]
            if entry.ok and entry.papers and entry.failure is None:
                return entry
            self.finish(entry)
            self.at += 1
        return None

    # -- closing a day ---------------------------------------------------------------------------

    def finish(self, entry: Day) -> None:
        """Close a day: have it written (and journaled) or reported as failed."""
        day = entry.day
        if day is None and entry.failure is None:
            return  # nothing began (the undated request that never answered)
        closed = entry.filed_under or day
        supersedes = self.superseded.get(closed) if closed else None
        if entry.failure is not None:
            filed = entry.filed_under
            self._journal_closing(filed)
            self._close(entry, filed, "failed", entry.failure)
            self._drop(FailedDay(day, entry.failure, filed, tuple(entry.failure_rejects), supersedes or ()))
            self._journal_failed(filed)
        elif entry.ok and day is not None:
            self._journal_closing(day)
            if self._close(entry, day, "read"):
                self._complete(entry, day, supersedes or ())
            else:
                self._journal_failed(day)
        self.days_done += 1
        self._log_progress(day)

    def _close(self, entry: Day, day: dt.date | None, outcome: str, reason: str = "") -> bool:
        """Tell the archive the day is over (it finishes the day's file); False when it could not."""
        if day is None:
            return True
        requested = "latest" if entry.latest else "date"
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

    def _writer(self) -> DayWriter | None:
        return self.crawler.get_item_pipeline(DayWriter)

    def _drop(self, failed: FailedDay) -> None:
        """A failed day: the writer adds its rejects, then `day_failed` tells whoever listens."""
        writer = self._writer()
        if writer is not None:
            try:
                writer.drop_day(failed)
            except Exception:  # its rejects are lost, the day already counts as failed: say so, go on
                logger.exception("%s: the failed day's rejects could not be written", failed.filed_under)
        self.crawler.signals.send_catch_log(
            day_failed,
            listing_date=failed.listing_date,
            reason=failed.reason,
            filed_under=failed.filed_under,
            rejects=failed.rejects,
            supersedes=failed.supersedes,
        )

    def _write(self, entry: Day, day: dt.date, supersedes: Collection[str]) -> WrittenDay:
        """Have the writer write the completed day, then tell whoever listens (`day_completed`)."""
        writer = self._writer()
        try:
            return writer.write_day(day, supersedes, entry.kept) if writer is not None else WrittenDay()
        finally:
            self.crawler.signals.send_catch_log(day_completed, listing_date=day)

    def _complete(self, entry: Day, day: dt.date, supersedes: Collection[str]) -> None:
        try:
            written = self._write(entry, day, supersedes)
        except Exception as exc:
            cause = str(exc)
            logger.error(
                "%s: the day could not be written (%s); it counts as failed and a resumed job redoes it",
                day,
                cause,
                exc_info=True,
            )
            self.crawler.stats.inc_value(stats.DAYS_FAILED)
            self.outcomes[day.isoformat()] = {"outcome": "failed"}
            reason = f"the day could not be written: {cause}"
            reject = Reject(day, None, "write_failed", reason, None)
            self._drop(FailedDay(day, reason, day, (reject,), supersedes))
            self._journal_failed(day)
            return
        rows = written.rows
        self.outcomes[day.isoformat()] = {"outcome": "written" if rows else "empty", "rows": rows}
        if self.journal is None:
            return
        try:
            self.journal.record(day, self.plan.source, str(self.data_dir), rows, self.crawl_id)
        except OSError as exc:  # the day is written; a resumed job would only redo it
            logger.error(
                "%s: written, but the job journal %s could not be appended (%s)", day, self.journal.path, exc
            )

    def _journal_closing(self, day: dt.date | None) -> None:
        """The day begins to close: if the crawl dies now, a resumed job redoes it and supersedes us."""
        self._journal_note(day, closing=True)

    def _journal_failed(self, day: dt.date | None) -> None:
        self._journal_note(day, closing=False)

    def _journal_note(self, day: dt.date | None, closing: bool) -> None:
        if self.journal is None or day is None:
            return
        note = self.journal.closing if closing else self.journal.failed
        try:
            note(day, self.plan.source, str(self.data_dir), self.crawl_id)
        except OSError as exc:
            logger.error("%s: the job journal %s could not be appended (%s)", day, self.journal.path, exc)

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
        if reason == "finished":
            return
        unfinished = [e.day for e in self.batch[self.at :] if e.day is not None]
        if unfinished:
            logger.warning(
                "%s %s in progress when the crawl stopped (%s); not written — a rerun "
                "(or a resumed job) does %s again",
                ", ".join(d.isoformat() for d in unfinished),
                "was" if len(unfinished) == 1 else "were",
                reason,
                "it" if len(unfinished) == 1 else "them",
            )
