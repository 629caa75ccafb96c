"""One normalisation for every free-text column, and documentation that matches the data and is
part of the repository (issue 12, items 12 and 13)."""

from __future__ import annotations

import re

import pytest

from scraper.derive.clean import FREE_TEXT_AUTHOR_FIELDS, FREE_TEXT_COLUMNS, clean_paper
from scraper.parse.hf_daily_api import parse_daily_api
from scraper.schema import description_of
from scraper.schema.registry import DECLARED
from tests.tools.replay import FIXTURES, ROOT

DAILY_LISTS = sorted((FIXTURES / "hf_daily_api").glob("*.json"))


def cleaned_records(path) -> list[dict]:
    return [clean_paper(record) for record in parse_daily_api(path.read_bytes(), path.name).records]


def normalised(text: str) -> bool:
    return text == text.strip() and not re.search(r"\s{2}|[\t\n\r]", text) and text != ""


@pytest.mark.parametrize("path", DAILY_LISTS, ids=[p.name for p in DAILY_LISTS])
def test_every_free_text_column_is_whitespace_normalised(path) -> None:
    for record in cleaned_records(path):
        texts = [record.get(c) for c in ("title", "summary", *FREE_TEXT_COLUMNS)]
        texts += [a.get(f) for a in record.get("authors") or () for f in FREE_TEXT_AUTHOR_FIELDS]
        texts += record.get("ai_keywords") or []
        bad = [t for t in texts if isinstance(t, str) and not normalised(t)]
        assert not bad, f"{path.name} {record['arxiv_id']}: {bad}"


def test_the_untidy_real_values_are_tidied() -> None:
    """Real captures with a trailing space, a double space and a leading space (checked in the raw
    files, so the test fails if the fixtures stop holding them)."""
    cases = [
        ("2024-06-13.json", "2406.04127", "submitted_by_fullname", "Robert McHardy"),
        ("default-endpoint_2026-07-31_raw.json", "2607.28074", "submitted_by_fullname", "Akshay Nambi"),
        ("2025-09-30.json", "2509.25077", "organization_fullname", "shanghai ailab"),
        ("2025-06-25.json", "2506.19767", "ai_summary", None),
    ]
    for name, arxiv_id, column, expected in cases:
        raw = parse_daily_api((FIXTURES / "hf_daily_api" / name).read_bytes(), name).records
        [before] = [r[column] for r in raw if r["arxiv_id"] == arxiv_id]
        assert not normalised(before)  # the capture is untidy there
        [after] = [
            r[column] for r in cleaned_records(FIXTURES / "hf_daily_api" / name) if r["arxiv_id"] == arxiv_id
        ]
        assert after == (expected or " ".join(before.split()))


def test_organization_is_documented_from_the_first_day_it_is_set() -> None:
    dated = [p for p in DAILY_LISTS if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.stem)]
    with_organization = [
        path.stem
        for path in dated
        if any(r.get("organization") for r in parse_daily_api(path.read_bytes(), path.name).records)
    ]
    assert with_organization[0] == "2025-09-29"  # set there from `submitterOrganization`
    assert "2025-09-29" in description_of(DECLARED["papers"].field("organization"))
    assert "`organization` since 2025-09-29" in (ROOT / "README.md").read_text()
    assert "`organization` since 2025-09-29" in (ROOT / "docs" / "tables.md").read_text()


def test_the_source_notes_are_in_the_repository() -> None:
    notes = ROOT / "docs" / "sources.md"
    assert notes.read_text().count("## ") >= 6
    documents = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), FIXTURES / "MANIFEST.md")
    for path in (*documents, *sorted((ROOT / "scraper").rglob("*.py"))):
        assert "../shared" not in path.read_text(), path
    assert "](docs/sources.md)" in (ROOT / "README.md").read_text()
