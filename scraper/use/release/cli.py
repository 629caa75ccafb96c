"""`hfpapers-release OUT_DIR [--push REPO_ID [--dry-run] [--private]]`: build the release folder from
the crawl's `data/`, and optionally push it to a Hub dataset repository."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from huggingface_hub import HfApi, get_token
from huggingface_hub.utils import disable_progress_bars

from scraper.store.layout import DEFAULT_DATA_DIR
from scraper.use.release import ReleaseError
from scraper.use.release.build import build_release
from scraper.use.release.partitions import parse_day
from scraper.use.release.push import RemoteState, fetch_remote_state, plan_upload, push, release_files
from scraper.use.release.summary import ReleaseSummary


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hfpapers-release",
        description="Build a Hugging Face Hub dataset folder (card, Parquet by day, figure) from the "
        "crawl's data/ and optionally push it.",
    )
    parser.add_argument("out_dir", type=Path, help="release folder to (re)build")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(DEFAULT_DATA_DIR),
        help=f"crawl output (default: {DEFAULT_DATA_DIR})",
    )
    parser.add_argument("--start", help="first listing day to release, YYYY-MM-DD")
    parser.add_argument("--end", help="last listing day to release, YYYY-MM-DD")
    parser.add_argument(
        "--push",
        metavar="REPO_ID",
        help="upload to this Hub dataset repository (token from HF_TOKEN or `hf auth login`)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="with --push: print what would be uploaded, upload nothing"
    )
    parser.add_argument("--private", action="store_true", help="create the repository as private")
    parser.add_argument("--repo-id", help="repository id shown in the card's examples (default: --push)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.dry_run and not args.push:
        parser.error("--dry-run needs --push REPO_ID (it compares with that repository)")
    if args.private and not args.push:
        parser.error("--private needs --push REPO_ID (it sets the visibility of the repository created)")
    try:
        start = parse_day(args.start, "--start") if args.start else None
        end = parse_day(args.end, "--end") if args.end else None
    except ReleaseError as exc:
        parser.error(str(exc))
    if start and end and end < start:
        parser.error(f"--end {end} is before --start {start}")
    try:
        return _run(args, start, end)
    except ReleaseError as exc:
        print(f"hfpapers-release: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the output folder cannot be written, the disk is full, …
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"hfpapers-release: cannot write the release: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, start: date | None, end: date | None) -> int:
    if not args.push:
        _report(args.out_dir, build_release(args.data_dir, args.out_dir, start, end, args.repo_id))
        return 0
    # Ask the Hub first: without network (or token) nothing local is touched.
    disable_progress_bars()
    api = HfApi()
    if not args.dry_run and not api.token and not get_token():
        raise ReleaseError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
    remote = fetch_remote_state(api, args.push)
    summary = build_release(args.data_dir, args.out_dir, start, end, args.repo_id or args.push)
    _report(args.out_dir, summary)
    _push(api, args, summary, remote)
    return 0


def _report(out_dir: Path, summary: ReleaseSummary) -> None:
    tables = ", ".join(f"{t.name} {t.rows} rows" for t in summary.tables.values())
    print(f"built {out_dir}: {summary.first_day} … {summary.last_day}, {tables}")
    lic = summary.licence
    print(
        f"full text released for {len(lic.released)} paper versions, withheld for {len(lic.withheld)} "
        f"(licence), none available for {len(lic.no_body)}"
    )


def _push(api: HfApi, args: argparse.Namespace, summary: ReleaseSummary, remote: RemoteState) -> None:
    out_dir = args.out_dir.resolve()
    local = release_files(out_dir)
    plan = plan_upload(local, remote.files)
    if not remote.exists:
        print(f"{args.push} does not exist yet: it {'would be' if args.dry_run else 'will be'} created")
    print("\n".join(plan.lines()))
    if args.dry_run:
        print("dry run: nothing uploaded")
        return
    message = f"Release {summary.first_day} … {summary.last_day}"
    url = push(api, args.push, out_dir, local, plan, remote, args.private, message)
    print(f"pushed: {url}" if url else "nothing to upload: the repository is up to date")


if __name__ == "__main__":
    sys.exit(main())
