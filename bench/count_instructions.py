"""Instructions per call of issue 18's three contenders on the bench pages, counted by valgrind's
callgrind: deterministic, so a change is judged by it on a shared machine where timings move
±10 % (bench/bench_arxiv_html.py gives the time ratios).

Run: ``python bench/count_instructions.py [--calls K]`` (needs ``valgrind``; takes ~2 minutes).
The script runs itself under callgrind: every contender is called once on every page (imports,
caches, the allocator's steady state), then K times per (page, contender) between two calls of
``os.getppid()``, on which callgrind dumps its counts (``--dump-before=getppid``). A Lexbor parse
costs more time per instruction than the Python of the extraction, so the instruction ratios run
~1.3-1.5x below the time ratios.
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_arxiv_html import BENCH_PAGES, bare_text, derived

from scraper.derive.claims import extract_claims
from scraper.derive.metrics import clear_caches, tables_metrics
from scraper.derive.rows import conclusion_text
from scraper.parse.arxiv_html import parse_html

_ROWS: dict[bytes, dict] = {}  # page -> its parsed row, so that metrics and claims count alone


def _row(body: bytes) -> dict:
    if body not in _ROWS:
        _ROWS[body] = parse_html(body)
    return _ROWS[body]


def metrics_alone(body: bytes) -> int:
    """`metrics` of the page's parsed tables, caches emptied (a cold paper)."""
    clear_caches()
    return len(tables_metrics(_row(body)["tables"] or [], "bench", 1))


def claims_alone(body: bytes) -> int:
    """Conclusion `claims` of the parsed page, caches emptied."""
    clear_caches()
    text = conclusion_text(_row(body))
    return len(extract_claims(text, "bench", "conclusion")) if text else 0


CONTENDERS = {
    "bare": bare_text,
    "extraction": parse_html,
    "derived": derived,
    "metrics": metrics_alone,
    "claims": claims_alone,
}


# Two phases: metrics and claims alone keep the parsed pages alive, which changes what the cyclic
# garbage collector walks (+7 % on the big page's total); they are counted after the others.
PHASES = (("bare", "extraction", "derived"), ("metrics", "claims"))
WARM_UP = "warm-up"


def _measured_run(calls: int, labels_path: str) -> None:
    """Inside callgrind: the calls, separated by os.getppid() (the dump marker)."""
    bodies = {p.name: p.read_bytes() for p in BENCH_PAGES}
    labels = []
    for i, phase in enumerate(PHASES):
        for body in bodies.values():
            for contender in phase:
                CONTENDERS[contender](body)
        if i > 0:  # (the first warm-up is counted with the start-up, in dump 1)
            labels.append(f"-\t{WARM_UP}")
        os.getppid()
        for name, body in bodies.items():
            for contender in phase:
                for _ in range(calls):
                    CONTENDERS[contender](body)
                labels.append(f"{name}\t{contender}")
                os.getppid()
    Path(labels_path).write_text("\n".join(labels))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=3)
    ap.add_argument("--inside", help=argparse.SUPPRESS)  # the labels file, when run by callgrind
    args = ap.parse_args(argv)
    if args.inside:
        _measured_run(args.calls, args.inside)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        labels = f"{tmp}/labels"
        cmd = [
            "valgrind", "--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={tmp}/cg.out",
            sys.executable, __file__, "--calls", str(args.calls), "--inside", labels,
        ]  # fmt: skip
        subprocess.run(cmd, check=True, capture_output=True)
        dumps = sorted(glob.glob(f"{tmp}/cg.out.*"), key=lambda f: int(f.rsplit(".", 1)[1]))
        totals = []
        for dump in dumps:
            with open(dump) as fh:
                totals.append(
                    next(int(line.split()[1]) for line in fh if line.startswith(("summary:", "totals:")))
                )
        counts: dict[str, dict[str, float]] = {}
        # dump 1 holds the start-up and warm-up; then one dump per (page, contender)
        for label, total in zip(Path(labels).read_text().splitlines(), totals[1:], strict=False):
            page, contender = label.split("\t")
            if contender == WARM_UP:
                continue
            counts.setdefault(page, {})[contender] = total / args.calls
    print(f"instructions per call (callgrind, {args.calls} calls after a warm-up call):")
    for page, c in counts.items():
        print(
            f"  {page[:48]:48s} bare {c['bare'] / 1e6:6.2f} M   extraction {c['extraction'] / 1e6:6.2f} M"
            f" ({c['extraction'] / c['bare']:.2f}x)   extraction + metrics + claims"
            f" {c['derived'] / 1e6:6.2f} M ({c['derived'] / c['bare']:.2f}x)"
            f"   of which metrics {c['metrics'] / 1e6:6.2f} M, claims {c['claims'] / 1e6:5.2f} M"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
