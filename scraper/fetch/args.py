"""Spider arguments, checked before any request is sent: which listing days to crawl, from where."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scraper.parse.dates import parse_day

SOURCES = ("api", "html")
MAX_REFRESH_DAYS = 365
# The first Hugging Face Daily Papers list (docs/sources.md §2): earlier days cannot have one.
FIRST_LIST_DAY = date(2023, 5, 4)


class ArgumentError(ValueError):
    """A bad `-a` argument; its message is the one line shown to the user."""


@dataclass(frozen=True)
class RunPlan:
    """`days` is None for "the latest listing day" (learned from the data), else the days in order."""

    days: tuple[date, ...] | None
    source: str
    # Undated crawls only: how many calendar days before the latest listing day are crawled again
    # (their lists grow and their upvotes climb after the day). None: the HFPAPERS_REFRESH_DAYS setting.
    refresh_days: int | None = None
    # The maintainer confirmed that these days' lists really lost papers (scraper/fetch/lists.py): a
    # list lacking more than a few written papers may replace the day.
    accept_shrunk: bool = False

    @property
    def label(self) -> str:
        if self.days is None:
            return "latest listing day"
        if len(self.days) == 1:
            return self.days[0].isoformat()
        return f"{self.days[0].isoformat()} … {self.days[-1].isoformat()} ({len(self.days)} days)"


def _parse_day(name: str, value: str, today: date) -> date:
    try:
        day = parse_day(value, name)
    except ValueError as exc:
        raise ArgumentError(str(exc)) from None
    if day > today:
        raise ArgumentError(f"{name}={value} is in the future (today is {today.isoformat()} UTC)")
    if day < FIRST_LIST_DAY:
        raise ArgumentError(
            f"{name}={value} is before the first Daily Papers list ({FIRST_LIST_DAY.isoformat()}); "
            "lists begin on that day"
        )
    return day


def _parse_refresh(value: str | None) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_REFRESH_DAYS:
        raise ArgumentError(
            f"refresh={value!r} is not a number of days from 0 to {MAX_REFRESH_DAYS} (0 turns it off)"
        )
    return int(text)


_YES, _NO = ("yes", "true", "1"), ("no", "false", "0")


def _parse_accept_shrunk(value: str | None, dated: bool) -> bool:
    if value is None:
        return False
    text = str(value).strip().lower()
    if text not in _YES + _NO:
        raise ArgumentError(f"accept_shrunk={value!r} is not yes or no")
    if text in _YES and not dated:
        raise ArgumentError(
            "accept_shrunk=yes goes with date=… or start=…/end=…: name the days whose lists really shrank"
        )
    return text in _YES


def _argument(description: str) -> Any:
    """A spider argument: text from the command line, None when not given."""
    return field(default=None, metadata={"help": description})


@dataclass(frozen=True)
class SpiderArguments:
    """The `hfpapers` spider's `-a` arguments, declared here only: each as the text given on the
    command line (None: not given), with its help. `plan()` checks them together and says what to
    crawl (a RunPlan) or raises ArgumentError with the one line shown to the user."""

    date: str | None = _argument("one listing day, YYYY-MM-DD (default: the latest day)")
    start: str | None = _argument("first day of a backfill, YYYY-MM-DD (with end)")
    end: str | None = _argument("last day of a backfill, YYYY-MM-DD (with start)")
    source: str | None = _argument(f"where the lists come from: {' or '.join(SOURCES)} (default api)")
    refresh: str | None = _argument(
        f"undated crawls: days before the latest day crawled again, 0 to {MAX_REFRESH_DAYS} "
        "(default: HFPAPERS_REFRESH_DAYS)"
    )
    accept_shrunk: str | None = _argument("yes: the named days' lists really lost papers; replace them")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def check_names(cls, given: Mapping[str, Any]) -> None:
        """Refuse `-a` names the spider does not know (they would be ignored and the wrong days
        crawled), e.g. a typo such as `Date=`."""
        unknown = sorted(set(given) - set(cls.names()))
        if unknown:
            raise ArgumentError(
                f"unknown argument {', '.join(f'-a {n}=…' for n in unknown)}; "
                f"the spider takes {', '.join(cls.names())}"
            )

    @classmethod
    def take(cls, given: MutableMapping[str, Any]) -> SpiderArguments:
        """The spider's arguments, taken out of `given` (what else is there is left in it)."""
        return cls(**{name: given.pop(name) for name in cls.names() if name in given})

    def plan(self, today: dt.date | None = None) -> RunPlan:
        """Validate the arguments and return what to crawl; raise ArgumentError otherwise."""
        plan = _plan_days(self.date, self.start, self.end, self.source, today, self.refresh)
        shrunk = _parse_accept_shrunk(self.accept_shrunk, dated=plan.days is not None)
        return RunPlan(plan.days, plan.source, plan.refresh_days, shrunk) if shrunk else plan


def plan_run(today: date | None = None, **given: str | None) -> RunPlan:
    """`-a` arguments by name -> what to crawl: unknown names and bad values raise ArgumentError."""
    SpiderArguments.check_names(given)
    return SpiderArguments(**given).plan(today)


def _plan_days(
    date: str | None,
    start: str | None,
    end: str | None,
    source: str | None,
    today: date | None,
    refresh: str | None,
) -> RunPlan:
    today = today or datetime.now(UTC).date()
    source = (source or "api").strip().lower()
    if source not in SOURCES:
        raise ArgumentError(f"source={source!r} is not one of {', '.join(SOURCES)}")
    if date is not None and (start is not None or end is not None):
        raise ArgumentError("give either date=… or start=…/end=…, not both")
    refresh_days = _parse_refresh(refresh)
    if refresh_days is not None and (date is not None or start is not None or end is not None):
        raise ArgumentError("refresh=N goes with the undated crawl (latest day), not with date=/start=/end=")
    if date is not None:
        return RunPlan((_parse_day("date", date, today),), source)
    if start is None and end is None:
        return RunPlan(None, source, refresh_days)
    if start is None or end is None:
        raise ArgumentError("a backfill needs both start=YYYY-MM-DD and end=YYYY-MM-DD")
    first, last = _parse_day("start", start, today), _parse_day("end", end, today)
    if last < first:
        raise ArgumentError(f"end={end} is before start={start}")
    # Every calendar day: some Sundays have lists, so no day is skipped by weekday.
    days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
    return RunPlan(days, source)
