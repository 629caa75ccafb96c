"""Downloader middlewares: retries that honour the server (Retry-After / RateLimit headers)."""

from __future__ import annotations

import logging
import re
import time
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import reactor
from twisted.internet.task import deferLater

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


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, plus: when a 429/503 says how long to wait, the whole download slot
    (that domain) pauses that long before its next request, instead of retrying straight into the
    limit. Waits longer than RETRY_AFTER_MAX give up on the request with a clear log line."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX", 600.0)
        self._not_before: dict[str, float] = {}

    def _slot(self, request: Request) -> str:
        return self.crawler.engine.downloader.get_slot_key(request)

    async def process_request(self, request: Request, spider=None) -> None:
        wait = self._not_before.get(self._slot(request), 0.0) - time.monotonic()
        if wait > 0:
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))

    def process_response(self, request: Request, response: Response, spider=None):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response)
        reason = response_status_message(response.status)
        if wait is not None:
            if wait > self.max_wait:
                logger.error(
                    "%s asks to wait %.0fs (> RETRY_AFTER_MAX=%.0fs); giving up on %s",
                    reason, wait, self.max_wait, request.url,
                )
                self.crawler.stats.inc_value("retry/retry_after_too_long")
                return response
            slot = self._slot(request)
            until = time.monotonic() + wait
            self._not_before[slot] = max(self._not_before.get(slot, 0.0), until)
            self.crawler.stats.inc_value("retry/retry_after_honoured")
            logger.warning(
                "%s for %s: server asks to wait %.1fs; pausing %s", reason, request.url, wait, slot
            )
        return self._retry(request, reason) or response
