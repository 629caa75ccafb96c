"""`hfpapers-parse FILE [--kind KIND] [--table metrics|claims]`: parse one saved response and print
what the crawl would make of it, one JSON line per record — the tool to reach for when a page parses
wrong. Exit 2 with one line on stderr when the file cannot be parsed; 1 when a parser fails
unexpectedly (a bug: one line, no traceback)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scraper.derive.clean import clean_paper
from scraper.parse.errors import ParseError

DESCRIPTION = (
    "Parse one saved response (an HF daily list or listing page, an HF paper, an arXiv Atom feed, "
    "an arXiv HTML or abs page) and print what the crawl makes of it, one JSON line per record: "
    "the table rows (for an HF list, the `papers` rows as written, headline_claims included), or "
    "with --table the rows derived from the page (`metrics` of an arXiv HTML page, each with its "
    "`table_kind`: results, configuration, data or other; conclusion `claims` of an arXiv HTML page, "
    "abstract `claims` of an HF list). Exit code 2 and one line on stderr when the file "
    "cannot be parsed or holds nothing usable."
)
DERIVED_TABLES = ("metrics", "claims")


@dataclass
class Parsed:
    """What one saved response yields: its rows, the rows derived from them, what was kept out."""

    records: list[dict]
    derived: dict[str, list[dict]] = field(default_factory=dict)  # table -> rows ("metrics", "claims")
    rejects: list[tuple[str, str]] = field(default_factory=list)  # (reason, what) per entry kept out
    entries: int | None = None  # list responses: how many entries the file held


Parser = Callable[[bytes, str], Parsed]


def _daily(daily: Any, url: str) -> Parsed:
    """A parsed HF daily list -> `papers` rows as the crawl writes them (every column of the
    schema, in its order: headline_claims set, the arXiv API's columns null, `crawled_at` null) and
    their abstract claims. Same steps as the spider + normalize pipeline."""
    from scraper.derive.rows import abstract_claims
    from scraper.schema import SCHEMA_VERSION
    from scraper.schema.papers import PAPERS

    papers, claims = [], []
    for record in daily.records:
        claims += abstract_claims(record)
        clean_paper(record)
        record.update(listing_date=daily.listing_date, source_url=url, schema_version=SCHEMA_VERSION)
        papers.append({name: record.get(name) for name in PAPERS.names})
    rejects = [
        (reject.reason, f"entry {reject.arxiv_id or '(no id)'} {_preview(reject.raw)}")
        for reject in daily.rejects
    ]
    for paper in papers:  # values kept out of their column (the row keeps them in `invalid_values`)
        for where, found in json.loads(paper.get("invalid_values") or "{}").items():
            what = f"{paper['arxiv_id']} {where}={_preview(found['raw'])} ({found['reason']})"
            rejects.append(("invalid_value", what))
    return Parsed(papers, {"claims": claims}, rejects, len(daily.records) + len(daily.rejects))


def _preview(raw: Any) -> str:
    text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _hf_daily_api(body: bytes, url: str) -> Parsed:
    from scraper.parse.hf_daily_api import parse_daily_api

    return _daily(parse_daily_api(body, url), url)


def _hf_listing_html(body: bytes, url: str) -> Parsed:
    from scraper.parse.hf_listing_html import parse_listing_html

    return _daily(parse_listing_html(body, url), url)


def _hf_paper_api(body: bytes, url: str) -> Parsed:
    from scraper.derive.rows import abstract_claims
    from scraper.parse.hf_paper_api import parse_paper_api

    record = parse_paper_api(body, url)
    claims = abstract_claims(record)
    return Parsed([clean_paper(record)], {"claims": claims})


def _arxiv_atom(body: bytes, url: str) -> Parsed:
    from scraper.parse.arxiv_atom import parse_atom

    feed = parse_atom(body, url)
    errors = [{"error": message} for message in feed.errors]
    return Parsed(feed.entries + errors)


def _arxiv_html(body: bytes, url: str) -> Parsed:
    from scraper.derive.rows import fulltext_derived
    from scraper.parse.arxiv_html import parse_html

    row = parse_html(body, url)
    metrics, claims = fulltext_derived(row) if row["fulltext_source"] == "html" else ([], [])
    return Parsed([row], {"metrics": metrics, "claims": claims})


def _arxiv_abs(body: bytes, url: str) -> Parsed:
    from scraper.parse.arxiv_abs import parse_abs

    return Parsed([parse_abs(body, url)])


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
    from scraper.parse.arxiv_html import is_no_html_page

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
    if is_no_html_page(body):  # arXiv's "No HTML for '<id>'" page
        return "arxiv_html"
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _fail(file: Path, message: str) -> int:
    print(f"hfpapers-parse: {file}: {message}", file=sys.stderr)
    return 2


def parse_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hfpapers-parse", description=DESCRIPTION)
    parser.add_argument("file", type=Path, help="the saved response body")
    parser.add_argument("--kind", choices=sorted(KINDS), help="the response kind (default: detected)")
    parser.add_argument("--url", default="", help="the URL the file was fetched from, if known")
    parser.add_argument(
        "--table",
        choices=DERIVED_TABLES,
        help="print the rows derived from the page instead: metrics (arXiv HTML) or claims "
        "(arXiv HTML conclusion, HF list abstracts)",
    )
    args = parser.parse_args(argv)
    try:
        body = args.file.read_bytes()
    except OSError as exc:
        print(f"hfpapers-parse: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    kind = args.kind or detect_kind(body)
    if kind is None:
        return _fail(args.file, "not a response kind I know (use --kind)")
    try:
        parsed = KINDS[kind](body, args.url or str(args.file))
    except ParseError as exc:
        return _fail(args.file, f"{exc.kind}: {exc.reason}" + (f": {exc.detail}" if exc.detail else ""))
    except Exception as exc:  # a parser bug: one line that says so, never a traceback
        print(
            f"hfpapers-parse: {args.file}: the {kind} parser failed ({type(exc).__name__}: {exc}); "
            "please report it with this file",
            file=sys.stderr,
        )
        return 1
    if parsed.entries and not parsed.records:  # a list whose every entry was kept out
        reasons = Counter(reason for reason, _ in parsed.rejects)
        summary = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
        return _fail(args.file, f"{kind}: nothing usable: all {parsed.entries} entries kept out ({summary})")
    for reason, what in parsed.rejects:  # some entries usable: say which were not
        print(f"hfpapers-parse: {args.file}: {what} kept out: {reason}", file=sys.stderr)
    if parsed.entries == 0:
        print(f"hfpapers-parse: {args.file}: an empty list (no papers that day)", file=sys.stderr)
    records = parsed.records
    if args.table:
        if args.table not in parsed.derived:
            source = "arXiv HTML pages" if args.table == "metrics" else "arXiv HTML pages and HF lists"
            return _fail(
                args.file, f"a {kind} response has no {args.table} rows ({args.table} come from {source})"
            )
        records = parsed.derived[args.table]
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
