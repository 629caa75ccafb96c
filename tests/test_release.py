"""`hfpapers-release`: a Hub-ready folder built from a real replay crawl, loaded back with the real
clients (`datasets`, pandas, DuckDB); the licence filter; deterministic output; the plan a push
prints, compared with a repository listing; and real pushes through huggingface_hub to a loopback
fake Hub, which records what was committed and uploaded."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from huggingface_hub import DatasetCard

import tests.tools.crawl as crawling
from scraper.schema.registry import TABLES
from scraper.use.dataset import load
from scraper.use.release import PER_YEAR, RELEASED_TABLES, ReleaseError
from scraper.use.release.cli import main as release_main
from scraper.use.release.push import (
    LocalFile,
    RemoteFile,
    fetch_remote_state,
    hash_file,
    plan_upload,
    release_files,
)
from tests.tools.derived import ARXIV_DAY as DAY
from tests.tools.derived import CONCLUSION_CLAIM, HTML_ID, LICENSED_ID
from tests.tools.replay import ROOT, start_replay

BACKFILL = ("start=2025-09-29", "end=2025-10-03")  # 09-29, 09-30 and 10-03 have lists


def release_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The installed console script when it is on PATH, else the same entry point via -m."""
    script = shutil.which("hfpapers-release", path=str(Path(sys.executable).parent)) or shutil.which(
        "hfpapers-release"
    )
    cmd = [script] if script else [sys.executable, "-m", "scraper.use.release.cli"]
    return subprocess.run(
        [*cmd, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def crawl(release_data: Path) -> Path:
    return release_data


@pytest.fixture(scope="module")
def release(crawl: Path, tmp_path_factory) -> Path:
    """The release of the crawl, made by hfpapers-release's `main` in this process (the tests marked
    `crawl` run the console script itself)."""
    out = tmp_path_factory.mktemp("release") / "hub"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = release_main([str(out), "--data-dir", str(crawl), "--repo-id", "someone/hfpapers"])
    assert code == 0, stdout.getvalue()[-3000:]
    assert "papers 124 rows" in stdout.getvalue()
    return out


def rows_by_table(data_dir: Path) -> dict[str, int]:
    return {t: pq.ParquetDataset(data_dir / t).read().num_rows for t in RELEASED_TABLES}


def test_folder_layout(release: Path, crawl: Path) -> None:
    files = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert files[:3] == ["LICENSE.md", "README.md", "assets/overview.png"]
    data_files = files[3:]
    # one file per table and month of its days (per year for claims), nothing of rejects or _runs
    expected = {
        f"data/{t}/{p.parent.name[5:9] if t in PER_YEAR else p.parent.name[5:12]}.parquet"
        for t in RELEASED_TABLES
        for p in (crawl / t).glob("date=*/*.parquet")
    }
    assert set(data_files) == expected
    assert "data/papers/2025-09.parquet" in expected and "data/papers/2026-07.parquet" in expected
    assert "data/claims/2025.parquet" in expected  # a small table: one file a year
    assert not any("rejects" in f or "_runs" in f for f in files)
    assert rows_by_table(release / "data") == rows_by_table(crawl)
    assert (release / "assets/overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_card_header_declares_one_config_per_table(release: Path) -> None:
    card = DatasetCard.load(release / "README.md")
    data = card.data.to_dict()
    assert [c["config_name"] for c in data["configs"]] == list(RELEASED_TABLES)
    assert data["configs"][0]["default"] is True
    assert all("default" not in c for c in data["configs"][1:])
    assert data["configs"][2]["data_files"] == [{"split": "train", "path": "data/metrics/*.parquet"}]
    assert data["license"] == "other" and data["license_link"] == "LICENSE.md"
    assert data["size_categories"] == ["n<1K"]  # 204 rows in the largest table (metrics)
    assert "arxiv" in data["tags"] and data["task_categories"]


def test_card_body_documents_counts_columns_and_licences(release: Path) -> None:
    text = (release / "README.md").read_text()
    assert "**2025-09-29** to **2026-07-30** (4 listing days, 124 paper rows)" in text
    assert "| `papers` (default) | 124 | 4 | 2025-09-29 | 2026-07-30 |" in text
    assert "| `metrics` | 204 | 1 | 2026-07-30 | 2026-07-30 |" in text
    assert "| full text released (CC BY, CC BY-SA, CC0, public domain) | 1 |" in text
    assert "| full text withheld (licence does not allow redistribution, or unknown) | 1 |" in text
    assert "`caption` in 102 `metrics` rows and `sentence` in 1 `claims` conclusion rows" in text
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


@pytest.mark.crawl
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
        for path in (release / "data" / table).glob("*.parquet"):
            assert pq.read_schema(path).remove_metadata() == TABLES[table].remove_metadata()
            groups = pq.ParquetFile(path).metadata
            assert all(groups.row_group(i).num_rows <= 1000 for i in range(groups.num_row_groups))
    papers = pd.read_parquet(release / "data" / "papers")
    assert str(papers["crawled_at"].dt.tz) == "UTC" and papers["upvotes"].dtype == "int32"
    assert len(load("fulltext", data_dir=release / "data")) == 124  # the helper reads a release too
    week = load("papers", start="2025-09-30", end="2025-10-03", data_dir=release / "data")
    assert week.groupby("listing_date").size().to_dict() == {date(2025, 9, 30): 50, date(2025, 10, 3): 39}
    glob = str(release / "data" / "papers" / "*.parquet")
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{glob}')")
    types = {row[0]: row[1] for row in described.fetchall()}
    assert types["listing_date"] == "DATE" and types["crawled_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["upvotes"] == "INTEGER" and types["arxiv_categories"] == "VARCHAR[]"
    days = duckdb.sql(
        f"SELECT listing_date, count(*) FROM read_parquet('{glob}') GROUP BY 1 ORDER BY 1"
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
    assert metrics.groupby("arxiv_id")["caption"].count().to_dict() == {HTML_ID: 0, LICENSED_ID: 102}
    assert metrics["value"].notna().all() and metrics.groupby("arxiv_id").size().to_dict() == {
        HTML_ID: 102,
        LICENSED_ID: 102,
    }

    claims = pd.read_parquet(release / "data" / "claims")
    conclusion = claims[claims["source_section"] == "conclusion"].set_index("arxiv_id")
    assert conclusion.loc[LICENSED_ID, "sentence"] == CONCLUSION_CLAIM.decode().strip()
    assert pd.isna(conclusion.loc[HTML_ID, "sentence"])
    assert conclusion.loc[HTML_ID, "claim_text"] == "12.5%" and conclusion.loc[HTML_ID, "value"] == 12.5
    assert claims[claims["source_section"] == "abstract"]["sentence"].notna().all()


@pytest.mark.crawl
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


@pytest.mark.crawl
def test_date_range_and_empty_range(crawl: Path, tmp_path) -> None:
    out = tmp_path / "week"
    proc = release_cli(str(out), "--data-dir", str(crawl), "--start", "2025-09-30", "--end", "2025-10-03")
    assert proc.returncode == 0, proc.stderr
    months = sorted(p.name for p in (out / "data" / "papers").iterdir())
    assert months == ["2025-09.parquet", "2025-10.parquet"]
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
    assert bad.returncode == 2 and "not a calendar date" in bad.stderr


@pytest.mark.crawl
def test_a_folder_that_cannot_be_written_is_one_line(crawl: Path, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = release_cli(str(blocker / "release"), "--data-dir", str(crawl))
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("hfpapers-release: cannot write the release: Not a directory")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed when the block ends: nothing listens there


@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.crawl
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
    # a file of an older release's layout (one per day): the new release deletes it
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

    # One month re-crawled, the card edited, a new month: only those are sent.
    day = f"data/papers/{DAY[:7]}.parquet"
    edited = [
        LocalFile(f.path, f.size, "a" * 64, "b" * 40) if f.path in (day, "README.md") else f for f in local
    ]
    edited.append(LocalFile("data/papers/2026-08.parquet", 5, "c" * 64, "d" * 40))
    plan = plan_upload(edited, remote)
    assert plan.changed == ["README.md", day]
    assert plan.added == ["data/papers/2026-08.parquet"]
    lines = plan.lines()
    assert f"  changed   {day}" in lines and "  unchanged LICENSE.md" in lines
    assert lines[-1] == f"1 added, 2 changed, {len(local) - 2} unchanged, 1 deleted"


@pytest.mark.crawl
def test_recrawled_day_changes_only_its_own_files(crawl: Path, tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawl, data)
    first = tmp_path / "first"
    assert release_cli(str(first), "--data-dir", str(data)).returncode == 0
    server, replay = start_replay(tmp_path)
    try:  # new crawled_at for that day
        result = crawling.crawl(replay, data, "date=2025-09-30")
        assert result.returncode == 0, result.log[-3000:]
    finally:
        server.shutdown()
    second = tmp_path / "second"
    assert release_cli(str(second), "--data-dir", str(data)).returncode == 0
    plan = plan_upload(release_files(second), fake_listing(first)[:-3])
    # `ratings` of that day holds one more snapshot, and the card counts its rows; only the files of
    # that day's month (its year, for claims) change.
    assert sorted(plan.changed) == ["README.md", "data/claims/2025.parquet"] + [
        f"data/{t}/2025-09.parquet" for t in ("fulltext", "papers", "ratings")
    ]
    assert plan.added == [] and plan.deleted == [] and "LICENSE.md" in plan.unchanged


class FakeHub:
    """Just enough of the Hub's HTTP API, on loopback, for `fetch_remote_state` and for
    huggingface_hub's own `create_repo` / `create_commit`: a dataset's info and file tree, the
    `preupload` answer (each file's upload mode and remote oid), the LFS batch API and its uploads,
    README validation and the commit. JSON shaped like the Hub's answers; what is sent is recorded.
    `tree=None`: the repository does not exist until `create_repo`."""

    def __init__(self, repo_id: str, tree: list[dict] | None) -> None:
        self.repo_id = repo_id
        self.sha = "c0ffee" * 6 + "c0ff"
        self.tree = tree
        self.created: list[dict] = []  # create_repo payloads
        self.commits: list[list[dict]] = []  # each commit's NDJSON lines
        self.lfs_uploads: list[str] = []  # sha256 of every LFS object whose bytes were sent
        self.moved = False  # True: refuse commits, as the Hub does when the parent commit is stale
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = self.path.split("?")[0]
                base = f"/api/datasets/{hub.repo_id}"
                info = {"id": hub.repo_id, "sha": hub.sha, "private": False}
                if hub.tree is not None and path in (base, f"{base}/revision/main"):
                    self.answer(200, info)
                elif hub.tree is not None and path == f"{base}/tree/{hub.sha}":
                    self.answer(200, hub.tree)
                else:  # what the Hub sends for a repository it does not have
                    self.answer(404, {"error": "not found"}, {"X-Error-Code": "RepoNotFound"})

            def do_POST(self) -> None:  # noqa: N802
                path, body = self.path.split("?")[0], self.read_body()
                base = f"/api/datasets/{hub.repo_id}"
                if path == "/api/repos/create":
                    hub.created.append(json.loads(body))
                    hub.tree = []
                    self.answer(200, {"url": f"{hub.url}/datasets/{hub.repo_id}"})
                elif path == "/api/validate-yaml":
                    self.answer(200, {"errors": [], "warnings": []})
                elif path == f"{base}/preupload/main":
                    files = json.loads(body)["files"]
                    self.answer(200, {"files": [hub.preupload(f["path"]) for f in files]})
                elif path == f"/datasets/{hub.repo_id}.git/info/lfs/objects/batch":
                    objects = [hub.lfs_batch(o["oid"], o["size"]) for o in json.loads(body)["objects"]]
                    self.answer(200, {"transfer": "basic", "objects": objects})
                elif path == f"{base}/commit/main" and hub.moved:
                    message = "A commit has happened since. Please refresh and try again."
                    self.answer(412, {"error": message}, {"X-Error-Message": message})
                elif path == f"{base}/commit/main":
                    hub.commits.append([json.loads(line) for line in body.splitlines() if line.strip()])
                    new_sha = "beef" * 10
                    self.answer(
                        200,
                        {
                            "commitUrl": f"{hub.url}/datasets/{hub.repo_id}/commit/{new_sha}",
                            "commitOid": new_sha,
                        },
                    )
                else:
                    self.answer(404, {"error": f"no route {path}"})

            def do_PUT(self) -> None:  # noqa: N802
                self.read_body()
                hub.lfs_uploads.append(self.path.rsplit("/", 1)[-1])
                self.answer(200, {})

            def read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while size := int(self.rfile.readline().split(b";")[0], 16):
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    self.rfile.readline()
                    return b"".join(chunks)
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def answer(self, status: int, data: object, headers: dict[str, str] | None = None) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def entry(self, path: str) -> dict | None:
        return next((e for e in self.tree or [] if e["path"] == path and e["type"] == "file"), None)

    def preupload(self, path: str) -> dict:
        """Parquet and PNG go to LFS; `oid` is what the Hub holds at that path (LFS: sha256)."""
        entry = self.entry(path)
        remote_oid = (entry["lfs"]["oid"] if "lfs" in entry else entry["oid"]) if entry else None
        mode = "lfs" if path.endswith((".parquet", ".png")) else "regular"
        return {"path": path, "uploadMode": mode, "shouldIgnore": False, "oid": remote_oid}

    def lfs_batch(self, oid: str, size: int) -> dict:
        """An object the store already has needs no upload action (the LFS batch protocol)."""
        stored = {e["lfs"]["oid"] for e in self.tree or [] if "lfs" in e}
        if oid in stored:
            return {"oid": oid, "size": size}
        return {"oid": oid, "size": size, "actions": {"upload": {"href": f"{self.url}/lfs-upload/{oid}"}}}

    def committed(self, key: str) -> list[str]:
        """Paths of the last commit's lines of one kind (`file`, `lfsFile`, `deletedFile`)."""
        return sorted(line["value"]["path"] for line in self.commits[-1] if line["key"] == key)


def hub_tree(release: Path, changed: str | None = f"data/claims/{DAY[:4]}.parquet") -> list[dict]:
    """The Hub's tree entries for a pushed `release` (LFS for parquet/png), with the content of the
    `changed` partition different."""
    entries = []
    for local in release_files(release):
        entry = {"type": "file", "path": local.path, "size": local.size, "oid": local.git_sha1}
        if local.path.endswith((".parquet", ".png")):
            sha = "e" * 64 if local.path == changed else local.sha256
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
    assert plan.changed == [f"data/claims/{DAY[:4]}.parquet"] and plan.added == []


@pytest.mark.crawl
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
    assert f"  changed   data/claims/{DAY[:4]}.parquet" in lines
    assert "  unchanged README.md" in lines
    total = len(release_files(release))
    assert f"0 added, 1 changed, {total - 1} unchanged, 0 deleted" in lines
    assert lines[-1] == "dry run: nothing uploaded"


def push_cli(
    hub: FakeHub, release: Path, crawl: Path, tmp_path: Path, *flags: str
) -> subprocess.CompletedProcess:
    """A real `hfpapers-release --push` against the fake Hub (LFS protocol: Xet switched off)."""
    env = {
        "HF_ENDPOINT": hub.url,
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_OFFLINE": "0",
        "HF_HUB_DISABLE_XET": "1",
        "HF_TOKEN": "hf_placeholder_for_this_test",
    }
    out = tmp_path / "hub"
    args = ["--data-dir", str(crawl), "--repo-id", "someone/hfpapers", "--push", hub.repo_id]
    return release_cli(str(out), *args, *flags, env=env)


@pytest.mark.crawl
def test_push_commits_only_what_changed(release: Path, crawl: Path, tmp_path) -> None:
    """huggingface_hub leaves out of the commit, and does not upload, what the Hub already has."""
    tree = hub_tree(release)
    stale = "data/papers/date=2020-01-01/part-0.parquet"
    lfs = {"oid": "f" * 64, "size": 10, "pointerSize": 134}
    tree.append({"type": "file", "path": stale, "size": 10, "oid": "1" * 40, "lfs": lfs})
    hub = FakeHub("someone/hfpapers", tree)
    try:
        proc = push_cli(hub, release, crawl, tmp_path)
    finally:
        hub.server.shutdown()
    assert proc.returncode == 0, proc.stderr
    changed = f"data/claims/{DAY[:4]}.parquet"
    assert proc.stdout.splitlines()[-1] == f"pushed: {hub.url}/datasets/someone/hfpapers/commit/{'beef' * 10}"
    assert f"  changed   {changed}" in proc.stdout and f"  deleted   {stale}" in proc.stdout
    assert hub.created == [] and len(hub.commits) == 1  # the repository exists: no create_repo
    assert hub.committed("lfsFile") == [changed] and hub.committed("file") == []
    assert hub.committed("deletedFile") == [stale]
    assert hub.commits[0][0]["value"]["parentCommit"] == hub.sha  # refused if the repo moved
    local = {f.path: f.sha256 for f in release_files(release)}
    assert hub.lfs_uploads == [local[changed]]  # the only bytes sent
    assert "hf_placeholder" not in proc.stdout + proc.stderr


@pytest.mark.crawl
def test_a_repository_that_moved_meanwhile_is_not_overwritten(release: Path, crawl: Path, tmp_path) -> None:
    hub = FakeHub("someone/hfpapers", hub_tree(release))
    hub.moved = True
    try:
        proc = push_cli(hub, release, crawl, tmp_path)
    finally:
        hub.server.shutdown()
    assert proc.returncode == 1 and hub.commits == []
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        "hfpapers-release: someone/hfpapers changed after it was compared with the release: nothing was "
        "committed, run the command again"
    ], proc.stderr


@pytest.mark.crawl
def test_push_of_an_unchanged_release_makes_no_commit(release: Path, crawl: Path, tmp_path) -> None:
    hub = FakeHub("someone/hfpapers", hub_tree(release, changed=None))
    try:
        proc = push_cli(hub, release, crawl, tmp_path)
    finally:
        hub.server.shutdown()
    assert proc.returncode == 0, proc.stderr
    total = len(release_files(release))
    assert f"0 added, 0 changed, {total} unchanged, 0 deleted" in proc.stdout.splitlines()
    assert proc.stdout.splitlines()[-1] == "nothing to upload: the repository is up to date"
    assert hub.commits == [] and hub.lfs_uploads == []


@pytest.mark.crawl
def test_push_creates_a_missing_repository_and_sends_everything(release: Path, crawl: Path, tmp_path) -> None:
    hub = FakeHub("someone/hfpapers", None)
    try:
        proc = push_cli(hub, release, crawl, tmp_path, "--private")
    finally:
        hub.server.shutdown()
    assert proc.returncode == 0, proc.stderr
    assert "someone/hfpapers does not exist yet: it will be created" in proc.stdout
    assert [(c["name"], c["organization"], c["type"], c["visibility"]) for c in hub.created] == [
        ("hfpapers", "someone", "dataset", "private")
    ]
    local = release_files(release)
    assert hub.committed("file") == ["LICENSE.md", "README.md"]
    assert hub.committed("lfsFile") == sorted(
        f.path for f in local if f.path not in ("LICENSE.md", "README.md")
    )
    assert "parentCommit" not in hub.commits[0][0]["value"]  # a new repository has no head yet
    assert sorted(hub.lfs_uploads) == sorted(f.sha256 for f in local if f.path.endswith((".parquet", ".png")))


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


@pytest.mark.crawl
def test_private_without_push_is_refused_like_dry_run(tmp_path) -> None:
    for flag in ("--private", "--dry-run"):
        proc = release_cli(str(tmp_path / "out"), "--data-dir", str(tmp_path), flag)
        assert proc.returncode == 2 and f"{flag} needs --push REPO_ID" in proc.stderr, proc.stderr
        assert not (tmp_path / "out").exists()
