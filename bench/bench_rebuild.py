"""The web archive and `hfpapers-rebuild`: what the archive costs on disk, and how fast the tables are
derived again from it, on one core and on two.

    python bench/bench_rebuild.py                 # 60 replayed days
    python bench/bench_rebuild.py --days 20 --rounds 1

What it does, all offline (the replay server of tests/tools/ on loopback):

1. crawls `--days` consecutive listing days through the real `scrapy crawl hfpapers`: each day 20
   real recorded HF entries (distinct papers, pooled from every recorded day) plus the five papers of
   the derived arXiv day (tests/tools/derived.py: one real HTML page with 47 tables, one real abs
   page) — so every day's rebuild parses a real HTML page and derives its metrics;
2. measures the archive: bytes per paper, bytes per day of HF list answers (list pages and the empty
   page that closes each list), the size of one archived arXiv API answer and of a revisit record;
3. crawls the last 15 days again twice — lists unchanged, then every list with upvotes changed — and
   measures what each refresh run adds to the archive, then extrapolates a year of 6-hourly refreshes
   (1,460 runs × a 15-day window) between those two measured cases;
4. rebuilds the demo's data (`hfpapers-demo`) and times it;
5. rebuilds the `--days` days with `--jobs 1` and `--jobs 2`, alternating, best of `--rounds`, and
   prints the ratio (the machine's load average is printed too: other processes share the cores).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper.store.archive.index import file_entries  # noqa: E402
from scraper.store.layout import Layout  # noqa: E402
from scraper.use.demo.replay import replay_settings, serve  # noqa: E402
from tests.tools.derived import ARXIV_DAY, derive_arxiv_day  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
FIRST_DAY = date(2024, 3, 4)
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
RUNS_PER_YEAR = 4 * 365  # a refresh every 6 hours
WINDOW = 15  # the latest day and the 14 before it (HFPAPERS_REFRESH_DAYS)


def real_entries() -> list[dict]:
    pool: dict[str, dict] = {}
    for path in sorted((FIXTURES / "hf_daily_api").glob("20*.json")):
        for entry in json.loads(path.read_text()):
            pool.setdefault(entry["paper"]["id"], entry)
    return list(pool.values())


def build_overlay(folder: Path, days: list[date], upvotes: int = 0, only: list[date] | None = None) -> None:
    derive_arxiv_day(folder, FIXTURES) if not (folder / "arxiv_api").exists() else None
    arxiv_day = json.loads((folder / "hf_daily_api" / f"{ARXIV_DAY}.json").read_text())
    pool = real_entries()
    for n, day in enumerate(days):
        if only is not None and day not in only:
            continue
        chosen = [pool[(n * 20 + k) % len(pool)] for k in range(20)] + arxiv_day
        entries = json.loads(json.dumps(chosen))
        for entry in entries:
            entry["paper"]["upvotes"] = entry["paper"].get("upvotes", 0) + upvotes
        (folder / "hf_daily_api" / f"{day.isoformat()}.json").write_text(json.dumps(entries))


def crawl(base: str, data: Path, first: date, last: date) -> float:
    settings = {
        **replay_settings(base),
        "HFPAPERS_DATA_DIR": str(data),
        "DOWNLOAD_DELAY": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
        "LOG_LEVEL": "WARNING",
    }
    cmd = [sys.executable, "-m", "scrapy", "crawl", "hfpapers", "-a", f"start={first}", "-a", f"end={last}"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=ENV)
    if proc.returncode != 0:
        raise SystemExit(f"bench_rebuild: the crawl failed:\n{proc.stderr[-3000:]}")
    return time.monotonic() - started


def rebuild(data: Path, out: Path, jobs: int) -> tuple[float, dict]:
    shutil.rmtree(out, ignore_errors=True)
    started = time.monotonic()
    proc = subprocess.run(
        [str(BIN / "hfpapers-rebuild"), "--data", str(data), "--out", str(out), "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        env=ENV,
    )
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"bench_rebuild: the rebuild failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    report = json.loads(sorted((out / "_runs").glob("*-rebuild.json"))[-1].read_text())
    return elapsed, report["summary"]


def archive_entries(data: Path) -> list:
    layout = Layout(data)
    return [e for _, warc in layout.warc_files() for e in file_entries(warc, layout, heal=False)]


def raw_bytes(data: Path) -> int:
    return sum(p.stat().st_size for p in (data / "raw").rglob("*") if p.is_file())


def papers_count(data: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in (data / "papers").glob("date=*/*.parquet"))


def mib(n: float) -> str:
    return f"{n / 2**20:,.1f} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="keep the crawled data here")
    args = parser.parse_args()
    days = [FIRST_DAY + timedelta(days=n) for n in range(args.days)]
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as tmp_text:
        tmp = Path(tmp_text)
        overlay, data = tmp / "overlay", tmp / "data"
        build_overlay(overlay, days)
        server = serve([overlay, FIXTURES], 0, "127.0.0.1")
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            crawl_seconds = crawl(base, data, days[0], days[-1])
            entries = archive_entries(data)
            total, papers = raw_bytes(data), papers_count(data)
            lists = [e for e in entries if e.purpose == "list"]
            api = [e for e in entries if e.purpose == "api" and e.type == "response"]
            print(f"crawl of {args.days} replayed days: {crawl_seconds:.1f} s, {papers} papers")
            pages = {
                kind: [e for e in entries if e.purpose == kind and e.status == 200 and e.type == "response"]
                for kind in ("html", "abs")
            }
            html_raw = (FIXTURES / "arxiv_html" / "2501.11120v1.html").stat().st_size
            missing = [e.length for e in entries if e.status == 404]
            print(
                f"a real arXiv HTML page archived: {pages['html'][0].length / 1024:.0f} KiB "
                f"({html_raw / 1024:.0f} KiB as served); "
                f"a real abs page: {pages['abs'][0].length / 1024:.1f} KiB; "
                f"a 404: {sum(missing) / max(1, len(missing)):.0f} B (versioned pages are archived once: "
                f"the other {args.days - 1} days took them from the archive)"
            )
            files = len(list((data / "raw").rglob("*.warc.gz")))
            per_day = sum(e.length for e in lists) / len(days) / 1024
            print(
                f"archive: {mib(total)} in {files} WARC files; {total / papers / 1024:.1f} KiB per paper; "
                f"HF list answers {per_day:.1f} KiB per day ({len(lists) / len(days):.1f} answers a day, "
                "gzip members of the response records)"
            )
            # Refreshes: the last WINDOW days crawled again, unchanged, then with upvotes changed.
            window = days[-WINDOW:]
            before = raw_bytes(data)
            crawl(base, data, window[0], window[-1])
            unchanged = raw_bytes(data) - before
            build_overlay(overlay, days, upvotes=7, only=window)
            before = raw_bytes(data)
            crawl(base, data, window[0], window[-1])
            changed = raw_bytes(data) - before
        finally:
            server.shutdown()
        revisits = [e for e in archive_entries(data) if e.type == "revisit"]
        revisit_size = sum(e.length for e in revisits) / max(1, len(revisits))
        api_size = sum(e.length for e in api) / max(1, len(api))
        # The replay server's API answers repeat byte for byte, so they were deduplicated; arXiv's carry
        # the query time (<updated>) and never repeat: each run stores them whole.
        unchanged_real = unchanged + WINDOW * (api_size - revisit_size)
        print(
            f"a refresh run ({WINDOW}-day window) adds: {mib(unchanged_real)} when no list changed "
            f"(lists as revisit records of {revisit_size:.0f} B; "
            f"arXiv API answers, {api_size / 1024:.1f} KiB "
            f"each, stored whole as arXiv's differ every call), {mib(changed)} when every list changed"
        )
        print(
            f"a year of 6-hourly refreshes ({RUNS_PER_YEAR} runs): {mib(RUNS_PER_YEAR * unchanged_real)} "
            f"(nothing changes) … {mib(RUNS_PER_YEAR * changed)} (every list changes every run), "
            f"{RUNS_PER_YEAR * WINDOW * 2:,} files (WARC + index); new papers' pages come once, on top"
        )
        # The demo's data.
        demo = tmp / "demo"
        subprocess.run(
            [str(BIN / "hfpapers-demo"), "--out", str(demo)], capture_output=True, env=ENV, check=True
        )
        demo_seconds, demo_summary = rebuild(demo, tmp / "demo-out", os.cpu_count() or 1)
        answers = demo_summary["answers"]
        print(f"rebuild of the demo's data (5 days, {answers} answers): {demo_seconds:.1f} s")
        # 1 job against 2, alternating, best of rounds.
        best: dict[int, float] = {}
        summaries: dict[int, dict] = {}
        for _ in range(args.rounds):
            for jobs in (1, 2):
                seconds, summary = rebuild(data, tmp / f"out{jobs}", jobs)
                if seconds < best.get(jobs, float("inf")):
                    best[jobs], summaries[jobs] = seconds, summary
        for jobs in (1, 2):
            s = summaries[jobs]
            print(
                f"rebuild of {s['days']} days, --jobs {jobs}: {best[jobs]:.1f} s (whole command), "
                f"{s['answers'] / best[jobs]:.0f} answers/s, {s['pages'] / best[jobs]:.1f} arXiv pages/s "
                f"({s['days']} real HTML pages with 47 tables among them, the rest 404s)"
            )
        load = os.getloadavg()
        print(
            f"ratio --jobs 2 / --jobs 1: {best[1] / best[2]:.2f}x faster  "
            f"(cores {os.cpu_count()}, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
        )
        if args.keep:
            shutil.copytree(data, args.keep, dirs_exist_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
