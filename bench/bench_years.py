"""Run for years (issue 21): how many files, how fast they read, what a refresh costs and how much
memory a big day takes — every ratio measured in the same run.

    python bench/bench_years.py                  # everything (a few minutes on 2 cores)
    python bench/bench_years.py --only files     # files, refresh, memory, gzip
    python bench/bench_years.py --days 200       # a shorter simulated history

What it does, all offline:

1. files — two years of a 6-hourly cron, simulated with the writer's own functions
   (pipelines/write.py): `--days` listing days (520 ≈ two years of weekdays) of `--papers` papers
   each, every day crawled 60 times while it is in the refresh window (4 runs a day × 15 days), so
   60 ratings snapshots per paper. The rows are real: the papers and ratings of the demo's crawl
   (124 real entries), repeated with new ids. It counts the files per table and reads each table
   with pandas and DuckDB in three layouts: this one (one file per table and listing day), the one
   before issue 21 (one `ratings` file per crawl and day) and one file per table — best of 3 each,
   alternating. Also the release's layout (one file per month) for `papers`.
2. refresh — two undated crawls (`scrapy crawl hfpapers`, no argument: the latest day and the 14
   before it) of a window of 180 real papers over 3 listed days, arXiv on: 130 papers with an arXiv
   API entry and a real HTML page (the recorded pages, in turn), 20 the API does not know (5 with a
   page), and the 30 of the undated capture. The second crawl finds nothing changed. It prints the
   requests each sent (by kind) and answered from the cache, and the CPU time each took (user + sys
   of the crawl process), and profiles the refresh to say where its CPU goes.
3. memory — the peak RSS of one crawl of a 130-paper day with arXiv (the same derived pages), and of
   a 5-paper day for scale.
4. gzip — the archive's gzip level: compressing the recorded HTML pages at levels 1 to 9 against
   parsing them and deriving their rows (what the crawl does with a page).

(They run in the order 3, 4, 2, 1: memory while this process is still small.)

The machine's load average is printed with the figures (2 shared cores: other processes run too).
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from scraper.store.layout import Layout, period_name, snapshot_name  # noqa: E402
from scraper.store.partitions import append_partition, write_partition  # noqa: E402
from scraper.use.demo.replay import replay_settings, serve  # noqa: E402
from tests.tools.derived import RECORDED_PAGES, derive_big_arxiv_day, pooled_entries  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
FIRST_DAY = date(2024, 1, 1)
SNAPSHOTS = 4 * 15  # a 6-hourly cron, a 15-day window: each listing day is crawled 60 times
CAPTURE = "default-endpoint_2026-07-31_raw.json"
QUERY = "SELECT count(*), sum(upvotes) FROM read_parquet('{}')"  # DuckDB, over a glob of files


def load_note() -> str:
    one, five, fifteen = os.getloadavg()
    return f"cores {os.cpu_count()}, load average {one:.2f} {five:.2f} {fifteen:.2f}"


def best_of(runs: int, *timed) -> list[float]:
    """The best time of `runs` rounds for each function, alternating between them."""
    best = [float("inf")] * len(timed)
    for _ in range(runs):
        for n, function in enumerate(timed):
            started = time.perf_counter()
            function()
            best[n] = min(best[n], time.perf_counter() - started)
    return best


# -- 1. files ----------------------------------------------------------------------------------------


def demo_rows(work: Path) -> tuple[pa.Table, pa.Table]:
    """The papers and ratings rows of the demo's crawl (124 real entries)."""
    demo = work / "demo"
    subprocess.run([str(BIN / "hfpapers-demo"), "--out", str(demo)], capture_output=True, env=ENV, check=True)
    return pq.read_table(demo / "papers"), pq.read_table(demo / "ratings")


def day_rows(template: pa.Table, day: date, papers: int, offset: int) -> pa.Table:
    """`papers` rows of `template` (cycled), re-dated to `day` with ids of their own."""
    indices = pa.array([(offset + k) % template.num_rows for k in range(papers)], pa.int64())
    rows = template.take(indices).drop_columns([c for c in template.column_names if c == "date"])
    ids = pa.array([f"{day:%y%m}.{offset + k:05d}" for k in range(papers)], pa.string())
    rows = rows.set_column(rows.schema.get_field_index("arxiv_id"), "arxiv_id", ids)
    dates = pa.array([day] * papers, pa.date32())
    return rows.set_column(rows.schema.get_field_index("listing_date"), "listing_date", dates)


def simulate(root: Path, papers_t: pa.Table, ratings_t: pa.Table, days: int, papers: int) -> dict:
    """Two years of refreshes written by the writer's functions, in this layout and the one before."""
    from scraper.schema.registry import TABLES

    old = root / "old"  # before issue 21: one ratings file per crawl and day
    new = root / "new"
    appends: list[float] = []
    for n in range(days):
        day = FIRST_DAY + timedelta(days=n * 7 // 5)  # five listing days a week
        rows = day_rows(papers_t, day, papers, n * papers).select(TABLES["papers"].names)
        write_partition(new, "papers", day, rows.cast(TABLES["papers"]))
        write_partition(old, "papers", day, rows.cast(TABLES["papers"]))
        snapshot = day_rows(ratings_t, day, papers, n * papers).select(TABLES["ratings"].names)
        snapshot = snapshot.cast(TABLES["ratings"])
        for run in range(SNAPSHOTS):
            crawl = f"{day:%Y%m%d}T{run:02d}0000000000Z"
            upvotes = pc.add(snapshot["upvotes"].fill_null(0), run).cast(pa.int32())
            rows = snapshot.set_column(snapshot.schema.get_field_index("upvotes"), "upvotes", upvotes)
            started = time.perf_counter()
            append_partition(new, "ratings", day, rows, crawl)
            appends.append(time.perf_counter() - started)
            write_partition(old, "ratings", day, rows, name=snapshot_name(crawl))
    return {"new": new, "old": old, "appends": appends}


def one_file(source: Path, target: Path) -> Path:
    """A table folder as one Parquet file (the baseline: no files per day at all)."""
    table = pq.read_table(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.drop_columns(["date"]), target, compression="zstd")
    return target


def by_month(source: Path, target: Path) -> Path:
    """A table folder as one file per month (the release's layout)."""
    table = pq.read_table(source).drop_columns(["date"])
    months: dict[str, list[int]] = {}
    for index, day in enumerate(table["listing_date"].to_pylist()):
        months.setdefault(period_name(day), []).append(index)
    target.mkdir(parents=True, exist_ok=True)
    for month, indices in months.items():
        pq.write_table(table.take(pa.array(indices)), target / f"{month}.parquet", compression="zstd")
    return target


def files_figures(work: Path, days: int, papers: int) -> None:
    import duckdb
    import pandas as pd

    papers_t, ratings_t = demo_rows(work)
    started = time.monotonic()
    sim = simulate(work / "sim", papers_t, ratings_t, days, papers)
    print(
        f"simulated {days} listing days × {papers} papers, each day crawled {SNAPSHOTS} times "
        f"({days * SNAPSHOTS:,} crawls of a day) in {time.monotonic() - started:.0f} s"
    )
    new, old = Layout(sim["new"]), Layout(sim["old"])
    for table in ("papers", "ratings"):
        count = {
            name: len(list(layout.table_dir(table).rglob("*.parquet")))
            for name, layout in (("now", new), ("before", old))
        }
        print(f"  {table}: {count['now']:,} files now (one per listing day), {count['before']:,} before")
    appends = sim["appends"]
    late = statistics.median(appends[-SNAPSHOTS // 4 :]) * 1000
    print(
        f"  appending a snapshot to a day's ratings file (old rows + new, rewritten): median "
        f"{statistics.median(appends) * 1000:.1f} ms, {late:.1f} ms with ~60 snapshots in it"
    )
    single = work / "single"
    ratings_one = one_file(new.table_dir("ratings"), single / "ratings.parquet")
    papers_one = one_file(new.table_dir("papers"), single / "papers.parquet")
    papers_months = by_month(new.table_dir("papers"), single / "papers-months")
    rows = pq.ParquetFile(ratings_one).metadata.num_rows
    print(
        f"reading `ratings` ({rows:,} rows) and `papers` with pandas and DuckDB, best of 3 ({load_note()}):"
    )
    for label, now_dir, other_dir, single_path in (
        ("ratings", new.table_dir("ratings"), old.table_dir("ratings"), ratings_one),
        ("papers", new.table_dir("papers"), papers_months, papers_one),
    ):
        other = "per crawl and day (before)" if label == "ratings" else "per month (the release)"
        other_glob = f"{other_dir}/*/*.parquet" if label == "ratings" else f"{other_dir}/*.parquet"
        globs = (f"{now_dir}/*/*.parquet", other_glob, str(single_path))
        folders = (now_dir, other_dir, single_path)
        pandas_times = best_of(3, *(lambda path=path: pd.read_parquet(path) for path in folders))
        duck_times = best_of(
            3, *(lambda glob=glob: duckdb.sql(QUERY.format(glob)).fetchall() for glob in globs)
        )
        for engine, (t_now, t_other, t_one) in (("pandas", pandas_times), ("DuckDB", duck_times)):
            print(
                f"  {label:7s} {engine:6s}: a file per listing day {t_now:.3f} s, a file {other} "
                f"{t_other:.3f} s, one file {t_one:.3f} s; ratios to one file: {t_now / t_one:.1f}× "
                f"and {t_other / t_one:.1f}×"
            )


# -- 2. refresh ---------------------------------------------------------------------------------------


def window_overlay(overlay: Path) -> int:
    """The refresh window of tests/test_years.py; returns how many papers it lists."""
    (overlay / "hf_daily_api").mkdir(parents=True)
    shutil.copy(FIXTURES / "hf_daily_api" / CAPTURE, overlay / "hf_daily_api" / CAPTURE)
    big = derive_big_arxiv_day(overlay, "2026-07-28", 130)
    unknown = pooled_entries(20, skip=130)
    (overlay / "hf_daily_api" / "2026-07-25.json").write_text(json.dumps(unknown))
    for n, entry in enumerate(unknown[:5]):
        page = RECORDED_PAGES[n % len(RECORDED_PAGES)].read_bytes()
        (overlay / "arxiv_html" / f"{entry['paper']['id']}v1.html").write_bytes(page)
    return 30 + len(big) + len(unknown)


def crawl_command(base: str, data: Path, *args: str, settings: dict | None = None) -> list[str]:
    values = {
        **replay_settings(base),
        "HFPAPERS_DATA_DIR": str(data),
        "DOWNLOAD_DELAY": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
        "LOG_LEVEL": "INFO",
        **(settings or {}),
    }
    cmd = [sys.executable, "-m", "scrapy", "crawl", "hfpapers"]
    for arg in args:
        cmd += ["-a", arg]
    for key, value in values.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def run_measured(cmd: list[str], log: Path) -> tuple[float, float, int]:
    """Run a command; (CPU seconds user + sys, wall seconds, peak RSS in KiB) of that process."""
    started = time.monotonic()
    with open(log, "w") as handle:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench_years: the crawl failed ({proc.returncode}):\n{log.read_text()[-3000:]}")
    return usage.ru_utime + usage.ru_stime, time.monotonic() - started, usage.ru_maxrss


def requests_by_kind(log_path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in log_path.read_text().splitlines():
        path = json.loads(line)["path"]
        kind = next(
            (
                k
                for p, k in (("/hf/", "HF lists"), ("/export/", "arXiv API"), ("/arxiv/", "arXiv pages"))
                if path.startswith(p)
            ),
            "robots.txt",
        )
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def refresh_figures(work: Path, rounds: int) -> None:
    overlay = work / "overlay"
    ids = window_overlay(overlay)
    log_path = work / "requests.jsonl"
    server = serve([overlay, FIXTURES], 0, "127.0.0.1", log_path)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    cpu: dict[str, list[float]] = {"first run": [], "refresh": [], "start and stop": []}
    figures: dict[str, tuple[dict, dict]] = {}
    try:
        for n in range(rounds):  # alternating, each round into a fresh data folder
            data = work / f"data{n}"
            for run in ("first run", "refresh"):
                log_path.unlink(missing_ok=True)
                seconds, _, _ = run_measured(crawl_command(base, data), work / f"{run}.log")
                cpu[run].append(seconds)
                report = json.loads(sorted((data / "_runs").glob("*.json"))[-1].read_text())["summary"]
                figures[run] = (requests_by_kind(log_path), report)
            # a crawl that only starts and stops (a day without a list, HF only): what any run costs
            seconds, _, _ = run_measured(
                crawl_command(
                    base, work / f"empty{n}", "date=2026-07-19", settings={"HFPAPERS_ARXIV": "false"}
                ),
                work / "empty.log",
            )
            cpu["start and stop"].append(seconds)
        # the refresh once more, profiled: where does its CPU go?
        profile = work / "refresh.prof"
        cmd = crawl_command(base, work / "data0")
        cmd[1:3] = ["-m", "cProfile", "-o", str(profile), "-m", "scrapy"]
        run_measured(cmd, work / "profiled.log")
    finally:
        server.shutdown()
    median = {run: statistics.median(values) for run, values in cpu.items()}
    print(
        f"an undated crawl of the latest day + 14 days before it: {ids} papers on 3 listed days, arXiv on; "
        f"CPU = user + sys of the crawl process, median of {rounds} rounds ({load_note()})"
    )
    for run, (kinds, report) in figures.items():
        hosts = "; ".join(
            f"{h}: {v['requests_sent']} sent, {v['cache_hits']} from the cache"
            for h, v in report["by_host"].items()
        )
        print(
            f"  {run:9s}: CPU {median[run]:4.1f} s {[round(c, 1) for c in cpu[run]]}; requests sent "
            + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
            + f"; run report: {report['requests_sent']} sent, {report['cache_hits']} cache hits, "
            f"{report['pages_kept']} pages' rows kept ({hosts})"
        )
    ratios = [r / f for r, f in zip(cpu["refresh"], cpu["first run"], strict=True)]
    print(
        f"  refresh / first run: CPU {median['refresh'] / median['first run']:.2f}× (per round: "
        f"{', '.join(f'{r:.2f}' for r in ratios)}); a run that only starts and stops: CPU "
        f"{median['start and stop']:.1f} s — the refresh's CPU beyond that: "
        f"{median['refresh'] - median['start and stop']:.1f} s"
    )
    stats = pstats.Stats(str(profile))
    total = max(v[3] for v in stats.stats.values())  # the top-level call's cumulative time
    parts = {
        "lists: parse + abstract claims": ("parse_daily_api", "hfpapers.py"),
        "arXiv API answers": ("parse_arxiv_api", "arxiv.py"),
        "writing the days' tables": ("write_day", "write.py"),
        "archive: recording answers": ("process_response", "recorder.py"),
        "archive: finishing day files + index": ("close_day", "recorder.py"),
        "archive: pages index update": ("write_pages", "index.py"),
        "pages to keep (and hashing the parser code)": ("_page_requests", "arxiv.py"),
        "run report": ("spider_closed", "run_report.py"),
    }
    found = {}
    for label, (function, filename) in parts.items():
        found[label] = max(
            (
                v[3]
                for (file, _, name), v in stats.stats.items()
                if name == function and file.endswith(filename)
            ),
            default=0.0,
        )
    imports = max(
        (v[3] for (file, _, name), v in stats.stats.items() if name == "_find_and_load"), default=0.0
    )
    print(f"  where the profiled refresh's {total:.1f} s go (cProfile, cumulative; profiling slows it down):")
    print(f"    {'importing modules':40s} {imports:5.2f} s ({imports / total:4.0%})")
    for label, seconds in found.items():
        print(f"    {label:40s} {seconds:5.2f} s ({seconds / total:4.0%})")
    rest = total - imports - sum(found.values())
    print(f"    {'the rest: Scrapy engine, signals, reactor':40s} {rest:5.2f} s ({rest / total:4.0%})")


# -- 3. memory ----------------------------------------------------------------------------------------


def memory_figures(work: Path) -> None:
    print(f"peak RSS of one crawl with arXiv (the crawl process, from wait4; {load_note()}):")
    for papers in (5, 130):
        overlay, data = work / f"mem{papers}" / "overlay", work / f"mem{papers}" / "data"
        derive_big_arxiv_day(overlay, "2025-10-06", papers)
        server = serve([overlay, FIXTURES], 0, "127.0.0.1")
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            cpu, wall, rss = run_measured(
                crawl_command(base, data, "date=2025-10-06"), work / f"mem{papers}.log"
            )
        finally:
            server.shutdown()
        rows = {
            t: pq.ParquetFile(p).metadata.num_rows
            for t in ("fulltext", "metrics")
            for p in (data / t).rglob("*.parquet")
        }
        print(f"  a {papers}-paper day: {rss / 1024:.0f} MiB (CPU {cpu:.1f} s; rows {rows})")


# -- 4. gzip -------------------------------------------------------------------------------------------


def gzip_figures() -> None:
    from scraper.derive.rows import fulltext_derived
    from scraper.parse.arxiv_html import parse_html
    from scraper.store.archive.warc import GZIP_LEVEL

    pages = [path.read_bytes() for path in RECORDED_PAGES]

    def parse() -> None:  # what the crawl does with a page: parse it, derive its metrics and claims
        for page in pages:
            row = parse_html(page, "https://arxiv.org/html/2501.11120v1")
            row["arxiv_id"] = "2501.11120"
            fulltext_derived(row)

    def gzip(level: int) -> int:
        size = 0
        for page in pages:
            compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
            size += len(compressor.compress(page) + compressor.flush())
        return size

    levels = (1, 3, 4, 5, 6, 9)
    timed = best_of(7, parse, *(lambda level=level: gzip(level) for level in levels))
    reference = timed[0]
    raw = sum(len(page) for page in pages)
    print(
        f"the archive's gzip level: the {len(pages)} recorded HTML pages ({raw / 1024:.0f} KiB), "
        f"best of 7 ({load_note()}):"
    )
    print(f"  parsing them and deriving their rows: {reference * 1000:.0f} ms")
    for level, seconds in zip(levels, timed[1:], strict=True):
        mark = "  <- GZIP_LEVEL" if level == GZIP_LEVEL else ""
        print(
            f"  level {level}: {seconds * 1000:5.1f} ms ({seconds / reference:.0%} of that), "
            f"{gzip(level) / 1024:.0f} KiB{mark}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=520, help="simulated listing days (520: two years)")
    parser.add_argument("--papers", type=int, default=17, help="papers per listing day (real mean: 17)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the refresh measurement")
    parser.add_argument("--only", choices=("files", "refresh", "memory", "gzip"), action="append")
    args = parser.parse_args(argv)
    parts = args.only or ["files", "refresh", "memory", "gzip"]
    with tempfile.TemporaryDirectory(prefix="bench-years-") as tmp:
        work = Path(tmp)
        # Memory first, while this process is small: a child's peak RSS (wait4) counts what it
        # shared with this process before it started the crawl.
        if "memory" in parts:
            memory_figures(work / "memory")
        if "gzip" in parts:
            gzip_figures()
        if "refresh" in parts:
            refresh_figures(work / "refresh", args.rounds)
        if "files" in parts:
            files_figures(work / "files", args.days, args.papers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
