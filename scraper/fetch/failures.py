"""Why a request failed for good, in one line a user can act on, and the reason a reject records."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import ConnectError, DNSLookupError, TCPTimedOutError
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure

from scraper.fetch.body_checks import BodyCheckFailed


class ArchivedFailure(Exception):
    """A request that fails in a rebuild as it failed in the crawl (its archived failure record), or
    whose archived answer is missing or unreadable. `reason` and `description` are what the crawl's
    reject said (or say what is wrong with the archive)."""

    def __init__(self, reason: str, description: str) -> None:
        super().__init__("archived failure")  # neutral: no retry or connection rule matches it
        self.reason, self.description = reason, description


def connection_failure_label(exc: BaseException) -> str | None:
    """What kind of "could not talk to the host at all" `exc` is (DNS, refused, TLS, timeout,
    no route), or None when the host did answer (e.g. a response cut short)."""
    if isinstance(exc, (CannotResolveHostError, DNSLookupError)):
        return "DNS lookup failed"
    if isinstance(exc, (DownloadConnectionRefusedError, TxConnectionRefusedError)):
        return "connection refused"
    if isinstance(exc, (DownloadTimeoutError, TxTimeoutError, TCPTimedOutError)):
        return "timed out"
    text = f"{type(exc).__name__} {exc}"
    if any(word in text for word in ("SSL", "TLS", "certificate", "handshake")):
        return "TLS handshake failed"
    if isinstance(exc, ConnectError) or type(exc) is OSError:
        return "could not connect"
    return None


def describe_connection_failure(exc: BaseException, url: str) -> str | None:
    """One line such as `DNS lookup failed for huggingface.co (no network?)`, or None (see above)."""
    label = connection_failure_label(exc)
    if label is None:
        return None
    host = urlsplit(url).netloc or url
    hint = " (no network?)" if label in ("DNS lookup failed", "could not connect") else ""
    return f"{label} for {host}{hint}"


def failed_request(failure: Failure) -> Request:
    """The request an errback's failure is about (Scrapy sets `failure.request` on it)."""
    return failure.request  # type: ignore[attr-defined]


def failure_reason(failure: Failure) -> str:
    """The reject reason of a request that failed for good: what was wrong with the body when it
    kept coming back cut short or malformed, else `fetch_failed`."""
    exc = failure.value
    return exc.reason if isinstance(exc, (BodyCheckFailed, ArchivedFailure)) else "fetch_failed"


def describe_failure(failure: Failure) -> str:
    """One human line for why a request failed for good (after retries)."""
    exc = failure.value
    if isinstance(exc, ArchivedFailure):
        return exc.description
    if isinstance(exc, BodyCheckFailed):
        return str(exc)
    if isinstance(exc, HttpError):
        status = exc.response.status
        hint = " (rate limited)" if status == 429 else ""
        return f"HTTP {status}{hint}"
    # DNS, refused, TLS, timeout: named with the host (one line a user can act on).
    request = failed_request(failure)
    connection = describe_connection_failure(exc, request.url)
    if connection is not None:
        return connection
    if isinstance(exc, ResponseDataLossError):
        return f"response cut short: {exc}"
    if isinstance(exc, (DownloadCancelledError, CancelledError)) and not str(exc):
        # Scrapy cancels an answer without Content-Length once it grows past the size limit, with
        # no message of its own (the limit is in the request's meta, else DOWNLOAD_MAXSIZE).
        limit = request.meta.get("download_maxsize")
        size = f" ({limit} bytes)" if limit else ""
        return f"the answer grew past the download size limit{size} and was cancelled"
    return f"{type(exc).__name__}: {exc}"
