"""`hfpapers-archive`: look into the web archive.

    hfpapers-archive show URL [--at CRAWLED_AT] [--data DIR] [--headers]   the archived body on stdout
    hfpapers-archive list URL [--data DIR]                                  every answer to URL

`show` prints the exact answer a row came from: give the row's `source_url` and its `crawled_at`.
Pipe it to `hfpapers-parse` to see what the parsers make of it. Exit 1: not archived; 2: bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from scraper.store.archive import NotArchived, answers, open_response
from scraper.store.archive.warc import ArchiveDamaged
from scraper.store.layout import DEFAULT_DATA_DIR

PROG = "hfpapers-archive"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("show", help="print the archived answer to URL (its body)")
    show.add_argument("url")
    show.add_argument("--at", help="the row's crawled_at: the answer archived then (default: the last)")
    show.add_argument("--headers", action="store_true", help="print status and headers first")
    listing = commands.add_parser("list", help="list every archived answer to URL")
    listing.add_argument("url")
    for sub in (show, listing):
        sub.add_argument("--data", type=Path, default=Path(DEFAULT_DATA_DIR), help="the data folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            found = answers(args.data, args.url)
            if not found:
                raise NotArchived(f"no archived answer for {args.url}")
            for e in found:
                status = e.status if e.status is not None else "-"
                print(f"{e.date.isoformat()}  {e.type:8s} {status}  {e.filename} @ {e.offset}  ({e.purpose})")
            return 0
        answer = open_response(args.data, args.url, args.at)
    except (NotArchived, ArchiveDamaged, ValueError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    out = sys.stdout.buffer
    if answer.status is None:
        print(
            f"{PROG}: {args.url} got no answer at {answer.date.isoformat()}: {answer.failure}",
            file=sys.stderr,
        )
        return 1
    if args.headers:
        lines = [
            f"HTTP {answer.status}  (archived {answer.date.isoformat()}, {answer.file} @ {answer.offset})"
        ]
        lines += [f"{name}: {value}" for name, value in answer.headers]
        out.write(("\n".join(lines) + "\n\n").encode())
    try:
        out.write(answer.content())
        out.flush()
    except BrokenPipeError:
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
