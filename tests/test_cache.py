"""The HTTP cache policy: versioned arXiv pages forever, "no HTML yet" answers for a while, the
rest never."""

from __future__ import annotations

from email.utils import formatdate

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings

from scraper.cache import ImmutablePagesPolicy
from tests.conftest import fixture_bytes

POLICY = ImmutablePagesPolicy(Settings({"HFPAPERS_MISSING_HTML_TTL": 3600}))
PAGE = fixture_bytes("arxiv_html/2501.11120v1.html")


def response(url: str, status: int = 200, body: bytes = PAGE, age: float = 0.0) -> HtmlResponse:
    import time

    headers = {"Date": formatdate(time.time() - age, usegmt=True)}
    return HtmlResponse(url, status=status, body=body, headers=headers)


def test_only_versioned_arxiv_pages_are_cached() -> None:
    cached = ["https://arxiv.org/html/2501.11120v1", "https://arxiv.org/abs/1902.02534v2",
              "http://127.0.0.1:8000/arxiv/html/hep-th/9901001v3"]
    fresh = ["https://arxiv.org/html/2501.11120", "https://huggingface.co/api/daily_papers?date=2025-09-30",
             "https://export.arxiv.org/api/query?id_list=2501.11120v1"]
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
