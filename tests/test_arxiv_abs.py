"""arXiv abs-page parser on the four real layouts in tests/fixtures/arxiv_abs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scraper.parse.arxiv_abs import fulltext_from_abs, parse_abs
from scraper.parse.errors import ParseError
from scraper.schema import conform
from scraper.schema.fulltext import FULLTEXT

ABS = Path(__file__).resolve().parent / "fixtures" / "arxiv_abs"
CROCI = [
    "1902.02534_captured-2025-05-10.html",
    "1902.02534_captured-2025-12-01.html",
    "1902.02534_captured-2026-07-23.html",
]
OLD = "2106.09608_captured-2021-12_oldlayout.html"


def parse(name: str) -> dict:
    return parse_abs((ABS / name).read_bytes(), url="https://arxiv.org/abs/x")


@pytest.mark.parametrize("name", CROCI)
def test_croci_all_layouts(name):
    r = parse(name)
    assert r["arxiv_id"] == "1902.02534"
    assert r["version"] == 2
    assert r["title"].startswith("Crowdsourcing open citations with CROCI")
    assert r["authors"] == ["Ivan Heibi", "Silvio Peroni", "David Shotton"]
    assert r["abstract"].startswith("In this paper, we analyse the current availability")
    assert r["subjects"] == ["cs.DL"] and r["primary_subject"] == "cs.DL"
    assert r["comments"].startswith("7 pages, 3 figures, accepted to ISSI 2019")
    assert r["license_name"] == "CC BY 4.0" and r["license_allows_redistribution"] is True
    assert r["submission_history"] == [
        {
            "version": 1,
            "submitted_at": datetime(2019, 2, 7, 9, 22, 51, tzinfo=UTC),
            "size": "475 KB",
        },
        {
            "version": 2,
            "submitted_at": datetime(2019, 6, 21, 6, 21, 52, tzinfo=UTC),
            "size": "1,329 KB",
        },
    ]
    assert r["html_url"] is None  # none of the captures has the HTML (experimental) link
    assert r["pdf_url"].endswith("arxiv.org/pdf/1902.02534")
    assert r["datacite_doi"] == "10.48550/arXiv.1902.02534"
    assert r["doi"] is None and r["journal_ref"] is None


def test_pdf_url_scheme_changed_between_layouts():
    assert parse(CROCI[0])["pdf_url"] == "http://arxiv.org/pdf/1902.02534"
    assert parse(CROCI[2])["pdf_url"] == "https://arxiv.org/pdf/1902.02534"


def test_2021_layout():
    r = parse(OLD)
    assert r["arxiv_id"] == "2106.09608"
    assert r["version"] == 2
    assert r["title"] == "Learning Knowledge Graph-based World Models of Textual Environments"
    assert r["authors"] == ["Prithviraj Ammanabrolu", "Mark O. Riedl"]
    assert r["subjects"] == ["cs.LG", "cs.AI", "cs.CL"]
    assert r["subject_names"][0] == "Machine Learning (cs.LG)"
    assert r["primary_subject"] == "cs.LG"
    assert r["comments"] == "Camera read, in Proceedings of NeurIPS 2021 Main Conference"
    assert r["license_name"] == "arXiv non-exclusive"
    assert r["license_allows_redistribution"] is False
    assert [h["version"] for h in r["submission_history"]] == [1, 2]
    assert r["submission_history"][1]["submitted_at"] == datetime(2021, 10, 20, 17, 56, 1, tzinfo=UTC)
    assert r["submission_history"][1]["size"] == "403 KB"
    assert r["abstract"].startswith("World models improve a learning agent's ability")


@pytest.mark.parametrize("name", [*CROCI, OLD])
def test_fulltext_row_from_abs_conforms(name):
    row = fulltext_from_abs(parse(name))
    assert row["fulltext_source"] == "abs" and row["fulltext_status"] == "no_html"
    assert row["sections"] == [] and row["tables"] == []
    row.update(
        listing_date=date(2025, 1, 20),
        crawled_at=datetime(2026, 1, 1, tzinfo=UTC),
        schema_version=1,
        source_url="https://arxiv.org/abs/x",
    )
    table = conform(row, FULLTEXT)
    assert table.column("submission_history").to_pylist()[0][0]["version"] == 1


def test_single_version_page_without_og_url():
    # Derived variant: drop og:url and the "this version" row, and keep only the v1 history
    # line, as on a paper that was never revised; the version then comes from the history.
    body = (ABS / CROCI[2]).read_bytes()
    body = body.replace(b'property="og:url"', b'property="og:x"')
    body = body.replace(b"arxividv", b"arxividx").replace(b"this version, v2", b"")
    start = body.index(b"<strong>[v2]</strong>")
    end = body.index(b"<br/>", start)
    body = body[:start] + body[end:]
    r = parse_abs(body)
    assert r["version"] == 1
    assert [h["version"] for h in r["submission_history"]] == [1]


@pytest.mark.parametrize("body", [b"", b'{"not": "html"}', b"<html><body><p>hi</p></body></html>"])
def test_not_an_abs_page(body):
    with pytest.raises(ParseError):
        parse_abs(body)
