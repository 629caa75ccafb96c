"""The web archive: every answer the crawl received, kept as WARC files under `data/raw/`.

    from scraper.store.archive import open_response
    answer = open_response("data", row["source_url"], at=row["crawled_at"])

* `warc` — the records (warcio, WARC/1.1, one gzip member each) and reading one back;
* `index` — the CDXJ index beside each WARC file, and the pages index (`raw/pages.cdxj`): read as needed;
* `recorder` — the downloader middleware that writes them while the crawl runs;
* `cache` — the HTTP cache's store: versioned pages are answered from the archive;
* `replay` — a rebuild's network: requests answered from the archive;
* `cli` — `hfpapers-archive show URL` / `list URL`.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scraper.store.archive.index import ArchiveIndex, Entry, parse_date_text
from scraper.store.archive.keys import cache_key
from scraper.store.archive.warc import read_record
from scraper.store.layout import Layout


class NotArchived(LookupError):
    """No archived answer for that URL (at that time)."""


@dataclass(frozen=True)
class ArchivedAnswer:
    """One archived answer: what came back for `url` at `date`, and where it is kept."""

    url: str
    date: datetime  # its WARC-Date: the `crawled_at` of the rows made from it
    status: int | None  # None: no answer came (`failure` says why)
    headers: list[tuple[str, str]]
    body: bytes  # as it came off the wire (compressed if the server compressed it)
    file: Path
    offset: int
    kind: str  # response | revisit | failure
    purpose: str | None
    failure: str | None = None

    def content(self) -> bytes:
        """The body with its Content-Encoding (gzip, deflate) undone."""
        encoding = next((v for k, v in self.headers if k.lower() == "content-encoding"), "").lower()
        if encoding in ("gzip", "x-gzip"):
            return zlib.decompress(self.body, zlib.MAX_WBITS | 16)
        if encoding == "deflate":
            return zlib.decompress(self.body)
        return self.body


def answers(data_dir: str | Path, url: str) -> list[Entry]:
    """Every archived answer to `url` (or, for an arXiv page, to its page under any base URL),
    oldest first."""
    index = ArchiveIndex(Layout(Path(data_dir)), heal=False)
    found = index.answers(url)
    key = cache_key(url)
    if not found and key:
        found = [e for e in index.entries_with_key(key)]
    return found


def open_response(data_dir: str | Path, url: str, at: datetime | str | None = None) -> ArchivedAnswer:
    """The archived answer a row with this `source_url` and `crawled_at` (`at`) came from: the last
    answer to `url` archived at or before `at` (without `at`: the last one). Raises NotArchived."""
    root = Path(data_dir)
    index = ArchiveIndex(Layout(root), heal=False)
    found = index.answers(url)
    key = cache_key(url)
    if not found and key:
        found = index.entries_with_key(key)
    if at is not None:
        when = parse_date_text(at) if isinstance(at, str) else at
        if when.tzinfo is None:
            when = when.replace(tzinfo=found[0].date.tzinfo) if found else when
        # `crawled_at` keeps milliseconds, WARC-Date microseconds: compare at the table's precision
        found = [e for e in found if e.date.replace(microsecond=e.date.microsecond // 1000 * 1000) <= when]
    if not found:
        raise NotArchived(f"no archived answer for {url}" + (f" at or before {at}" if at is not None else ""))
    entry = found[-1]
    record = read_record(root / entry.filename, entry.offset, entry.length)
    if entry.type == "failure":
        fields = record.fields()
        description = fields.get("description") or fields.get("fetch-failure")
        return ArchivedAnswer(
            url,
            entry.date,
            None,
            [],
            b"",
            root / entry.filename,
            entry.offset,
            "failure",
            entry.purpose,
            description,
        )
    body = record.payload
    if entry.type == "revisit":
        original = index.original(entry)
        if original is None:
            raise NotArchived(f"the original of the revisit record {entry.id} is not in the archive")
        body = read_record(root / original.filename, original.offset, original.length).payload
    return ArchivedAnswer(
        record.url,
        entry.date,
        record.status,
        record.http_headers,
        body,
        root / entry.filename,
        entry.offset,
        entry.type,
        entry.purpose,
    )


__all__ = ["ArchivedAnswer", "NotArchived", "answers", "open_response"]
