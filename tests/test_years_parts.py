"""The parts that keep the data folder bounded over years (issue 21), one at a time — the quick
loop's view of what tests/test_years.py shows end to end: the archive's pages index on disk, run
reports rolled by month, `load()` of a table without rows, batched validation, the claims cap and
the release's period files."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pytest

from scraper.derive.rows import MAX_ABSTRACT_CHARS, abstract_claims, capped
from scraper.schema import conform_batch
from scraper.schema.registry import TABLES
from scraper.store.archive.index import ArchiveIndex, Entry, PagesFile, write_pages_file
from scraper.store.layout import Layout, period_name, period_span
from scraper.store.runs import read_run_reports, roll_run_reports, write_run_report
from scraper.use.dataset import NoDataError, load
from tests.tools.replay import FIXTURES

# -- the archive's pages index ----------------------------------------------------------------------


def entry(key: str, when: datetime, crawl: str, offset: int = 0) -> Entry:
    return Entry(
        url=f"https://arxiv.org/{key}",
        date=when,
        type="response",
        filename=f"raw/date=2025-10-02/{crawl}.warc.gz",
        offset=offset,
        length=100,
        id=f"<urn:uuid:{key}-{crawl}-{offset}>",
        status=200,
        key=key,
    )


def test_the_pages_index_is_looked_up_on_disk_and_merged_without_repeats(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    t1, t2 = datetime(2025, 10, 2, 8, tzinfo=UTC), datetime(2025, 10, 3, 8, tzinfo=UTC)
    keys = [f"html/2510.{n:05d}v1" for n in range(500)] + ["html/2510.00001v10", "abs/2510.00007"]
    first = [entry(k, t1, "20251002T080000000000Z", n) for n, k in enumerate(keys)]
    write_pages_file(layout, "20251002T080000000000Z", PagesFile(layout.pages_index), first)
    # a second crawl adds a later answer for one key and repeats one line
    again = [entry("html/2510.00001v1", t2, "20251003T080000000000Z"), first[3]]
    write_pages_file(layout, "20251003T080000000000Z", PagesFile(layout.pages_index), again)
    pages = PagesFile(layout.pages_index)
    assert pages.through == "20251003T080000000000Z"
    assert [e.date for e in pages.lookup("html/2510.00001v1")] == [t1, t2]
    assert [e.key for e in pages.lookup("html/2510.00001v10")] == ["html/2510.00001v10"]  # not a prefix
    assert pages.lookup("html/2510.00003v1") == [first[3]]  # once
    assert pages.lookup("html/2599.99999v1") == [] and pages.lookup("!meta") == []
    lines = layout.pages_index.read_text().splitlines()
    assert lines[0].startswith("!meta") and lines[1:] == sorted(lines[1:]) and len(lines) == 1 + 503


def test_the_index_reads_only_what_a_question_needs(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    (tmp_path / "raw" / "date=2025-10-02").mkdir(parents=True)
    (tmp_path / "raw" / "date=2025-10-02" / "20251002T080000000000Z.warc.gz").write_bytes(b"")
    write_pages_file(
        layout,
        "20251002T080000000000Z",
        PagesFile(layout.pages_index),
        [entry("html/2510.00001v1", datetime(2025, 10, 2, tzinfo=UTC), "20251002T080000000000Z")],
    )
    index = ArchiveIndex(layout, heal=False)
    assert index.cached("html/2510.00001v1") is not None
    assert index._files == set()  # the covered file's index was not read
    # a line naming a file the layout would not name is never followed
    bad = entry("html/2510.00002v1", datetime(2025, 10, 2, tzinfo=UTC), "x")
    bad = Entry(**{**bad.__dict__, "filename": "../../etc/passwd"})
    write_pages_file(layout, "20251002T080000000000Z", PagesFile(layout.pages_index), [bad])
    assert ArchiveIndex(layout, heal=False).cached("html/2510.00002v1") is None


# -- run reports, rolled by month -------------------------------------------------------------------


def test_run_reports_of_earlier_months_are_rolled_into_one_file_each(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    layout.runs_dir.mkdir()
    for stamp, kind in (
        ("20250901T060000000000Z", ""),
        ("20250915T060000000000Z", ""),
        ("20250930T060000000000Z", "rebuild"),
        ("20251001T060000000000Z", ""),
    ):
        report = {"kind": kind or "crawl", "days": {}, "at": stamp}
        layout.run_report(stamp, kind).write_text(json.dumps(report))
    # a kill between writing a month file and removing its reports: one is in both places
    month = layout.rolled_reports("2025-09")
    month.write_text(json.dumps({"report_file": "20250901T060000000000Z.json", "at": "x"}) + "\n")
    assert roll_run_reports(layout, "2025-10") == 3
    assert sorted(p.name for p in layout.runs_dir.iterdir()) == [
        "2025-09.jsonl",
        "20251001T060000000000Z.json",
    ]
    names = [name for name, _ in read_run_reports(layout)]
    assert names == [
        "20250901T060000000000Z.json",
        "20250915T060000000000Z.json",
        "20250930T060000000000Z-rebuild.json",
        "20251001T060000000000Z.json",
    ]
    path = write_run_report(layout, {"kind": "crawl"})  # this month: a file of its own, and a roll
    assert path.parent == layout.runs_dir and len(list(layout.runs_dir.glob("*.jsonl"))) >= 1
    assert len(list(read_run_reports(layout))) == 5


# -- load() of a table without rows -------------------------------------------------------------------


def test_rejects_without_rows_load_as_an_empty_typed_frame(tmp_path: Path) -> None:
    with pytest.raises(NoDataError):  # a data folder with no data at all
        load("rejects", data_dir=tmp_path)
    folder = tmp_path / "papers" / "date=2025-09-29"
    folder.mkdir(parents=True)
    import pyarrow.parquet as pq

    pq.write_table(TABLES["papers"].empty_table(), folder / "part-0.parquet")
    rejects = load("rejects", data_dir=tmp_path)  # a crawl without a failure writes no rejects
    assert len(rejects) == 0 and list(rejects.columns) == TABLES["rejects"].names
    assert str(rejects["crawled_at"].dtype) == "datetime64[ms, UTC]"
    assert str(rejects["schema_version"].dtype) == "Int16"
    assert list(load("rejects", data_dir=tmp_path, columns=["reason"]).columns) == ["reason"]
    with pytest.raises(NoDataError):  # other tables still say there is nothing
        load("metrics", data_dir=tmp_path)


# -- batched validation --------------------------------------------------------------------------------


def test_a_batch_is_converted_once_and_only_its_misfits_are_named() -> None:
    schema = TABLES["ratings"]
    good = {
        "arxiv_id": "2509.22611",
        "upvotes": 3,
        "listing_date": date(2025, 9, 30),
        "crawled_at": datetime(2025, 9, 30, 8, tzinfo=UTC),
        "schema_version": 3,
    }
    rows = [dict(good, arxiv_id=f"2509.{n:05d}") for n in range(1000)]
    rows[17]["upvotes"] = "many"
    rows[500]["stars"] = 1
    rows[999]["upvotes"] = 2**40
    data, bad = conform_batch(rows, schema)
    assert [index for index, _ in bad] == [17, 500, 999]
    assert "'upvotes'" in bad[0][1] and "unknown columns" in bad[1][1] and "'upvotes'" in bad[2][1]
    assert data.num_rows == 997 and data.schema == schema
    assert data["arxiv_id"].to_pylist()[17] == "2509.00018"  # the others, in order
    empty, none = conform_batch([], schema)
    assert empty.num_rows == 0 and none == [] and isinstance(empty, pa.Table)


# -- what one abstract may cost ------------------------------------------------------------------------


def test_claims_read_at_most_the_first_4000_characters_of_an_abstract() -> None:
    real = json.loads((FIXTURES / "hf_daily_api" / "2025-09-30.json").read_text())[0]["paper"]["summary"]
    assert len(real) < MAX_ABSTRACT_CHARS
    huge = {"arxiv_id": "2509.00001", "summary": (real + " ") * 70}  # ~100 KB: derived
    claims = abstract_claims(huge)
    assert len(huge["summary"]) > 90_000  # the row keeps the whole abstract
    assert len(claims) <= 3 * len(abstract_claims({"arxiv_id": "2509.00001", "summary": real})) + 3
    assert capped("a b c", 3) == "a b" and capped(None, 3) is None and capped("abc", 3) == "abc"


# -- the release's period files ------------------------------------------------------------------------


def test_period_names_and_spans() -> None:
    assert period_name(date(2025, 10, 2)) == "2025-10" and period_name(date(2025, 10, 2), True) == "2025"
    assert period_span("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_span("2025-12") == (date(2025, 12, 1), date(2025, 12, 31))
    assert period_span("2025") == (date(2025, 1, 1), date(2025, 12, 31))
    assert (
        period_span("2025-13") is None and period_span("part-0") is None and period_span("date=2025") is None
    )
