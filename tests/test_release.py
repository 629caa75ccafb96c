"""`hfpapers-release`: a Hub-ready folder built from a real replay crawl, loaded back with the real
clients (`datasets`, pandas, DuckDB); the licence filter; deterministic output; what a push would
send, compared with a repository listing (a fake one, and one served by a loopback fake Hub)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from huggingface_hub import DatasetCard, RepoFile

from pipelines import load
from pipelines.release import (
    RELEASED_TABLES,
    LocalFile,
    ReleaseError,
    RemoteFile,
    RemoteState,
    UploadPlan,
    fetch_remote_state,
    hash_file,
    plan_upload,
    push,
    release_files,
)
from scraper.schema.docs import COLUMN_DOCS
from scraper.schema.registry import TABLES
from tests.conftest import FIXTURES, ROOT, run_crawl, start_replay
from tests.test_arxiv_crawl import DAY, HTML_ID, derive_overlay

LICENSED_ID = "2607.28568"  # listed that day, arXiv API entry captured (v1), no page captured
CONCLUSION_START = b'id="S8.p1.1">'
CONCLUSION_CLAIM = b"Self-awareness improves accuracy by 12.5% over the untrained baseline. "
CC_BY_LINK = b'<a id="license-tr" href="https://creativecommons.org/licenses/by/4.0/">License: CC BY 4.0</a>'
BACKFILL = ("start=2025-09-29", "end=2025-10-03")  # 09-29, 09-30 and 10-03 have lists


def derive_release_overlay(folder: Path) -> Path:
    """`derive_overlay`'s day plus two variants of the real HTML capture (2501.11120v1), both with
    one quantitative sentence added at the start of the conclusion so that `claims` gets conclusion
    rows: the page as captured (no licence statement: its text may not be republished) and a copy
    re-pointed at LICENSED_ID with a CC BY 4.0 licence link (its text may)."""
    derive_overlay(folder)
    page = (FIXTURES / "arxiv_html" / f"{HTML_ID}v1.html").read_bytes()
    assert page.count(CONCLUSION_START) == 1 and page.count(b"<body>") == 1
    page = page.replace(CONCLUSION_START, CONCLUSION_START + CONCLUSION_CLAIM)
    (folder / "arxiv_html").mkdir()
    (folder / "arxiv_html" / f"{HTML_ID}v1.html").write_bytes(page)
    licensed = page.replace(HTML_ID.encode(), LICENSED_ID.encode()).replace(b"<body>", b"<body>" + CC_BY_LINK)
    (folder / "arxiv_html" / f"{LICENSED_ID}v1.html").write_bytes(licensed)
    return folder


def crawl_release_data(tmp: Path) -> Path:
    """A data dir with every table: the derived arXiv day plus a three-day backfill."""
    server, replay = start_replay(tmp, overlay=derive_release_overlay(tmp / "overlay"))
    settings = {"HTTPCACHE_DIR": str(tmp / "cache")}
    try:
        for args in ((f"date={DAY}",), BACKFILL):
            result = run_crawl(replay, tmp / "data", *args, settings=settings)
            assert result.returncode == 0, result.log[-4000:]
    finally:
        server.shutdown()
    return tmp / "data"


def release_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The installed console script when it is on PATH, else the same entry point via -m."""
    script = shutil.which("hfpapers-release", path=str(Path(sys.executable).parent)) or shutil.which(
        "hfpapers-release"
    )
    cmd = [script] if script else [sys.executable, "-m", "pipelines.release"]
    return subprocess.run(
        [*cmd, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    return crawl_release_data(tmp_path_factory.mktemp("release-crawl"))


@pytest.fixture(scope="module")
def release(crawl: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "hub"
    proc = release_cli(str(out), "--data-dir", str(crawl), "--repo-id", "someone/hfpapers")
    assert proc.returncode == 0, proc.stderr
    assert "papers 124 rows" in proc.stdout
    return out


def rows_by_table(data_dir: Path) -> dict[str, int]:
    return {t: pq.ParquetDataset(data_dir / t).read().num_rows for t in RELEASED_TABLES}


def test_folder_layout(release: Path, crawl: Path) -> None:
    files = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert files[:3] == ["LICENSE.md", "README.md", "assets/overview.png"]
    data_files = files[3:]
    assert all(f.startswith("data/") and f.endswith("/part-0.parquet") for f in data_files)
    expected = {
        f"data/{t}/{p.parent.name}/part-0.parquet"
        for t in RELEASED_TABLES
        for p in (crawl / t).glob("date=*/*.parquet")
    }
    assert set(data_files) == expected  # every table and day, and nothing of rejects or _runs
    assert not any("rejects" in f or "_runs" in f for f in files)
    assert rows_by_table(release / "data") == rows_by_table(crawl)
    assert (release / "assets/overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_card_header_declares_one_config_per_table(release: Path) -> None:
    card = DatasetCard.load(release / "README.md")
    data = card.data.to_dict()
    assert [c["config_name"] for c in data["configs"]] == list(RELEASED_TABLES)
    assert data["configs"][0]["default"] is True
    assert all("default" not in c for c in data["configs"][1:])
    assert data["configs"][2]["data_files"] == [{"split": "train", "path": "data/metrics/date=*/*.parquet"}]
    assert data["license"] == "other" and data["license_link"] == "LICENSE.md"
    assert data["size_categories"] == ["n<1K"]  # 216 rows in the largest table (metrics)
    assert "arxiv" in data["tags"] and data["task_categories"]


def test_card_body_documents_counts_columns_and_licences(release: Path) -> None:
    text = (release / "README.md").read_text()
    assert "**2025-09-29** to **2026-07-30** (4 listing days, 124 paper rows)" in text
    assert "| `papers` (default) | 124 | 4 | 2025-09-29 | 2026-07-30 |" in text
    assert "| `metrics` | 216 | 1 | 2026-07-30 | 2026-07-30 |" in text
    assert "| full text released (CC BY, CC BY-SA, CC0, public domain) | 1 |" in text
    assert "| full text withheld (licence does not allow redistribution, or unknown) | 1 |" in text
    assert "`caption` in 108 `metrics` rows and `sentence` in 1 `claims` conclusion rows" in text
    assert "![Papers per listing day and distribution of upvotes](assets/overview.png)" in text
    assert 'load_dataset("someone/hfpapers", "papers", split="train")' in text
    for table in RELEASED_TABLES:
        assert f"### `{table}`" in text
        for field in TABLES[table]:
            assert f"| `{field.name}` | `" in text
    assert "| `upvotes` | `int32` | Upvotes when crawled" in text
    assert "| `listing_date` | `date32[day], not null` |" in text
    for heading in ("## How the data was collected", "## Licensing", "## Known limits"):
        assert heading in text


def test_every_column_is_described() -> None:
    for table in TABLES:
        assert set(COLUMN_DOCS[table]) == set(TABLES[table].names), table
        assert all(doc.description and doc.source for doc in COLUMN_DOCS[table].values())


# The real `datasets` client, offline, in a fresh interpreter (it reads its settings at import).
LOAD_WITH_DATASETS = """
import json, sys
from datasets import load_dataset
out = {}
for config in sys.argv[2:]:
    ds = load_dataset(sys.argv[1], config, split="train")
    out[config] = {"rows": ds.num_rows, "types": {f.name: str(f.type) for f in ds.data.schema}}
print(json.dumps(out))
"""


def test_every_config_loads_with_datasets_offline(release: Path, tmp_path) -> None:
    env = {
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "hf"),
        "HF_DATASETS_CACHE": str(tmp_path / "hf" / "datasets"),
    }
    proc = subprocess.run(
        [sys.executable, "-c", LOAD_WITH_DATASETS, str(release), *RELEASED_TABLES],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    expected_rows = rows_by_table(release / "data")
    for table in RELEASED_TABLES:
        assert loaded[table]["rows"] == expected_rows[table]
        assert loaded[table]["types"] == {f.name: str(f.type) for f in TABLES[table]}, table


def test_pandas_and_duckdb_read_the_release(release: Path) -> None:
    for table in RELEASED_TABLES:
        frame = pd.read_parquet(release / "data" / table)
        assert len(frame) == rows_by_table(release / "data")[table]
        schema = pq.read_schema(next((release / "data" / table).glob("date=*/*.parquet")))
        assert schema.remove_metadata() == TABLES[table].remove_metadata()
    papers = pd.read_parquet(release / "data" / "papers")
    assert str(papers["crawled_at"].dt.tz) == "UTC" and papers["upvotes"].dtype == "int32"
    assert len(load("fulltext", data_dir=release / "data")) == 124  # the helper reads a release too
    glob = str(release / "data" / "papers" / "*" / "*.parquet")
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning=true)")
    types = {row[0]: row[1] for row in described.fetchall()}
    assert types["listing_date"] == "DATE" and types["crawled_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["upvotes"] == "INTEGER" and types["arxiv_categories"] == "VARCHAR[]"
    days = duckdb.sql(
        f"SELECT date, count(*) FROM read_parquet('{glob}', hive_partitioning=true) GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert [(str(d), n) for d, n in days] == [
        ("2025-09-29", 30),
        ("2025-09-30", 50),
        ("2025-10-03", 39),
        (DAY, 5),
    ]


def test_full_text_is_released_only_where_the_licence_allows(release: Path, crawl: Path) -> None:
    fulltext = pd.read_parquet(release / "data" / "fulltext").set_index("arxiv_id")
    original = pd.read_parquet(crawl / "fulltext").set_index("arxiv_id")
    free, withheld = fulltext.loc[LICENSED_ID], fulltext.loc[HTML_ID]
    assert free["license_name"] == "CC BY 4.0" and free["license_allows_redistribution"]
    assert len(free["sections"]) == len(original.loc[LICENSED_ID, "sections"]) > 0
    assert len(free["tables"]) == 47 and len(free["references"]) == 48
    assert pd.isna(withheld["license_allows_redistribution"])
    for column in ("sections", "figures", "tables", "footnotes", "references"):
        assert withheld[column] is None, column
    # Its metadata row stays: id, version, status, counts, title and abstract (arXiv metadata).
    assert (withheld["version"], withheld["fulltext_status"], withheld["n_tables"]) == (1, "partial", 47)
    assert withheld["title"].startswith("Tell me about yourself") and withheld["abstract"]
    assert len(fulltext.loc["1902.02534", "subjects"]) == 1  # abs-page row (CC BY) unchanged

    metrics = pd.read_parquet(release / "data" / "metrics")
    assert metrics.groupby("arxiv_id")["caption"].count().to_dict() == {HTML_ID: 0, LICENSED_ID: 108}
    assert metrics["value"].notna().all() and metrics.groupby("arxiv_id").size().to_dict() == {
        HTML_ID: 108,
        LICENSED_ID: 108,
    }

    claims = pd.read_parquet(release / "data" / "claims")
    conclusion = claims[claims["source_section"] == "conclusion"].set_index("arxiv_id")
    assert conclusion.loc[LICENSED_ID, "sentence"] == CONCLUSION_CLAIM.decode().strip()
    assert pd.isna(conclusion.loc[HTML_ID, "sentence"])
    assert conclusion.loc[HTML_ID, "claim_text"] == "12.5%" and conclusion.loc[HTML_ID, "value"] == 12.5
    assert claims[claims["source_section"] == "abstract"]["sentence"].notna().all()


def test_same_input_gives_byte_identical_release(release: Path, crawl: Path, tmp_path) -> None:
    again = tmp_path / "again"
    proc = release_cli(str(again), "--data-dir", str(crawl), "--repo-id", "someone/hfpapers")
    assert proc.returncode == 0, proc.stderr
    first = {f.path: f.sha256 for f in release_files(release)}
    assert {f.path: f.sha256 for f in release_files(again)} == first
    # Rebuilding in place keeps other files of the folder and gives the same bytes again.
    (again / "notes.txt").write_text("mine")
    assert release_cli(str(again), "--data-dir", str(crawl), "--repo-id", "someone/hfpapers").returncode == 0
    assert {f.path: f.sha256 for f in release_files(again)} == first
    assert (again / "notes.txt").read_text() == "mine"


def test_date_range_and_empty_range(crawl: Path, tmp_path) -> None:
    out = tmp_path / "week"
    proc = release_cli(str(out), "--data-dir", str(crawl), "--start", "2025-09-30", "--end", "2025-10-03")
    assert proc.returncode == 0, proc.stderr
    days = sorted(p.name for p in (out / "data" / "papers").iterdir())
    assert days == ["date=2025-09-30", "date=2025-10-03"]
    assert not (out / "data" / "metrics").exists()  # no metrics in that range: no config either
    card = DatasetCard.load(out / "README.md")
    assert [c["config_name"] for c in card.data.to_dict()["configs"]] == [
        "papers",
        "fulltext",
        "claims",
        "ratings",
    ]
    assert "**2025-09-30** to **2025-10-03** (2 listing days, 89 paper rows)" in card.text

    before = {f.path: f.sha256 for f in release_files(out)}
    empty = release_cli(str(out), "--data-dir", str(crawl), "--start", "2024-01-01", "--end", "2024-01-31")
    assert empty.returncode == 1 and empty.stdout == ""
    assert empty.stderr.strip().splitlines() == [
        f"hfpapers-release: no papers partitions in {crawl} between 2024-01-01 and 2024-01-31: "
        "nothing to release"
    ]
    assert {f.path: f.sha256 for f in release_files(out)} == before
    bad = release_cli(str(out), "--start", "2025-02-30")
    assert bad.returncode == 2 and "not a date" in bad.stderr


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed when the block ends: nothing listens there


@pytest.mark.parametrize("dry_run", [False, True])
def test_push_without_network_fails_with_one_line(release: Path, crawl: Path, tmp_path, dry_run) -> None:
    out = tmp_path / "hub"
    shutil.copytree(release, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    env = {
        "HF_ENDPOINT": f"http://127.0.0.1:{closed_port()}",
        "HF_HOME": str(tmp_path / "hf"),
        "HF_TOKEN": "hf_placeholder_for_this_test",
        "HF_HUB_OFFLINE": "0",
    }
    args = [str(out), "--data-dir", str(crawl), "--push", "someone/hfpapers"]
    proc = release_cli(*args, *(["--dry-run"] if dry_run else []), env=env)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "hfpapers-release: cannot reach the Hugging Face Hub at http://127.0.0.1:"
    ), proc.stderr
    assert "hf_placeholder" not in proc.stdout + proc.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before  # nothing local touched
    assert not list(tmp_path.glob(".hub.staging-*"))


def test_hash_file_matches_git_and_lfs_ids(tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    hashed = hash_file(empty, "empty")
    assert hashed.git_sha1 == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # git's empty blob
    assert hashed.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    hello = tmp_path / "hello"
    hello.write_bytes(b"hello\n")
    assert hash_file(hello, "hello").git_sha1 == "ce013625030ba8dba906f756967f9e9ca394464a"


def fake_listing(release: Path) -> list[RemoteFile]:
    """What the Hub lists after a push of `release`: parquet and png as LFS (sha256 of the content,
    blob id of the pointer), README/LICENSE as regular git blobs; plus a stale partition, the
    repository's .gitattributes and a file someone added by hand."""
    listing = []
    for local in release_files(release):
        if local.path.endswith((".parquet", ".png")):
            listing.append(RemoteFile(local.path, local.size, "0" * 40, local.sha256))
        else:
            listing.append(RemoteFile(local.path, local.size, local.git_sha1))
    listing.append(RemoteFile("data/papers/date=2020-01-01/part-0.parquet", 10, "1" * 40, "f" * 64))
    listing.append(RemoteFile(".gitattributes", 2000, "2" * 40))
    listing.append(RemoteFile("scripts/analysis.py", 100, "3" * 40))
    return listing


def test_upload_plan_against_a_fake_listing(release: Path) -> None:
    local = release_files(release)
    remote = fake_listing(release)
    plan = plan_upload(local, remote)
    assert plan.added == [] and plan.changed == []
    assert len(plan.unchanged) == len(local)
    assert plan.deleted == ["data/papers/date=2020-01-01/part-0.parquet"]

    # One partition re-crawled, the card edited, a new day: only those are sent.
    day = f"data/papers/date={DAY}/part-0.parquet"
    edited = [
        LocalFile(f.path, f.size, "a" * 64, "b" * 40) if f.path in (day, "README.md") else f for f in local
    ]
    edited.append(LocalFile("data/papers/date=2026-08-01/part-0.parquet", 5, "c" * 64, "d" * 40))
    plan = plan_upload(edited, remote)
    assert plan.changed == ["README.md", day]
    assert plan.added == ["data/papers/date=2026-08-01/part-0.parquet"]
    assert sorted(plan.to_upload) == sorted([day, "README.md", "data/papers/date=2026-08-01/part-0.parquet"])
    lines = plan.lines()
    assert f"  changed   {day}" in lines and "  unchanged LICENSE.md" in lines
    assert lines[-1] == f"1 added, 2 changed, {len(local) - 2} unchanged, 1 deleted"


def test_recrawled_day_changes_only_its_own_files(crawl: Path, tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawl, data)
    first = tmp_path / "first"
    assert release_cli(str(first), "--data-dir", str(data)).returncode == 0
    server, replay = start_replay(tmp_path)
    try:  # new crawled_at for that day
        result = run_crawl(
            replay, data, "date=2025-09-30", settings={"HTTPCACHE_DIR": str(tmp_path / "cache")}
        )
        assert result.returncode == 0, result.log[-3000:]
    finally:
        server.shutdown()
    second = tmp_path / "second"
    assert release_cli(str(second), "--data-dir", str(data)).returncode == 0
    plan = plan_upload(release_files(second), fake_listing(first)[:-3])
    # `ratings` of that day holds one more snapshot, and the card counts its rows.
    assert sorted(plan.changed) == ["README.md"] + [
        f"data/{t}/date=2025-09-30/part-0.parquet" for t in ("claims", "fulltext", "papers", "ratings")
    ]
    assert plan.added == [] and plan.deleted == [] and "LICENSE.md" in plan.unchanged


class FakeHub:
    """Just enough of the Hub's HTTP API for `fetch_remote_state`, on loopback: a dataset's info
    and its file tree, as JSON shaped like the Hub's answers."""

    def __init__(self, repo_id: str, tree: list[dict]) -> None:
        sha = "c0ffee" * 6 + "c0ff"
        routes = {
            f"/api/datasets/{repo_id}": {"id": repo_id, "sha": sha, "private": False},
            f"/api/datasets/{repo_id}/tree/{sha}": tree,
        }

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = self.path.split("?")[0]
                body = json.dumps(routes[path]).encode() if path in routes else b'{"error": "not found"}'
                self.send_response(200 if path in routes else 404)
                if path not in routes:
                    self.send_header("X-Error-Code", "RepoNotFound")  # what the Hub sends
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def hub_tree(release: Path) -> list[dict]:
    """The Hub's tree entries for a pushed `release` (LFS for parquet/png), one partition changed."""
    entries = []
    for local in release_files(release):
        entry = {"type": "file", "path": local.path, "size": local.size, "oid": local.git_sha1}
        if local.path.endswith((".parquet", ".png")):
            sha = "e" * 64 if local.path == f"data/claims/date={DAY}/part-0.parquet" else local.sha256
            entry |= {"oid": "0" * 40, "lfs": {"oid": sha, "size": local.size, "pointerSize": 134}}
        entries.append(entry)
    return [{"type": "directory", "path": "data", "oid": "9" * 40, "size": 0}, *entries]


def test_fetch_remote_state_reads_the_hub_listing(release: Path) -> None:
    from huggingface_hub import HfApi

    hub = FakeHub("someone/hfpapers", hub_tree(release))
    try:
        state = fetch_remote_state(HfApi(endpoint=hub.url, token=False), "someone/hfpapers")
        missing = fetch_remote_state(HfApi(endpoint=hub.url, token=False), "someone/other")
    finally:
        hub.server.shutdown()
    assert state.exists and state.revision.startswith("c0ffee") and not missing.exists
    assert all(isinstance(f, RemoteFile) for f in state.files)
    plan = plan_upload(release_files(release), state.files)
    assert plan.changed == [f"data/claims/date={DAY}/part-0.parquet"] and plan.added == []
    assert RepoFile  # the listing entries are parsed by huggingface_hub's own RepoFile


def test_dry_run_prints_the_plan_and_uploads_nothing(release: Path, crawl: Path, tmp_path) -> None:
    hub = FakeHub("someone/hfpapers", hub_tree(release))
    out = tmp_path / "hub"
    try:
        proc = release_cli(
            str(out),
            "--data-dir",
            str(crawl),
            "--repo-id",
            "someone/hfpapers",
            "--push",
            "someone/hfpapers",
            "--dry-run",
            env={"HF_ENDPOINT": hub.url, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "0"},
        )
    finally:
        hub.server.shutdown()
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert f"  changed   data/claims/date={DAY}/part-0.parquet" in lines
    assert "  unchanged README.md" in lines
    total = len(release_files(release))
    assert f"0 added, 1 changed, {total - 1} unchanged, 0 deleted" in lines
    assert lines[-1] == "dry run: nothing uploaded"


class RecordingApi:
    """Stands in for HfApi at the `push` boundary: records the calls, sends nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []

    def create_repo(self, *args, **kwargs):
        self.calls.append(("create_repo", args, kwargs))

    def create_commit(self, *args, **kwargs):
        self.calls.append(("create_commit", args, kwargs))
        return type("Commit", (), {"commit_url": "https://example.invalid/commit/1"})()


def test_push_commits_only_what_changed(release: Path) -> None:
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete

    plan = UploadPlan(
        added=["README.md"],
        changed=[f"data/papers/date={DAY}/part-0.parquet"],
        unchanged=["LICENSE.md"],
        deleted=["data/papers/date=2020-01-01/part-0.parquet"],
    )
    api = RecordingApi()
    url = push(api, "someone/hfpapers", release, plan, RemoteState(True, "abc123"), False, "Release")
    assert url == "https://example.invalid/commit/1"
    [(name, args, kwargs)] = api.calls  # the repository exists: no create_repo
    assert name == "create_commit" and kwargs["parent_commit"] == "abc123"
    operations = args[1]
    assert [(type(op), op.path_in_repo) for op in operations] == [
        (CommitOperationAdd, "README.md"),
        (CommitOperationAdd, f"data/papers/date={DAY}/part-0.parquet"),
        (CommitOperationDelete, "data/papers/date=2020-01-01/part-0.parquet"),
    ]
    assert operations[1].path_or_fileobj == str(release / f"data/papers/date={DAY}/part-0.parquet")

    api = RecordingApi()
    push(api, "someone/new", release, plan, RemoteState(False), True, "Release")
    assert api.calls[0][0] == "create_repo" and api.calls[0][2]["private"] is True
    assert api.calls[1][2]["parent_commit"] is None

    api = RecordingApi()
    assert (
        push(
            api,
            "someone/hfpapers",
            release,
            UploadPlan(unchanged=["README.md"]),
            RemoteState(True, "abc123"),
            False,
            "Release",
        )
        is None
    )
    assert api.calls == []  # nothing changed: no commit at all


class RefusingHub:
    """A loopback Hub that answers every request 401, as huggingface.co does for a bad token."""

    def __init__(self, message: str) -> None:
        body = json.dumps({"error": message}).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Error-Message", message)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.mark.parametrize("message", ["Invalid credentials in Authorization header", "Unauthorized"])
def test_a_refused_token_is_not_reported_as_no_network(message: str) -> None:
    from huggingface_hub import HfApi

    hub = RefusingHub(message)
    try:
        with pytest.raises(ReleaseError) as raised:
            fetch_remote_state(HfApi(endpoint=hub.url, token="hf_placeholder_bad"), "someone/hfpapers")
    finally:
        hub.server.shutdown()
    text = str(raised.value)
    assert text.startswith(f"the Hugging Face Hub at {hub.url} refused the token (HTTP 401)"), text
    assert "cannot reach" not in text and "hf_placeholder" not in text


def test_private_without_push_is_refused_like_dry_run(tmp_path) -> None:
    for flag in ("--private", "--dry-run"):
        proc = release_cli(str(tmp_path / "out"), "--data-dir", str(tmp_path), flag)
        assert proc.returncode == 2 and f"{flag} needs --push REPO_ID" in proc.stderr, proc.stderr
        assert not (tmp_path / "out").exists()
