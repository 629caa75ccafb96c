"""`hfpapers-rebuild`: derive every table again from the web archive, offline, on all cores.

    hfpapers-rebuild [--data DIR] [--out DIR] [--start D --end D] [--jobs N] [--stale]

Every archived listing day in the range (or, with --stale, only those whose rows an older parser
revision derived) is replayed from the archive through the real spider, judge and writer — no
network — and written to --out (default: --data itself, in place). Days run in parallel worker
processes (--jobs, default: every core). Killed, it resumes where it stopped when run again with the
same arguments; the output is the same as an uninterrupted rebuild.

Exit codes: 0 every day rebuilt; 1 an archived answer was missing or damaged (its day is rebuilt
without it and a reject names the file and offset), or a day could not be replayed; 2 bad usage, or
--out is in use by a crawl or another rebuild.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import shutil
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NoReturn

from scraper.fetch.preflight import PreflightError, lock_data_dir
from scraper.fetch.rebuild.units import unarchived_crawls, units_by_day
from scraper.parse import dates
from scraper.store.files import fsync_dir
from scraper.store.layout import DEFAULT_DATA_DIR, Layout, tmp_path
from scraper.store.provenance import parser_revision, stale_days
from scraper.store.runs import write_run_report

PROG = "hfpapers-rebuild"
JOB_NAME = "job.json"
DONE_NAME = "done.jsonl"


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog=PROG,
        description="Derive every table again from the web archive (data/raw/), offline, on all cores.",
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(DEFAULT_DATA_DIR),
        help=f"the data folder (default: {DEFAULT_DATA_DIR})",
    )
    parser.add_argument("--out", type=Path, help="where the tables are written (default: --data, in place)")
    parser.add_argument("--start", help="first listing day, YYYY-MM-DD")
    parser.add_argument("--end", help="last listing day, YYYY-MM-DD")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)"
    )
    parser.add_argument("--stale", action="store_true", help="only days an older parser revision derived")
    return parser


def _cores() -> int:
    """The cores this process may run on (all of them, unless its affinity says fewer)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _day(value: str | None, option: str, parser: argparse.ArgumentParser) -> date | None:
    if value is None:
        return None
    try:
        return dates.parse_day(value, option)
    except ValueError as exc:
        parser.error(str(exc))


class Job:
    """A rebuild's state in `<out>/_rebuild/`: what it is doing (job.json) and the days it has
    finished (done.jsonl, one fsynced line per day), so a killed rebuild resumes."""

    def __init__(self, out: Layout, identity: dict[str, Any]) -> None:
        self.folder = out.rebuild_dir
        self.identity = identity
        self.done: dict[str, dict] = {}
        job = self.folder / JOB_NAME
        previous = None
        if job.exists():
            try:
                previous = json.loads(job.read_text(encoding="utf-8"))
            except ValueError:
                previous = None
        done = self.folder / DONE_NAME
        if previous == identity and done.exists():
            for line in done.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                    self.done[entry["day"]] = entry
                except (ValueError, KeyError, TypeError):
                    continue  # a line a kill cut short: that day is redone
            self.resumed = True
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            tmp = tmp_path(job)
            tmp.write_text(json.dumps(identity), encoding="utf-8")
            os.replace(tmp, job)
            (self.folder / DONE_NAME).write_text("", encoding="utf-8")
            fsync_dir(self.folder)
            self.resumed = False
        shutil.rmtree(self.folder / "staging", ignore_errors=True)

    def record(self, result: dict) -> None:
        with open(self.folder / DONE_NAME, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(result, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.done[result["day"]] = result

    def finish(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _write_report(out: Layout, report: dict) -> Path:
    return write_run_report(out, report, "rebuild")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    start, end = _day(args.start, "--start", parser), _day(args.end, "--end", parser)
    if start and end and end < start:
        parser.error(f"--end {end} is before --start {start}")
    if args.jobs < 1:
        parser.error(f"--jobs {args.jobs} is not a positive number")
    data = Layout(args.data.resolve())
    out = Layout((args.out or args.data).resolve())
    in_place = out.root == data.root
    if not data.raw_dir.is_dir():
        print(
            f"{PROG}: no web archive in {data.root} (no {data.raw_dir}); nothing to rebuild", file=sys.stderr
        )
        return 1
    try:
        out.root.mkdir(parents=True, exist_ok=True)
        lock = lock_data_dir(out.root)
    except (PreflightError, OSError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    try:
        return _rebuild(args, data, out, in_place, start, end)
    finally:
        lock.close()


def _rebuild(
    args: argparse.Namespace, data: Layout, out: Layout, in_place: bool, start: date | None, end: date | None
) -> int:
    revision = parser_revision()
    archived = units_by_day(data, start, end)
    days = sorted(archived)
    skipped: list[str] = []
    if in_place:
        for day in list(days):
            crawls = {w.name.split(".")[0] for w in archived[day]}
            lost = unarchived_crawls(out, day, crawls)
            if lost:
                days.remove(day)
                skipped.append(f"{day} (crawled before the archive: {', '.join(lost[:3])})")
    if args.stale:
        days = stale_days(out, days, revision)
    if skipped:
        print(
            f"{PROG}: {len(skipped)} day(s) left as they are — their tables hold crawls the archive does "
            f"not have, which a rebuild in place would lose: {'; '.join(skipped[:5])}",
            file=sys.stderr,
        )
    if not days:
        what = "stale " if args.stale else "archived "
        print(
            f"{PROG}: no {what}listing day to rebuild in {data.root}"
            + (f" ({start} … {end})" if start else "")
        )
        return 0 if args.stale or archived else 1
    identity = {
        "data": str(data.root),
        "out": str(out.root),
        "start": str(start),
        "end": str(end),
        "stale": args.stale,
        "revision": revision,
        "days": [d.isoformat() for d in days],
    }
    job = Job(out, identity)
    for stale in out.stale_writes():
        stale.unlink(missing_ok=True)
    todo = [d for d in days if d.isoformat() not in job.done]
    if job.resumed:
        print(f"{PROG}: resuming: {len(days) - len(todo)} of {len(days)} days were rebuilt by the killed run")
    jobs = max(1, min(args.jobs, len(todo))) if todo else 0
    print(
        f"{PROG}: {len(todo)} listing day(s) from {data.raw_dir} into {out.root} with {jobs} process(es) "
        f"(parser revision {revision})",
        flush=True,
    )
    started = time.monotonic()
    failures = _run(todo, archived, data, out, jobs, job, started, len(days))
    results = [job.done[d.isoformat()] for d in days if d.isoformat() in job.done]
    elapsed = time.monotonic() - started
    pages = sum(r.get("pages", 0) for r in results)
    answers = sum(r.get("answers", 0) for r in results)
    errors = [f"{r['day']}: {e}" for r in results for e in r.get("errors", [])] + failures
    report = {
        "kind": "rebuild",
        "parser_revision": revision,
        "data": str(data.root),
        "days": {
            r["day"]: {
                "outcome": "rebuilt" if r.get("published") else "failed",
                "parser_revision": revision,
                "crawls": r.get("crawls", []),
                "rows": r.get("rows", {}),
                "errors": r.get("errors", []),
            }
            for r in results
        },
        "summary": {
            "days": len(results),
            "answers": answers,
            "pages": pages,
            "elapsed_seconds": round(elapsed, 3),
            "jobs": jobs,
            "errors": len(errors),
        },
    }
    path = _write_report(out, report)
    if len(results) == len(days):
        job.finish()
    rate = pages / elapsed if elapsed else 0.0
    print(
        f"{PROG}: rebuilt {len(results)} day(s), {answers} archived answers ({pages} arXiv pages, "
        f"{rate:.1f} pages/s) in {elapsed:.1f} s; report: {path}"
    )
    if errors:
        for line in errors[:20]:
            print(f"{PROG}: error: {line}", file=sys.stderr)
        print(
            f"{PROG}: error: {len(errors)} problem(s); see the rejects of those days and {path}",
            file=sys.stderr,
        )
        return 1
    return 0


def _run(
    todo: list[date],
    archived: dict,
    data: Layout,
    out: Layout,
    jobs: int,
    job: Job,
    started: float,
    total: int,
) -> list[str]:
    """Replay `todo` in `jobs` worker processes; record each finished day; return fatal problems."""
    if not todo:
        return []
    from scraper.fetch.rebuild.worker import worker_main

    context = multiprocessing.get_context("spawn")  # a fresh interpreter: a reactor of its own
    tasks, results = context.Queue(), context.Queue()
    for day in todo:
        tasks.put((day.isoformat(), [str(w) for w in archived[day]]))
    for _ in range(jobs):
        tasks.put(None)
    workers = [
        context.Process(
            target=worker_main, args=(n, str(data.root), str(out.root), tasks, results), daemon=True
        )
        for n in range(jobs)
    ]
    for worker in workers:
        worker.start()
    problems: list[str] = []
    pending = {d.isoformat() for d in todo}
    done_before = total - len(todo)
    pages = 0
    while pending:
        try:
            result = results.get(timeout=1.0)
        except queue.Empty:
            if not any(w.is_alive() for w in workers):
                problems.append(
                    f"the worker processes ended before {', '.join(sorted(pending))} were rebuilt"
                )
                break
            continue
        pending.discard(result["day"])
        job.record(result)
        pages += result.get("pages", 0)
        finished = total - len(pending)
        elapsed = time.monotonic() - started
        this_run = finished - done_before
        eta = elapsed / this_run * len(pending) if this_run else 0.0
        rows, seen = result.get("rows", {}), len(result.get("errors") or [])
        what = f"{len(result.get('crawls', []))} crawl(s), {rows.get('papers', 0)} papers"
        what += f", {result.get('answers', 0)} answers" + (f", {seen} problem(s)" if seen else "")
        rate = pages / elapsed if elapsed else 0.0
        print(
            f"rebuild: {finished}/{total} days (last {result['day']}: {what}), {rate:.1f} pages/s, "
            f"elapsed {timedelta(seconds=round(elapsed))}, ETA {timedelta(seconds=round(eta))}",
            flush=True,
        )
    for worker in workers:
        worker.join(timeout=30)
        if worker.is_alive():
            worker.kill()
    return problems


if __name__ == "__main__":
    sys.exit(main())
