"""What an archived arXiv page is filed under, whatever base URL it was fetched from."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scraper.parse.arxiv_id import ID as ID_GRAMMAR

ARXIV_PAGE = re.compile(rf"/(?:html|abs)/{ID_GRAMMAR}(?P<version>v\d+)?/?$")


def cache_key(url: str) -> str | None:
    """What a cached page is filed under: `html/<id>v<N>` or `abs/<id>[v<N>]` — the arXiv page,
    whatever the base URL it was fetched from (a changed HFPAPERS_ARXIV_BASE keeps the cache)."""
    match = ARXIV_PAGE.search(urlsplit(url).path)
    return match.group(0).strip("/") if match is not None else None
