"""Shared test fixtures: the recorded responses, a replay server on loopback, and a helper that runs
the real `scrapy crawl hfpapers` in a subprocess against it (Twisted's reactor cannot restart in one
process, and a subprocess also tests the real command line)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scraper.replay import replay_settings, serve

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def fixture_bytes(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


@dataclass
class Replay:
    base: str
    log_path: Path

    def requests(self) -> list[dict]:
        if not self.log_path.exists():
            return []
        return [json.loads(line) for line in self.log_path.read_text().splitlines()]

    def settings(self) -> dict[str, str]:
        return replay_settings(self.base)


def start_replay(tmp: Path, overlay: Path | None = None, faults: dict | None = None,
                 robots: bytes | None = None):
    log_path = tmp / "replay-requests.jsonl"
    folders = [overlay, FIXTURES] if overlay else [FIXTURES]
    server = serve(folders, 0, "127.0.0.1", log_path, robots, faults)
    return server, Replay(f"http://127.0.0.1:{server.server_address[1]}", log_path)


@pytest.fixture(scope="session")
def replay(tmp_path_factory) -> Iterator[Replay]:
    """One replay server of the recorded responses for the whole test session."""
    server, info = start_replay(tmp_path_factory.mktemp("replay"))
    yield info
    server.shutdown()


@dataclass
class CrawlResult:
    returncode: int
    log: str
    data_dir: Path

    def report(self) -> dict:
        runs = sorted((self.data_dir / "_runs").glob("*.json"))
        assert runs, f"no run report written; log:\n{self.log[-3000:]}"
        return json.loads(runs[-1].read_text())

    def stats(self) -> dict:
        return self.report()["stats"]


def run_crawl(replay: Replay, data_dir: Path, *args: str, settings: dict | None = None,
              timeout: int = 300) -> CrawlResult:
    """`scrapy crawl hfpapers -a …` in a subprocess against `replay`, writing to `data_dir`."""
    all_settings = {
        **replay.settings(),
        "HFPAPERS_DATA_DIR": str(data_dir),
        "DOWNLOAD_DELAY": "0",
        "LOG_LEVEL": "INFO",
        **(settings or {}),
    }
    cmd = [sys.executable, "-m", "scrapy", "crawl", "hfpapers"]
    for arg in args:
        cmd += ["-a", arg]
    for key, value in all_settings.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    return CrawlResult(proc.returncode, proc.stdout + proc.stderr, data_dir)
