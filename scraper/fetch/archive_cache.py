"""The HTTP cache answers from the web archive (HTTPCACHE_STORAGE): one store, not two.

Scrapy's cache middleware and the policy (scraper/fetch/cache_policy.py: versioned arXiv pages
forever, "no HTML" answers for HFPAPERS_MISSING_HTML_TTL) stay as they are; only the store changes.
`store_response` keeps nothing itself: it marks the request so the recorder files the answer under its
cache key (`html/<id>v<N>`) in the archive it writes anyway. `retrieve_response` looks the key up in
the archive's index and reads the record at its offset. An unreadable record is a cache miss (the
page is fetched again and archived whole), as Scrapy treats a failed cache read.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings

from scraper.fetch.archive_recorder import FETCHED_AT, archive_index
from scraper.fetch.cache_policy import CACHEABLE
from scraper.store.archive.index import ArchiveIndex
from scraper.store.archive.keys import cache_key
from scraper.store.archive.warc import ArchivedRecord, read_record


def response_from_record(record: ArchivedRecord, url: str, body: bytes | None = None) -> Response:
    """A Scrapy response from an archived answer, as the downloader would have made it."""
    headers = Headers()
    for name, value in record.http_headers:
        headers.appendlist(name, value)
    payload = record.payload if body is None else body
    cls = responsetypes.from_args(headers=headers, url=url, body=payload)
    return cls(url=url, status=record.status or 200, headers=headers, body=payload)


class ArchiveCacheStorage:
    def __init__(self, settings: BaseSettings) -> None:
        self.settings = settings
        self.index: ArchiveIndex | None = None

    def open_spider(self, spider: Spider) -> None:
        self.index = archive_index(spider.crawler)

    def close_spider(self, spider: Spider) -> None:
        pass

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        key = cache_key(request.url)
        if key is None or self.index is None:
            return None
        entry = self.index.cached(key)
        if entry is None:
            return None
        record = read_record(self.index.layout.root / entry.filename, entry.offset, entry.length)
        request.meta[FETCHED_AT] = entry.date  # rows from it carry the time it was fetched
        return response_from_record(record, request.url)

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        request.meta[CACHEABLE] = True
