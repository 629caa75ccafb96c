"""Hugging Face daily listing page (`/papers/date/YYYY-MM-DD`, formerly `/papers?date=…`).

The whole list is the JSON in the `data-props` attribute of the `DailyPapers` Svelte island; its
`dailyPapers` entries have the shape of the daily_papers API of the same era, so they go through the
same mapping. The visible cards (Tailwind classes) are ignored: they change, the island does not.
"""

from __future__ import annotations

from datetime import date

from lxml import html as lxml_html

from scraper.parse.errors import ParseError
from scraper.parse.hf_daily_api import DailyList, entries_to_daily_list, load_json
from scraper.parse.text import parse_iso_datetime

KIND = "hf_listing_html"


def listing_props(body: bytes, url: str = "") -> dict:
    """The `DailyPapers` island's props (attribute already unescaped by the HTML parser)."""
    if not body or not body.strip():
        raise ParseError(KIND, "empty_body", url=url)
    try:
        doc = lxml_html.fromstring(body)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise ParseError(KIND, "invalid_html", str(exc), url) from exc
    islands = doc.xpath('//*[@data-target="DailyPapers"][@data-props]')
    if not islands:
        raise ParseError(KIND, "no_dailypapers_island", url=url)
    try:
        props = load_json(islands[0].get("data-props") or "", KIND, url)
    except ParseError as exc:
        raise ParseError(KIND, "invalid_island_json", exc.detail, url) from exc
    if not isinstance(props, dict) or not isinstance(props.get("dailyPapers"), list):
        raise ParseError(KIND, "island_without_dailyPapers", url=url)
    return props


def parse_listing_html(body: bytes, url: str = "", listing_date: date | None = None) -> DailyList:
    """Parse a listing page into the same records the API gives for the same data."""
    props = listing_props(body, url)
    page_day = parse_iso_datetime(props.get("date"))
    if page_day is None and isinstance(props.get("dateString"), str):
        page_day = parse_iso_datetime(props["dateString"])
    day = listing_date or (page_day.date() if page_day else None)
    return entries_to_daily_list(props["dailyPapers"], day)
