"""The archive's parts, without a crawl: the data folder's layout, WARC records written and read back
(a damaged member spoils only itself), CDXJ lines, and the parser revision and stale days."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.store.archive.index import Entry, index_warc, surt
from scraper.store.archive.warc import ArchiveDamaged, RecordMaker, iter_members, read_record
from scraper.store.layout import Layout, folder_day, snapshot_crawl_id, snapshot_name
from scraper.store.provenance import DERIVATION, parser_revision, stale_days
from tests.tools.replay import ROOT, fixture_bytes

DAY = date(2025, 10, 2)
WHEN = datetime(2025, 10, 2, 6, 15, 0, 123456, tzinfo=UTC)


def test_the_layout_names_every_path(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    assert layout.part_file("papers", DAY) == tmp_path / "papers/date=2025-10-02/part-0.parquet"
    assert layout.part_file("ratings", DAY).name == "part-0.parquet"  # one file per day, every table
    assert layout.warc_file(DAY, "C1") == tmp_path / "raw/date=2025-10-02/C1.warc.gz"
    assert Layout.cdxj_file(layout.warc_file(DAY, "C1")).name == "C1.cdxj"
    assert folder_day("date=2025-10-02") == DAY and folder_day("date=2025-13-02") is None
    assert snapshot_crawl_id(snapshot_name("C1")) == "C1" and snapshot_crawl_id("part-0.parquet") is None
    with pytest.raises(ValueError, match="unknown table"):
        layout.partition_dir("../../etc", DAY)
    with pytest.raises(TypeError):
        layout.archive_day_dir("2025-10-02")  # type: ignore[arg-type]


def test_stale_writes_are_those_of_dead_writers_only(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    folder = layout.archive_day_dir(DAY)
    folder.mkdir(parents=True)
    dead = folder / ".C1.warc.gz.999999999.writing"
    alive = folder / f".C2.warc.gz.{os.getpid()}.writing"
    dead.write_bytes(b"x")
    alive.write_bytes(b"x")
    assert list(layout.stale_writes()) == [dead]


def _write_file(path: Path, bodies: list[bytes]) -> list[tuple[int, int]]:
    maker, spans = RecordMaker(), []
    with open(path, "wb") as handle:
        handle.write(maker.member(maker.warcinfo(path.name, WHEN, {"crawl-id": "C1"})))
        for n, body in enumerate(bodies):
            url = f"https://arxiv.org/html/2501.1112{n}v1"
            record = maker.response(url, 200, [("Content-Type", "text/html")], body, WHEN, DAY, "html", None)
            offset = handle.tell()
            handle.write(maker.member(record))
            spans.append((offset, handle.tell() - offset))
    return spans


def test_records_read_back_alone_and_a_damaged_one_spoils_only_itself(tmp_path: Path) -> None:
    page = fixture_bytes("arxiv_html/2501.11120v1.html")
    warc = tmp_path / "raw" / "date=2025-10-02" / "C1.warc.gz"
    warc.parent.mkdir(parents=True)
    spans = _write_file(warc, [page, b"<html>two</html>", b"<html>three</html>"])
    record = read_record(warc, *spans[0])
    assert (record.status, record.payload, record.day, record.purpose) == (200, page, DAY, "html")
    assert record.date == WHEN  # microseconds kept (WARC/1.1)
    with open(warc, "rb") as handle:  # any WARC reader reads the file
        assert [r.rec_type for r in ArchiveIterator(handle)] == [
            "warcinfo",
            "response",
            "response",
            "response",
        ]
    # Spoil the middle record: reading it fails, the others still read, indexing skips it.
    data = bytearray(warc.read_bytes())
    offset, length = spans[1]
    data[offset + length // 2 : offset + length // 2 + 8] = b"\x00" * 8
    warc.write_bytes(bytes(data))
    with pytest.raises(ArchiveDamaged):
        read_record(warc, *spans[1])
    assert read_record(warc, *spans[2]).payload == b"<html>three</html>"
    members = list(iter_members(warc))
    assert [isinstance(r, ArchiveDamaged) for _, _, r in members] == [False, False, True, False]
    entries, damaged = index_warc(warc, Layout(tmp_path))
    assert [e.offset for e in entries] == [spans[0][0], spans[2][0]] and damaged[0][0] == offset


def test_cdxj_lines_round_trip_and_sort_by_surt() -> None:
    entry = Entry(
        url="https://arxiv.org/html/2501.11120v1",
        date=WHEN,
        type="response",
        filename="raw/date=2025-10-02/C1.warc.gz",
        offset=10,
        length=20,
        id="<urn:uuid:1>",
        status=200,
        day=DAY,
        purpose="html",
        key="html/2501.11120v1",
    )
    line = entry.line()
    assert line.startswith("org,arxiv)/html/2501.11120v1 20251002061500 {")
    assert Entry.from_line(line) == entry
    assert surt("http://127.0.0.1:8765/hf/api/daily_papers?p=1&date=2025-10-02") == (
        "127.0.0.1:8765)/hf/api/daily_papers?date=2025-10-02&p=1"
    )


def test_the_parser_revision_follows_the_code_not_its_comments(tmp_path: Path) -> None:
    for name in DERIVATION:
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    before = parser_revision(tmp_path)
    assert before == parser_revision(ROOT)
    derive = tmp_path / "scraper" / "derive" / "rows.py"
    text = derive.read_text()
    derive.write_text(text.replace('"""Rows derived', '"""Reworded: rows derived', 1) + "\n# a comment\n")
    parser_revision.cache_clear()
    assert parser_revision(tmp_path) == before
    derive.write_text(text + "\nCHANGED_CODE = 1\n")  # a statement: the code changed
    parser_revision.cache_clear()
    assert parser_revision(tmp_path) != before


def test_stale_days_follow_the_run_reports(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    layout.runs_dir.mkdir()
    days = [date(2025, 10, 1), date(2025, 10, 2), date(2025, 10, 3)]

    def report(stamp: str, kind: str, revision: str, written: list[date]) -> None:
        body = {
            "kind": kind,
            "parser_revision": revision,
            "days": {d.isoformat(): {"outcome": "written"} for d in written},
        }
        layout.run_report(stamp, "rebuild" if kind == "rebuild" else "").write_text(json.dumps(body))

    report("20251001T000000000000Z", "crawl", "old", days)
    report("20251002T000000000000Z", "rebuild", "new", days[:2])
    report("20251003T000000000000Z", "crawl", "new", days[1:])
    # 10-01 and 10-02: rebuilt by the new revision (10-02 crawled again by it too); 10-03 still holds
    # the old crawl's ratings snapshot beside the new crawl's.
    assert stale_days(layout, days, "new") == [date(2025, 10, 3)]
    assert stale_days(layout, days, "newer") == days
