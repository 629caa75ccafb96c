"""The one parser of a day given by a user (`-a date=…`, `--start`, `load(start=…)`, …)."""

from __future__ import annotations

from datetime import date


def parse_day(value: object, name: str) -> date:
    """`value` as a calendar day: a `date`, or text in the form YYYY-MM-DD exactly (no time, no
    week, no surrounding junk). Raises ValueError whose message names `name` and says what is
    wrong — one line fit to show a user."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a calendar date in the form YYYY-MM-DD") from None
