"""The archive's index: CDXJ (the web-archive world's index format: `<SURT key> <14-digit time>
<JSON>` per line, sorted), one file beside each WARC file (`<crawl id>.cdxj`), and a derived index
of every archived page by cache key (`raw/pages.cdxj`) — read as they are needed, never all at once.

Why per-file sidecars: a WARC file is written once and never changed, and so is its index — written
atomically (temporary name, fsync, rename) right after the WARC file takes its name. A kill between
the two leaves a WARC without its index; the next reader notices and indexes the WARC again (every
member can be read alone). Nothing is ever appended to or edited in place, so no kill can leave an
index half written; and every index can be derived again from the WARC files alone.

Each line names one answer (response, revisit or failure record) with its file, offset and length,
so a record is read with one seek; a day's closing record is indexed too (type `closed`). The lines
give what the crawl and the rebuild ask: the archived page for a cache key (scraper/fetch/archive_cache.py,
from the pages index), the original of a revisit record (from the file it names), and the last
payload digest of a URL among its listing day's files (unchanged answers are archived as revisits).
A crawl so holds the entries of the days it crawls, not of the whole archive (`ArchiveIndex`).
"""

from __future__ import annotations

import heapq
import json
import logging
import mmap
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from warcio.recordloader import ArcWarcRecord

from scraper.store.archive.warc import (
    CACHE_KEY,
    REFERS_FILE,
    ArchiveDamaged,
    ArchivedRecord,
    iter_members,
    parse_warc_date,
)
from scraper.store.files import fsync_dir
from scraper.store.layout import Layout, tmp_path

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
    refers_in: str | None = None  # revisit: the file holding the original (when the crawl knew it)

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


def closing_entry(record: ArcWarcRecord, filename: str, offset: int, length: int, day: Day) -> Entry:
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
        refers_in=record.headers.get(REFERS_FILE),
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


def crawl_of(warc: Path) -> str:
    """The crawl id in a WARC file's name (`<crawl id>.warc.gz`)."""
    return warc.name.split(".")[0]


class PagesFile:
    """`raw/pages.cdxj`: every archived answer that may stand for a page (it has a cache key), one
    line each, sorted by cache key then time — derived from the per-file indexes, looked up on disk
    by binary search (memory-mapped: nothing of it is held in memory).

    Its first line, `!meta {"through": "<crawl id>"}`, says which WARC files it covers: those of every
    crawl up to that id. The crawl holding the data folder's lock rewrites it when it ends, merging
    in what the files since then hold; files of later crawls (a crawl killed before that) are read
    from their own indexes until the next crawl merges them. Deleting it costs one slower start."""

    META = "!meta"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._map: mmap.mmap | None = None
        self._through: str | None = None
        self._opened = False

    @property
    def through(self) -> str | None:
        """The last crawl whose files it covers (None: no usable pages index)."""
        self._open()
        return self._through

    def _open(self) -> None:
        if self._opened:
            return
        self._opened = True
        try:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size:
                    self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError:
            return
        if self._map is not None and self._map[: len(self.META)] == self.META.encode():
            first = self._map[: self._map.find(b"\n")].decode()
            try:
                self._through = json.loads(first.split(" ", 1)[1]).get("through")
            except (ValueError, IndexError, AttributeError):
                self._map, self._through = None, None  # unreadable: as if absent (read the files)

    def covers(self, warc: Path) -> bool:
        through = self.through
        return through is not None and crawl_of(warc) <= through

    def lookup(self, key: str) -> list[Entry]:
        """The entries filed under `key`, oldest first."""
        self._open()
        data = self._map
        if data is None:
            return []
        target = key.encode()
        low, high = 0, len(data)
        while low < high:  # the first line whose key is >= target (lines sorted by key)
            middle = (low + high) // 2
            start = data.rfind(b"\n", 0, middle) + 1
            end = data.find(b"\n", start)
            end = len(data) if end == -1 else end
            if data[start : data.find(b" ", start, end)] < target:
                low = end + 1
            else:
                high = start
        found = []
        while low < len(data):
            end = data.find(b"\n", low)
            end = len(data) if end == -1 else end
            line = data[low:end].decode()
            if line.split(" ", 1)[0] != key:
                break
            low = end + 1
            if line.startswith(self.META):
                continue
            try:
                found.append(Entry.from_line(line.split(" ", 1)[1]))
            except (ValueError, TypeError, KeyError, IndexError):  # a damaged line: as if absent
                logger.warning("%s: an unreadable line is skipped", self.path)
        return found

    def lines(self) -> Iterator[str]:
        """Its entry lines, in order (the meta line aside)."""
        self._open()
        if self._map is None:
            return
        for raw in iter(self._map.readline, b""):
            line = raw.decode().rstrip("\n")
            if line and not line.startswith(self.META):
                yield line

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
        self._map, self._opened = None, False


def pages_line(entry: Entry) -> str:
    """An entry's line in the pages index: its cache key, then the entry's CDXJ line."""
    return f"{entry.key} {entry.line()}"


def write_pages_file(layout: Layout, through: str, old: PagesFile, new: Iterable[Entry]) -> Path:
    """Rewrite the pages index: its lines merged with `new` keyed entries (sorted, without repeats),
    covering the crawls up to `through`; atomically. Streams the old lines: memory ~ the new ones."""
    target = layout.pages_index
    added = sorted({pages_line(e) for e in new if e.key})
    tmp = tmp_path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(f"{PagesFile.META} {json.dumps({'through': through})}\n")
        previous = None
        for line in heapq.merge(old.lines(), added):
            if line != previous:
                handle.write(line + "\n")
            previous = line
        handle.flush()
        os.fsync(handle.fileno())
    old.close()
    os.replace(tmp, target)
    fsync_dir(target.parent)
    return target


class ArchiveIndex:
    """The archived answers of a data folder, read as they are needed — never all of them:

    * a cache key's pages (`cached`) from the pages index (`raw/pages.cdxj`, on disk) and the
      indexes of the WARC files it does not cover yet;
    * a URL's last answer (`last_answer`, to store an unchanged answer as a revisit record) from the
      files of that URL's listing day only;
    * a revisit record's original from the file its index entry names (or its day's files).

    So a crawl holds the entries of the days it crawls and the pages it archives, whatever the
    archive's age. `load_all()` reads every file (the `hfpapers-archive` commands)."""

    def __init__(self, layout: Layout, heal: bool = True) -> None:
        self.layout = layout
        self.heal = heal
        self.pages = PagesFile(layout.pages_index)
        self._days: set[Day] = set()  # listing days whose files are loaded
        self._files: set[str] = set()  # files (relative names) whose entries are loaded
        self._uncovered: bool = False  # the keyed entries of files the pages index lacks are loaded
        self._by_key: dict[str, list[Entry]] = {}  # cache key -> answers not in the pages index
        self._by_id: dict[str, Entry] = {}  # record id -> answer (loaded files only)
        self._last: dict[str, Entry] = {}  # URL -> last answer with a payload (loaded files only)
        self.added: list[Entry] = []  # entries of the files this process finished (pages index)

    # -- loading ---------------------------------------------------------------------------------

    def _load_file(self, warc: Path) -> None:
        name = self.layout.relative(warc)
        if name in self._files:
            return
        self._files.add(name)
        self._add(file_entries(warc, self.layout, self.heal), keyed=not self.pages.covers(warc))

    def load_day(self, day: Day) -> None:
        if day in self._days:
            return
        self._days.add(day)
        for _day, warc in self.layout.warc_files(day, day):
            self._load_file(warc)

    def load_all(self) -> None:
        for _day, warc in self.layout.warc_files():
            self._days.add(_day)
            self._load_file(warc)

    def _load_uncovered(self) -> None:
        """The keyed entries of every WARC file the pages index does not cover (read once)."""
        if self._uncovered:
            return
        self._uncovered = True
        for _day, warc in self.layout.warc_files():
            if not self.pages.covers(warc) and self.layout.relative(warc) not in self._files:
                self._files.add(self.layout.relative(warc))
                self._add(file_entries(warc, self.layout, self.heal), keyed=True)

    def add(self, entries: Iterable[Entry]) -> None:
        """Entries of a file this process just finished."""
        entries = list(entries)
        self.added += [e for e in entries if e.key]
        self._add(entries, keyed=True)

    def _add(self, entries: Iterable[Entry], keyed: bool) -> None:
        for entry in entries:
            if entry.type == CLOSED:
                continue
            self._by_id[entry.id] = entry
            if entry.type == "failure":
                continue
            if entry.key and keyed:
                self._by_key.setdefault(entry.key, []).append(entry)
                self._by_key[entry.key].sort(key=lambda e: e.date)
            last = self._last.get(entry.url)
            if last is None or last.date <= entry.date:
                self._last[entry.url] = entry

    # -- questions -------------------------------------------------------------------------------

    def entries_with_key(self, key: str) -> list[Entry]:
        """Every answer that may stand for the page `key`, oldest first."""
        self._load_uncovered()
        # (a line names a file only as the layout names WARC files: no other path is built from it)
        found = {e.id: e for e in self.pages.lookup(key) if self.layout.archive_file(e.filename)}
        found.update((e.id, e) for e in self._by_key.get(key, []))
        return sorted(found.values(), key=lambda e: e.date)

    def cached(self, key: str, before: datetime | None = None, other_than: str | None = None) -> Entry | None:
        """The latest answer that may stand for the page `key` (archived before `before`, outside the
        file `other_than`, when given)."""
        for entry in reversed(self.entries_with_key(key)):
            if (before is None or entry.date < before) and entry.filename != other_than:
                return entry
        return None

    def by_id(self, record_id: str) -> Entry | None:
        return self._by_id.get(record_id)

    def original(self, entry: Entry) -> Entry | None:
        """The response record whose payload `entry` stands for (itself, or a revisit's original)."""
        seen = 0
        while entry.type == "revisit" and entry.refers_to and seen < 100:
            found = self.by_id(entry.refers_to)
            if found is None:  # load where it is: the file its entry names, else its day's files
                where = self.layout.archive_file(entry.refers_in) if entry.refers_in else None
                if where is not None and where.is_file():
                    self._load_file(where)
                elif entry.day is not None:
                    self.load_day(entry.day)
                found = self.by_id(entry.refers_to)
            if found is None:
                return None
            entry, seen = found, seen + 1
        return entry if entry.type == "response" else None

    def last_answer(self, url: str, day: Day | None = None) -> Entry | None:
        """The last archived answer to `url` with a payload (for deduplication), among the files of
        its listing day `day` (None: every file)."""
        if day is None:
            self.load_all()
        else:
            self.load_day(day)
        return self._last.get(url)

    def answers(self, url: str) -> list[Entry]:
        """Every archived answer to `url`, oldest first (reads every file)."""
        self.load_all()
        return sorted((e for e in self._by_id.values() if e.url == url), key=lambda e: e.date)

    def write_pages(self, through: str) -> Path:
        """Merge the keyed entries the pages index lacks into it (the crawl holding the lock, when it
        ends): it then covers every file of the crawls up to `through`."""
        self._load_uncovered()
        new = [e for entries in self._by_key.values() for e in entries] + self.added
        return write_pages_file(self.layout, through, self.pages, new)


def parse_date_text(text: str) -> datetime:
    """A time given by a user or a row (`crawled_at`): ISO 8601 or WARC's form; UTC when naive."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return parse_warc_date(text)
    return when if when.tzinfo else when.replace(tzinfo=parse_warc_date("2000-01-01T00:00:00Z").tzinfo)
