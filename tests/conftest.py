"""Shared fixtures: a replay server of the recorded responses, and the data folders that several
test files read (each crawled once per session, in this process). The helpers live in tests/tools/."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from pathlib import Path

import _pytest.python
import pytest

from tests.tools.crawl import FAST_RETRY_SETTINGS, Reference, crawl
from tests.tools.derived import ARXIV_DAY, DERIVED_BACKFILL, derive_backfill_overlay, derive_release_overlay
from tests.tools.replay import ROOT, Replay, start_replay

# bench/ holds scripts, not a package; test_gold and test_bench import them.
sys.path.insert(0, str(ROOT / "bench"))


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> object | None:
    """Call a plain test function as pytest does, in the main greenlet: pytest-twisted would call it
    inside the reactor's greenlet, from where an in-process crawl (tests/tools/crawl.py) cannot wait
    for the reactor. Tests written for pytest-twisted (async, or with its decorators) are left to it."""
    function = pyfuncitem.obj
    if inspect.iscoroutinefunction(function) or hasattr(function, "_pytest_twisted_mark"):
        return None
    return _pytest.python.pytest_pyfunc_call(pyfuncitem)


@pytest.fixture(scope="session")
def replay(tmp_path_factory) -> Iterator[Replay]:
    """One replay server of the recorded responses for the whole test session."""
    server, info = start_replay(tmp_path_factory.mktemp("replay"))
    yield info
    server.shutdown()


@pytest.fixture(scope="session")
def reference_backfill(tmp_path_factory) -> Iterator[Reference]:
    """The derived backfill crawled once without any fault: what every faulty or interrupted crawl
    of the same days must end up with."""
    tmp = tmp_path_factory.mktemp("reference")
    overlay = derive_backfill_overlay(tmp / "overlay")
    server, replay = start_replay(tmp, overlay=overlay)
    try:
        result = crawl(replay, tmp / "data", *DERIVED_BACKFILL, settings=FAST_RETRY_SETTINGS)
        requests = replay.requests()
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-4000:]
    yield Reference(overlay, result, requests)


@pytest.fixture(scope="session")
def release_data(tmp_path_factory) -> Path:
    """A data dir with every table — the release's derived arXiv day (licensed and unlicensed
    conclusion claims) plus the recorded three-day backfill — crawled once for the session and
    only read by the tests that use it (test_release, test_load)."""
    tmp = tmp_path_factory.mktemp("release-data")
    server, replay = start_replay(tmp, overlay=derive_release_overlay(tmp / "overlay"))
    try:
        for args in ((f"date={ARXIV_DAY}",), DERIVED_BACKFILL):
            result = crawl(replay, tmp / "data", *args)
            assert result.returncode == 0, result.log[-4000:]
    finally:
        server.shutdown()
    return tmp / "data"
