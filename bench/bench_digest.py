"""How fast is a week digest over a year of data, and what do themes cost? (`hfpapers-digest` reads
only the week's partitions.)

    python bench/bench_digest.py --from demo-data            # a crawl's data/ (e.g. `hfpapers-demo`)
    python bench/bench_digest.py --from data --days 365 --rounds 5

Synthesises `--days` consecutive listing days from the real rows of a crawl (each day a copy of one
of the crawl's days, cycling through them, re-dated: `listing_date`, the `date=` folder, and the
arxiv_id made unique per day so a week has no repeats). Each day gets `--snapshots` `ratings` files,
as a day recrawled by the refresh window has (DERIVED: the crawl's snapshot repeated 12 h apart,
its upvotes scaled from 40% up to 100%), so the rising papers and the sparklines have curves to read.

Then times, in the same run, as function calls (what one `hfpapers-digest` run spends after its
imports), in CPU seconds of this process (`time.process_time`: on a shared machine other processes'
load does not count), best of `--rounds`; the digest with and without themes run in turns (A B A B…)
and their ratio is the median of the pairs' ratios:

* baseline — the week digest as before themes: select, rank, Markdown, with `--no-themes`;
* the week digest with themes, Markdown, and the same as one HTML page (sparklines);
* for scale, reading one day of `papers`, and the whole year of `papers` (what a digest that did
  not prune partitions would pay).

Prints absolute times and the ratio with themes / baseline (the target: under 2×), and the wall
time of the command itself in a fresh process with and without themes (scikit-learn and SciPy are
imported only when themes are made).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper.use.dataset import load  # noqa: E402
from scraper.use.digest.entries import build  # noqa: E402
from scraper.use.digest.period import parse_week  # noqa: E402
from scraper.use.digest.render_html import render_html  # noqa: E402
from scraper.use.digest.render_md import render_md  # noqa: E402
from scraper.use.digest.select import select  # noqa: E402

TABLES = ("papers", "fulltext", "metrics", "claims", "ratings")
FIRST_DAY = date(2025, 1, 6)  # a Monday: the synthetic year starts on a week boundary
TARGET = 2.0


def _redated(data: pa.Table, day: date, offset: int) -> pa.Table:
    data = data.set_column(
        data.schema.get_field_index("listing_date"), data.schema.field("listing_date"),
        pa.array([day] * data.num_rows, pa.date32()),
    )  # fmt: skip
    ids = pc.binary_join_element_wise(data["arxiv_id"], pa.scalar(f"d{offset}"), ".")
    return data.set_column(data.schema.get_field_index("arxiv_id"), data.schema.field("arxiv_id"), ids)


def _snapshots(ratings: pa.Table, count: int) -> list[pa.Table]:
    """`count` snapshots of one day: 12 h apart, upvotes from 40% of the crawl's up to 100%."""
    crawled = ratings["crawled_at"]
    upvotes = ratings["upvotes"]
    found = []
    for k in range(count):
        share = 1.0 if count == 1 else 0.4 + 0.6 * k / (count - 1)
        scaled = pc.cast(pc.round(pc.multiply(pc.cast(upvotes, pa.float64()), share)), pa.int32())
        shifted = pc.add(crawled, pa.scalar(timedelta(hours=12 * (k - count + 1))))
        snapshot = ratings.set_column(ratings.schema.get_field_index("upvotes"), "upvotes", scaled)
        index = snapshot.schema.get_field_index("crawled_at")
        found.append(snapshot.set_column(index, "crawled_at", shifted.cast(crawled.type)))
    return found


def synthesise(source: Path, target: Path, days: int, snapshots: int = 3) -> list[date]:
    """`days` listing days under `target`, copied from the days of `source` and re-dated."""
    source_days = sorted(p.name.removeprefix("date=") for p in (source / "papers").glob("date=*"))
    if not source_days:
        raise SystemExit(f"bench_digest: no papers partitions in {source}")
    written = []
    for offset in range(days):
        day = FIRST_DAY + timedelta(days=offset)
        origin = source_days[offset % len(source_days)]
        for table in TABLES:
            for path in sorted((source / table / f"date={origin}").glob("*.parquet")):
                data = _redated(pq.read_table(path), day, offset)
                folder = target / table / f"date={day}"
                folder.mkdir(parents=True, exist_ok=True)
                if table != "ratings":
                    pq.write_table(data, folder / path.name, compression="zstd")
                    continue
                for k, snapshot in enumerate(_snapshots(data, snapshots)):
                    pq.write_table(snapshot, folder / f"{path.stem}-{k}.parquet", compression="zstd")
        written.append(day)
    return written


def cpu_time(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def best_of(rounds: int, work: Callable[[], object]) -> float:
    return min(cpu_time(work) for _ in range(rounds))


def in_turns(
    rounds: int, first: Callable[[], object], second: Callable[[], object]
) -> tuple[float, float, float]:
    """Best times of `first` and `second` run in turns, and the median of their ratios pair by pair."""
    pairs = [(cpu_time(first), cpu_time(second)) for _ in range(rounds)]
    return min(a for a, _ in pairs), min(b for _, b in pairs), statistics.median(a / b for a, b in pairs)


def wall_time(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def command_time(rounds: int, data: Path, week: str, *extra: str) -> float:
    """Wall time of `hfpapers-digest --week …` in a fresh Python process (imports included)."""
    command = [sys.executable, "-m", "scraper.use.digest.cli", "--data", str(data), "--week", week, *extra]
    # The project's own command line, built here from fixed parts (no shell).
    return wall_time(
        rounds,
        lambda: subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=600),  # noqa: S603
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--from", dest="source", type=Path, default=Path("data"), help="a crawl's data folder"
    )
    parser.add_argument("--days", type=int, default=365, help="listing days to synthesise (default 365)")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds, best kept (default 5)")
    parser.add_argument("--snapshots", type=int, default=3, help="ratings snapshots per day (default 3)")
    parser.add_argument(
        "--command-rounds", type=int, default=3, help="rounds of the fresh-process timing (0: skip it)"
    )
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-digest-"))
    try:
        started = time.perf_counter()
        days = synthesise(args.source, work, args.days, args.snapshots)
        print(f"synthesised {len(days)} listing days ({days[0]} … {days[-1]}, {args.snapshots} ratings "
              f"snapshots each) from {args.source} in {time.perf_counter() - started:.1f} s")  # fmt: skip
        middle = days[len(days) // 2]
        year, week, _ = middle.isocalendar()
        name = f"{year}-W{week:02d}"
        period = parse_week(name)

        def baseline() -> str:
            return render_md(build(select(period, work), themes=False))

        def with_themes() -> str:
            return render_md(build(select(period, work)))

        def page() -> str:
            return render_html(build(select(period, work)))

        digest = build(select(period, work))  # also the warm-up: imports scikit-learn and SciPy once
        papers_in_week, themes = len(digest.entries), len(digest.themes.themes)
        one_day = best_of(args.rounds, lambda: load("papers", middle, middle, data_dir=work))
        themed, plain, ratio = in_turns(args.rounds, with_themes, baseline)
        html, _, html_ratio = in_turns(args.rounds, page, baseline)
        whole = best_of(args.rounds, lambda: load("papers", data_dir=work))
        print(f"week {name}: {papers_in_week} papers, {themes} themes")
        print("CPU time of this process, best of the rounds:")
        print(f"baseline: week digest without themes (Markdown)     {plain * 1000:8.1f} ms")
        print(f"week digest with themes (Markdown)                   {themed * 1000:8.1f} ms")
        print(f"week digest with themes (HTML, sparklines)           {html * 1000:8.1f} ms")
        print(f"read one day of papers ({middle})                 {one_day * 1000:8.1f} ms")
        print(f"read the whole year of papers ({len(days)} days)          {whole * 1000:8.1f} ms")
        verdict = "met" if ratio < TARGET else "MISSED"
        pairs = f"median of {args.rounds} pairs"
        print(f"with themes / baseline: {ratio:.2f}x, {pairs} (target < {TARGET:g}x: {verdict})")
        print(f"HTML with themes / baseline (Markdown): {html_ratio:.2f}x, median of {args.rounds} pairs")
        print(f"whole-year read / week digest with themes: {whole / themed:.1f}x")
        if args.command_rounds > 0:
            fresh_plain = command_time(args.command_rounds, work, name, "--no-themes")
            fresh_themed = command_time(args.command_rounds, work, name)
            print(
                f"hfpapers-digest --week {name} in a fresh process: {fresh_themed:.2f} s with themes, "
                f"{fresh_plain:.2f} s with --no-themes ({fresh_themed / fresh_plain:.2f}x; imports included)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
