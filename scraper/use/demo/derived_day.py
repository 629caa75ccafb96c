"""The demo's arXiv day: answers derived from real recordings, served by `hfpapers-demo` before them.

The recordings hold no day whose papers also have recorded arXiv pages, so the demo's backfill
(DEMO_START … DEMO_END) gets one derived day, DEMO_DAY (2025-10-02, a weekday with no recorded list).
Its papers are the ones whose arXiv pages were recorded whole (`tests/fixtures/MANIFEST.md`):

    2501.11120v1   HTML  arxiv_html/2501.11120v1.html
    1706.03762v7   HTML  arxiv_html/1706.03762v7_oxide0.7.5_2026-08_arxivlicense.html
    2508.08468v6   HTML  arxiv_html/2508.08468v6.html
    1902.02534v2   abs   arxiv_abs/1902.02534_captured-2026-07-23.html (no HTML: the abs fallback)

Every id is older than the day it is listed on. Each paper's three answers describe that one paper:

* its Hugging Face list entry (`hf_daily_api/2025-10-02.json`): a real entry of the recorded
  2025-10-03 list (the n-th paper takes the n-th entry) keeping only what says nothing of the
  donor's paper — `upvotes`, `numComments`, the submitter, `isAuthorParticipating` — and
  `submittedOnDailyAt` moved to DEMO_DAY (time of day kept). `paper.id`, `title`, `summary` and
  `paper.authors` (names) are the paper's own, read from its recorded page by the product's
  parsers; `thumbnail` is HF's URL pattern for the id; `publishedAt` is the v1 date where the
  recording states it (the abs page's submission history), else absent. Everything else of the
  donor (media, links, GitHub, organization, AI summary and keywords, discussion, author ids) is
  dropped;
* its arXiv API entry (`arxiv_api/derived_demo_day.xml`): the real recorded entry of 1707.08567
  with id, version, title, summary, authors and links rewritten to the paper, its categories set
  to the subjects its page states (none where it states none), `published`/`updated` set from the
  abs page's submission history where recorded and dropped otherwise, and the donor's comment
  dropped;
* its page: the recording itself, byte for byte. The replay server finds HTML pages by the name
  `<id>v<N>.html`, so 1706.03762v7's page is copied under that name (bytes unchanged).

The other days are recorded lists served byte for byte; their papers have no recorded arXiv page
(HTML and abs get 404). Nothing recorded is edited: the derived files are new files in the overlay
folder.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from scraper.parse.arxiv_abs import parse_abs
from scraper.parse.arxiv_html.document import parse_html

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"

DEMO_START, DEMO_END = "2025-09-29", "2025-10-03"  # 10-01 has no list: an empty day is part of the show
DEMO_DAY = "2025-10-02"  # a weekday with no recorded list: the derived day is served here
DONOR_LIST = "hf_daily_api/2025-10-03.json"  # the recorded list whose entries lend their counts
DONOR_FEED = "arxiv_api/idlist_1707.08567.xml"  # the recorded Atom entry that lends its shape
DONOR_ID = "1707.08567v1"


@dataclass(frozen=True)
class DemoPaper:
    arxiv_id: str
    version: int
    page: str  # the recording, relative to the fixtures folder
    kind: str  # "html" (full text from the HTML page) or "abs" (no HTML: the abs page)


DEMO_PAPERS = (
    DemoPaper("2501.11120", 1, "arxiv_html/2501.11120v1.html", "html"),
    DemoPaper("1706.03762", 7, "arxiv_html/1706.03762v7_oxide0.7.5_2026-08_arxivlicense.html", "html"),
    DemoPaper("2508.08468", 6, "arxiv_html/2508.08468v6.html", "html"),
    DemoPaper("1902.02534", 2, "arxiv_abs/1902.02534_captured-2026-07-23.html", "abs"),
)


@dataclass(frozen=True)
class OwnMetadata:
    """What the paper's own recorded page says of it."""

    title: str
    abstract: str
    authors: list[str]
    subjects: list[str]  # primary first; empty when the page states none
    published: str | None  # ISO time of v1, when the page states it
    updated: str | None  # ISO time of the version shown, when the page states it


def own_metadata(paper: DemoPaper, fixtures: Path) -> OwnMetadata:
    body = (fixtures / paper.page).read_bytes()
    if paper.kind == "html":
        page = parse_html(body)
        subjects = [page["primary_subject"]] if page["primary_subject"] else []
        names = [a["name"] for a in page["authors"]]
        return OwnMetadata(page["title"], page["abstract"], names, subjects, None, None)
    abs_page = parse_abs(body)
    history = {
        h["version"]: h["submitted_at"].strftime("%Y-%m-%dT%H:%M:%SZ") for h in abs_page["submission_history"]
    }
    return OwnMetadata(
        abs_page["title"],
        abs_page["abstract"],
        list(abs_page["authors"]),
        list(abs_page["subjects"]),
        history.get(1),
        history.get(paper.version),
    )


def check_metadata(paper: DemoPaper, meta: OwnMetadata) -> None:
    """The recordings must give each paper a title, an abstract and authors (a parser change that
    lost one would otherwise make a demo day that no longer holds together)."""
    if not (meta.title and meta.abstract and meta.authors):
        raise ValueError(f"{paper.page}: no title, abstract or authors read from the recording")


# -- the Hugging Face list ------------------------------------------------------------------------

KEPT_FROM_DONOR = ("upvotes", "submittedOnDailyAt", "submittedOnDailyBy")  # inside `paper`
KEPT_FROM_DONOR_TOP = ("numComments", "submittedBy", "isAuthorParticipating")


def hf_entry(donor: dict, paper: DemoPaper, meta: OwnMetadata) -> dict:
    donor_paper = donor["paper"]
    own = {
        "id": paper.arxiv_id,
        "authors": [{"name": name, "hidden": False} for name in meta.authors],
        "title": meta.title,
        "summary": meta.abstract,
        **{key: copy.deepcopy(donor_paper[key]) for key in KEPT_FROM_DONOR if key in donor_paper},
    }
    if "submittedOnDailyAt" in own:  # the donor's time of day, on the day the entry is listed
        own["submittedOnDailyAt"] = DEMO_DAY + own["submittedOnDailyAt"][10:]
    if meta.published:
        own["publishedAt"] = meta.published.replace("Z", ".000Z")
    entry = {
        "paper": own,
        "title": meta.title,
        "summary": meta.abstract,
        "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{paper.arxiv_id}.png",
        **{key: copy.deepcopy(donor[key]) for key in KEPT_FROM_DONOR_TOP if key in donor},
    }
    if meta.published:
        entry["publishedAt"] = own["publishedAt"]
    return entry


# -- the arXiv API entries ------------------------------------------------------------------------


def atom_entry(donor: etree._Element, paper: DemoPaper, meta: OwnMetadata) -> etree._Element:
    entry = copy.deepcopy(donor)
    versioned = f"{paper.arxiv_id}v{paper.version}"
    entry.find(f"{ATOM}id").text = f"http://arxiv.org/abs/{versioned}"
    entry.find(f"{ATOM}title").text = meta.title
    entry.find(f"{ATOM}summary").text = meta.abstract
    for link in entry.findall(f"{ATOM}link"):
        link.set("href", link.get("href").replace(DONOR_ID, versioned))
    for tag, value in ((f"{ATOM}published", meta.published), (f"{ATOM}updated", meta.updated)):
        node = entry.find(tag)
        if value is None:
            entry.remove(node)
        else:
            node.text = value
    for node in [
        *entry.findall(f"{ATOM}author"),
        *entry.findall(f"{ATOM}category"),
        *entry.findall(f"{ARXIV}comment"),
        *entry.findall(f"{ARXIV}primary_category"),
    ]:
        entry.remove(node)
    for subject in meta.subjects:
        etree.SubElement(entry, f"{ATOM}category", term=subject, scheme="http://arxiv.org/schemas/atom")
    if meta.subjects:
        etree.SubElement(entry, f"{ARXIV}primary_category", term=meta.subjects[0])
    for name in meta.authors:
        etree.SubElement(etree.SubElement(entry, f"{ATOM}author"), f"{ATOM}name").text = name
    return entry


# -- the overlay ----------------------------------------------------------------------------------


def derive_demo_overlay(folder: Path, fixtures: Path) -> Path:
    """Write the demo's derived day (the module's docstring says what is derived from what) into
    `folder`, laid out as `fixtures`, and return `folder`."""
    donors = json.loads((fixtures / DONOR_LIST).read_bytes())
    feed = etree.fromstring((fixtures / DONOR_FEED).read_bytes())
    donor_entry = feed.find(f"{ATOM}entry")
    feed.remove(donor_entry)
    entries = []
    for n, paper in enumerate(DEMO_PAPERS):
        meta = own_metadata(paper, fixtures)
        check_metadata(paper, meta)
        entries.append(hf_entry(donors[n], paper, meta))
        feed.append(atom_entry(donor_entry, paper, meta))
    total = feed.find("{http://a9.com/-/spec/opensearch/1.1/}totalResults")
    if total is not None:
        total.text = str(len(DEMO_PAPERS))
    (folder / "hf_daily_api").mkdir(parents=True)
    (folder / "hf_daily_api" / f"{DEMO_DAY}.json").write_text(json.dumps(entries, ensure_ascii=False))
    (folder / "arxiv_api").mkdir()
    (folder / "arxiv_api" / "derived_demo_day.xml").write_bytes(
        etree.tostring(feed, xml_declaration=True, encoding="UTF-8")
    )
    for paper in DEMO_PAPERS:
        name = f"{paper.arxiv_id}v{paper.version}.html"
        if paper.kind == "html" and Path(paper.page).name != name:  # served by `<id>v<N>.html`
            (folder / "arxiv_html").mkdir(exist_ok=True)
            (folder / "arxiv_html" / name).write_bytes((fixtures / paper.page).read_bytes())
    return folder
