"""Rising papers and upvote curves come from `ratings`.

DERIVED snapshots (the recordings hold one capture per day): the recorded lists of 2025-09-29 and
2025-09-30 are written as crawls repeated at later times, each paper's upvotes raised by an amount
taken from its arXiv id (so rises differ from paper to paper), with the project's writer
(tests/test_digest_data.py). Expected rises are computed here from the `ratings` files with pandas,
not with the digest's code.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from lxml import html as lxml_html

from scraper.use.digest.cli import main
from tests.test_digest_data import CAPTURED_AT, write_crawl

MONDAY, TUESDAY = "2025-09-29", "2025-09-30"
TUESDAY_EVENING = datetime(2025, 9, 30, 20, tzinfo=UTC)
WEDNESDAY_EVENING = datetime(2025, 10, 1, 20, tzinfo=UTC)  # the latest crawl: the digest's "now"
RANGE = ["--start", MONDAY, "--end", TUESDAY]


def raised(by: int):
    """Derived upvotes: the recorded count plus `by` times the last two digits of the arXiv id."""
    return lambda arxiv_id, upvotes: (upvotes or 0) + by * int(arxiv_id[-2:])


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    """Monday crawled at its capture and on Tuesday evening; Tuesday at its capture, Tuesday
    evening and Wednesday evening."""
    data = tmp_path_factory.mktemp("rising") / "data"
    write_crawl(data, MONDAY, CAPTURED_AT[MONDAY])
    write_crawl(data, MONDAY, TUESDAY_EVENING, upvotes=raised(2))
    write_crawl(data, TUESDAY, CAPTURED_AT[TUESDAY])
    write_crawl(data, TUESDAY, TUESDAY_EVENING, upvotes=raised(1))
    write_crawl(data, TUESDAY, WEDNESDAY_EVENING, upvotes=raised(3))
    return data


def digest(capsys, data: Path, *args: str) -> str:
    assert main(["--data", str(data), *args]) == 0
    return capsys.readouterr().out


def section(markdown: str, name: str) -> str:
    return markdown.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]


def expected_rises(data: Path, window: timedelta | None) -> list[tuple[str, int, int, int]]:
    """(hf url, gain, before, after) of the top five risers, from the ratings files with pandas."""
    ratings = pd.read_parquet(data / "ratings").sort_values("crawled_at")
    papers = pd.read_parquet(data / "papers")
    order = papers.sort_values(
        ["upvotes", "num_comments", "listing_rank"], ascending=[False, False, True], kind="stable"
    )["arxiv_id"].tolist()
    now = ratings["crawled_at"].max()
    rises = []
    for arxiv_id, curve in ratings.groupby("arxiv_id"):
        values, times = curve["upvotes"].tolist(), curve["crawled_at"].tolist()
        if len(values) < 2:
            continue
        if window is None:
            before = values[-2]
        else:
            earlier = [v for v, t in zip(values, times, strict=True) if t <= now - window]
            before = earlier[-1] if earlier else values[0]
        if values[-1] > before:
            rises.append((arxiv_id, values[-1] - before, before, values[-1]))
    rises.sort(key=lambda rise: (-rise[1], order.index(rise[0])))
    return [(f"https://huggingface.co/papers/{a}", g, b, v) for a, g, b, v in rises[:5]]


def listed_rises(part: str) -> list[tuple[str, int, int, int]]:
    found = re.findall(r"^\d\. \[.*\]\((\S+)\) — \+(\d+) upvotes: (\d+) → (\d+) \(", part, re.M)
    return [(url, int(g), int(b), int(a)) for url, g, b, a in found]


@pytest.mark.parametrize(
    ("title", "window"),
    [
        ("Since the previous crawl", None),
        ("Last 24 hours", timedelta(hours=24)),
        ("Last 7 days", timedelta(days=7)),
    ],
)
def test_rising_lists_the_biggest_gains_from_ratings(capsys, data: Path, title: str, window) -> None:
    rising = section(digest(capsys, data, *RANGE), "Rising")
    part = rising.split(f"### {title}\n", 1)[1].split("\n### ", 1)[0]
    expected = expected_rises(data, window)
    assert len(expected) == 5
    assert listed_rises(part) == expected
    assert (
        "the latest 2025-10-01 20:00 UTC" in rising and "(4 crawl times" in rising
    )  # Monday 07:49, Tuesday 07:49 and 20:00, Wednesday 20:00


def test_windows_measure_from_the_right_snapshot(capsys, data: Path) -> None:
    rising = section(digest(capsys, data, *RANGE), "Rising")
    last_day = rising.split("### Last 24 hours\n", 1)[1].split("\n### ", 1)[0]
    # Over the last 24 h only Tuesday's papers moved (Monday's were last crawled 24 h before "now"),
    # measured from Tuesday evening's snapshot.
    monday = set(pd.read_parquet(data / "papers" / f"date={MONDAY}")["hf_url"])
    assert listed_rises(last_day) and not {url for url, *_ in listed_rises(last_day)} & monday
    assert "(2025-09-30 20:00 → 2025-10-01 20:00 UTC)" in last_day
    # Over 7 days every paper is measured from its first snapshot (all are newer than now − 7 d).
    week = rising.split("### Last 7 days\n", 1)[1]
    assert "(2025-09-30 07:49 → 2025-10-01 20:00 UTC)" in week


def test_each_paper_has_its_upvote_curve(capsys, data: Path) -> None:
    ratings = pd.read_parquet(data / "ratings" / f"date={TUESDAY}")
    arxiv_id = "2509.25190"  # Visual Jigsaw, three snapshots on Tuesday's list
    curve = ratings[ratings["arxiv_id"] == arxiv_id].sort_values("crawled_at")
    first, last = curve.iloc[0], curve.iloc[-1]
    markdown = digest(capsys, data, *RANGE)
    block = next(
        b for b in re.split(r"\n(?=### \d+\. )", section(markdown, "Papers")) if arxiv_id in b.split("\n")[0]
    )
    assert (
        f"- **Upvote curve:** {first['upvotes']} (2025-09-30 07:49 UTC) → {last['upvotes']} "
        "(2025-10-01 20:00 UTC), 3 snapshots" in block
    )
    page = lxml_html.fromstring(digest(capsys, data, *RANGE, "--format", "html").encode())
    svg = page.xpath(f"//article[@id='p{arxiv_id}']//svg")
    assert len(svg) == 1 and svg[0].get("role") == "img"
    label = svg[0].get("aria-label")
    for value, when in zip(
        curve["upvotes"], ("2025-09-30 07:49", "2025-09-30 20:00", "2025-10-01 20:00"), strict=True
    ):
        assert f"{value} on {when} UTC" in label
    points = svg[0].find("polyline").get("points").split()
    assert len(points) == 3
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] > ys[1] > ys[2]  # rising upvotes: the line climbs (SVG's y grows downwards)
    # Every paper with two snapshots or more has a curve; the Monday papers have two each.
    assert len(page.xpath("//section[@id='papers']//article//svg")) == 80


def test_summary_names_the_biggest_riser_and_the_best_rated_paper(capsys, data: Path) -> None:
    summary = section(digest(capsys, data, *RANGE), "Summary")
    url, gain, before, after = expected_rises(data, None)[0]
    assert re.search(
        rf"- \*\*Biggest riser:\*\* \[.*\]\({re.escape(url)}\) — \+{gain} upvotes since its previous crawl",
        summary,
    )
    papers = pd.read_parquet(data / "papers").sort_values(["upvotes", "num_comments"], ascending=False)
    best = papers.iloc[0]
    assert (
        f"- **Best-rated paper:** [{best['title']}]({best['hf_url']}) — {best['upvotes']} upvotes, ★★★"
        in summary
    )
    assert "- **Papers:** 80 papers listed on 2 days of 2025-09-29 … 2025-09-30" in summary


def test_one_snapshot_is_said_instead_of_risers(capsys, tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_crawl(data, TUESDAY, CAPTURED_AT[TUESDAY])
    markdown = digest(capsys, data, "--date", TUESDAY)
    note = "one upvote snapshot per paper so far (latest crawl 2025-09-30 07:49 UTC), nothing to compare yet"
    assert note[:1].upper() + note[1:] in section(markdown, "Rising")
    assert "### Since the previous crawl" not in markdown
    assert f"- **Biggest riser:** none — {note}" in section(markdown, "Summary")
    assert "Upvote curve" not in markdown
    assert "<svg" not in digest(capsys, data, "--date", TUESDAY, "--format", "html")
