"""HTTP cache policy: keep what never changes, never serve what does.

A versioned arXiv page (`/html/<id>v2`, `/abs/<id>v2`) is immutable, so it is cached forever and a
re-crawl of a day sends no request for it. Everything else — the HF lists whose upvotes change all
day, unversioned arXiv URLs, the arXiv API — is never cached.

Answers that may still change for a versioned URL — a 404 (no HTML rendering), a "No HTML is
available" stub, a failed conversion — are kept only for HFPAPERS_MISSING_HTML_TTL (default 30
days, judged by the response's `Date` header): arXiv re-renders papers, so they may get better,
but a re-crawl of last week does not ask again.
"""

from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached

VERSIONED_PAGE = re.compile(
    r"/(?:html|abs)/(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})v\d+/?$"
)
NOT_FINAL = (b"No HTML is available", b"No content available", b"<title>Untitled Document</title>")


def is_final(response: Response) -> bool:
    """A 200 page that will never change (not a stub or failed conversion)."""
    if response.status != 200:
        return False
    head = response.body[:20000]
    return not any(marker in head for marker in NOT_FINAL)


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
        self.missing_ttl = settings.getfloat("HFPAPERS_MISSING_HTML_TTL", 30 * 86400)

    def should_cache_request(self, request: Request) -> bool:
        return bool(VERSIONED_PAGE.search(urlparse_cached(request).path))

    def should_cache_response(self, response: Response, request: Request) -> bool:
        return response.status in (200, 404)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        if is_final(cachedresponse):
            return True
        age = age_seconds(cachedresponse)
        return age is not None and age < self.missing_ttl

    def is_cached_response_valid(
        self, cachedresponse: Response, response: Response, request: Request
    ) -> bool:
        # Asked again because the cached answer went stale: keep the new answer unless the
        # server says "not modified".
        return response.status == 304
