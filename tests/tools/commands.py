"""The project's other console scripts as a user runs them: hfpapers-demo, hfpapers-rebuild."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.tools.crawl import CRAWL_ENV
from tests.tools.replay import ROOT

BIN = Path(sys.executable).parent  # the venv's scripts: hfpapers-demo, python
DEMO = BIN / "hfpapers-demo"
DEMO_ENV = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(Path.home())}
REBUILD = BIN / "hfpapers-rebuild"


def run_demo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DEMO), *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=DEMO_ENV
    )


def run_rebuild(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """hfpapers-rebuild (no network, no replay server)."""
    return subprocess.run(
        [str(REBUILD), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=CRAWL_ENV
    )
