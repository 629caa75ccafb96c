"""The README stays true: every python example in it runs against a real crawl's output, and every
column of every table is documented in it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from scraper.schema.markdown import column_table
from scraper.schema.registry import TABLES
from tests.conftest import ROOT, run_demo

pytestmark = pytest.mark.crawl

README = (ROOT / "README.md").read_text()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A working directory whose data/ holds what `hfpapers-demo --out data` writes (as the README's
    demo section suggests): recorded days and the derived arXiv day (see tests/test_demo.py)."""
    work = tmp_path_factory.mktemp("readme")
    proc = run_demo("--out", "data", cwd=work)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return work


def test_readme_has_python_examples() -> None:
    assert len(PYTHON_BLOCKS) >= 4


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)))
def test_readme_example_runs(crawled, index: int) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PYTHON_BLOCKS[index]],
        cwd=crawled,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, f"README example {index} failed:\n{PYTHON_BLOCKS[index]}\n{proc.stderr}"
    assert proc.stdout.strip(), "every example prints something"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_column_tables_are_generated_from_the_schema(table: str) -> None:
    # Regenerate the README's block with: python -m tests.tools.readme_columns
    assert "\n".join(column_table(table)) in README


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_column_is_documented(table: str) -> None:
    section = README.split(f"### `{table}`", 1)
    assert len(section) == 2, f"README has no section for table {table}"
    body = section[1].split("\n### ", 1)[0]
    missing = [name for name in TABLES[table].names if f"`{name}`" not in body]
    assert not missing, f"columns of {table} missing from the README: {missing}"
