"""How fast is a week digest over a year of data? (`hfpapers-digest` reads only the week's partitions.)

    python bench/bench_digest.py --from demo-data            # a crawl's data/ (e.g. `hfpapers-demo`)
    python bench/bench_digest.py --from data --days 365 --rounds 5

Synthesises `--days` consecutive listing days from the real rows of a crawl (each day a copy of one
of the crawl's days, cycling through them, re-dated: `listing_date`, the `date=` folder, and the
arxiv_id made unique per day so a week has no repeats), then times, in the same run, best of
`--rounds`:

* baseline: reading one day of `papers` (`scraper.dataset.load`, every column);
* the week digest: `hfpapers-digest --week …` as a function call (select, rank, Markdown);
* for scale, reading the whole year of `papers` (what a digest that did not prune would pay).

Prints absolute times and the ratios week-digest / one-day-read and whole-year / week-digest.
"""

from __future__ import annotations

import argparse
import shutil
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

from scraper.dataset import load  # noqa: E402
from scraper.digest.entries import build  # noqa: E402
from scraper.digest.period import parse_week  # noqa: E402
from scraper.digest.render_md import render_md  # noqa: E402
from scraper.digest.select import select  # noqa: E402

TABLES = ("papers", "fulltext", "metrics", "claims", "ratings")
FIRST_DAY = date(2025, 1, 6)  # a Monday: the synthetic year starts on a week boundary


def synthesise(source: Path, target: Path, days: int) -> list[date]:
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
                data = pq.read_table(path)
                data = data.set_column(
                    data.schema.get_field_index("listing_date"), data.schema.field("listing_date"),
                    pa.array([day] * data.num_rows, pa.date32()),
                )  # fmt: skip
                ids = pc.binary_join_element_wise(data["arxiv_id"], pa.scalar(f"d{offset}"), ".")
                data = data.set_column(
                    data.schema.get_field_index("arxiv_id"), data.schema.field("arxiv_id"), ids
                )
                folder = target / table / f"date={day}"
                folder.mkdir(parents=True, exist_ok=True)
                pq.write_table(data, folder / path.name, compression="zstd")
        written.append(day)
    return written


def best_of(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--from", dest="source", type=Path, default=Path("data"), help="a crawl's data folder"
    )
    parser.add_argument("--days", type=int, default=365, help="listing days to synthesise (default 365)")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds, best kept (default 5)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-digest-"))
    try:
        started = time.perf_counter()
        days = synthesise(args.source, work, args.days)
        print(f"synthesised {len(days)} listing days ({days[0]} … {days[-1]}) from {args.source} "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        middle = days[len(days) // 2]
        year, week, _ = middle.isocalendar()
        period = parse_week(f"{year}-W{week:02d}")

        def week_digest() -> str:
            return render_md(build(select(period, work)))

        papers_in_week = len(build(select(period, work)).entries)
        one_day = best_of(args.rounds, lambda: load("papers", middle, middle, data_dir=work))
        digest = best_of(args.rounds, week_digest)
        whole = best_of(args.rounds, lambda: load("papers", data_dir=work))
        print(f"baseline: read one day of papers ({middle})        {one_day * 1000:8.1f} ms")
        print(f"week digest {year}-W{week:02d} ({papers_in_week} papers, Markdown)   {digest * 1000:8.1f} ms")
        print(f"read the whole year of papers ({len(days)} days)     {whole * 1000:8.1f} ms")
        print(f"week digest / one-day read: {digest / one_day:.1f}x")
        print(f"whole-year read / week digest: {whole / digest:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
