"""The recorded responses of tests/fixtures and the replay server that serves them on loopback
(scraper.use.demo.replay), as the tests start it."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

from scraper.use.demo.replay import FaultPlan, replay_settings, serve

ROOT = Path(__file__).resolve().parents[2]
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

    def fault_report(self) -> dict:
        """The server's count of faults served so far (GET /_faults)."""
        with urllib.request.urlopen(f"{self.base}/_faults", timeout=10) as answer:
            return json.loads(answer.read())


def start_replay(
    tmp: Path,
    overlay: Path | None = None,
    faults: dict | None = None,
    robots: bytes | None = None,
    fault_plan: FaultPlan | None = None,
    page_cap: int | None = None,
) -> tuple[ThreadingHTTPServer, Replay]:
    """A replay server of tests/fixtures (under `overlay`, if given) on a free loopback port; the
    caller shuts it down. Requests are logged to `tmp`/replay-requests.jsonl."""
    log_path = tmp / "replay-requests.jsonl"
    folders = [overlay, FIXTURES] if overlay else [FIXTURES]
    server = serve(folders, 0, "127.0.0.1", log_path, robots, faults, fault_plan, page_cap)
    return server, Replay(f"http://127.0.0.1:{server.server_address[1]}", log_path)
