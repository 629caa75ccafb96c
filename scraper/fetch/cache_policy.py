"""HTTP cache policy: keep what never changes, never serve what does. The cache's store is the web
archive (scraper/fetch/archive_cache.py): an answer the policy keeps is marked in the archive's index.

A versioned arXiv page (`/html/<id>v2`, `/abs/<id>v2`) is immutable, so it is cached forever and a
re-crawl of a day sends no request for it. The HF lists whose upvotes change all day and the arXiv
API are never cached.

Answers that may still change are kept for HFPAPERS_MISSING_HTML_TTL (default 30 days, judged by
the response's `Date` header) and then asked for again:

* "No HTML for this paper" answers — a 404, arXiv's "No HTML for '<id>'" stub, a failed conversion —
  whether or not the URL carried a version (arXiv re-renders papers);
* any answer at an unversioned URL (`/html/<id>`, `/abs/<id>`): the page of a paper the arXiv API
  did not know, fetched as "the latest version", which a new version replaces. Within the expiry a
  refresh does not ask again for the papers the API did not know on an earlier run.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached

from scraper.fetch import stats
from scraper.store.archive.keys import ARXIV_PAGE

# What arXiv's "not (yet) a real page" answers say: the 2026 stub (`<h1>No HTML for '<id>'</h1>`,
# tests/fixtures/arxiv_stub/), its older wording, ar5iv's, and a failed LaTeXML conversion.
NOT_FINAL = (
    b"No HTML for '",
    b"HTML is not available for the source",
    b"No HTML is available",
    b"No content available",
    b"<title>Untitled Document</title>",
)


def is_final(response: Response) -> bool:
    """A 200 page that will never change (not a stub or failed conversion)."""
    if response.status != 200:
        return False
    head = response.body[:20000]
    return not any(marker in head for marker in NOT_FINAL)


CACHEABLE = "hfpapers_cacheable"  # request meta: the policy let this answer stand for its page


def is_versioned(request: Request) -> bool:
    match = ARXIV_PAGE.search(urlparse_cached(request).path)
    return match is not None and match.group("version") is not None


def age_seconds(response: Response, now: float | None = None) -> float | None:
    value = response.headers.get(b"Date")
    if not value:
        return None
    try:
        return (now or time.time()) - parsedate_to_datetime(value.decode("latin-1")).timestamp()
    except (TypeError, ValueError):
        return None


class ImmutablePagesPolicy:
    def __init__(self, settings: BaseSettings) -> None:
        self.missing_ttl = settings.getfloat("HFPAPERS_MISSING_HTML_TTL")

    def should_cache_request(self, request: Request) -> bool:
        return ARXIV_PAGE.search(urlparse_cached(request).path) is not None

    def should_cache_response(self, response: Response, request: Request) -> bool:
        return response.status in (200, 404)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        if is_final(cachedresponse) and is_versioned(request):
            return True  # a versioned page never changes
        # a "no HTML" answer, or the latest version of a paper the API did not know: for a while
        age = age_seconds(cachedresponse)
        return age is not None and age < self.missing_ttl

    def is_cached_response_valid(
        self, cachedresponse: Response, response: Response, request: Request
    ) -> bool:
        # Asked again because the cached answer went stale: keep the new answer unless the
        # server says "not modified".
        return response.status == 304


REFRESH_CACHE = "hfpapers_refresh_cache"  # request meta: skip the cache read, store the answer


class RefreshingHttpCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's HTTP cache, plus one request meta key: REFRESH_CACHE skips the cache read (the copy
    there, if any, failed the body check) and the fresh answer is stored over it, so a damaged entry
    (a truncated page, or one a killed crawl left half written) heals itself."""

    def process_request(self, request: Request, spider: Spider | None = None) -> Request | Response | None:
        if request.meta.get(REFRESH_CACHE) and self.policy.should_cache_request(request):
            self.stats.inc_value(stats.CACHE_REFRESHED)
            return None
        answer = super().process_request(request)
        if answer is not None:  # answered from the cache: no request is sent (the run report's count)
            self.stats.inc_value(stats.CACHE_HITS + (urlparse_cached(request).netloc or "?"))
        return answer
