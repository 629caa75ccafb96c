"""`hfpapers-digest`: the day's (or a week's) papers as Markdown, one HTML page or an Atom feed,
from the dataset alone.

    hfpapers-digest                                   # the latest listing day, Markdown on stdout
    hfpapers-digest --date 2025-10-02 --top 10 --format html --out digest.html
    hfpapers-digest --week 2025-W40 --format atom --out week40.atom

Exit codes: 0 done; 1 nothing in the data for the period (one line on stderr); 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from scraper.dataset import NoDataError
from scraper.digest.entries import build
from scraper.digest.period import PeriodError, choose_period
from scraper.digest.render_atom import render_atom
from scraper.digest.render_html import render_html
from scraper.digest.render_md import render_md
from scraper.digest.select import select
from scraper.layout import DEFAULT_DATA_DIR  # where a crawl writes unless told otherwise

PROG = "hfpapers-digest"
RENDERERS = {"md": render_md, "html": render_html, "atom": render_atom}


class _OneLineParser(argparse.ArgumentParser):
    """Argument errors as one line (`hfpapers-digest: …`) and exit 2, without the usage block."""

    def error(self, message: str):
        self.exit(2, f"{PROG}: {message}\n")


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog=PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("--date", help="listing day YYYY-MM-DD (default: the latest day in the data)")
    parser.add_argument("--week", help="ISO week YYYY-Www, e.g. 2025-W40 (Monday … Sunday)")
    parser.add_argument("--start", help="first listing day of a range (with --end)")
    parser.add_argument("--end", help="last listing day of a range, included")
    parser.add_argument("--top", type=_positive, help="only the N best-ranked papers (default: all)")
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(DEFAULT_DATA_DIR),
        help=f"the crawl's data folder (default: {DEFAULT_DATA_DIR})",
    )
    parser.add_argument("--out", type=Path, help="write here instead of stdout")
    parser.add_argument(
        "--format", choices=sorted(RENDERERS), default="md", help="md (default), html or atom"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        period = choose_period(args.data, args.date, args.week, args.start, args.end)
        selection = select(period, args.data)
    except PeriodError as exc:
        parser.error(str(exc))
    except NoDataError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except (OSError, pa.ArrowException) as exc:  # an unreadable or damaged partition file
        print(f"{PROG}: cannot read {args.data}: {exc}".replace("\n", " "), file=sys.stderr)
        return 1
    text = RENDERERS[args.format](build(selection, args.top))
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"{PROG}: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
