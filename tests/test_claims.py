"""Unit tests of scraper.derive.claims on real abstracts from tests/fixtures/hf_daily_api."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scraper.derive.claims import (
    extract_claims,
    headline_claims,
    normalize_text,
    split_sentences,
)
from scraper.schema import SCHEMA_VERSION, conform
from scraper.schema.claims import CLAIM_KINDS, CLAIMS

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
    assert (row["value"], row["unit"], row["kind"], row["qualifier"]) == (10.3, "%", "improvement", "up to")
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
    assert triples(rows) == [(17.9, "×", "speedup"), (33.0, "×", "speedup"), (200.0, "×", "speedup")]
    intact = extract_claims(abstract("default-endpoint_2026-07-31_raw.json", "2607.26056"), "2607.26056")
    last = intact[-1]
    assert (last["value_from"], last["value_to"], last["unit"]) == (2.9, 5.5, "ms")


def test_normalize_and_split() -> None:
    assert normalize_text("by 33times and 2.4\\times, 10\\% less") == "by 33× and 2.4×, 10% less"
    assert split_sentences("We use e.g. GPT-4 here. It is 2x faster. Done.") == [
        "We use e.g. GPT-4 here.",
        "It is 2x faster.",
        "Done.",
    ]
    assert extract_claims("", "x") == []


def test_source_section_and_schema() -> None:
    rows = extract_claims(
        abstract("2025-06-25.json", "2506.16141"), "2506.16141", source_section="conclusion"
    )
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
    # speed-ups first; the whole clause (was cut to "… end-to-end speedup in")
    assert heads[0] == (
        "which yields a 13.7x speedup in attention computation and a 2.2x end-to-end speedup in video "
        "generation on Wan2.1-1.3B"
    )
    assert all(len(h) <= 120 for h in heads)
    assert headline_claims(rows, k=1) == heads[:1]
    assert headline_claims([], k=3) == []


@pytest.mark.parametrize(
    ("file", "arxiv_id", "headline"),
    [
        # was "…3.3% WER on test-other on": a long clause is cut only before a new phrase
        (
            "2024-05-27.json",
            "2405.15216",
            "DLM achieves 1.5% word error rate (WER) on test-clean and 3.3% WER on test-other on Librispeech",
        ),
        # was "3x overall FLOPs savings (3x for text": a comma inside brackets ends no clause
        (
            "2024-08-01.json",
            "2407.21770",
            "which achieves 3x overall FLOPs savings (3x for text, 2.8x for image)",
        ),
        # a colon does not end a clause: "3.7x overall" alone says nothing
        ("2024-08-01.json", "2407.21770", "achieves impressive FLOPs savings: 3.7x overall"),
    ],
)
def test_headlines_are_whole_phrases(file: str, arxiv_id: str, headline: str) -> None:
    assert headline in headline_claims(extract_claims(abstract(file, arxiv_id), arxiv_id))


def test_headline_brackets_and_enumerations() -> None:
    """Test-made sentences for what the recorded abstracts show only once or not at all."""
    sentence = (
        "On the hardest split, our model (trained with 1.2M samples, 3 epochs, and a cosine schedule "
        "with warm-up) improves accuracy by 12.5% over the strongest baseline on the held-out test set."
    )
    (head,) = headline_claims(extract_claims(sentence, "x"))
    # issue 18: the clause runs to its end (no stop inside "over the strongest baseline …"); too
    # long with its aside, so the aside that does not hold the claim is left out
    assert head == "our model improves accuracy by 12.5% over the strongest baseline on the held-out test set"
    (head,) = headline_claims(extract_claims("We see 2) a 40% reduction in memory, and more.", "x"))
    assert head == "We see a 40% reduction in memory"


def test_headline_fragment_rate_on_every_recorded_day() -> None:
    """Measured over every recorded abstract (bench/eval_gold.py prints it). Issue 18's rule: the
    text that follows a headline in its abstract ends a clause or starts a new one with a joining
    word. 0 of 348 headlines (510 abstracts) stop inside a phrase; before issue 18, 23 of 234 (9.8%)
    on the then-recorded days. None ends on a function word (before issue 11: 40 of 238)."""
    import eval_gold  # bench/, put on sys.path by conftest

    result = eval_gold.headline_fragments()
    assert result["files"] >= 20 and result["headlines"] >= 300
    assert result["inside_rate"] <= 0.02, result["inside_phrase"]
    assert len(result["not_found"]) <= 0.01 * result["headlines"], result["not_found"]
    assert result["rate"] <= 0.02, result["fragments"]
    assert eval_gold.is_fragment("3.3% WER on test-other on")  # the scorers themselves
    assert eval_gold.is_fragment("3x overall FLOPs savings (3x for text")
    assert not eval_gold.is_fragment("a 40% reduction in memory")
    abstract = "X is 4x faster than dense attention while retaining 98% accuracy (on B), with care."
    assert eval_gold.stops_inside_phrase("X is 4x faster", abstract)
    assert not eval_gold.stops_inside_phrase("X is 4x faster than dense attention", abstract)
    assert not eval_gold.stops_inside_phrase("retaining 98% accuracy", abstract)  # aside, then ","
    assert eval_gold.stops_inside_phrase("not in it", abstract) is None


def test_coordinated_numbers_share_their_unit() -> None:  # HDR-GS, 2405.15125
    rows = extract_claims(abstract("2024-05-27.json", "2405.15125"), "2405.15125")
    got = [(r["value"], r["unit"], r["kind"]) for r in rows]
    assert got[:2] == [(3.84, "dB", "improvement"), (1.91, "dB", "improvement")]
    assert (1000.0, "×", "speedup") in got and (6.3, "%", "relative") in got


def test_bare_number_before_a_comparative_is_no_claim() -> None:  # Web-Shepherd, 2505.15277
    rows = extract_claims(abstract("2025-05-22.json", "2505.15277"), "2505.15277")
    assert [r["claim_text"] for r in rows if r["value"] == 10.0] == []  # "in 10 less cost"
    assert 10.9 in {r["value"] for r in rows}  # "10.9 points better performance" stays
    (row,) = extract_claims("The planner needs 3 fewer steps.", "x")
    assert (row["value"], row["kind"]) == (3.0, "reduction")


def test_qualifiers_are_the_documented_ones() -> None:
    from scraper.derive.claims import QUALIFIERS
    from scraper.schema import description_of
    from scraper.schema.registry import DECLARED

    seen = {
        r["qualifier"]
        for file in sorted(API.glob("*.json"))
        for e in json.loads(file.read_text(encoding="utf-8"))
        for r in extract_claims(e["paper"]["summary"], e["paper"]["id"])
    } - {None}
    assert {"up to", "only", "just", "more than"} <= seen <= set(QUALIFIERS)
    documented = description_of(DECLARED["claims"].field("qualifier"))
    assert all(f"`{q}`" in documented for q in QUALIFIERS)


def test_conclusion_text_drops_citation_markers() -> None:
    """Derived: the real introduction of 1706.03762 (it cites) filed as the conclusion."""
    from scraper.derive.rows import conclusion_text
    from scraper.parse.arxiv_html import parse_html

    page = API.parent / "arxiv_html" / "1706.03762v7_oxide0.7.5_2026-08_arxivlicense.html"
    intro = next(s for s in parse_html(page.read_bytes())["sections"] if s["id"] == "S1")
    assert "[bib.bib13]" in intro["text"]
    text = conclusion_text({"sections": [{**intro, "title": "Conclusion"}]})
    assert "[bib." not in text and text.startswith(
        "Recurrent neural networks, long short-term memory and gated"
    )


def test_headlines_of_token_soup_are_whole() -> None:
    """Stress: 3,000 seeded random sentences of claim words, brackets, separators and enumerations;
    headlines stay whole (no crash; under 1% end cut off — the recorded abstracts give 0%)."""
    import random

    import eval_gold  # bench/, put on sys.path by conftest

    vocabulary = re.findall(
        r"\S+",
        "we our model improves accuracy by 12.5% 3.2x faster on the benchmark ( ) [ ] , ; : -- and or "
        "while with over than a an of in 2) (i) from 10 to 20 ms reduces memory 40% up to 5× speedup "
        "GPU-days 1.2 and 3.4 dB only 6.3% training time compared baseline",
    )
    rng = random.Random(11)
    heads = []
    for _ in range(3000):
        sentence = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 60))) + "."
        heads += headline_claims(extract_claims(sentence, "x"))
    assert len(heads) > 2000
    assert sum(map(eval_gold.is_fragment, heads)) <= 0.01 * len(heads)


# --------------------------------------------------------------------------------------------
# Issue 18: baselines, qualifiers, ranges, settings, conclusion claims. The sentences below are
# derived from the examples (its conclusion sections are not in the repository): each
# keeps the idiom the issue quotes, in a sentence written for the test.


def _one(sentence: str, section: str = "conclusion") -> dict:
    (row,) = extract_claims(sentence, "x", section)
    return row


def test_from_a_to_b_is_one_claim_with_its_baseline() -> None:
    row = _one("Our pipeline reduces end-to-end latency from approximately 1.2 s to 0.35 s per request.")
    assert row["claim_text"] == "from approximately 1.2 s to 0.35 s"
    assert (row["value"], row["baseline"], row["unit"], row["kind"]) == (0.35, 1.2, "s", "reduction")
    assert (row["value_from"], row["value_to"]) == (1.2, 0.35)


def test_qualifier_stays_and_an_input_size_is_no_claim() -> None:
    row = _one(
        "By streaming audio in 0.3 MB chunks, the system cuts latency from 21.7 seconds to under 1 second."
    )
    assert row["claim_text"] == "from 21.7 seconds to under 1 second"
    assert (row["value"], row["baseline"], row["unit"], row["kind"]) == (1.0, 21.7, "s", "reduction")
    assert row["qualifier"] == "less than"


@pytest.mark.parametrize(
    ("sentence", "claim_text", "qualifier"),
    [
        ("Throughput improves by over 3x on long prompts.", "over 3x", "over"),
        ("Memory stays under 24 GB for all models.", "under 24 GB", "less than"),
        ("The method is up to 4.2x faster.", "up to 4.2x", "up to"),
        ("It solves nearly 80% of the tasks.", "nearly 80%", "nearly"),
        ("It reaches more than 90% accuracy.", "more than 90%", "more than"),
    ],
)
def test_qualifiers_stay_in_the_claim_text(sentence: str, claim_text: str, qualifier: str) -> None:
    row = _one(sentence)
    assert (row["claim_text"], row["qualifier"]) == (claim_text, qualifier)


def test_a_compared_number_is_the_baseline_not_a_claim() -> None:
    rows = extract_claims("It reaches 62.1% accuracy compared to 48.0% for GPT-4, and runs 3.2x faster.", "x")
    assert [(r["value"], r["baseline"]) for r in rows] == [(62.1, 48.0), (3.2, None)]


def test_a_range_is_one_claim() -> None:
    row = _one("The error rate drops by 8% -- 30% across tasks.")
    assert (row["value_from"], row["value_to"], row["value"], row["unit"]) == (8.0, 30.0, 30.0, "%")
    assert row["kind"] == "reduction" and row["baseline"] is None


def test_headlines_keep_the_whole_phrase() -> None:
    """The issue's two headline examples: "an 8% and 13% increase" lost "in inference time", and
    "… such as BAGEL (14B) on various generation" lost "tasks"."""
    (head,) = headline_claims(
        extract_claims("This comes at the cost of an 8% and 13% increase in inference time.", "x")
    )
    assert head.endswith("increase in inference time")
    sentence = (
        "Our model outperforms larger unified models such as BAGEL (14B) on various generation tasks "
        "by up to 4.2 points."
    )
    (head,) = headline_claims(extract_claims(sentence, "x"))
    assert "generation tasks by up to 4.2 points" in head


def test_conclusion_claims_of_a_full_text() -> None:
    """A conclusion section (derived from the issue's examples) read as the crawl reads it."""
    from scraper.derive.rows import fulltext_derived

    text = (
        "We presented a streaming speech system. Processing input in 0.3 MB chunks, it cuts latency "
        "from 21.7 seconds to under 1 second. The decoder reduces per-step time from approximately "
        "1.2 s to 0.35 s, and the whole pipeline runs 3.4x faster than the offline baseline."
    )
    fulltext = {
        "arxiv_id": "2601.00001",
        "version": 1,
        "tables": [],
        "sections": [{"level": 1, "title": "6 Conclusion", "text": text}],
    }
    metrics, claims = fulltext_derived(fulltext)
    assert metrics == []
    got = [(c["value"], c["baseline"], c["unit"], c["kind"]) for c in claims]
    assert got == [(1.0, 21.7, "s", "reduction"), (0.35, 1.2, "s", "reduction"), (3.4, None, "×", "speedup")]
    assert all(c["source_section"] == "conclusion" for c in claims)
    assert "under 1 second" in claims[0]["claim_text"]
