"""Checks `scrapy crawl hfpapers` makes before any request: the HFPAPERS_* settings, the data folder
(writable, and not in use by another crawl). Each failure is one line for the user (PreflightError)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from scraper import settings as project_settings
from scraper.fetch.identity import CRAWL_ID
from scraper.store.layout import LOCK_NAME

TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


class PreflightError(ValueError):
    """A setting or folder the crawl cannot work with; its message is the one line shown."""


def _boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS or text in FALSE_WORDS:
        return text in TRUE_WORDS
    raise PreflightError(f"-s {name}={value!r} is not a boolean (true/false, 1/0, yes/no)")


def _number(kind: type, low: float, high: float) -> Callable[[str, Any], Any]:
    def check(name: str, value: Any) -> Any:
        try:
            number = kind(str(value).strip()) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            what = "a whole number" if kind is int else "a number"
            raise PreflightError(f"-s {name}={value!r} is not {what} from {low:g} to {high:g}")
        return number

    return check


def _url(name: str, value: Any) -> str:
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in text):
        raise PreflightError(f"-s {name}={value!r} is not an http(s) URL such as https://example.org")
    return text


def _listing_path(name: str, value: Any) -> str:
    text = str(value).strip()
    if not text.startswith("/") or "{date}" not in text or any(c.isspace() for c in text):
        raise PreflightError(
            f"-s {name}={value!r} must be a path with {{date}} in it, e.g. /papers/date/{{date}}"
        )
    return text


def _text(name: str, value: Any) -> str:
    text = str(value)
    if not text.strip():
        raise PreflightError(f"-s {name} is empty")
    return text


def _contact(name: str, value: Any) -> str:
    text = str(value or "").strip()
    if not text.isprintable() or any(c in text for c in "()\\"):  # it goes into a header comment
        raise PreflightError(f"-s {name}={value!r} is not an e-mail address or URL on one line")
    return text


def user_agent(settings: BaseSettings) -> str:
    """The User-Agent with HFPAPERS_CONTACT in it, when one is given."""
    agent = str(settings.get("USER_AGENT"))
    contact = settings.get("HFPAPERS_CONTACT")
    if not contact or not agent.endswith(")"):
        return agent
    return f"{agent[:-1]}; contact: {contact})"


def _crawl_id(name: str, value: Any) -> str:
    text = str(value or "").strip()
    if text and not CRAWL_ID.match(text):
        raise PreflightError(f"-s {name}={value!r} is not a crawl id (letters, digits, _ and -)")
    return text


# Checks by setting name; a setting of scraper/settings.py not named here is checked by the type of
# its default (bool, int ≥ 0, float ≥ 0, non-empty text).
_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "HFPAPERS_HF_BASE": _url,
    "HFPAPERS_ARXIV_BASE": _url,
    "HFPAPERS_ARXIV_API": _url,
    "HFPAPERS_LISTING_PATH": _listing_path,
    "HFPAPERS_DATA_DIR": _text,
    "HFPAPERS_CONTACT": _contact,
    "HFPAPERS_ARXIV": _boolean,
    "HFPAPERS_ARXIV_BATCH": _number(int, 1, 2000),  # the arXiv API returns at most 2000 per query
    "HFPAPERS_REFRESH_DAYS": _number(int, 0, 365),
    "HFPAPERS_BATCH_DAYS": _number(int, 1, 366),
    "HFPAPERS_MAX_CRAWL_DELAY": _number(float, 0, 3600),
    "HFPAPERS_MISSING_HTML_TTL": _number(int, 0, 10 * 365 * 86400),
    "HFPAPERS_CRAWL_ID": _crawl_id,  # set by hfpapers-rebuild: the archived crawl it replays
    # HF serves at most 100 per page; pages × page size stays within `listing_rank` (int16), so no
    # rank can ever break the schema: a longer day fails loudly instead.
    "HFPAPERS_LIST_PAGE_SIZE": _number(int, 1, 100),
    "HFPAPERS_MAX_LIST_PAGES": _number(int, 1, 300),
    "HFPAPERS_MAX_LIST_BYTES": _number(int, 1024, 1024**3),
}


def _check_by_default(default: Any) -> Callable[[str, Any], Any]:
    if isinstance(default, bool):
        return _boolean
    if isinstance(default, int):
        return _number(int, 0, 2**62)
    if isinstance(default, float):
        return _number(float, 0, float(2**62))
    return _text


def known_settings() -> dict[str, Callable[[str, Any], Any]]:
    """Every HFPAPERS_* setting the project reads, with its check."""
    checks = {
        name: _check_by_default(getattr(project_settings, name))
        for name in dir(project_settings)
        if name.startswith("HFPAPERS_")
    }
    checks.update(_CHECKS)
    return checks


def check_settings(settings: BaseSettings) -> None:
    """Check every HFPAPERS_* setting (and refuse unknown ones, e.g. a typo); store the parsed values
    so `yes`/`no` booleans and padded numbers reach the crawl as proper values."""
    checks = known_settings()
    for name in sorted(key for key in settings.attributes if key.startswith("HFPAPERS_")):
        check = checks.get(name)
        if check is None:
            raise PreflightError(
                f"unknown setting -s {name}; hfpapers settings are {', '.join(sorted(checks))}"
            )
        value = settings[name]
        if value is None:
            continue
        priority = settings.getpriority(name) or 0
        settings.set(name, check(name, value), priority=priority)


def check_data_dir(folder: Path) -> Path:
    """Make sure the data folder exists and a file can be created in it, before anything is fetched."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".hfpapers-probe.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise PreflightError(
            f"the data folder {folder} cannot be written ({exc.strerror or exc}); "
            "choose another with -s HFPAPERS_DATA_DIR=…"
        ) from None
    return folder


def lock_data_dir(folder: Path, wait_seconds: float = 0.0) -> IO[str]:
    """Take the data folder's lock and return the open lock file that holds it (closing it, or the
    process ending, releases it). Two crawls writing the same folder would replace each other's
    partitions and remove each other's temporary files, so the second one refuses. The lock is an
    flock: a killed crawl releases it at once, and no stale lock file has to be cleaned up."""
    path = folder / LOCK_NAME
    handle = open(path, "a+")  # noqa: SIM115 - held open for the whole crawl
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                handle.close()
                raise PreflightError(f"cannot lock the data folder {folder}: {exc.strerror}") from None
            if time.monotonic() >= deadline:
                handle.close()
                holder = path.read_text().strip() or "another process"
                raise PreflightError(
                    f"the data folder {folder} is in use by another crawl ({holder}); "
                    "wait for it to finish or use -s HFPAPERS_DATA_DIR=…"
                ) from None
            time.sleep(0.2)
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}\n")
    handle.flush()
    return handle


@contextlib.contextmanager
def data_dir_lock(folder: Path, wait_seconds: float = 0.0) -> Iterator[Path]:
    """`lock_data_dir` for a `with` block."""
    handle = lock_data_dir(folder, wait_seconds)
    try:
        yield folder / LOCK_NAME
    finally:
        handle.close()
