"""`hfpapers-digest`: the day's (or a week's) papers as Markdown, one HTML page or an Atom feed,
from the dataset alone.

    hfpapers-digest                                   # the latest listing day, Markdown on stdout
    hfpapers-digest --date 2025-10-02 --top 10 --format html --out digest.html
    hfpapers-digest --week 2025-W40 --format atom --out week40.atom
    hfpapers-digest --week 2025-W40 --screenshot week.png     # the HTML page in headless Chromium

Each digest opens with a summary, then the period's themes, the papers whose upvotes rose most, and
the full ranked list (see docs/digest.md).

Exit codes: 0 done; 1 nothing in the data for the period, or a file or the browser failed (one
line on stderr); 2 bad arguments.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pyarrow as pa

from scraper.store.layout import DEFAULT_DATA_DIR  # where a crawl writes unless told otherwise
from scraper.use.dataset import NoDataError
from scraper.use.digest.browser import DESKTOP, BrowserError, screenshot
from scraper.use.digest.entries import Digest, build
from scraper.use.digest.period import PeriodError, choose_period
from scraper.use.digest.render_atom import render_atom
from scraper.use.digest.render_html import render_html
from scraper.use.digest.render_md import render_md
from scraper.use.digest.select import select

PROG = "hfpapers-digest"
FORMATS = ("atom", "html", "md")


class _OneLineParser(argparse.ArgumentParser):
    """Argument errors as one line (`hfpapers-digest: …`) and exit 2, without the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: {message}\n")


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def _window(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{2,5})x(\d{2,5})", value.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{value!r} is not WIDTHxHEIGHT in pixels, e.g. 1280x1600")
    return int(match[1]), int(match[2])


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
    parser.add_argument("--format", choices=FORMATS, help="md (default), html or atom (--screenshot: html)")
    parser.add_argument(
        "--no-themes", dest="themes", action="store_false", help="leave out the themes (no clustering)"
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="write a PNG of the HTML page as headless Chromium shows it (needs the chromium package)",
    )
    parser.add_argument(
        "--window",
        type=_window,
        default=DESKTOP,
        metavar="WxH",
        help=f"the browser window for --screenshot (default {DESKTOP[0]}x{DESKTOP[1]}; a phone: 390x844)",
    )
    parser.add_argument(
        "--feed-url",
        help="the Atom feed's public address, its rel=self link (default: the --out file name, relative)",
    )
    return parser


def render(digest: Digest, form: str, feed_url: str | None = None) -> str:
    if form == "html":
        return render_html(digest)
    if form == "atom":
        return render_atom(digest, feed_url)
    return render_md(digest)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.screenshot is not None and args.format not in (None, "html"):
        parser.error("--screenshot shows the HTML page: leave out --format, or give --format html")
    args.format = args.format or ("html" if args.screenshot is not None else "md")
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
    feed_url = args.feed_url or (args.out.name if args.out is not None else None)
    text = render(build(selection, args.top, themes=args.themes), args.format, feed_url)
    if args.screenshot is not None:
        return _screenshot(text, args.screenshot, args.window, args.out)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"{PROG}: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def _screenshot(page: str, png: Path, window: tuple[int, int], out: Path | None) -> int:
    """Render `page` in Chromium to `png`; the page itself goes to `out` when given."""
    try:
        with tempfile.TemporaryDirectory(prefix="hfpapers-digest-") as folder:
            html = out if out is not None else Path(folder) / "digest.html"
            html.write_text(page, encoding="utf-8")
            png.parent.mkdir(parents=True, exist_ok=True)
            screenshot(html, png, *window)
    except BrowserError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{PROG}: cannot write {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{PROG}: wrote {png} ({window[0]}x{window[1]})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
