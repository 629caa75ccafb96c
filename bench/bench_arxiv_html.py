"""Benchmark the arXiv HTML parser on the real 2501.11120v1 page (LaTeXML 0.8.8, 699 KB).

Measures, in one run and interleaved round-robin so machine noise hits every contender alike
(best of N, ``time.perf_counter``; each timing includes freeing the tree it built):

* bare ``lxml.html.fromstring`` parse,
* bare selectolax ``LexborHTMLParser`` parse,
* the full ``scraper.parsers.arxiv_html.parse_html`` extraction,
* a straightforward BeautifulSoup extraction of the same main fields (title, abstract, sections
  with text, tables as grids, references, error count) on the ``lxml`` tree builder (the fastest
  BS4 backend, so the comparison is the least flattering one for us).

Targets: full extraction <= 2.5x the fastest bare parse; BS4 >= 15x the full extraction.
Also reports peak traced Python memory (tracemalloc) and the RSS growth while one parsed tree is
alive (tracemalloc cannot see Lexbor's or libxml2's C allocations). Always exits 0.

Run: ``python bench/bench_arxiv_html.py [-n ROUNDS] [path.html]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import lxml.html
from bs4 import BeautifulSoup
from selectolax.lexbor import LexborHTMLParser

from scraper.parsers.arxiv_html import parse_html

FIXTURE = Path(__file__).resolve().parent.parent / "tests/fixtures/arxiv_html/2501.11120v1.html"
TARGET_FULL_VS_BARE = 2.5
TARGET_BS4_VS_FULL = 15.0


def bs4_extract(body: bytes) -> dict:
    """The obvious BeautifulSoup version of the main fields (math as alttext, like ours)."""
    soup = BeautifulSoup(body, "lxml")
    for m in soup.find_all("math"):
        m.replace_with(m.get("alttext", ""))

    def text(node) -> str:
        return " ".join(node.get_text().split()) if node is not None else ""

    title = text(soup.select_one("h1.ltx_title_document"))
    abstract = "\n".join(text(p) for p in soup.select("div.ltx_abstract p"))
    sections = []
    for sec in soup.find_all("section"):
        classes = sec.get("class") or []
        if "ltx_bibliography" in classes:
            continue
        head = sec.find(["h2", "h3", "h4", "h5", "h6"], recursive=False)
        paras = [text(p) for p in sec.find_all("div", class_="ltx_para", recursive=False)]
        sections.append({"id": sec.get("id"), "title": text(head), "text": "\n".join(paras)})
    tables = []
    for fig in soup.select("figure.ltx_table"):
        cap = fig.find("figcaption")
        rows = []
        for tr in fig.select("tr"):
            rows.append(
                [
                    {
                        "text": text(td),
                        "colspan": int(td.get("colspan", 1)),
                        "bold": td.select_one(".ltx_font_bold") is not None,
                    }
                    for td in tr.find_all(["td", "th"])
                ]
            )
        tables.append({"id": fig.get("id"), "caption": text(cap), "rows": rows})
    references = [{"id": li.get("id"), "text": text(li)} for li in soup.select("li.ltx_bibitem")]
    n_errors = len(soup.select(".ltx_ERROR"))
    return {
        "title": title,
        "abstract": abstract,
        "sections": sections,
        "tables": tables,
        "references": references,
        "n_errors": n_errors,
    }


def _rss_kb() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return 0


def _memory(fn: Callable[[], object]) -> tuple[float, float]:
    """(tracemalloc peak MB, RSS growth MB while the result is alive) of one call."""
    gc.collect()
    rss0 = _rss_kb()
    tracemalloc.start()
    result = fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss1 = _rss_kb()
    del result
    return peak / 1e6, max(0, rss1 - rss0) / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(FIXTURE))
    ap.add_argument("-n", "--rounds", type=int, default=30)
    ap.add_argument("--bs4-rounds", type=int, default=3)
    args = ap.parse_args()
    body = Path(args.path).read_bytes()
    mb = len(body) / 1e6

    contenders: dict[str, Callable[[], object]] = {
        "lxml.html.fromstring (bare)": lambda: lxml.html.fromstring(body),
        "selectolax Lexbor (bare)": lambda: LexborHTMLParser(body),
        "parse_html (full extraction)": lambda: parse_html(body),
    }
    best = {name: float("inf") for name in contenders}
    for fn in contenders.values():  # warm-up (imports, caches)
        fn()
    for _ in range(args.rounds):
        for name, fn in contenders.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    bs4_name = "BeautifulSoup[lxml] extraction"
    best[bs4_name] = float("inf")
    for _ in range(args.bs4_rounds):
        t0 = time.perf_counter()
        bs4_extract(body)
        best[bs4_name] = min(best[bs4_name], time.perf_counter() - t0)

    print(
        f"page: {args.path} ({len(body) / 1024:.0f} KB), best of {args.rounds} "
        f"(BS4: best of {args.bs4_rounds})"
    )
    for name, secs in best.items():
        print(f"  {name:32s} {secs * 1000:9.2f} ms  {mb / secs:8.1f} MB/s")

    full = best["parse_html (full extraction)"]
    bare = min(best["lxml.html.fromstring (bare)"], best["selectolax Lexbor (bare)"])
    r1 = full / bare
    r2 = best[bs4_name] / full
    print(
        f"full extraction / fastest bare parse = {r1:.2f}x  (target <= {TARGET_FULL_VS_BARE}x)"
        f"  {'PASS' if r1 <= TARGET_FULL_VS_BARE else 'MISS'}"
    )
    print(
        f"BS4 extraction / full extraction     = {r2:.1f}x  (target >= {TARGET_BS4_VS_FULL}x)"
        f"  {'PASS' if r2 >= TARGET_BS4_VS_FULL else 'MISS'}"
    )

    for name, fn in [
        ("selectolax Lexbor (bare)", lambda: LexborHTMLParser(body)),
        ("lxml.html.fromstring (bare)", lambda: lxml.html.fromstring(body)),
        ("parse_html (full extraction)", lambda: parse_html(body)),
    ]:
        peak, rss = _memory(fn)
        print(f"memory {name:32s} tracemalloc peak {peak:7.2f} MB   RSS growth {rss:7.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
