"""Responses derived from real recordings for the tests' replay server (the demo's own derived day,
which holds together, is `scraper/use/demo/derived_day.py`; tests that run the demo read that one).

What is derived rather than recorded, built in a folder served before the recordings (`--overlay`):

* the tests' arXiv day, 2026-07-30 (no list recorded for it): the real 2026-07-31 entries of the
  three papers whose arXiv API entries were recorded, plus two copies of a real entry re-pointed at
  the papers whose HTML (2501.11120v1) and abs page (1902.02534, no HTML) were recorded — a test
  fixture for routing (HTML, abs fallback, 404s), not a day that holds together as the demo's does:
  the copies keep the donor's title, authors and abstract in the HF list. The tests' backfill
  (`derive_backfill_overlay`, `reference_backfill` in conftest.py) also serves it as 2025-10-02;
* their arXiv API answer: a real recorded entry (1707.08567) with its id, title and links rewritten;
* the release's variant of that day (conclusion claims under two licences), and big days of real
  entries pooled from every recorded day (tests/test_years.py, bench/).

Nothing recorded is edited: the derived files are new files in the overlay folder.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from lxml import etree

from scraper.use.demo.derived_day import DEMO_DAY
from scraper.use.demo.derived_day import DEMO_END as DEMO_END  # re-exported for the tests
from scraper.use.demo.derived_day import DEMO_START as DEMO_START

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ATOM = "{http://www.w3.org/2005/Atom}"

# The tests' derived arXiv day (no list is recorded for it).
ARXIV_DAY = "2026-07-30"
# The demo's backfill and its derived day (a weekday without a recorded list), re-exported for tests.
ARXIV_DAY_AS = DEMO_DAY
REAL_ATOM_IDS = ["2607.28568", "2607.28582", "2607.28618"]  # in both the HF and arXiv recordings
HTML_ID, ABS_ID = "2501.11120", "1902.02534"  # recorded HTML page / recorded abs page (no HTML link)


def derive_arxiv_day(folder: Path, fixtures: Path = FIXTURES) -> Path:
    """Write the derived arXiv day into `folder` (same layout as `fixtures`) and return `folder`:

    * `hf_daily_api/2026-07-30.json`: the real 2026-07-31 entries of the papers in REAL_ATOM_IDS,
      plus two copies of the first real entry with `paper.id` set to HTML_ID and ABS_ID;
    * `arxiv_api/derived_….xml`: one Atom entry for each of those two papers — the real recorded
      entry of 1707.08567 with its id, title and links rewritten to the paper and version of the
      recorded page (2501.11120v1, 1902.02534v2).
    """
    raw = json.loads((fixtures / "hf_daily_api/default-endpoint_2026-07-31_raw.json").read_bytes())
    entries = [e for e in raw if e["paper"]["id"] in REAL_ATOM_IDS]
    for arxiv_id in (HTML_ID, ABS_ID):
        twin = copy.deepcopy(raw[0])
        twin["paper"]["id"] = arxiv_id
        entries.append(twin)
    (folder / "hf_daily_api").mkdir(parents=True)
    (folder / "hf_daily_api" / f"{ARXIV_DAY}.json").write_text(json.dumps(entries))

    feed = etree.fromstring((fixtures / "arxiv_api/idlist_1707.08567.xml").read_bytes())
    donor = feed.find(f"{ATOM}entry")
    feed.remove(donor)
    for arxiv_id, version, title in (
        (HTML_ID, 1, "Tell me about yourself: LLMs are aware of their learned behaviors"),
        (ABS_ID, 2, "Sentence-level arXiv abstract page capture"),
    ):
        entry = copy.deepcopy(donor)
        entry.find(f"{ATOM}id").text = f"http://arxiv.org/abs/{arxiv_id}v{version}"
        entry.find(f"{ATOM}title").text = title
        for link in entry.findall(f"{ATOM}link"):
            link.set("href", link.get("href").replace("1707.08567v1", f"{arxiv_id}v{version}"))
        feed.append(entry)
    (folder / "arxiv_api").mkdir()
    (folder / "arxiv_api" / f"derived_{HTML_ID}_{ABS_ID}.xml").write_bytes(etree.tostring(feed))
    return folder


DERIVED_BACKFILL = (f"start={DEMO_START}", f"end={DEMO_END}")  # the crawl arguments; 10-01 has no list


def derive_backfill_overlay(folder: Path, fixtures: Path = FIXTURES) -> Path:
    """`derive_arxiv_day`, with its list also served as ARXIV_DAY_AS, so the tests' backfill
    (DEMO_START … DEMO_END: the demo's days) has recorded lists and real arXiv pages. Not the demo's
    day (`derive_demo_overlay`): this one keeps a real HF entry that has a GitHub repository, headline
    claims and a recorded arXiv API entry (2607.28618, AskChem), which the digest's tests read."""
    derive_arxiv_day(folder, fixtures)
    lists = folder / "hf_daily_api"
    (lists / f"{ARXIV_DAY_AS}.json").write_bytes((lists / f"{ARXIV_DAY}.json").read_bytes())
    return folder


# -- the release's day: the derived arXiv day plus conclusion claims under two licences -------------

LICENSED_ID = "2607.28568"  # listed that day, arXiv API entry captured (v1), no page captured
CONCLUSION_START = b'id="S8.p1.1">'
CONCLUSION_CLAIM = b"Self-awareness improves accuracy by 12.5% over the untrained baseline. "
CC_BY_LINK = b'<a id="license-tr" href="https://creativecommons.org/licenses/by/4.0/">License: CC BY 4.0</a>'


def derive_release_overlay(folder: Path) -> Path:
    """`derive_arxiv_day`'s day plus two variants of the real HTML capture (2501.11120v1), both with
    one quantitative sentence added at the start of the conclusion so that `claims` gets conclusion
    rows: the page as captured (no licence statement: its text may not be republished) and a copy
    re-pointed at LICENSED_ID with a CC BY 4.0 licence link (its text may)."""
    derive_arxiv_day(folder)
    page = (FIXTURES / "arxiv_html" / f"{HTML_ID}v1.html").read_bytes()
    assert page.count(CONCLUSION_START) == 1 and page.count(b"<body>") == 1
    page = page.replace(CONCLUSION_START, CONCLUSION_START + CONCLUSION_CLAIM)
    (folder / "arxiv_html").mkdir()
    (folder / "arxiv_html" / f"{HTML_ID}v1.html").write_bytes(page)
    licensed = page.replace(HTML_ID.encode(), LICENSED_ID.encode()).replace(b"<body>", b"<body>" + CC_BY_LINK)
    (folder / "arxiv_html" / f"{LICENSED_ID}v1.html").write_bytes(licensed)
    return folder


# -- a big day with arXiv: every listed paper has an API entry and a real HTML page -----------------

RECORDED_PAGES = sorted((FIXTURES / "arxiv_html").glob("*v*.html"))


def pooled_entries(count: int, fixtures: Path = FIXTURES, skip: int = 0) -> list[dict]:
    """`count` real daily entries with distinct paper ids, pooled from every recorded day (as
    tests/test_lists.py does)."""
    pool: dict[str, dict] = {}
    for path in sorted((fixtures / "hf_daily_api").glob("20*.json")):
        for entry in json.loads(path.read_text()):
            pool.setdefault(entry["paper"]["id"], entry)
    entries = list(pool.values())
    if len(entries) < skip + count:
        raise ValueError(f"only {len(entries)} distinct real entries recorded")
    return [json.loads(json.dumps(e)) for e in entries[skip : skip + count]]


def derive_big_arxiv_day(folder: Path, day: str, count: int = 130, fixtures: Path = FIXTURES) -> list[str]:
    """Serve a day of `count` real HF entries (pooled, distinct) as `day`, each paper with an arXiv
    API entry (the real recorded entry of 1707.08567 with id, title and links rewritten, version 1)
    and an HTML page at v1: the real recorded pages, taken in turn (each file copied whole; only its
    name differs). Returns the ids. Nothing recorded is edited."""
    entries = pooled_entries(count, fixtures)
    ids = [e["paper"]["id"] for e in entries]
    lists = folder / "hf_daily_api"
    lists.mkdir(parents=True, exist_ok=True)
    (lists / f"{day}.json").write_text(json.dumps(entries))
    feed = etree.fromstring((fixtures / "arxiv_api/idlist_1707.08567.xml").read_bytes())
    donor = feed.find(f"{ATOM}entry")
    feed.remove(donor)
    pages = folder / "arxiv_html"
    pages.mkdir(parents=True, exist_ok=True)
    for n, arxiv_id in enumerate(ids):
        entry = copy.deepcopy(donor)
        entry.find(f"{ATOM}id").text = f"http://arxiv.org/abs/{arxiv_id}v1"
        entry.find(f"{ATOM}title").text = entries[n]["paper"].get("title") or arxiv_id
        for link in entry.findall(f"{ATOM}link"):
            link.set("href", link.get("href").replace("1707.08567v1", f"{arxiv_id}v1"))
        feed.append(entry)
        source = RECORDED_PAGES[n % len(RECORDED_PAGES)]
        (pages / f"{arxiv_id}v1.html").write_bytes(source.read_bytes())
    api = folder / "arxiv_api"
    api.mkdir(parents=True, exist_ok=True)
    (api / f"derived_big_day_{day}.xml").write_bytes(etree.tostring(feed))
    return ids
