"""`hfpapers-release OUT_DIR`: build a Hugging Face Hub dataset folder from `data/`, and optionally push it.

Layout of the folder (and of the Hub repository)::

    README.md                                   dataset card: YAML header (one config per table) + docs
    LICENSE.md                                  what may be reused under which terms
    assets/overview.png                         papers per day and upvote distribution (shown by the card)
    data/<table>/date=YYYY-MM-DD/part-0.parquet  papers, fulltext, metrics, claims

`data/<table>/date=…/` mirrors the crawl's own layout on purpose: the Hub viewer and
`datasets.load_dataset` read it through the card's `configs:` globs; pandas, pyarrow and DuckDB
read a table folder as a hive-partitioned dataset; and `pipelines.load` (and the README's
snippets) work unchanged on a downloaded snapshot's `data/`. Keeping the tables under `data/`
also keeps them apart from the card, the licence and the figure at the repository root.

Licence-aware: arXiv metadata (CC0) is released for every paper; full text only for paper
versions whose licence allows redistribution (`fulltext.license_allows_redistribution`); for the
others the body columns of `fulltext`, the `metrics` captions and the `claims` conclusion sentences
are nulled while their rows, counts and numbers stay.

Deterministic: the same `data/` gives byte-identical Parquet files, card and figure, so a push only
sends the partitions that really changed (see `plan_upload`).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import inspect
import json
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from scraper.schema.registry import TABLES

#: Tables published, in card order (`rejects` and the `_runs` reports stay local).
RELEASED_TABLES: tuple[str, ...] = ("papers", "fulltext", "metrics", "claims", "ratings")
#: `fulltext` columns that hold the paper's text (not metadata): withheld unless the licence allows.
BODY_COLUMNS: tuple[str, ...] = ("sections", "figures", "tables", "footnotes", "references")
#: What a release owns inside OUT_DIR; anything else there is left alone and never uploaded.
MANAGED_DIRS: tuple[str, ...] = ("data", "assets")
MANAGED_FILES: tuple[str, ...] = ("README.md", "LICENSE.md")
FIGURE_PATH = "assets/overview.png"
PART_NAME = "part-0.parquet"
# Small row groups for the big nested table, so the Hub viewer can page through it.
ROW_GROUP_ROWS = {"fulltext": 64}


class ReleaseError(Exception):
    """A failure whose message is the one line the user sees."""


# ---------------------------------------------------------------------------------------------
# Reading the crawl's partitions


def parse_day(text: str, what: str) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ReleaseError(f"{what} {text!r} is not a date in the form YYYY-MM-DD") from None


def table_partitions(
    data_dir: Path, table: str, start: date | None = None, end: date | None = None
) -> dict[date, list[Path]]:
    """The Parquet files of each listing day of `table` within [start, end], by day, in order."""
    days: dict[date, list[Path]] = {}
    root = data_dir / table
    if not root.is_dir():
        return days
    for folder in sorted(root.iterdir()):
        if folder.name.startswith((".", "_")) or not folder.is_dir():
            continue  # writer temp files and readers' metadata files are not partitions
        key, _, value = folder.name.partition("=")
        if key != "date":
            raise ReleaseError(f"{folder} is not a date=YYYY-MM-DD partition folder")
        day = parse_day(value, f"partition folder {folder}:")
        if (start and day < start) or (end and day > end):
            continue
        files = sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("."))
        if files:
            days[day] = files
    return days


def read_partition(files: Sequence[Path], table: str) -> pa.Table:
    """One day's rows of `table`, with exactly the registry schema (metadata included)."""
    schema = TABLES[table]
    parts = []
    for path in files:
        data = pq.ParquetFile(path).read()  # the file alone: no hive column from its path
        try:
            parts.append(data.select(schema.names).cast(schema))
        except (KeyError, pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as exc:
            raise ReleaseError(f"{path} does not have the {table} schema: {exc}") from exc
    return pa.concat_tables(parts) if len(parts) > 1 else parts[0]


# ---------------------------------------------------------------------------------------------
# Licence filter


@dataclass
class LicenceCounts:
    """Distinct paper versions by what the release holds of their full text, and what was cut."""

    released: set[tuple[str, int | None]] = field(default_factory=set)
    withheld: set[tuple[str, int | None]] = field(default_factory=set)
    no_body: set[tuple[str, int | None]] = field(default_factory=set)
    metrics_captions_withheld: int = 0
    claims_sentences_withheld: int = 0


def redistribution_flags(fulltext: pa.Table) -> dict[tuple[str, int | None], bool]:
    """(arxiv_id, version) -> whether that version's text may be republished (unknown: no)."""
    ids = fulltext["arxiv_id"].to_pylist()
    versions = fulltext["version"].to_pylist()
    allowed = fulltext["license_allows_redistribution"].to_pylist()
    return {(i, v): a is True for i, v, a in zip(ids, versions, allowed, strict=True)}


def _nulls_unless(keep: pa.Array, column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(keep, column, pa.nulls(len(column), type=column.type))


def filter_fulltext(table: pa.Table, counts: LicenceCounts) -> pa.Table:
    """Null the body columns of rows whose licence does not allow redistribution (their metadata,
    licence and counts stay), and drop the text of non-footnote notes kept in `extra`."""
    allowed = pc.fill_null(table["license_allows_redistribution"], False)
    has_body = pa.array([False] * table.num_rows)
    for name in BODY_COLUMNS:
        has_body = pc.or_(has_body, pc.fill_null(pc.greater(pc.list_value_length(table[name]), 0), False))
    keys = list(zip(table["arxiv_id"].to_pylist(), table["version"].to_pylist(), strict=True))
    for key, body, ok in zip(keys, has_body.to_pylist(), allowed.to_pylist(), strict=True):
        bucket = counts.no_body if not body else counts.released if ok else counts.withheld
        bucket.add(key)
    for name in BODY_COLUMNS:
        table = table.set_column(
            table.schema.get_field_index(name), table.schema.field(name), _nulls_unless(allowed, table[name])
        )
    extras = [
        _without_notes(extra) if not ok else extra
        for extra, ok in zip(table["extra"].to_pylist(), allowed.to_pylist(), strict=True)
    ]
    return table.set_column(
        table.schema.get_field_index("extra"), table.schema.field("extra"), pa.array(extras, pa.string())
    )


def _without_notes(extra: str | None) -> str | None:
    if not extra:
        return extra
    try:
        data = json.loads(extra)
    except ValueError:
        return None  # not JSON: cannot tell what it holds, so it is not released
    if not isinstance(data, dict) or "notes" not in data:
        return extra
    del data["notes"]
    return json.dumps(data, ensure_ascii=False) if data else None


def filter_metrics(
    table: pa.Table, flags: dict[tuple[str, int | None], bool], counts: LicenceCounts
) -> pa.Table:
    """Null `caption` (the paper's prose) unless the paper version may be redistributed; the
    numbers and labels are facts and stay."""
    keys = zip(table["arxiv_id"].to_pylist(), table["version"].to_pylist(), strict=True)
    keep = [flags.get(key, False) for key in keys]
    counts.metrics_captions_withheld += sum(
        1 for k, c in zip(keep, table["caption"].to_pylist(), strict=True) if not k and c is not None
    )
    index = table.schema.get_field_index("caption")
    return table.set_column(
        index, table.schema.field("caption"), _nulls_unless(pa.array(keep, pa.bool_()), table["caption"])
    )


def filter_claims(
    table: pa.Table, flags: dict[tuple[str, int | None], bool], counts: LicenceCounts
) -> pa.Table:
    """Null `sentence` for claims outside the abstract (the conclusion) of papers that may not be
    redistributed; abstract sentences are arXiv metadata (CC0) and always stay."""
    by_paper: dict[str, bool] = {}
    for (arxiv_id, _version), ok in flags.items():  # every version of the day must allow it
        by_paper[arxiv_id] = by_paper.get(arxiv_id, True) and ok
    keep = [
        section == "abstract" or by_paper.get(arxiv_id, False)
        for arxiv_id, section in zip(
            table["arxiv_id"].to_pylist(), table["source_section"].to_pylist(), strict=True
        )
    ]
    counts.claims_sentences_withheld += sum(
        1 for k, s in zip(keep, table["sentence"].to_pylist(), strict=True) if not k and s is not None
    )
    index = table.schema.get_field_index("sentence")
    return table.set_column(
        index, table.schema.field("sentence"), _nulls_unless(pa.array(keep, pa.bool_()), table["sentence"])
    )


# ---------------------------------------------------------------------------------------------
# Building the folder


@dataclass
class TableRelease:
    name: str
    rows: int = 0
    files: list[str] = field(default_factory=list)  # paths relative to the release folder
    days: list[date] = field(default_factory=list)
    size_bytes: int = 0


@dataclass
class ReleaseSummary:
    tables: dict[str, TableRelease]
    licence: LicenceCounts
    papers_per_day: dict[date, int]
    upvotes: list[int]
    repo_id: str | None

    @property
    def first_day(self) -> date:
        return min(self.papers_per_day)

    @property
    def last_day(self) -> date:
        return max(self.papers_per_day)


def _parquet_options(table: str) -> dict:
    options: dict = {"compression": "zstd", "write_page_index": True}
    if table in ROW_GROUP_ROWS:
        options["row_group_size"] = ROW_GROUP_ROWS[table]
    # Content-defined chunking (pyarrow >= 21) makes pages of unchanged rows byte-identical
    # between versions of a file, so the Hub's Xet storage only transfers what changed.
    if "use_content_defined_chunking" in inspect.signature(pq.ParquetWriter.__init__).parameters:
        options["use_content_defined_chunking"] = True
    return options


def build_release(
    data_dir: Path,
    out_dir: Path,
    start: date | None = None,
    end: date | None = None,
    repo_id: str | None = None,
) -> ReleaseSummary:
    """Write the release folder for the listing days in [start, end] and return what it holds.

    Everything is built in a staging folder beside OUT_DIR first and moved in at the end, so a
    failure leaves OUT_DIR as it was.
    """
    from pipelines.card import LICENSE_TEXT, draw_overview, render_card

    partitions = {t: table_partitions(data_dir, t, start, end) for t in RELEASED_TABLES}
    if not partitions["papers"]:
        where = f" between {start or '…'} and {end or '…'}" if start or end else ""
        raise ReleaseError(f"no papers partitions in {data_dir}{where}: nothing to release")
    out_dir = out_dir.resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise ReleaseError(f"{out_dir} exists and is not a folder")
    staging = out_dir.parent / f".{out_dir.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        summary = _write_tables(partitions, staging, repo_id)
        (staging / "assets").mkdir()
        draw_overview(summary.papers_per_day, summary.upvotes, staging / FIGURE_PATH)
        (staging / "README.md").write_text(render_card(summary), encoding="utf-8")
        (staging / "LICENSE.md").write_text(LICENSE_TEXT, encoding="utf-8")
        _move_into_place(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary


def _write_tables(
    partitions: dict[str, dict[date, list[Path]]], staging: Path, repo_id: str | None
) -> ReleaseSummary:
    counts = LicenceCounts()
    tables = {name: TableRelease(name) for name in RELEASED_TABLES}
    papers_per_day: dict[date, int] = {}
    upvotes: list[int] = []
    flags_by_day: dict[date, dict[tuple[str, int | None], bool]] = {}
    for table in RELEASED_TABLES:  # fulltext comes before metrics and claims
        for day, files in partitions[table].items():
            data = read_partition(files, table)
            if table == "papers":
                papers_per_day[day] = data.num_rows
                upvotes += [v for v in data["upvotes"].to_pylist() if v is not None]
            elif table == "fulltext":
                flags_by_day[day] = redistribution_flags(data)
                data = filter_fulltext(data, counts)
            elif table in ("metrics", "claims"):  # they follow the licence of the day's full text
                filter_rows = filter_metrics if table == "metrics" else filter_claims
                data = filter_rows(data, flags_by_day.get(day, {}), counts)
            relative = f"data/{table}/date={day.isoformat()}/{PART_NAME}"
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(data, target, **_parquet_options(table))
            info = tables[table]
            info.rows += data.num_rows
            info.files.append(relative)
            info.days.append(day)
            info.size_bytes += target.stat().st_size
    released = {name: info for name, info in tables.items() if info.files}
    return ReleaseSummary(released, counts, papers_per_day, upvotes, repo_id)


def _move_into_place(staging: Path, out_dir: Path) -> None:
    """Replace the managed entries of OUT_DIR with the staged ones (other entries are kept)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in (*MANAGED_DIRS, *MANAGED_FILES):
        target = out_dir / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        if (staging / name).exists():
            os.replace(staging / name, target)


# ---------------------------------------------------------------------------------------------
# Deciding what to upload


@dataclass(frozen=True)
class LocalFile:
    path: str  # posix path relative to the release folder = path in the repository
    size: int
    sha256: str
    git_sha1: str  # git blob id of the content


@dataclass(frozen=True)
class RemoteFile:
    path: str
    size: int
    blob_id: str  # git blob id (of the LFS pointer for LFS files)
    lfs_sha256: str | None = None  # content sha256 of an LFS / Xet file


@dataclass
class UploadPlan:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def to_upload(self) -> list[str]:
        return self.added + self.changed

    def lines(self) -> list[str]:
        rows = [(p, "added") for p in self.added] + [(p, "changed") for p in self.changed]
        rows += [(p, "unchanged") for p in self.unchanged] + [(p, "deleted") for p in self.deleted]
        out = [f"  {status:<9} {path}" for path, status in sorted(rows)]
        out.append(
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} "
            f"unchanged, {len(self.deleted)} deleted"
        )
        return out


def hash_file(path: Path, relative: str) -> LocalFile:
    """sha256 (what LFS/Xet files are identified by) and git blob sha1 (regular files) of a file."""
    size = path.stat().st_size
    sha256 = hashlib.sha256()
    git = hashlib.sha1(f"blob {size}\0".encode())
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha256.update(chunk)
            git.update(chunk)
    return LocalFile(relative, size, sha256.hexdigest(), git.hexdigest())


def release_files(out_dir: Path) -> list[LocalFile]:
    """The files a push sends: the managed entries of the release folder."""
    found: list[LocalFile] = []
    for name in MANAGED_FILES:
        if (out_dir / name).is_file():
            found.append(hash_file(out_dir / name, name))
    for name in MANAGED_DIRS:
        for path in sorted((out_dir / name).rglob("*")):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(out_dir).parts):
                found.append(hash_file(path, path.relative_to(out_dir).as_posix()))
    return sorted(found, key=lambda f: f.path)


def is_managed(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return path in MANAGED_FILES or (len(parts) > 1 and parts[0] in MANAGED_DIRS)


def plan_upload(local: Iterable[LocalFile], remote: Iterable[RemoteFile]) -> UploadPlan:
    """Compare the release folder with the repository's files.

    A remote LFS/Xet file is the same when its sha256 equals the local content's; a regular (git)
    file when its blob id equals the local git blob sha1. Remote files of the managed folders that
    the release no longer has are deleted; other remote files (`.gitattributes`, …) are left alone.
    """
    remote_by_path = {f.path: f for f in remote}
    plan = UploadPlan()
    local_paths = set()
    for file in local:
        local_paths.add(file.path)
        theirs = remote_by_path.get(file.path)
        if theirs is None:
            plan.added.append(file.path)
        elif theirs.lfs_sha256 == file.sha256 if theirs.lfs_sha256 else theirs.blob_id == file.git_sha1:
            plan.unchanged.append(file.path)
        else:
            plan.changed.append(file.path)
    plan.deleted = sorted(p for p in remote_by_path if is_managed(p) and p not in local_paths)
    return plan


# ---------------------------------------------------------------------------------------------
# Talking to the Hub


@dataclass
class RemoteState:
    exists: bool
    revision: str | None = None  # commit the listing was taken at
    files: list[RemoteFile] = field(default_factory=list)


def _network_errors() -> tuple[type[BaseException], ...]:
    """Exception types of a failed request, whichever HTTP client huggingface_hub uses."""
    from huggingface_hub.errors import HfHubHTTPError

    errors: list[type[BaseException]] = [OSError, HfHubHTTPError]
    for module, name in (("httpx2", "HTTPError"), ("httpx", "HTTPError"), ("requests", "RequestException")):
        try:
            errors.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(errors)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _http_status(exc: BaseException) -> int | None:
    """The HTTP status of a Hub error that carries a response (None: no answer at all)."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


def _refused_message(endpoint: str, status: int) -> str:
    return (
        f"the Hugging Face Hub at {endpoint} refused the token (HTTP {status}): set a valid "
        "HF_TOKEN with write access, or run `hf auth login`"
    )


def fetch_remote_state(api, repo_id: str) -> RemoteState:
    """The repository's head commit and file list, or `exists=False` when there is none."""
    from huggingface_hub import RepoFile
    from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError

    endpoint = getattr(api, "endpoint", "the Hub")
    try:
        try:
            info = api.dataset_info(repo_id)  # fails at once without network (no retry loop)
        except RepositoryNotFoundError as exc:
            # The Hub answers 401 both for a bad token and, to anonymous callers, for a missing repo.
            if _http_status(exc) == 401 and getattr(api, "token", None):
                raise ReleaseError(_refused_message(endpoint, 401)) from exc
            return RemoteState(exists=False)
        try:
            entries = list(
                api.list_repo_tree(repo_id, repo_type="dataset", recursive=True, revision=info.sha)
            )
        except RevisionNotFoundError:  # an empty repository has no commit to list
            return RemoteState(exists=True, revision=None)
    except _network_errors() as exc:
        status = _http_status(exc)
        if status in (401, 403):
            raise ReleaseError(_refused_message(endpoint, status)) from exc
        if status is not None:  # the Hub answered: it is reachable, but said no
            raise ReleaseError(
                f"the Hugging Face Hub at {endpoint} answered HTTP {status}: {_reason(exc)}"
            ) from exc
        raise ReleaseError(f"cannot reach the Hugging Face Hub at {endpoint}: {_reason(exc)}") from exc
    files = [
        RemoteFile(e.path, e.size, e.blob_id, e.lfs.sha256 if e.lfs else None)
        for e in entries
        if isinstance(e, RepoFile)
    ]
    return RemoteState(exists=True, revision=info.sha, files=files)


def push(
    api, repo_id: str, out_dir: Path, plan: UploadPlan, remote: RemoteState, private: bool, message: str
) -> str | None:
    """Create the repository if needed and commit only the added/changed/deleted files; returns
    the commit URL (None when there was nothing to send)."""
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete

    operations = [
        CommitOperationAdd(path_in_repo=p, path_or_fileobj=str(out_dir / p)) for p in plan.to_upload
    ]
    operations += [CommitOperationDelete(path_in_repo=p) for p in plan.deleted]
    if not operations:
        return None
    try:
        if not remote.exists:
            # private=None: the account's default visibility unless --private was given.
            api.create_repo(repo_id, repo_type="dataset", private=private or None, exist_ok=True)
        # parent_commit: refuse to commit if the repository moved since it was compared.
        commit = api.create_commit(
            repo_id, operations, commit_message=message, repo_type="dataset", parent_commit=remote.revision
        )
    except _network_errors() as exc:
        raise ReleaseError(f"upload to {repo_id} failed: {_reason(exc)}") from exc
    return commit.commit_url


# ---------------------------------------------------------------------------------------------
# Command line


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hfpapers-release",
        description="Build a Hugging Face Hub dataset folder (card, Parquet by day, figure) from the "
        "crawl's data/ and optionally push it.",
    )
    parser.add_argument("out_dir", type=Path, help="release folder to (re)build")
    parser.add_argument("--data-dir", type=Path, default=Path("data"), help="crawl output (default: data)")
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


def _run(args: argparse.Namespace, start: date | None, end: date | None) -> int:
    api = remote = None
    if args.push:
        # Ask the Hub first: without network (or token) nothing local is touched.
        from huggingface_hub import HfApi
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
        api = HfApi()
        if not args.dry_run and not api.token:
            from huggingface_hub import get_token

            if not get_token():
                raise ReleaseError("no Hugging Face token: set HF_TOKEN or run `hf auth login`")
        remote = fetch_remote_state(api, args.push)
    summary = build_release(args.data_dir, args.out_dir, start, end, args.repo_id or args.push)
    print(
        f"built {args.out_dir}: {summary.first_day} … {summary.last_day}, "
        + ", ".join(f"{t.name} {t.rows} rows" for t in summary.tables.values())
    )
    lic = summary.licence
    print(
        f"full text released for {len(lic.released)} paper versions, withheld for {len(lic.withheld)} "
        f"(licence), none available for {len(lic.no_body)}"
    )
    if not args.push:
        return 0
    plan = plan_upload(release_files(args.out_dir.resolve()), remote.files)
    if not remote.exists:
        print(f"{args.push} does not exist yet: it {'would be' if args.dry_run else 'will be'} created")
    print("\n".join(plan.lines()))
    if args.dry_run:
        print("dry run: nothing uploaded")
        return 0
    message = f"Release {summary.first_day} … {summary.last_day}"
    url = push(api, args.push, args.out_dir.resolve(), plan, remote, args.private, message)
    print(f"pushed: {url}" if url else "nothing to upload: the repository is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
