"""The parser benchmark runs, and its floor really reads the texts the row holds.

No timing is asserted here (speed targets live in ``bench/``, not in the suite); this keeps the
benchmark from rotting and its floor honest: a floor that skipped part of the row's text would
make the structure look dearer than it is.
"""

import re

import pytest
from bench_arxiv_html import FIXTURE, main, text_floor  # bench/, put on sys.path by conftest

from scraper.parse.arxiv_html import parse_html


def test_floor_reads_the_texts_of_the_row():
    body = FIXTURE.read_bytes()
    floor = text_floor(body)
    read = set(floor)
    row = parse_html(body, url="https://arxiv.org/html/2501.11120v1")
    cells = [c["text"] for t in row["tables"] for r in t["rows"] for c in r["cells"]]
    assert len(cells) == 497
    assert all(text in read for text in cells)
    # Section blocks: the row drops footnotes and error macros from them, the floor does not;
    # the row also gives list items and code lines a line each and wraps math in $…$ and
    # citations in [bib.…] markers (issue 11), so its words, not its lines, are compared (98.5%
    # of them are in the floor's texts on this page); titles sit inside the heading texts.
    lines = [line for s in row["sections"] for line in s["text"].split("\n") if line]
    assert len(lines) == 305
    floor_words = {word for text in floor for word in text.split()}
    words = [w for line in lines for w in re.sub(r"\[bib\.[^\]]*\]|\$", " ", line).split()]
    assert sum(w in floor_words for w in words) >= 0.95 * len(words)
    titles = [s["title"] for s in row["sections"] if s["title"]]
    assert titles and all(any(title in text for text in floor) for title in titles)
    assert text_floor(body, squash=False) != floor  # the raw floor really skips the squash


def test_bench_prints_every_ratio(capsys):
    assert main(["-n", "1", "--bs4-rounds", "1"]) == 0
    out = capsys.readouterr().out
    for label in (
        "full extraction / fastest bare parse",
        "BS4 extraction / full extraction",
        "floors / fastest bare parse: raw text reads",
        "structure work = full - squashed floor",
        "memory parse_html (full extraction)",
    ):
        assert label in out, label


@pytest.mark.crawl
def test_bench_years_prints_every_figure(capsys):
    """bench/bench_years.py on a short history (issue 21's figures; no figure is asserted here)."""
    from bench_years import main as years

    assert years(["--days", "3", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    for label in (
        "a 130-paper day:",  # peak RSS of the 130-paper day with arXiv
        "refresh / first run: CPU",
        "requests sent HF lists",
        "ratings: 3 files now (one per listing day), 180 before",
        "ratios to one file",
        "<- GZIP_LEVEL",
    ):
        assert label in out, label
