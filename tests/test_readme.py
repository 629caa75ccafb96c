"""The documentation stays true: every python example of the README and of docs/ runs against a real
crawl's output, every column of every table is documented in docs/tables.md, and the README stays a
front page that links every docs page."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from scraper.schema.markdown import column_table
from scraper.schema.registry import TABLES
from tests.tools.commands import run_demo
from tests.tools.docs import DOCS, README, TABLES_DOC, python_blocks
from tests.tools.replay import ROOT

PYTHON_BLOCKS = python_blocks()
TABLES_TEXT = TABLES_DOC.read_text()
#: The front page is read in minutes; the rest lives in docs/ (issue 20).
README_MAX_LINES = 300


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A working directory whose data/ holds what `hfpapers-demo --out data` writes (as the README's
    demo section suggests): recorded days and the derived arXiv day (see tests/test_demo.py)."""
    work = tmp_path_factory.mktemp("readme")
    (work / "data").mkdir()
    (work / "data" / ".gitkeep").touch()  # as in a fresh clone
    proc = run_demo("--out", "data", cwd=work)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return work


def test_the_docs_have_python_examples() -> None:
    assert sum(page == "README.md" for page, _ in PYTHON_BLOCKS) >= 3
    assert len(PYTHON_BLOCKS) >= 8


@pytest.mark.crawl
@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)))
def test_docs_example_runs(crawled, index: int) -> None:
    page, code = PYTHON_BLOCKS[index]
    proc = run_example(code, crawled)
    assert proc.returncode == 0, f"example {index} of {page} failed:\n{code}\n{proc.stderr}"
    assert proc.stdout.strip(), "every example prints something"
    # …and shows rows: an empty frame prints something too
    assert "Empty DataFrame" not in proc.stdout and "Series([]" not in proc.stdout, proc.stdout


def run_example(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.crawl
def test_the_best_result_example_finds_best_results_on_the_demo_data(crawled) -> None:
    (code,) = [code for page, code in PYTHON_BLOCKS if "mark a best result" in code]
    proc = run_example(code, crawled)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    found = re.fullmatch(r"(\d{4}-\d{2}-\d{2}): (\d+) of (\d+) papers mark a best result", lines[0])
    assert found, lines[0]
    best, with_results = int(found[2]), int(found[3])
    assert with_results >= 3 and 1 <= best <= with_results
    assert len(lines) == 2 + best  # the count, the header, one row per paper
    assert all(re.match(r"\s*\d{4}\.\d{4,5}\s", line) for line in lines[2:])


@pytest.mark.parametrize("table", sorted(TABLES))
def test_column_tables_are_generated_from_the_schema(table: str) -> None:
    # Regenerate docs/tables.md's block with: python -m tests.tools.readme_columns
    assert "\n".join(column_table(table)) in TABLES_TEXT


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_column_is_documented(table: str) -> None:
    section = TABLES_TEXT.split(f"### `{table}`", 1)
    assert len(section) == 2, f"docs/tables.md has no section for table {table}"
    body = section[1].split("\n### ", 1)[0]
    missing = [name for name in TABLES[table].names if f"`{name}`" not in body]
    assert not missing, f"columns of {table} missing from docs/tables.md: {missing}"


def test_the_readme_is_a_front_page_that_links_every_docs_page() -> None:
    text = README.read_text()
    assert len(text.splitlines()) <= README_MAX_LINES
    for page in sorted(DOCS.glob("*.md")):
        assert f"](docs/{page.name})" in text, f"the README does not link docs/{page.name}"
    for table in TABLES:
        assert f"`{table}`" in text, f"the README's table overview lacks {table}"


def test_relative_links_point_at_files() -> None:
    for page in (README, *sorted(DOCS.glob("*.md"))):
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links {target}, which does not exist"
