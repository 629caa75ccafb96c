"""Spider arguments are checked before any request is sent."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from scraper.fetch.args import ArgumentError, plan_run
from tests.tools.replay import ROOT

TODAY = date(2026, 11, 24)


def test_no_argument_means_the_latest_day() -> None:
    assert plan_run(today=TODAY).days is None


def test_backfill_is_every_calendar_day_inclusive() -> None:
    plan = plan_run(start="2025-09-27", end="2025-10-03", today=TODAY)
    assert plan.days[0] == date(2025, 9, 27) and plan.days[-1] == date(2025, 10, 3)
    assert len(plan.days) == 7  # the weekend is kept: some Sundays do have lists


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"date": "2026-02-30"}, "not a calendar date"),
        ({"date": "tomorrow"}, "not a calendar date"),
        ({"date": "2026-11-25"}, "in the future"),
        ({"start": "2025-10-03", "end": "2025-09-29"}, "before start"),
        ({"start": "2025-10-03"}, "needs both"),
        ({"date": "2025-10-03", "start": "2025-10-01"}, "not both"),
        ({"source": "rss"}, "not one of"),
    ],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        plan_run(**kwargs, today=TODAY)


@pytest.mark.parametrize("arg", ["date=2026-02-30", "date=tomorrow", "date=2999-01-01"])
def test_command_line_stops_with_one_line_before_any_request(arg: str) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "hfpapers",
            "-a",
            arg,
            "-s",
            "HFPAPERS_HF_BASE=http://127.0.0.1:9",
        ],  # nothing listens: a request would fail
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert proc.stderr.startswith("hfpapers: error: ")
    assert "Spider opened" not in proc.stdout + proc.stderr
