"""Run reports over the years: one JSON file per crawl or rebuild this month, one file per earlier
month (`_runs/YYYY-MM.jsonl`, a report per line, oldest first). scraper/store/layout.py names the files.

Writing a report rolls every single report of an earlier month into its month's file: the month file
is rewritten (atomically) as its reports plus the new ones, then the single files go. A kill between
the two leaves a report in both places; the next roll sees its name already in the month file and
only removes the single file, and readers skip the copy. So `_runs/` holds the reports of the
current month plus one file per month, and no report is lost.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scraper.store.files import fsync_dir
from scraper.store.layout import Layout, tmp_path

logger = logging.getLogger(__name__)

NAME_FIELD = "report_file"  # on each line of a month file: the name the report had as a single file


def stamp_now() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _month_of(name: str) -> str | None:
    """YYYY-MM of a single report's name (`20251002T061500123456Z[-kind].json`)."""
    if len(name) >= 8 and name[:8].isdigit():
        return f"{name[:4]}-{name[4:6]}"
    return None


def write_run_report(layout: Layout, report: dict, kind: str = "", default: Any = None) -> Path:
    """Write `report` as `_runs/<now>[-kind].json` (whole or absent), then roll earlier months."""
    stamp = stamp_now()
    path = layout.run_report(stamp, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path(path)
    tmp.write_text(json.dumps(report, indent=2, sort_keys=True, default=default), encoding="utf-8")
    os.replace(tmp, path)
    try:
        roll_run_reports(layout, f"{stamp[:4]}-{stamp[4:6]}")
    except OSError as exc:  # the report is written; the roll is done again next time
        logger.warning("could not roll the run reports of earlier months (%s)", exc)
    return path


def roll_run_reports(layout: Layout, current_month: str) -> int:
    """Move every single report of a month before `current_month` into its month file; returns
    how many were moved."""
    by_month: dict[str, list[Path]] = {}
    for path in layout.run_reports():
        month = _month_of(path.name)
        if month is not None and month < current_month:
            by_month.setdefault(month, []).append(path)
    moved = 0
    for month, paths in sorted(by_month.items()):
        target = layout.rolled_reports(month)
        lines = target.read_text(encoding="utf-8").splitlines() if target.exists() else []
        held = {_line_name(line) for line in lines}
        added = []
        for path in paths:
            if path.name in held:
                continue
            try:
                report = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                logger.warning("run report %s is not JSON; left where it is", path)
                paths = [p for p in paths if p != path]
                continue
            added.append((path.name, json.dumps({NAME_FIELD: path.name, **report}, sort_keys=True)))
        if added:
            lines += [line for _, line in sorted(added)]
            tmp = tmp_path(target)
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write("".join(line + "\n" for line in lines))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        for path in paths:
            path.unlink(missing_ok=True)
            moved += 1
        fsync_dir(target.parent)
    return moved


def _line_name(line: str) -> str | None:
    try:
        value = json.loads(line).get(NAME_FIELD)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def read_run_reports(layout: Layout) -> Iterator[tuple[str, dict]]:
    """Every run report as (its name, its content), oldest first: the month files' reports, then
    this month's files. A report that cannot be read is skipped."""
    seen: set[str] = set()
    found: list[tuple[str, dict]] = []
    for month_file in layout.rolled_report_files():
        try:
            lines = month_file.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            try:
                report = json.loads(line)
            except ValueError:
                continue
            if isinstance(report, dict):
                name = str(report.pop(NAME_FIELD, ""))
                seen.add(name)
                found.append((name, report))
    for path in layout.run_reports():
        if path.name in seen:
            continue  # rolled already (a kill came before the single file was removed)
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(report, dict):
            found.append((path.name, report))
    yield from sorted(found, key=lambda item: item[0])
