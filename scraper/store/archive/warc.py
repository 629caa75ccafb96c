"""WARC records (ISO 28500, WARC/1.1) as the archive writes and reads them, with `warcio`.

Every record is its own gzip member ("per-record gzip", as Common Crawl and the Internet Archive
write them): a record can be read alone from its offset, and a damaged member spoils that record
only. The members are compressed here (GZIP_LEVEL) rather than by warcio, whose writer always uses
level 9 — the level is one constant.

What a file holds, in order: a `warcinfo` record (the crawl, its listing day, the settings that
shaped its requests); for every answer, a `request` record and either a `response` record (the
answer as it came off the wire: status, headers, body before decompression), a `revisit` record
(the same payload as an earlier archived answer to the same URL: WARC's identical-payload-digest
profile, which keeps unchanged list answers from being stored again), or a `metadata` record
saying why no answer came (timeout, refused, robots.txt…); last, a `metadata` record with the
day's outcome. Records carry two extension fields (WARC 1.1 §5: software ignores fields it does not
know; they are outside the `WARC-` namespace, which the standard keeps for itself):
`Hfpapers-Listing-Date` and `Hfpapers-Purpose` (list, api, html, abs); an answer that may stand for
its page in later crawls also carries `Hfpapers-Cache-Key` (scraper/fetch/cache_policy.py), and a
revisit record `Hfpapers-Refers-To-File`, the file of its original (so a reader loads that file
only).
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

WARC_VERSION = "WARC/1.1"  # microsecond WARC-Date: the rows' crawled_at is exactly the answer's date
# Per record. Level 5: compressing a page costs about a quarter of parsing it and deriving its rows,
# for 2% more bytes than level 6 (which costs ~40%) — bench/bench_years.py prints both.
GZIP_LEVEL = 5
LISTING_DATE = "Hfpapers-Listing-Date"
PURPOSE = "Hfpapers-Purpose"
CACHE_KEY = "Hfpapers-Cache-Key"
CRAWL = "Hfpapers-Crawl-Id"
REFERS_FILE = "Hfpapers-Refers-To-File"  # a revisit record: the file (in the data folder) of its original
PURPOSES = ("list", "api", "html", "abs")
# Hop-by-hop framing the HTTP client already undid: the body is stored de-chunked, so the header
# would make a reader de-chunk it a second time.
DROPPED_HEADERS = {b"transfer-encoding"}
METADATA_TYPE = "application/warc-fields"
Day = date  # (a dataclass below has a field named `date`)


class ArchiveDamaged(Exception):
    """A record that cannot be read back (a damaged gzip member or WARC header)."""


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of `body`, in warcio's form (`sha1:` + base32)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()  # noqa: S324 - WARC's digest


def warc_date(when: datetime) -> str:
    return datetime_to_iso_date(when.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def parse_warc_date(text: str) -> datetime:
    return iso_date_to_datetime(text).replace(tzinfo=UTC)


# -- writing -------------------------------------------------------------------------------------


class RecordMaker:
    """Builds records and turns each into one gzip member (bytes)."""

    def __init__(self) -> None:
        self._buffer = BytesIO()
        self._writer = WARCWriter(self._buffer, gzip=False, warc_version=WARC_VERSION)

    def member(self, record: ArcWarcRecord) -> bytes:
        """One record as one gzip member."""
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        return compressor.compress(self._buffer.getvalue()) + compressor.flush()

    @staticmethod
    def _extension(day: date | None, purpose: str | None, extra: dict[str, str] | None = None) -> dict:
        headers: dict[str, str] = {}
        if day is not None:
            headers[LISTING_DATE] = day.isoformat()
        if purpose:
            headers[PURPOSE] = purpose
        headers.update(extra or {})
        return headers

    def warcinfo(self, filename: str, when: datetime, info: dict[str, str]) -> ArcWarcRecord:
        record = self._writer.create_warcinfo_record(filename, info)
        record.rec_headers.replace_header("WARC-Date", warc_date(when))
        return record

    def request(
        self,
        method: str,
        url: str,
        headers: list[tuple[str, str]],
        when: datetime,
        day: date | None,
        purpose: str | None,
    ) -> ArcWarcRecord:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        http = StatusAndHeaders(
            f"{method} {target} HTTP/1.1", [("Host", parts.netloc), *headers], is_http_request=True
        )
        fields = {"WARC-Date": warc_date(when), **self._extension(day, purpose)}
        return self._writer.create_warc_record(
            url, "request", payload=BytesIO(b""), length=0, http_headers=http, warc_headers_dict=fields
        )

    def response(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        when: datetime,
        day: date | None,
        purpose: str | None,
        cache_key: str | None = None,
        crawl_id: str | None = None,
    ) -> ArcWarcRecord:
        http = StatusAndHeaders(_status_line(status), headers, protocol="HTTP/1.1")
        extra = {CACHE_KEY: cache_key} if cache_key else {}
        if crawl_id:
            extra[CRAWL] = crawl_id
        fields = {
            "WARC-Date": warc_date(when),
            "WARC-Payload-Digest": payload_digest(body),
            **self._extension(day, purpose, extra),
        }
        return self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict=fields,
        )

    def revisit(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        digest: str,
        refers_to: tuple[str, str, datetime],  # (record id, URL, date) of the archived original
        when: datetime,
        day: date | None,
        purpose: str | None,
        crawl_id: str | None = None,
        refers_file: str | None = None,
    ) -> ArcWarcRecord:
        http = StatusAndHeaders(_status_line(status), headers, protocol="HTTP/1.1")
        record_id, refers_url, refers_date = refers_to
        extra = {"WARC-Refers-To": record_id}
        if crawl_id:
            extra[CRAWL] = crawl_id
        if refers_file:
            extra[REFERS_FILE] = refers_file
        fields = {"WARC-Date": warc_date(when), **self._extension(day, purpose, extra)}
        return self._writer.create_revisit_record(
            url, digest, refers_url, warc_date(refers_date), http_headers=http, warc_headers_dict=fields
        )

    def metadata(
        self,
        url: str,
        when: datetime,
        fields: dict[str, str],
        day: date | None,
        purpose: str | None = None,
        concurrent_to: str | None = None,
    ) -> ArcWarcRecord:
        body = "".join(f"{name}: {_one_line(value)}\r\n" for name, value in fields.items()).encode()
        headers = {"WARC-Date": warc_date(when), **self._extension(day, purpose)}
        if concurrent_to:
            headers["WARC-Concurrent-To"] = concurrent_to
        return self._writer.create_warc_record(
            url,
            "metadata",
            payload=BytesIO(body),
            length=len(body),
            warc_content_type=METADATA_TYPE,
            warc_headers_dict=headers,
        )


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def record_id(record: ArcWarcRecord) -> str:
    return record.rec_headers.get_header("WARC-Record-ID")


# -- reading -------------------------------------------------------------------------------------


@dataclass
class ArchivedRecord:
    """One record read back."""

    type: str  # warcinfo, request, response, revisit, metadata
    url: str
    date: datetime
    id: str
    headers: dict[str, str]  # the WARC header fields
    status: int | None = None  # the HTTP status (response and revisit records)
    http_headers: list[tuple[str, str]] = field(default_factory=list)
    payload: bytes = b""  # the HTTP body as it came (response), or the record block (others)

    @property
    def day(self) -> Day | None:
        value = self.headers.get(LISTING_DATE)
        return date.fromisoformat(value) if value else None

    @property
    def purpose(self) -> str | None:
        return self.headers.get(PURPOSE)

    def fields(self) -> dict[str, str]:
        """A warcinfo or metadata record's `name: value` lines."""
        out: dict[str, str] = {}
        for line in self.payload.decode("utf-8", "replace").splitlines():
            name, sep, value = line.partition(":")
            if sep:
                out[name.strip()] = value.strip()
        return out


def parse_member(raw: bytes) -> ArchivedRecord:
    """A record from the uncompressed bytes of one member."""
    loader = ArcWarcRecordLoader()
    try:
        record = loader.parse_record_stream(BytesIO(raw), ensure_http_headers=False)
        rec_type = record.rec_type
        headers = dict(record.rec_headers.headers)
        status = None
        http_headers: list[tuple[str, str]] = []
        if record.http_headers is not None and rec_type in ("response", "revisit"):
            status = int(record.http_headers.get_statuscode())
            http_headers = list(record.http_headers.headers)
        payload = record.raw_stream.read()
        return ArchivedRecord(
            rec_type,
            headers.get("WARC-Target-URI", ""),
            parse_warc_date(headers["WARC-Date"]),
            headers.get("WARC-Record-ID", ""),
            headers,
            status,
            http_headers,
            payload,
        )
    except Exception as exc:  # warcio raises several kinds for a damaged header; all mean the same
        raise ArchiveDamaged(f"unreadable WARC record ({type(exc).__name__}: {exc})") from exc


def decompress_member(data: bytes) -> tuple[bytes, bytes]:
    """(the uncompressed bytes of the first gzip member in `data`, what follows it)."""
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        raw = decompressor.decompress(data)
    except zlib.error as exc:
        raise ArchiveDamaged(f"damaged gzip member ({exc})") from exc
    if not decompressor.eof:
        raise ArchiveDamaged("gzip member cut short")
    return raw, decompressor.unused_data


def read_record(path: Path, offset: int, length: int) -> ArchivedRecord:
    """The record of the member at `offset` (`length` bytes) in `path`."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            data = handle.read(length)
    except OSError as exc:
        raise ArchiveDamaged(f"cannot read {path}: {exc.strerror or exc}") from exc
    raw, _ = decompress_member(data)
    return parse_member(raw)


_GZIP_MAGIC = b"\x1f\x8b\x08"


def iter_members(path: Path) -> Iterator[tuple[int, int, ArchivedRecord | ArchiveDamaged]]:
    """(offset, length, record or the damage found) of every member of `path`. A damaged member is
    reported and skipped: reading goes on at the next gzip header."""
    data = path.read_bytes()
    offset = 0
    while offset < len(data):
        try:
            raw, rest = decompress_member(data[offset:])
            length = len(data) - offset - len(rest)
            yield offset, length, parse_member(raw)
        except ArchiveDamaged as damage:
            following = data.find(_GZIP_MAGIC, offset + 1)
            end = following if following != -1 else len(data)
            yield offset, end - offset, damage
            length = end - offset
        offset += length
