"""Whole list answers, fuzzed through the real spider (issue 20): every generated answer ends either
written or rejected, and the exit code says which.

Each hypothesis example is one backfill of DAYS calendar days, crawled by the real spider in this
process (tests/tools/crawl.py; HF only) against the replay server, each day serving a generated
answer: real entries (pooled from tests/fixtures/hf_daily_api/) with values replaced by random JSON
at random places, or an answer that is not a list of entries at all (random JSON, bytes that are not
JSON). Nothing recorded is edited: the answers are built here. Then, day by day:

* a day that was written holds one `papers` row per entry that has a usable arXiv id, and every
  other entry is a `rejects` row of that day (entries repeating an earlier entry's id are the same
  paper, logged and counted, not a second row); every value kept out of its column is in
  `invalid_values` and has a `rejects` row;
* a day that failed has no `papers` partition and a `rejects` row saying why;
* the crawl exits 1 exactly when a day failed, else 0.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache

import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from scraper.parse.arxiv_id import is_arxiv_id
from tests.tools.crawl import crawl
from tests.tools.replay import FIXTURES, start_replay

pytestmark = [pytest.mark.fuzz, pytest.mark.crawl]

FIRST_DAY = date(2024, 1, 1)  # no recorded list near: every day serves a generated answer
DAYS = 8

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(
        ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "２５０１.０００１２", "-5"]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
# Where a generated value goes in an entry (a dotted path; digits index lists).
PLACES = [
    "paper",
    "paper.id",
    "paper.upvotes",
    "paper.githubStars",
    "paper.publishedAt",
    "paper.submittedOnDailyAt",
    "paper.authors",
    "paper.authors.0",
    "paper.authors.0.statusLastChangedAt",
    "paper.title",
    "paper.summary",
    "paper.ai_keywords",
    "numComments",
    "publishedAt",
    "title",
    "organization",
]


@cache
def pool() -> tuple[str, ...]:
    """Real entries with distinct ids, as JSON text (each example decodes its own copies)."""
    seen: dict[str, str] = {}
    for path in sorted((FIXTURES / "hf_daily_api").glob("20*.json")):
        for entry in json.loads(path.read_text()):
            seen.setdefault(entry["paper"]["id"], json.dumps(entry))
    return tuple(seen.values())


def put(entry: dict, place: str, value: object) -> dict:
    *parents, last = place.split(".")
    target: object = entry
    for key in parents:
        if isinstance(target, list) and key.isdigit() and int(key) < len(target):
            target = target[int(key)]
        elif isinstance(target, dict) and key in target:
            target = target[key]
        else:
            return entry  # the place does not exist in this entry
    if isinstance(target, dict):
        target[last] = value
    elif isinstance(target, list) and last.isdigit() and int(last) < len(target):
        target[int(last)] = value
    return entry


@st.composite
def entry_lists(draw: st.DrawFn) -> list:
    size = draw(st.integers(0, 14))
    start = draw(st.integers(0, len(pool()) - size))
    entries: list = [json.loads(text) for text in pool()[start : start + size]]
    for _ in range(draw(st.integers(0, 4))):
        if not entries:
            break
        i = draw(st.integers(0, len(entries) - 1))
        if draw(st.integers(0, 9)) == 0:
            entries[i] = draw(JSON)  # an entry that is not an entry at all
        else:
            entries[i] = put(entries[i], draw(st.sampled_from(PLACES)), draw(JSON))
    if len(entries) > 1 and draw(st.booleans()):
        entries.append(json.loads(json.dumps(entries[0])))  # the same paper twice
    return entries


# Mostly lists of (spoiled) entries; now and then an answer that is not a list of entries at all.
LISTS = entry_lists().map(lambda entries: json.dumps(entries).encode())
ANSWERS = st.one_of(LISTS, LISTS, LISTS, JSON.map(lambda v: json.dumps(v).encode()), st.binary(max_size=40))


def entry_ids(body: bytes) -> tuple[list[str], int] | None:
    """(usable arXiv ids in order, entries in all) of an answer that is a list, else None."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    ids = []
    for entry in data:
        paper = entry.get("paper") if isinstance(entry, dict) else None
        value = paper.get("id") if isinstance(paper, dict) else None
        if isinstance(value, str) and is_arxiv_id(value.strip()):
            ids.append(value.strip())
    return ids, len(data)


@settings(max_examples=8, deadline=None, derandomize=True, database=None)
@given(answers=st.lists(ANSWERS, min_size=DAYS, max_size=DAYS))
def test_every_generated_answer_is_written_or_rejected(tmp_path_factory, answers: list[bytes]) -> None:
    tmp = tmp_path_factory.mktemp("fuzzcrawl")
    folder = tmp / "overlay" / "hf_daily_api"
    folder.mkdir(parents=True)
    days = [FIRST_DAY + timedelta(days=n) for n in range(DAYS)]
    for day, body in zip(days, answers, strict=True):
        (folder / f"{day}.json").write_bytes(body)
    server, replay = start_replay(tmp, overlay=tmp / "overlay")
    try:
        args = (f"start={days[0]}", f"end={days[-1]}")
        result = crawl(replay, tmp / "data", *args, settings={"HFPAPERS_ARXIV": "false", "RETRY_TIMES": "0"})
    finally:
        server.shutdown()
    data = tmp / "data"
    failed_days = []
    for day, body in zip(days, answers, strict=True):
        papers_dir = data / "papers" / f"date={day}"
        rejects_dir = data / "rejects" / f"date={day}"
        rejects = (
            pd.read_parquet(rejects_dir)
            if rejects_dir.exists()
            else pd.DataFrame(columns=["reason", "arxiv_id"])
        )
        parsed = entry_ids(body)
        if not papers_dir.exists():
            if parsed is not None and parsed[1] == 0:
                continue  # `[]` on a day never written: a day without a list
            failed_days.append(day)
            event("failed: " + ",".join(sorted(set(rejects["reason"]))))
            assert len(rejects) >= 1, f"{day} has neither papers nor a reject; log:\n{result.log[-3000:]}"
            continue
        assert parsed is not None, f"{day}: a non-list answer was written"
        ids, entries = parsed
        papers = pd.read_parquet(papers_dir)
        assert list(papers["arxiv_id"]) == sorted(set(ids)) or set(papers["arxiv_id"]) == set(ids)
        kept_out = rejects[~rejects["reason"].isin(["invalid_value"])]
        repeats = len(ids) - len(set(ids))
        assert len(papers) + len(kept_out) + repeats == entries, (day, body[:300], rejects.to_dict("records"))
        event(f"a written day with {len(kept_out)} entries kept out")
        flagged = papers["invalid_values"].dropna()
        count = sum(len(json.loads(v)) for v in flagged)
        assert count == (rejects["reason"] == "invalid_value").sum(), (day, flagged.tolist())
    event(f"{len(failed_days)} of {DAYS} days failed")
    assert result.returncode == (1 if failed_days else 0), (failed_days, result.log[-3000:])
