"""Spider arguments, checked before any request is sent: which listing days to crawl, from where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

SOURCES = ("api", "html")


class ArgumentError(ValueError):
    """A bad `-a` argument; its message is the one line shown to the user."""


@dataclass(frozen=True)
class RunPlan:
    """`days` is None for "the latest listing day" (learned from the data), else the days in order."""

    days: tuple[date, ...] | None
    source: str

    @property
    def label(self) -> str:
        if self.days is None:
            return "latest listing day"
        if len(self.days) == 1:
            return self.days[0].isoformat()
        return f"{self.days[0].isoformat()} … {self.days[-1].isoformat()} ({len(self.days)} days)"


def _parse_day(name: str, value: str, today: date) -> date:
    try:
        day = date.fromisoformat(value.strip())
        if len(value.strip()) != 10:
            raise ValueError
    except ValueError:
        raise ArgumentError(
            f"{name}={value!r} is not a calendar date in the form YYYY-MM-DD"
        ) from None
    if day > today:
        raise ArgumentError(f"{name}={value} is in the future (today is {today.isoformat()} UTC)")
    return day


def plan_run(
    date: str | None = None,
    start: str | None = None,
    end: str | None = None,
    source: str | None = None,
    today: date | None = None,
) -> RunPlan:
    """Validate the spider's arguments and return what to crawl; raise ArgumentError otherwise."""
    today = today or datetime.now(UTC).date()
    source = (source or "api").strip().lower()
    if source not in SOURCES:
        raise ArgumentError(f"source={source!r} is not one of {', '.join(SOURCES)}")
    if date is not None and (start is not None or end is not None):
        raise ArgumentError("give either date=… or start=…/end=…, not both")
    if date is not None:
        return RunPlan((_parse_day("date", date, today),), source)
    if start is None and end is None:
        return RunPlan(None, source)
    if start is None or end is None:
        raise ArgumentError("a backfill needs both start=YYYY-MM-DD and end=YYYY-MM-DD")
    first, last = _parse_day("start", start, today), _parse_day("end", end, today)
    if last < first:
        raise ArgumentError(f"end={end} is before start={start}")
    # Every calendar day: some Sundays have lists, so no day is skipped by weekday.
    days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
    return RunPlan(days, source)
