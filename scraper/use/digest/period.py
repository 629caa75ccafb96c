"""Which listing days a digest covers: one day, an ISO week, or a start…end range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from scraper.parse import dates
from scraper.store.layout import Layout
from scraper.use.dataset import NoDataError


class PeriodError(ValueError):
    """A --date / --week / --start / --end value that does not name listing days."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str  # "2025-10-02", "week 2025-W40 (2025-09-29 … 2025-10-05)", "2025-09-29 … 2025-10-03"
    kind: str  # "day", "week" or "range"

    @property
    def is_range(self) -> bool:
        return self.start != self.end


def parse_day(value: str, option: str) -> date:
    try:
        return dates.parse_day(value, option)
    except ValueError as exc:
        raise PeriodError(str(exc)) from None


def parse_week(value: str) -> Period:
    match = re.fullmatch(r"(\d{4})-?W(\d{2})", value.strip())
    if not match:
        raise PeriodError(f"--week {value!r} is not an ISO week (YYYY-Www, e.g. 2025-W40)")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise PeriodError(f"--week {value!r} does not exist") from None
    sunday = monday + timedelta(days=6)
    label = f"week {match[1]}-W{match[2]} ({monday} … {sunday})"
    return Period(monday, sunday, label, "week")


def latest_listing_day(data_dir: Path) -> date | None:
    """The newest `date=` folder of `papers` — read from folder names, no file is opened."""
    days = Layout(data_dir).days("papers")
    return days[-1] if days else None


def choose_period(
    data_dir: Path,
    day: str | None = None,
    week: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Period:
    """The period the options ask for; with none of them, the latest listing day in the data."""
    if sum(x is not None for x in (day, week, start or end)) > 1:
        raise PeriodError("give one of --date, --week or --start/--end")
    if week is not None:
        return parse_week(week)
    if start is not None or end is not None:
        if start is None or end is None:
            raise PeriodError("--start and --end go together")
        first, last = parse_day(start, "--start"), parse_day(end, "--end")
        if last < first:
            raise PeriodError(f"--end {last} is before --start {first}")
        if first == last:
            return Period(first, last, str(first), "day")
        return Period(first, last, f"{first} … {last}", "range")
    if day is None:
        latest = latest_listing_day(data_dir)
        if latest is None:
            raise NoDataError(f"no papers in {data_dir} (no {data_dir / 'papers'}/date=… folder)")
        return Period(latest, latest, str(latest), "day")
    chosen = parse_day(day, "--date")
    return Period(chosen, chosen, str(chosen), "day")
