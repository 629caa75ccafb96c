"""`hfpapers-parse FILE [--kind KIND]`: parse one saved response and print its normalized records as
JSON lines — the tool to reach for when a page parses wrong. Exit 2 with one line on stderr when the
file cannot be parsed."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scraper.normalize import clean_paper
from scraper.parsers.errors import ParseError

Parser = Callable[[bytes, str], list[dict]]


def _hf_daily_api(body: bytes, url: str) -> list[dict]:
    from scraper.parsers.hf_daily_api import parse_daily_api

    daily = parse_daily_api(body, url)
    return [_paper(r, daily.listing_date) for r in daily.records]


def _hf_listing_html(body: bytes, url: str) -> list[dict]:
    from scraper.parsers.hf_listing_html import parse_listing_html

    daily = parse_listing_html(body, url)
    return [_paper(r, daily.listing_date) for r in daily.records]


def _hf_paper_api(body: bytes, url: str) -> list[dict]:
    from scraper.parsers.hf_paper_api import parse_paper_api

    return [clean_paper(parse_paper_api(body, url))]


def _arxiv_atom(body: bytes, url: str) -> list[dict]:
    from scraper.parsers.arxiv_atom import parse_atom

    feed = parse_atom(body, url)
    errors = [{"error": message} for message in feed.errors]
    return feed.entries + errors


def _arxiv_html(body: bytes, url: str) -> list[dict]:
    from scraper.parsers.arxiv_html import parse_html

    return [parse_html(body, url)]


def _arxiv_abs(body: bytes, url: str) -> list[dict]:
    from scraper.parsers.arxiv_abs import parse_abs

    return [parse_abs(body, url)]


def _paper(record: dict, listing_date: date | None) -> dict:
    record = clean_paper(record)
    record["listing_date"] = listing_date
    return record


KINDS: dict[str, Parser] = {
    "hf_daily_api": _hf_daily_api,
    "hf_listing_html": _hf_listing_html,
    "hf_paper_api": _hf_paper_api,
    "arxiv_atom": _arxiv_atom,
    "arxiv_html": _arxiv_html,
    "arxiv_abs": _arxiv_abs,
}


def detect_kind(body: bytes) -> str | None:
    """Guess a saved response's kind from stable markers in its first bytes."""
    head = body[:65536].lstrip()
    if head[:1] == b"[":
        return "hf_daily_api"
    if head[:1] == b"{":
        return "hf_paper_api"
    if b"http://www.w3.org/2005/Atom" in head and b"<feed" in head:
        return "arxiv_atom"
    lowered = head[:4096].lower()
    if not (lowered.startswith(b"<!doctype html") or b"<html" in lowered):
        return None
    if b'data-target="DailyPapers"' in body:
        return "hf_listing_html"
    if b"citation_arxiv_id" in head or b'id="abs"' in body[:200000]:
        return "arxiv_abs"
    if b"ltx_" in body or b"LaTeXML" in head or b"arxiv-html" in head:
        return "arxiv_html"
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hfpapers-parse", description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--kind", choices=sorted(KINDS), help="skip detection")
    parser.add_argument("--url", default="", help="the URL the file was fetched from, if known")
    args = parser.parse_args(argv)
    try:
        body = args.file.read_bytes()
    except OSError as exc:
        print(f"hfpapers-parse: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    kind = args.kind or detect_kind(body)
    if kind is None:
        print(f"hfpapers-parse: {args.file}: not a response kind I know (use --kind)",
              file=sys.stderr)
        return 2
    try:
        records = KINDS[kind](body, args.url or str(args.file))
    except ParseError as exc:
        print(f"hfpapers-parse: {args.file}: {exc.kind}: {exc.reason}"
              + (f": {exc.detail}" if exc.detail else ""), file=sys.stderr)
        return 2
    try:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=_jsonable) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # `hfpapers-parse … | head` is fine
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(parse_main())


def main() -> None:
    sys.exit(parse_main())
