"""The listing page's DailyPapers JSON island, and its agreement with the API parser."""

from __future__ import annotations

import json
from datetime import date

import pytest

from scraper.parse.errors import ParseError
from scraper.parse.hf_daily_api import parse_daily_api
from scraper.parse.hf_listing_html import listing_props, parse_listing_html
from scraper.parse.hf_paper_api import parse_paper_api
from tests.tools.replay import fixture_bytes

PAGE = fixture_bytes("hf_daily_html/2024-08-01.html")


def test_listing_page_gives_the_13_papers_with_ids_and_upvotes() -> None:
    parsed = parse_listing_html(PAGE, "https://huggingface.co/papers?date=2024-08-01")
    assert parsed.listing_date == date(2024, 8, 1)
    assert len(parsed.records) == 13
    upvotes = {r["arxiv_id"]: r["upvotes"] for r in parsed.records}
    assert upvotes["2407.21783"] == 94  # 49 in the API capture of the same morning
    assert upvotes["2407.21705"] == 24
    assert upvotes["2407.21770"] == 19
    assert [r["listing_rank"] for r in parsed.records] == list(range(1, 14))
    llama = parsed.records[0]
    assert llama["title"] == "The Llama 3 Herd of Models"
    assert llama["submitted_by"] == "akhaliq"
    assert llama["num_comments"] == 5
    assert llama["discussion_id"] == "66aaf837636a86cff6f5ea39"
    assert llama["extra"] is None  # the per-viewer `upvoted` flag is not paper data


def test_html_and_api_give_the_same_records_for_the_same_data() -> None:
    entries = listing_props(PAGE)["dailyPapers"]
    from_html = parse_listing_html(PAGE, "", date(2024, 8, 1)).records
    from_api = parse_daily_api(json.dumps(entries).encode(), "", date(2024, 8, 1)).records
    assert from_html == from_api


def test_same_day_captured_twice_differs_only_in_counts_and_membership() -> None:
    html_ids = {r["arxiv_id"] for r in parse_listing_html(PAGE).records}
    api = parse_daily_api(fixture_bytes("hf_daily_api/2024-08-01.json")).records
    assert {r["arxiv_id"] for r in api} <= html_ids
    assert len(api) == 11


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html><body><p>Daily Papers</p></body></html>", "no_dailypapers_island"),
        (b"", "empty_body"),
        # Derived from the real page: the island's JSON cut in the middle.
        (
            PAGE.replace(
                b'data-target="DailyPapers" data-props="{',
                b'data-target="DailyPapers" data-props="{&quot;x',
                1,
            ),
            "invalid_island_json",
        ),
    ],
)
def test_pages_without_a_usable_island_raise(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_listing_html(body, "https://huggingface.co/papers?date=2024-08-01")
    assert err.value.reason == reason


def test_per_paper_api_shape() -> None:
    # Derived: sources.md §3 says /api/papers/<id> is a daily entry's `paper` object plus linked
    # repos; we hold no capture of it, so the test builds one from a real entry.
    paper = json.loads(fixture_bytes("hf_daily_api/2026-08-21.json"))[0]["paper"]
    paper |= {"linkedModels": [], "numTotalModels": 2, "linkedDatasets": [], "numTotalDatasets": 0}
    record = parse_paper_api(json.dumps(paper).encode())
    assert record["arxiv_id"] == "2608.19880" and record["github_stars"] == 8
    assert json.loads(record["extra"]) == {"numTotalModels": 2, "numTotalDatasets": 0}
    with pytest.raises(ParseError):
        parse_paper_api(b"[1, 2]")
