"""Every body is checked whole before a parser sees it: a page cut short or malformed is retried,
never parsed into half a record (downloader middleware, settings 560)."""

from __future__ import annotations

import json
import logging
from typing import Self, cast

from lxml import etree
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from scraper.fetch import stats
from scraper.fetch.cache_policy import REFRESH_CACHE

logger = logging.getLogger(__name__)

# -- bodies: checked whole before any parser sees them ------------------------------------------

BODY_KIND = "body_kind"  # request meta: "json", "atom" or "html" (else guessed from Content-Type)
# Real pages end with </html> (all captured arXiv, abs and HF pages do, a newline after it at most);
# a little slack allows for a trailing comment or script a site may add after it.
_HTML_END = b"</html>"
_HTML_TAIL = 1024


class BodyCheckFailed(IgnoreRequest):
    """A body still cut short or malformed after every retry; the request's errback records it."""

    def __init__(self, reason: str, detail: str, response: Response) -> None:
        self.reason, self.detail, self.status = reason, detail, response.status
        super().__init__(f"{reason}: {detail} (HTTP {response.status}, {len(response.body)} bytes)")


def body_kind(request: Request, response: Response) -> str | None:
    """What the body should be: the request says so, else the Content-Type tells."""
    kind = request.meta.get(BODY_KIND)
    if kind:
        return kind
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
    if "json" in content_type:
        return "json"
    if "atom" in content_type or "xml" in content_type:
        return "atom"
    if "html" in content_type:
        return "html"
    return None


def body_problem(kind: str, body: bytes) -> tuple[str, str] | None:
    """(reason, detail) when `body` is not a whole document of `kind`, else None. The reason is
    `truncated_body` when the end of the document is missing, `malformed_body` otherwise."""
    stripped = body.rstrip()
    if not stripped:
        return "truncated_body", "empty body"
    if kind == "json":
        try:
            json.loads(body)
        except json.JSONDecodeError as exc:  # cut short: the parser ran out of input
            cut = exc.pos >= len(exc.doc.rstrip()) or exc.msg.startswith("Unterminated string")
            return ("truncated_body" if cut else "malformed_body"), f"invalid JSON: {exc}"[:200]
        except (UnicodeDecodeError, ValueError) as exc:
            cut = isinstance(exc, UnicodeDecodeError) and exc.start >= len(body) - 3
            return ("truncated_body" if cut else "malformed_body"), f"invalid JSON: {exc}"[:200]
        except RecursionError:
            return "malformed_body", "invalid JSON: nested too deeply"
    elif kind == "atom":
        # Fed whole to an incremental parser, a cut document fails only when told it has ended.
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        reason = "malformed_body"
        try:
            parser.feed(body)
            reason = "truncated_body"
            parser.close()
        except etree.XMLSyntaxError as exc:
            return reason, f"invalid XML: {exc}"[:200]
    elif kind == "html" and _HTML_END not in stripped[-_HTML_TAIL:].lower():
        return "truncated_body", f"HTML without its closing </html> (ends {stripped[-40:]!r})"
    return None


class BodyCheckMiddleware:
    """A body cut short or malformed is retried, never parsed into half a record.

    Every answer a parser reads (200s; an Atom 400 error feed too) must be a whole document of its
    kind: JSON must load, Atom must parse as XML, an HTML page must end with </html>. (A body shorter
    than its Content-Length never gets here: Scrapy raises ResponseDataLossError and RetryAfter
    retries it.) A failed check is retried with reason `truncated_body` / `malformed_body` through
    Scrapy's get_retry_request (RETRY_TIMES, retry stats); the retry skips the HTTP cache read, since
    the bad copy may have been stored (or a damaged cache entry may be what failed). When retries run
    out, a JSON or Atom body goes on to its parser, which rejects it whole (a JSON or XML parse is
    all-or-nothing) with the body kept as the reject's payload; an HTML page fails the request
    instead (BodyCheckFailed), since the lenient HTML parsers would make half a record of it, and
    the request's errback records the reject."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        kind = body_kind(request, response)
        if kind is None or not (response.status == 200 or (kind == "atom" and response.status == 400)):
            return response
        problem = body_problem(kind, response.body)
        if problem is None:
            return response
        reason, detail = problem
        self.crawler.stats.inc_value(stats.BODY_CHECK + reason)
        where = "cached copy of " if "cached" in response.flags else ""
        logger.warning("%s: %s%s (%d bytes): %s", reason, where, request.url, len(response.body), detail)
        retry = None
        if not request.meta.get("dont_retry"):
            retry = get_retry_request(request, spider=cast(Spider, self.crawler.spider), reason=reason)
        if retry is not None:
            retry.meta[REFRESH_CACHE] = True
            return retry
        if kind in ("json", "atom"):
            logger.error("%s: still %s after every retry; its parser will reject it", request.url, reason)
            return response
        raise BodyCheckFailed(reason, detail, response)
