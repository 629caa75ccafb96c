"""Pushing a release folder to a Hub dataset repository.

What is sent is decided by huggingface_hub: `create_commit` asks the Hub for each file's oid
(`preupload`) and drops the files whose content is already there; LFS/Xet storage does not transfer
their bytes again either. Our own hashing and comparison (`release_files`, `plan_upload`) remain
only for what huggingface_hub has no call for: printing the plan before a push, and `--dry-run`,
which must compare without sending anything. Deletions come from that same comparison (the
managed folders' remote files the release no longer has), checked against the same commit.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from huggingface_hub import CommitOperationAdd, CommitOperationDelete, RepoFile
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError

from scraper.use.release import MANAGED_DIRS, MANAGED_FILES, ReleaseError

if TYPE_CHECKING:
    from huggingface_hub import HfApi


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
    """sha256 (what LFS/Xet files are identified by) and git blob sha1 (regular files) of a file.

    Needed for the printed plan and `--dry-run` only (the push lets huggingface_hub hash what it
    sends); one streaming pass gives both ids, where huggingface_hub's `git_hash` reads the whole file.
    """
    size = path.stat().st_size
    sha256 = hashlib.sha256()
    git = hashlib.sha1(f"blob {size}\0".encode(), usedforsecurity=False)  # git blob ids are sha1
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha256.update(chunk)
            git.update(chunk)
    return LocalFile(relative, size, sha256.hexdigest(), git.hexdigest())


def release_files(out_dir: Path) -> list[LocalFile]:
    """The release's own files (the managed entries of the folder), hashed: what a push commits."""
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
    """Compare the release folder with the repository's files, for the printed plan and `--dry-run`
    (the same rule huggingface_hub applies when it drops unchanged files from a commit).

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


def fetch_remote_state(api: HfApi, repo_id: str) -> RemoteState:
    """The repository's head commit and file list, or `exists=False` when there is none."""
    endpoint = api.endpoint
    try:
        try:
            info = api.dataset_info(repo_id)  # fails at once without network (no retry loop)
        except RepositoryNotFoundError as exc:
            # The Hub answers 401 both for a bad token and, to anonymous callers, for a missing repo.
            if _http_status(exc) == 401 and api.token:
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
    api: HfApi,
    repo_id: str,
    out_dir: Path,
    local: Iterable[LocalFile],
    plan: UploadPlan,
    remote: RemoteState,
    private: bool,
    message: str,
) -> str | None:
    """Create the repository if needed and commit the release; returns the commit URL, or None when
    the repository already held exactly this release (huggingface_hub then makes no commit).

    Every release file is handed to `create_commit`, which leaves out those the Hub already has.
    """
    operations: list[CommitOperationAdd | CommitOperationDelete] = [
        CommitOperationAdd(path_in_repo=f.path, path_or_fileobj=str(out_dir / f.path)) for f in local
    ]
    operations += [CommitOperationDelete(path_in_repo=p) for p in plan.deleted]
    try:
        if not remote.exists:
            # private=None: the account's default visibility unless --private was given.
            api.create_repo(repo_id, repo_type="dataset", private=private or None, exist_ok=True)
        # parent_commit: refuse to commit if the repository moved since it was compared.
        commit = api.create_commit(
            repo_id, operations, commit_message=message, repo_type="dataset", parent_commit=remote.revision
        )
    except _network_errors() + (ValueError,) as exc:  # ValueError: README metadata or a reply refused
        if _http_status(exc) == 412:  # the parent_commit check
            raise ReleaseError(
                f"{repo_id} changed after it was compared with the release: nothing was committed, "
                "run the command again"
            ) from exc
        raise ReleaseError(f"upload to {repo_id} failed: {_reason(exc)}") from exc
    # With nothing changed, create_commit returns the head it compared with instead of a new commit.
    return None if remote.revision is not None and commit.oid == remote.revision else commit.commit_url
