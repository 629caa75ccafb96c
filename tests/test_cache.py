"""The HTTP cache policy: versioned arXiv pages forever, "no HTML yet" answers for a while (versioned
URL or not), the rest never — as a policy, and in two real crawls sharing one cache."""

from __future__ import annotations

import re
from email.utils import formatdate

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from scraper.fetch.cache_policy import ImmutablePagesPolicy
from tests.tools.crawl import crawl
from tests.tools.replay import fixture_bytes, start_replay

pytestmark = pytest.mark.crawl

POLICY = ImmutablePagesPolicy(Settings({"HFPAPERS_MISSING_HTML_TTL": 3600}))
PAGE = fixture_bytes("arxiv_html/2501.11120v1.html")
STUB = fixture_bytes("arxiv_stub/2601.17668_no-html-stub_2026-01or02.html")  # arXiv's 2026 wording


def response(url: str, status: int = 200, body: bytes = PAGE, age: float = 0.0) -> HtmlResponse:
    import time

    headers = {"Date": formatdate(time.time() - age, usegmt=True)}
    return HtmlResponse(url, status=status, body=body, headers=headers)


def test_arxiv_pages_may_be_cached_lists_and_the_api_never() -> None:
    cached = [
        "https://arxiv.org/html/2501.11120v1",
        "https://arxiv.org/abs/1902.02534v2",
        "http://127.0.0.1:8000/arxiv/html/hep-th/9901001v3",
        "https://arxiv.org/html/2501.11120",
        "https://arxiv.org/abs/hep-th/9901001",
    ]
    fresh = [
        "https://huggingface.co/api/daily_papers?date=2025-09-30",
        "https://export.arxiv.org/api/query?id_list=2501.11120v1",
        "https://huggingface.co/papers/2501.11120",
    ]
    assert all(POLICY.should_cache_request(Request(u)) for u in cached)
    assert not any(POLICY.should_cache_request(Request(u)) for u in fresh)


def test_a_real_page_is_fresh_forever_and_a_missing_one_for_the_ttl() -> None:
    url = "https://arxiv.org/html/2501.11120v1"
    assert POLICY.is_cached_response_fresh(response(url, age=10 * 365 * 86400), Request(url))
    # Derived from the real page: the "No HTML is available" stub arXiv serves for some papers.
    stub = PAGE[:2000] + b"<body>No HTML is available for this paper.</body></html>"
    assert POLICY.is_cached_response_fresh(response(url, body=stub, age=60), Request(url))
    assert not POLICY.is_cached_response_fresh(response(url, body=stub, age=7200), Request(url))
    assert POLICY.is_cached_response_fresh(response(url, 404, b"", age=60), Request(url))
    assert not POLICY.is_cached_response_fresh(response(url, 404, b"", age=7200), Request(url))


def test_a_stale_answer_is_replaced_by_the_new_one() -> None:
    url = "https://arxiv.org/html/2501.11120v1"
    old = response(url, 404, b"", age=7200)
    assert not POLICY.is_cached_response_valid(old, response(url), Request(url))
    assert POLICY.is_cached_response_valid(old, response(url, 304, b""), Request(url))


def test_the_real_2026_stub_is_kept_for_the_ttl_only() -> None:
    url = "https://arxiv.org/html/2601.17668v1"
    assert POLICY.should_cache_response(response(url, body=STUB), Request(url))
    assert POLICY.is_cached_response_fresh(response(url, body=STUB, age=60), Request(url))
    assert not POLICY.is_cached_response_fresh(response(url, body=STUB, age=7200), Request(url))


def test_no_html_at_an_unversioned_url_is_remembered_for_the_ttl() -> None:
    for url in ("https://arxiv.org/html/2601.17668", "https://arxiv.org/abs/2601.17668"):
        for status, body in ((404, b""), (200, STUB)):
            assert POLICY.should_cache_response(response(url, status, body), Request(url))
            assert POLICY.is_cached_response_fresh(response(url, status, body, age=60), Request(url))
            assert not POLICY.is_cached_response_fresh(response(url, status, body, age=7200), Request(url))


def test_a_real_page_at_an_unversioned_url_is_kept_for_the_ttl_only() -> None:
    # The page of a paper the arXiv API did not know: it stands for "the latest version", which a
    # new version replaces, so it is trusted as long as a "no HTML" answer, not forever.
    url = "https://arxiv.org/html/2501.11120"
    assert POLICY.should_cache_response(response(url), Request(url))
    assert POLICY.is_cached_response_fresh(response(url, age=60), Request(url))
    assert not POLICY.is_cached_response_fresh(response(url, age=7200), Request(url))
    versioned = "https://arxiv.org/html/2501.11120v1"
    assert POLICY.is_cached_response_fresh(response(versioned, age=10**9), Request(versioned))


@pytest.mark.crawl
def test_a_second_crawl_asks_no_unversioned_page_again_until_the_ttl_ends(tmp_path) -> None:
    # 2025-07-07 lists one paper the recorded arXiv API answers do not know: its HTML and abs pages
    # are fetched unversioned and the replay server answers 404 to both.
    day = "date=2025-07-07"  # every run into one data folder: its archive is the cache
    server, replay = start_replay(tmp_path)
    try:
        pages_asked = []
        for ttl in ("3600", "3600", "0"):
            if replay.log_path.exists():
                replay.log_path.unlink()
            result = crawl(
                replay,
                tmp_path / "data",
                day,
                settings={"HFPAPERS_MISSING_HTML_TTL": ttl},
            )
            assert result.returncode == 0, result.log[-3000:]
            pages_asked.append(
                sorted(
                    r["path"]
                    for r in replay.requests()
                    if r["path"].startswith(("/arxiv/html/", "/arxiv/abs/"))
                )
            )
    finally:
        server.shutdown()
    first, second, expired = pages_asked
    assert len(first) == 2 and not any(re.search(r"v\d+$", path) for path in first), first
    assert second == []  # both 404s came from the cache
    assert expired == first  # TTL 0: stale, asked again
