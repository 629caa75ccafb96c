"""The daily_papers API parser on every recorded shape (2024-05 … 2026-08)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scraper.derive.clean import add_common, clean_paper
from scraper.parse.errors import ParseError
from scraper.parse.hf_daily_api import parse_daily_api
from scraper.schema import conform
from scraper.schema.registry import TABLES
from tests.tools.replay import FIXTURES, fixture_bytes

DAILY_FILES = sorted((FIXTURES / "hf_daily_api").glob("*.json"))
NOW = datetime(2026, 11, 24, tzinfo=UTC)


def by_id(path: str) -> dict[str, dict]:
    day = date.fromisoformat(Path(path).stem) if Path(path).stem[:4].isdigit() else None
    parsed = parse_daily_api(fixture_bytes(path), path, day)
    return {r["arxiv_id"]: clean_paper(r) for r in parsed.records}


@pytest.mark.parametrize("path", DAILY_FILES, ids=lambda p: p.name)
def test_every_recorded_day_fits_the_schema(path: Path) -> None:
    raw = json.loads(path.read_bytes())
    parsed = parse_daily_api(path.read_bytes(), str(path))
    assert parsed.rejects == []
    assert [r["arxiv_id"] for r in parsed.records] == [e["paper"]["id"] for e in raw]
    for record in parsed.records:
        clean_paper(record)
        add_common(record, parsed.listing_date, NOW, str(path))
        table = conform(record, TABLES["papers"])
        assert table.num_rows == 1
        assert "\n" not in record["title"]
        assert record["upvotes"] is not None and record["upvotes"] >= 0


def test_newest_shape_values() -> None:
    paper = by_id("hf_daily_api/2026-08-21.json")["2608.19880"]
    assert paper["title"] == "EnvHarness: Awakening Static Worlds for Agent Learning"
    assert paper["upvotes"] == 163
    assert paper["num_comments"] == 1
    assert paper["github_repo"] == "https://github.com/google-research/envharness"
    assert paper["github_stars"] == 8
    assert paper["github_repo_added_by"] == "user"
    assert paper["project_page"] == "https://envharness.com/"
    assert paper["organization"] == "google" and paper["organization_fullname"] == "Google"
    assert paper["ai_summary_model"] == "thinkingmachines/Inkling-Small"
    assert "EnvRigger" in paper["ai_keywords"]
    assert paper["submitted_by"] == "taesiri"
    assert paper["discussion_id"] == "6a87afc589e517cbfd75dbe0"
    assert paper["is_author_participating"] is False
    assert paper["published_at"] == datetime(2026, 8, 20, tzinfo=UTC)
    assert paper["submitted_on_daily_at"] == datetime(2026, 8, 21, tzinfo=UTC)
    assert len(paper["authors"]) == 17
    assert paper["authors"][0] == {
        "name": "Chengsong Huang",
        "hf_user": None,
        "hf_fullname": None,
        "hidden": False,
        "status": None,
        "status_changed_at": None,
        "author_id": "6a87afc589e517cbfd75dbcf",
    }
    assert paper["hf_url"] == "https://huggingface.co/papers/2608.19880"
    assert paper["arxiv_pdf_url"] == "https://arxiv.org/pdf/2608.19880"
    assert paper["extra"] is None


def test_oldest_shape_values() -> None:
    papers = by_id("hf_daily_api/2024-05-27.json")
    paper = papers["2405.15738"]
    # Hard-wrapped arXiv title is unwrapped; the singular `mediaUrl` of 2024-05 is the thumbnail.
    assert paper["title"] == (
        "ConvLLaVA: Hierarchical Backbones as Visual Encoder for Large Multimodal Models"
    )
    assert paper["thumbnail"].endswith("/papers/2405.15738.png")
    assert paper["upvotes"] == 32 and paper["num_comments"] == 3
    # Absent is not zero: this shape has no stars, submitter, discussion or participation flag.
    assert paper["github_stars"] is None and paper["github_repo"] is None
    assert paper["submitted_by"] is None and paper["discussion_id"] is None
    assert paper["is_author_participating"] is None
    # Before 2025-03 the entry's publishedAt was the moment it was put on Daily Papers.
    assert paper["submitted_on_daily_at"] == datetime(2024, 5, 27, 3, 50, 58, 348000, tzinfo=UTC)
    assert paper["published_at"] == datetime(2024, 5, 24, 17, 34, 15, tzinfo=UTC)
    linked = [a for a in paper["authors"] if a["hf_user"]][0]
    assert linked == {
        "name": "Chunjiang Ge",
        "hf_user": "ChunjiangGe",
        "hf_fullname": "Chunjiang Ge",
        "hidden": False,
        "status": "admin_assigned",
        "status_changed_at": datetime(2024, 5, 27, 7, 54, 25, 329000, tzinfo=UTC),
        "author_id": "66540321d200a2ecdf784ffe",
    }


def test_stars_present_only_with_repo_and_null_otherwise() -> None:
    papers = list(by_id("hf_daily_api/2025-06-25.json").values())
    with_repo = [p for p in papers if p["github_repo"]]
    without = [p for p in papers if not p["github_repo"]]
    assert with_repo and without
    assert all(p["github_stars"] is None for p in without)
    assert any(isinstance(p["github_stars"], int) for p in with_repo)


def test_transient_submitter_organization_and_hidden_author() -> None:
    orgs = {p["organization"] for p in by_id("hf_daily_api/2025-09-29.json").values()}
    assert orgs - {None}, "submitterOrganization (2025-09-29 only) maps to organization"
    hidden = [a for p in by_id("hf_daily_api/2025-09-30.json").values() for a in p["authors"] if a["hidden"]]
    assert len(hidden) == 1


def test_latex_escapes_are_readable() -> None:
    summaries = [p["summary"] for f in DAILY_FILES for p in by_id(str(f)).values()]
    assert not any("\\%" in s for s in summaries)
    assert any("%" in s for s in summaries)
    assert not any("\n" in s for s in summaries)
    speedup = [s for s in summaries if "InfiniteVL achieves over 3.6× inference speedup" in s]
    assert speedup, "\\times became ×"


def test_undated_endpoint_takes_its_listing_date_from_the_data() -> None:
    parsed = parse_daily_api(fixture_bytes("hf_daily_api/default-endpoint_2026-07-31_raw.json"))
    # Fetched on Sunday 2026-08-02: the list is Friday's.
    assert parsed.listing_date == date(2026, 7, 31)
    assert len(parsed.records) == 30
    assert all(r["ai_summary"] is None for r in parsed.records)


def test_unknown_keys_are_kept_in_extra() -> None:
    # Derived from a real entry: one new key at each level, as a future HF release might add.
    entries = json.loads(fixture_bytes("hf_daily_api/2026-08-21.json"))[:1]
    entries[0]["trendingScore"] = 12.5
    entries[0]["paper"]["hfModelsCount"] = 3
    record = parse_daily_api(json.dumps(entries).encode(), "", date(2026, 8, 21)).records[0]
    assert json.loads(record["extra"]) == {"entry.trendingScore": 12.5, "paper.hfModelsCount": 3}


def test_malformed_entries_are_rejected_one_by_one() -> None:
    # Derived: the real 2025-07-07 list plus a broken entry and one without a paper id.
    entries = json.loads(fixture_bytes("hf_daily_api/2025-07-07.json"))
    entries += ["not an object", {"paper": {"title": "no id"}}]
    parsed = parse_daily_api(json.dumps(entries).encode(), "u", date(2025, 7, 7))
    assert len(parsed.records) == 1
    reasons = [reject.reason for reject in parsed.rejects]
    assert reasons == ["entry_not_an_object", "paper_without_id"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (fixture_bytes("hf_daily_api/2025-07-07.json")[:300], "invalid_json"),  # truncated
        (b'{"error": "Invalid date"}', "not_a_list"),
        (b"", "invalid_json"),
        (b"\xff\xfe garbage", "invalid_json"),
    ],
)
def test_malformed_bodies_raise_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_daily_api(body, "https://huggingface.co/api/daily_papers?date=2025-07-07")
    assert err.value.reason == reason
    assert "daily_papers" in str(err.value)


def test_empty_list_is_an_empty_day() -> None:
    parsed = parse_daily_api(b"[]", "u", date(2025, 7, 5))
    assert parsed.records == [] and parsed.listing_date == date(2025, 7, 5)
