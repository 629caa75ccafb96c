"""The archive's index: CDXJ (the web-archive world's index format: `<SURT key> <14-digit time>
<JSON>` per line, sorted), one file beside each WARC file (`<crawl id>.cdxj`), merged on read.

Why per-file sidecars: a WARC file is written once and never changed, and so is its index — written
atomically (temporary name, fsync, rename) right after the WARC file takes its name. A kill between
the two leaves a WARC without its index; the next reader notices and indexes the WARC again (every
member can be read alone). Nothing is ever appended to or edited in place, so no kill can leave an
index half written; and every index can be derived again from the WARC files alone.

Each line names one answer (response, revisit or failure record) with its file, offset and length,
so a record is read with one seek. Merged in memory, the lines give what the crawl and the rebuild
ask: the archived page for a cache key (scraper/archive/cache.py), the original of a revisit
record, and the last payload digest of a URL (unchanged answers are archived as revisits).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from scraper.archive.warc import CACHE_KEY, ArchiveDamaged, ArchivedRecord, iter_members, parse_warc_date
from scraper.files import fsync_dir
from scraper.layout import Layout, tmp_path

logger = logging.getLogger(__name__)

ANSWER_TYPES = ("response", "revisit", "failure")
CLOSED = "closed"  # the entry of a file's closing record: when the crawl finished the day
DAY_URN = "urn:hfpapers:day:"  # the target of a closing record
Day = date  # (Entry has a field named `date`)


def surt(url: str) -> str:
    """The SURT form of `url` that CDXJ sorts by: host labels reversed (`org,arxiv)`), port kept
    when not the default, path as is, query parameters sorted."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    labels = host.split(".")
    key = host if all(label.isdigit() for label in labels) else ",".join(reversed(labels))
    if parts.port and parts.port not in (80, 443):
        key += f":{parts.port}"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{key})" + (parts.path or "/") + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Entry:
    """One archived answer: where its record is and what it says."""

    url: str
    date: datetime
    type: str  # response | revisit | failure
    filename: str  # relative to the data folder
    offset: int
    length: int
    id: str  # WARC-Record-ID
    status: int | None = None
    mime: str | None = None
    digest: str | None = None
    day: Day | None = None
    purpose: str | None = None
    key: str | None = None  # the cache key, when the answer may stand for its page later
    refers_to: str | None = None  # revisit: the record id of the original

    def line(self) -> str:
        values = {k: v for k, v in asdict(self).items() if v is not None}
        values["date"] = self.date.isoformat()
        if self.day is not None:
            values["day"] = self.day.isoformat()
        return f"{surt(self.url)} {self.date.strftime('%Y%m%d%H%M%S')} {json.dumps(values, sort_keys=True)}"

    @classmethod
    def from_line(cls, line: str) -> Entry:
        _key, _stamp, blob = line.split(" ", 2)
        values = json.loads(blob)
        values["date"] = datetime.fromisoformat(values["date"])
        if values.get("day"):
            values["day"] = date.fromisoformat(values["day"])
        return cls(**values)


def day_urn(day: Day) -> str:
    """The target URI of a day's closing record."""
    return f"{DAY_URN}{day.isoformat()}"


def closing_entry(record, filename: str, offset: int, length: int, day: Day) -> Entry:
    """The index entry of a day's closing record (type `closed`; not an answer)."""
    when = record.rec_headers.get_header("WARC-Date")
    return Entry(
        url=day_urn(day),
        date=parse_warc_date(when),
        type=CLOSED,
        filename=filename,
        offset=offset,
        length=length,
        id=record.rec_headers.get_header("WARC-Record-ID"),
        day=day,
    )


def entry_of(record: ArchivedRecord, filename: str, offset: int, length: int) -> Entry | None:
    """The index entry of a record (None for records that are no answer nor a day's closing
    record: warcinfo, request…)."""
    if record.type == "metadata" and record.url.startswith(DAY_URN):
        return Entry(record.url, record.date, CLOSED, filename, offset, length, record.id, day=record.day)
    if record.type == "response":
        kind = "response"
    elif record.type == "revisit":
        kind = "revisit"
    elif record.type == "metadata" and record.fields().get("fetch-failure"):
        kind = "failure"
    else:
        return None
    mime = next((v for k, v in record.http_headers if k.lower() == "content-type"), None)
    return Entry(
        url=record.url,
        date=record.date,
        type=kind,
        filename=filename,
        offset=offset,
        length=length,
        id=record.id,
        status=record.status,
        mime=mime.split(";")[0].strip() if mime else None,
        digest=record.headers.get("WARC-Payload-Digest"),
        day=record.day,
        purpose=record.purpose,
        key=record.headers.get(CACHE_KEY),
        refers_to=record.headers.get("WARC-Refers-To"),
    )


def write_sidecar(warc: Path, entries: Iterable[Entry]) -> Path:
    """Write the index of `warc` beside it, atomically, sorted as CDXJ is."""
    final = Layout.cdxj_file(warc)
    tmp = tmp_path(final)
    text = "".join(line + "\n" for line in sorted(entry.line() for entry in entries))
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, final)
    fsync_dir(final.parent)
    return final


def index_warc(warc: Path, layout: Layout) -> tuple[list[Entry], list[tuple[int, str]]]:
    """Index a WARC file from its records: (entries, damaged members as (offset, problem))."""
    filename = layout.relative(warc)
    entries, damaged = [], []
    for offset, length, record in iter_members(warc):
        if isinstance(record, ArchiveDamaged):
            damaged.append((offset, str(record)))
            continue
        entry = entry_of(record, filename, offset, length)
        if entry is not None:
            entries.append(entry)
    return entries, damaged


def file_entries(warc: Path, layout: Layout, heal: bool = True) -> list[Entry]:
    """The entries of one WARC file, in file order: from its sidecar, or — when the sidecar is
    missing or unreadable — from the WARC itself (and the sidecar is written again when `heal`)."""
    sidecar = Layout.cdxj_file(warc)
    if sidecar.exists():
        try:
            lines = sidecar.read_text(encoding="utf-8").splitlines()
            entries = sorted(
                (Entry.from_line(line) for line in lines if line.strip()), key=lambda e: e.offset
            )
            # An index names only its own WARC file (no path is ever taken from an index line).
            if any(entry.filename != layout.relative(warc) for entry in entries):
                raise ValueError("it names another file")
            return entries
        except (OSError, ValueError, TypeError, KeyError) as exc:
            logger.warning("the index %s is unreadable (%s); indexing %s again", sidecar, exc, warc)
    entries, damaged = index_warc(warc, layout)
    for offset, problem in damaged:
        logger.error("%s: damaged record at offset %d: %s", warc, offset, problem)
    if heal:
        try:
            write_sidecar(warc, entries)
        except OSError as exc:  # a read-only archive: the index is kept in memory only
            logger.warning("cannot write the index of %s (%s)", warc, exc)
    return entries


class ArchiveIndex:
    """Every archived answer of a data folder, merged from the sidecars (loaded when first asked),
    and kept current by the crawl as it finishes WARC files."""

    def __init__(self, layout: Layout, heal: bool = True) -> None:
        self.layout = layout
        self.heal = heal
        self._loaded = False
        self._by_key: dict[str, list[Entry]] = {}  # cache key -> eligible answers, oldest first
        self._by_id: dict[str, Entry] = {}  # record id -> answer
        self._last: dict[str, Entry] = {}  # URL -> last answer with a payload (response or revisit)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for _day, warc in self.layout.warc_files():
            self.add(file_entries(warc, self.layout, self.heal))

    def add(self, entries: Iterable[Entry]) -> None:
        for entry in entries:
            if entry.type == CLOSED:
                continue
            self._by_id[entry.id] = entry
            if entry.type == "failure":
                continue
            if entry.key:
                self._by_key.setdefault(entry.key, []).append(entry)
                self._by_key[entry.key].sort(key=lambda e: e.date)
            last = self._last.get(entry.url)
            if last is None or last.date <= entry.date:
                self._last[entry.url] = entry

    def cached(self, key: str, before: datetime | None = None, other_than: str | None = None) -> Entry | None:
        """The latest answer that may stand for the page `key` (archived before `before`, outside the
        file `other_than`, when given)."""
        self._load()
        for entry in reversed(self._by_key.get(key, [])):
            if (before is None or entry.date < before) and entry.filename != other_than:
                return entry
        return None

    def by_id(self, record_id: str) -> Entry | None:
        self._load()
        return self._by_id.get(record_id)

    def original(self, entry: Entry) -> Entry | None:
        """The response record whose payload `entry` stands for (itself, or a revisit's original)."""
        seen = 0
        while entry.type == "revisit" and entry.refers_to and seen < 100:
            found = self.by_id(entry.refers_to)
            if found is None:
                return None
            entry, seen = found, seen + 1
        return entry if entry.type == "response" else None

    def last_answer(self, url: str) -> Entry | None:
        """The last archived answer to `url` with a payload (for deduplication)."""
        self._load()
        return self._last.get(url)

    def answers(self, url: str) -> list[Entry]:
        """Every archived answer to `url`, oldest first."""
        self._load()
        return sorted((e for e in self._by_id.values() if e.url == url), key=lambda e: e.date)

    def entries_with_key(self, key: str) -> list[Entry]:
        self._load()
        return list(self._by_key.get(key, []))


def parse_date_text(text: str) -> datetime:
    """A time given by a user or a row (`crawled_at`): ISO 8601 or WARC's form; UTC when naive."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return parse_warc_date(text)
    return when if when.tzinfo else when.replace(tzinfo=parse_warc_date("2000-01-01T00:00:00Z").tzinfo)
