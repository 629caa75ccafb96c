"""Unit tests of scraper.parsers.claims on real abstracts from tests/fixtures/hf_daily_api."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scraper.parsers.claims import (
    extract_claims,
    headline_claims,
    normalize_text,
    split_sentences,
)
from scraper.schema import SCHEMA_VERSION, conform
from scraper.schema.metrics import CLAIM_KINDS, CLAIMS

API = Path(__file__).parent / "fixtures" / "hf_daily_api"
COMMON = {
    "listing_date": date(2025, 9, 30),
    "crawled_at": datetime(2025, 9, 30, 8, 0, tzinfo=UTC),
    "source_url": "https://huggingface.co/api/daily_papers?date=2025-09-30",
    "schema_version": SCHEMA_VERSION,
}


def abstract(file: str, arxiv_id: str) -> str:
    entries = json.loads((API / file).read_text(encoding="utf-8"))
    return next(e["paper"]["summary"] for e in entries if e["paper"]["id"] == arxiv_id)


def triples(rows: list[dict]) -> list[tuple]:
    return [(r["value"], r["unit"], r["kind"]) for r in rows]


def test_speedups_and_reductions() -> None:  # SLA, 2509.24006
    rows = extract_claims(abstract("2025-09-30.json", "2509.24006"), "2509.24006")
    assert triples(rows) == [
        (20.0, "×", "reduction"),
        (95.0, "%", "reduction"),
        (13.7, "×", "speedup"),
        (2.2, "×", "speedup"),
    ]
    assert "O(N^2)" not in " ".join(r["claim_text"] for r in rows)
    assert rows[0]["sentence"].startswith("With only a few fine-tuning steps using SLA")


def test_from_to_and_setup_durations() -> None:  # SANA-Video, 2509.24695
    rows = extract_claims(abstract("2025-09-30.json", "2509.24695"), "2509.24695")
    by_value = {r["value"]: r for r in rows}
    assert by_value[29.0]["value_from"] == 71.0 and by_value[29.0]["unit"] == "s"
    assert by_value[29.0]["kind"] == "reduction"
    assert by_value[16.0]["kind"] == "speedup"
    assert 5.0 not in by_value  # "a 5-second 720p video" is setup
    assert 720.0 not in by_value and 1280.0 not in by_value  # resolution
    assert 64.0 not in by_value  # "64 H100 GPUs"


def test_latex_escapes_and_qualifier() -> None:  # SCRIT, 2501.05727: "up to a 10.3\% improvement"
    (row,) = extract_claims(abstract("2025-01-13.json", "2501.05727"), "2501.05727")
    assert (row["value"], row["unit"], row["kind"], row["qualifier"]) == (
        10.3, "%", "improvement", "up to")
    assert "72" not in row["claim_text"]  # Qwen2.5-72B-Instruct is a model name


@pytest.mark.parametrize(
    ("file", "arxiv_id"),
    [
        ("2024-05-27.json", "2405.15032"),  # Aya 23: 23/101 languages, 8B/35B, (…, 2024) cites
        ("2024-06-13.json", "2406.07933"),  # "100 LLMs, ranging from 0.5B to 236B parameters"
        ("2024-08-01.json", "2407.21783"),  # Llama 3: 405B parameters, 128K context
        ("2025-07-07.json", "2507.01853"),  # over 35 benchmarks, 10 datasets
        ("2026-08-21.json", "2608.18580"),  # Terminal-Bench 2.1
        ("top3_2026-05-08_pretty.json", "2605.06548"),  # ~2B-parameter, 2000 EFLOPs
    ],
)
def test_no_claims_in_setup_numbers(file: str, arxiv_id: str) -> None:
    assert extract_claims(abstract(file, arxiv_id), arxiv_id) == []


def test_points_words_and_bare_ranges() -> None:  # Echoverse, 2607.28074
    text = abstract("default-endpoint_2026-07-31_raw.json", "2607.28074")
    rows = extract_claims(text, "2607.28074")
    got = {(r["value_from"], r["value"]) for r in rows}
    assert {(36.5, 67.1), (80.0, 75.0), (80.0, 85.0), (48.0, 65.0), (16.2, 38.5)} <= got
    fourteen = [r for r in rows if r["value"] == 14.0]
    assert fourteen and fourteen[0]["unit"] == "pt"
    assert 9.0 not in {r["value"] for r in rows}  # "a 9B model"


def test_times_and_ms_range() -> None:
    rows = extract_claims(abstract("2026-03-12.json", "2603.09229"), "2603.09229")
    assert triples(rows) == [(17.9, "×", "speedup"), (33.0, "×", "speedup"),
                             (200.0, "×", "speedup")]
    intact = extract_claims(
        abstract("default-endpoint_2026-07-31_raw.json", "2607.26056"), "2607.26056")
    last = intact[-1]
    assert (last["value_from"], last["value_to"], last["unit"]) == (2.9, 5.5, "ms")


def test_normalize_and_split() -> None:
    assert normalize_text("by 33times and 2.4\\times, 10\\% less") == "by 33× and 2.4×, 10% less"
    assert split_sentences("We use e.g. GPT-4 here. It is 2x faster. Done.") == [
        "We use e.g. GPT-4 here.", "It is 2x faster.", "Done."]
    assert extract_claims("", "x") == []


def test_source_section_and_schema() -> None:
    rows = extract_claims(abstract("2025-06-25.json", "2506.16141"), "2506.16141",
                          source_section="conclusion")
    assert rows and all(r["source_section"] == "conclusion" for r in rows)
    for file in sorted(API.glob("*.json")):
        for e in json.loads(file.read_text(encoding="utf-8")):
            for r in extract_claims(e["paper"]["summary"], e["paper"]["id"]):
                assert set(r) == set(CLAIMS.names) - set(COMMON)
                assert r["kind"] in CLAIM_KINDS
                conform(r | COMMON, CLAIMS)


def test_headline_claims() -> None:
    rows = extract_claims(abstract("2025-09-30.json", "2509.24006"), "2509.24006")
    heads = headline_claims(rows, k=3)
    assert len(heads) == 3
    assert "13.7x speedup" in heads[0]  # speed-ups first
    assert all(len(h) <= 90 for h in heads)
    assert headline_claims(rows, k=1) == heads[:1]
    assert headline_claims([], k=3) == []
