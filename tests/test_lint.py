"""The code stays ruff-formatted and ruff-clean (the project's ruff settings are in pyproject.toml);
.ci/run also runs both, and mypy, before the suite."""

import subprocess
import sys

import pytest

from tests.tools.replay import ROOT


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff(command: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
