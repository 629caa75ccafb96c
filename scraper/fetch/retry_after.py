"""Retries that honour the server: Retry-After / RateLimit headers, back-off per domain, and a host
that cannot be reached at all given up on quickly (downloader middleware, settings 550).

Order on the way back from the server (settings.DOWNLOADER_MIDDLEWARES): the HTTP cache (900)
stores or serves the raw answer, redirects and decompression follow (600/590), then the body check
(560) looks at the decoded body, then RetryAfter (550) handles statuses; exceptions go to RetryAfter.
"""

from __future__ import annotations

import logging
import re
import time
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from scraper.fetch import stats
from scraper.fetch.failures import describe_connection_failure

logger = logging.getLogger(__name__)

# IETF RateLimit header as Hugging Face sends it, e.g. `"api";r=0;t=89` (r remaining, t seconds).
_RATELIMIT_T = re.compile(r"(?:^|;)\s*t=(\d+)")
_RATELIMIT_R = re.compile(r"(?:^|;)\s*r=(\d+)")


def retry_after_seconds(response: Response, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait, from `Retry-After` (seconds or HTTP date) or from an
    exhausted `RateLimit` header; None when it says nothing."""
    value = response.headers.get(b"Retry-After")
    if value:
        text = value.decode("latin-1").strip()
        if text.isdigit():
            return float(text)
        try:
            when = parsedate_to_datetime(text).timestamp()
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when - (now or time.time()))
    limit = response.headers.get(b"RateLimit")
    if limit:
        text = limit.decode("latin-1")
        remaining, reset = _RATELIMIT_R.search(text), _RATELIMIT_T.search(text)
        if reset and (remaining is None or int(remaining.group(1)) == 0):
            return float(reset.group(1))
    return None


def status_message(status: int) -> str:
    """`429 Too Many Requests`: the status with its standard phrase (Scrapy's own table lacks 429
    and says "429 Unknown Status")."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} (non-standard status)"


class OneLineRobotsErrors(logging.Filter):
    """Scrapy logs a robots.txt that could not be fetched with a full traceback (60 lines without
    network); the crawl goes on without it, so one warning line naming the cause is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.args, dict) and "request" in record.args:
            exc = record.exc_info[1]
            url = getattr(record.args["request"], "url", "")
            cause = describe_connection_failure(exc, url) if exc else None
            record.exc_info, record.exc_text = None, None
            record.msg = "robots.txt could not be fetched (%s); going on without it for %s"
            record.args = (cause or f"{type(exc).__name__}: {exc}", url)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_robots_errors() -> None:
    robots_logger = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")
    if not any(isinstance(f, OneLineRobotsErrors) for f in robots_logger.filters):
        robots_logger.addFilter(OneLineRobotsErrors())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, plus per-domain waiting before the next request of that domain
    (its download slot):

    * when a 429/503 says how long to wait (Retry-After / RateLimit), the slot pauses that long;
      waits longer than HFPAPERS_RETRY_AFTER_MAX give up on the request with a clear log line;
    * other retried failures (5xx without Retry-After, timeouts, resets, data loss) pause the slot
      HFPAPERS_RETRY_BACKOFF_BASE × 2^(n-1) seconds after its n-th failure in a row, at most
      HFPAPERS_RETRY_BACKOFF_MAX; an answer that is not retried resets n.

    Retries themselves stop after RETRY_TIMES (Scrapy logs "Gave up retrying …" at ERROR, and the
    request's errback records a reject).

    A host that has not answered once in this crawl and fails at the connection level (DNS, refused,
    TLS, timeout) is retried for HFPAPERS_UNREACHABLE_AFTER seconds at most; after that it is logged once as
    unreachable and its requests are tried once each until it answers (no network: the crawl ends
    in seconds, with one line naming the cause and the host)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("HFPAPERS_RETRY_AFTER_MAX")
        self.backoff_base = settings.getfloat("HFPAPERS_RETRY_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("HFPAPERS_RETRY_BACKOFF_MAX")
        self.unreachable_after = settings.getfloat("HFPAPERS_UNREACHABLE_AFTER")
        self.unreachable_timeout = settings.getfloat("HFPAPERS_UNREACHABLE_TIMEOUT")
        self.robots_timeout = settings.getfloat("HFPAPERS_ROBOTS_TIMEOUT")
        self._not_before: dict[str, float] = {}
        self._failures: dict[str, int] = {}  # slot -> failed downloads in a row
        self._answered: set[str] = set()  # slots that gave any answer in this crawl
        self._first_contact: dict[str, float] = {}  # slot -> when its first request went out
        self._unreachable: dict[str, str] = {}  # slot -> why (until it answers)
        quiet_robots_errors()  # an unreachable host's robots.txt: one line, not a traceback

    def _slot(self, request: Request) -> str:
        return self.crawler.engine.downloader.get_slot_key(request)

    def _pause(self, slot: str, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._not_before[slot] = max(self._not_before.get(slot, 0.0), until)

    def _back_off(self, request: Request, reason: str) -> None:
        slot = self._slot(request)
        failures = self._failures.get(slot, 0) + 1
        self._failures[slot] = failures
        wait = min(self.backoff_max, self.backoff_base * 2 ** (failures - 1))
        if wait > 0:
            self._pause(slot, wait)
            self.crawler.stats.inc_value(stats.BACKOFFS)
            self.crawler.stats.inc_value(stats.BACKOFF_SECONDS, wait)
            logger.debug(
                "%s for %s: failure %d in a row on %s; backing off %.2fs",
                reason,
                request.url,
                failures,
                slot,
                wait,
            )

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        slot = self._slot(request)
        if slot not in self._answered:
            self._first_contact.setdefault(slot, time.monotonic())
            limit = self.unreachable_timeout if slot in self._unreachable else None
            if urlsplit(request.url).path == "/robots.txt":
                limit = self.robots_timeout
            if limit is not None:
                timeout = float(request.meta.get("download_timeout", limit))
                request.meta["download_timeout"] = min(timeout, limit)
        wait = self._not_before.get(slot, 0.0) - time.monotonic()
        if wait > 0:
            # Imported here: importing the reactor installs one, and this module is imported (by
            # the spider) before Scrapy installs the asyncio reactor.
            from twisted.internet import reactor

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if "cached" not in response.flags:
            slot = self._slot(request)
            self._answered.add(slot)
            if self._unreachable.pop(slot, None) is not None:
                logger.info("%s answers again", slot)
        if response.status not in self.retry_http_codes:
            if "cached" not in response.flags:
                self._failures.pop(self._slot(request), None)  # the domain answers again
            return response
        if request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response)
        reason = status_message(response.status)
        if wait is not None:
            if wait > self.max_wait:
                logger.error(
                    "%s asks to wait %.0fs (> HFPAPERS_RETRY_AFTER_MAX=%.0fs); giving up on %s",
                    reason,
                    wait,
                    self.max_wait,
                    request.url,
                )
                self.crawler.stats.inc_value(stats.RETRY_AFTER_TOO_LONG)
                return response
            slot = self._slot(request)
            self._pause(slot, wait)
            self.crawler.stats.inc_value(stats.RETRY_AFTER_HONOURED)
            logger.warning(
                "%s for %s: server asks to wait %.1fs; pausing %s", reason, request.url, wait, slot
            )
        else:
            self._back_off(request, reason)
        return self._retry(request, reason) or response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        slot = self._slot(request)
        cause = describe_connection_failure(exception, request.url)
        if cause is not None and slot not in self._answered:
            return self._first_contact_failed(request, exception, slot, cause)
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry"):
            self._back_off(request, type(exception).__name__)
        return super().process_exception(request, exception)

    def _first_contact_failed(
        self, request: Request, exception: Exception, slot: str, cause: str
    ) -> Request | Response | None:
        """A host that never answered failed to connect: retry for HFPAPERS_UNREACHABLE_AFTER, then stop."""
        if slot in self._unreachable:
            self.crawler.stats.inc_value(stats.UNREACHABLE_REQUESTS)
            return None  # tried once; the request's errback records why
        retry = None
        if time.monotonic() - self._first_contact.get(slot, 0.0) < self.unreachable_after:
            if not request.meta.get("dont_retry"):
                self._back_off(request, type(exception).__name__)
            retry = super().process_exception(request, exception)
        if retry is None:
            self._unreachable[slot] = cause
            self.crawler.stats.inc_value(stats.UNREACHABLE_HOSTS)
            logger.error(
                "%s cannot be reached: %s; until it answers, its requests are tried once each", slot, cause
            )
        return retry
