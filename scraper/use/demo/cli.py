"""hfpapers-demo: the whole crawl, offline, in seconds.

    hfpapers-demo [--out DIR]          (default DIR: demo-data)

Starts the replay server (`scraper/use/demo/replay.py`) on a free loopback port, runs the real
`scrapy crawl hfpapers` against it for the listing days 2025-09-29 … 2025-10-03, stops the server and
prints where the data is. The crawl goes through the whole product — HF list, arXiv API, HTML full
text, abs fallback, metrics, claims, ratings — on recorded real responses from the clone's `tests/fixtures/`
(so it runs from a clone, not from an installed wheel).

The recordings hold no day whose papers also have recorded arXiv pages, so 2025-10-02 (a weekday
with no recorded list) is derived from them, built in a temporary folder and served before them:
four papers whose arXiv pages were recorded whole — 2501.11120v1, 1706.03762v7 and 2508.08468v6
(HTML full text with results tables) and 1902.02534v2 (no HTML: the abs fallback) — each with a
Hugging Face list entry and an arXiv API entry that carry its own title, abstract and authors
(`scraper/use/demo/derived_day.py` says exactly what is derived from what).

The other days (09-29, 09-30, 10-03) are recorded lists served byte for byte; their papers have no
recorded arXiv page, so their HTML and abs requests get 404 and their `fulltext` rows say
`fulltext_source=none`. Loopback gets no politeness delay (the real crawl keeps its delays).

The recordings live in the repository, not in the installed package: run it from a clone
(https://github.com/hfpapers/hfpapers), or point --fixtures (or HFPAPERS_DEMO_FIXTURES) at a
clone's tests/fixtures/.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from scraper.store.layout import Layout
from scraper.use.demo.derived_day import DEMO_DAY, DEMO_END, DEMO_START, derive_demo_overlay
from scraper.use.demo.replay import replay_settings, serve

ROOT = Path(__file__).resolve().parents[3]  # the clone, when run from one
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURES_ENV = "HFPAPERS_DEMO_FIXTURES"  # another folder of recordings (a clone's tests/fixtures)
REPOSITORY = "https://github.com/hfpapers/hfpapers"

TABLES = ("papers", "fulltext", "metrics", "claims", "ratings", "rejects")
MARKER = "_demo"  # a folder inside the output that says "written by hfpapers-demo"
# What a fresh clone's data/ holds before any crawl (git keeps the empty folder with these): not data.
PLACEHOLDERS = frozenset({".gitkeep", "README.md"})
LOG_LINE = re.compile(r"^\S+ \S+ \[[^\]]+\] (\w+): (.*)$")  # Scrapy's default LOG_FORMAT
SHOWN_LOG_LINES = ("backfill: ", "no Daily Papers list", "] ERROR: ")  # echoed from the crawl's log


class DemoError(Exception):
    """A reason the demo cannot run, shown to the user as one line; `code` is the exit code (2: a
    bad argument, 1: the clone lacks the recordings)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def demo_settings(base: str, out: Path) -> dict[str, str]:
    """The crawl's settings: pointed at the replay server, writing to `out` (its web archive too, in
    `out/raw/`), and no politeness delay — loopback is not arXiv. The per-domain DOWNLOAD_SLOTS are
    keyed by the real host names, so 127.0.0.1 takes the default slot, i.e. DOWNLOAD_DELAY."""
    return {
        **replay_settings(base),
        "HFPAPERS_DATA_DIR": str(out),
        "DOWNLOAD_DELAY": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
        "LOG_LEVEL": "INFO",
    }


def check_out_dir(out: Path) -> None:
    """Refuse to write replayed data over a real crawl's output."""
    if out.exists() and not out.is_dir():
        raise DemoError(f"{out} is a file; --out wants a folder", code=2)
    holds_data = out.is_dir() and any(p.name not in PLACEHOLDERS for p in out.iterdir())
    if holds_data and not (out / MARKER).is_dir():
        raise DemoError(
            f"{out} is not empty and not an earlier demo's output; give --out a new folder", code=2
        )


def crawl_command(settings: dict[str, str]) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "hfpapers",
        "-a",
        f"start={DEMO_START}",
        "-a",
        f"end={DEMO_END}",
    ]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def run_crawl(settings: dict[str, str], log_path: Path) -> int:
    """Run the crawl in a subprocess (the real command line; Twisted's reactor runs once per
    process), its log to `log_path`; echo its progress lines."""
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            crawl_command(settings),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=_crawl_env(),
        )
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                log.write(line)
                if any(shown in line for shown in SHOWN_LOG_LINES):
                    print("  " + shown_line(line), flush=True)
        except KeyboardInterrupt:
            proc.kill()  # Ctrl-C: the server is about to go, so the crawl has nothing left to do
            proc.wait()
            raise
        return proc.wait()


def shown_line(line: str) -> str:
    """A log line without its time stamp and logger; its level too when that is INFO."""
    match = LOG_LINE.match(line.rstrip())
    if match is None:
        return line.rstrip()
    level, message = match.groups()
    return message if level == "INFO" else f"{level}: {message}"


def _crawl_env() -> dict[str, str]:
    # PYTHONPATH makes the clone importable even when hfpapers is not installed in this interpreter;
    # the settings module is named here too (the clone's scrapy.cfg names it only in the clone).
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": path,
        "SCRAPY_SETTINGS_MODULE": "scraper.settings",
    }


def row_counts(out: Path) -> dict[str, int]:
    layout, counts = Layout(out), {}
    for table in (t for t in TABLES if layout.table_dir(t).is_dir()):
        files = [f for day in layout.days(table) for f in layout.partition_files(table, day)]
        counts[table] = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    return counts


def fulltext_sources(out: Path) -> dict[str, int]:
    layout = Layout(out)
    sources: dict[str, int] = {}
    for path in (f for day in layout.days("fulltext") for f in layout.partition_files("fulltext", day)):
        for source in pq.read_table(path, columns=["fulltext_source"])["fulltext_source"].to_pylist():
            sources[str(source)] = sources.get(str(source), 0) + 1
    return sources


def look_at_it(out: Path) -> str:
    """The one pandas line printed at the end (and shown in the README for the default folder)."""
    return (
        "python -c \"import pandas as pd; print(pd.read_parquet('"
        + str(out)
        + "/fulltext').groupby(['fulltext_source', 'fulltext_status']).size())\""
    )


def run_demo(out: Path, fixtures: Path = FIXTURES) -> int:
    """Derive, serve, crawl into `out`, stop the server; print what was written. The crawl's exit
    code is returned."""
    if not (fixtures / "hf_daily_api").is_dir():
        raise DemoError(
            f"no recorded responses at {fixtures}: the demo needs a clone of the repository "
            f"(git clone {REPOSITORY}; pip install -e . in it; run hfpapers-demo there)"
        )
    check_out_dir(out)
    (out / MARKER).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hfpapers-demo-") as tmp:
        overlay = derive_demo_overlay(Path(tmp) / "overlay", fixtures)
        server = serve([overlay, fixtures], 0, "127.0.0.1")
        base = f"http://127.0.0.1:{server.server_address[1]}"
        print(
            f"hfpapers-demo: replaying {fixtures} at {base} (derived: the list of {DEMO_DAY} "
            f"and its arXiv API answer; see `hfpapers-demo --help`)",
            flush=True,
        )
        try:
            # Absolute: the crawl runs in the clone, not in the caller's working directory.
            code = run_crawl(demo_settings(base, out.resolve()), out / MARKER / "crawl.log")
        finally:
            server.shutdown()
            server.server_close()
    elapsed = time.monotonic() - started
    log = out / MARKER / "crawl.log"
    if code != 0:  # its ERROR lines were echoed as they came
        print(
            f"hfpapers-demo: the crawl failed (exit code {code}, errors above); its log is {log}",
            file=sys.stderr,
        )
        return code
    counts = row_counts(out)
    sources = ", ".join(f"{k} {v}" for k, v in sorted(fulltext_sources(out).items()))
    print(
        f"hfpapers-demo: crawled {DEMO_START} … {DEMO_END} in {elapsed:.1f} s; rows: "
        + ", ".join(f"{t} {n}" for t, n in counts.items())
        + f" (fulltext by source: {sources})"
    )
    print(f"  data: {out.resolve()}   crawl log: {log}")
    print(f"  look at it:  {look_at_it(out)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="hfpapers-demo",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("demo-data"),
        help="folder to write the dataset to (default: demo-data)",
    )
    parser.add_argument(
        "--fixtures",
        type=Path,
        default=Path(os.environ.get(FIXTURES_ENV) or FIXTURES),
        help=f"folder of recorded responses (default: ${FIXTURES_ENV}, else the clone's tests/fixtures)",
    )
    args = parser.parse_args(argv)
    try:
        return run_demo(args.out, args.fixtures)
    except DemoError as exc:
        print(f"hfpapers-demo: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"hfpapers-demo: interrupted; {args.out} may hold some of the days", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
