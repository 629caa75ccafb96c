"""`hfpapers-parse`, run as a user runs it (the installed console script, in a subprocess), on real
captures and on bad files derived from them inside the test."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scraper.derive.rows import abstract_claims
from scraper.parse.hf_daily_api import parse_daily_api
from scraper.schema.papers import PAPERS
from tests.tools.replay import FIXTURES, ROOT

DAY = FIXTURES / "hf_daily_api" / "2025-09-30.json"
HTML = FIXTURES / "arxiv_html" / "2501.11120v1.html"
STUB = FIXTURES / "arxiv_stub" / "2601.17668_no-html-stub_2026-01or02.html"
SCRIPT = shutil.which("hfpapers-parse", path=str(Path(sys.executable).parent))


def run(*args: str | Path) -> subprocess.CompletedProcess:
    cmd = [SCRIPT] if SCRIPT else [sys.executable, "-m", "scraper.use.parse_answer"]
    return subprocess.run([*cmd, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=120)


def lines(proc: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_hf_list_prints_papers_rows_with_headline_claims() -> None:
    proc = run(DAY)
    assert proc.returncode == 0, proc.stderr
    papers = lines(proc)
    assert len(papers) == 50 and proc.stderr == ""
    sla = next(p for p in papers if p["arxiv_id"] == "2509.24006")
    assert sla["listing_date"] == "2025-09-30" and sla["hf_url"].endswith("/2509.24006")
    assert list(sla) == PAPERS.names  # every column of the table, in its order
    assert sla["arxiv_version"] is None and sla["source_url"] == str(DAY)  # no API join here
    assert sla["headline_claims"] and "13.7x speedup" in sla["headline_claims"][0]
    # the same headlines as the crawl's derivation of that record
    record = next(r for r in parse_daily_api(DAY.read_bytes()).records if r["arxiv_id"] == "2509.24006")
    abstract_claims(record)
    assert sla["headline_claims"] == record["headline_claims"]


def test_table_claims_of_an_hf_list() -> None:
    proc = run(DAY, "--table", "claims")
    assert proc.returncode == 0, proc.stderr
    claims = lines(proc)
    assert {c["source_section"] for c in claims} == {"abstract"}
    assert len({c["arxiv_id"] for c in claims}) > 10
    assert {"claim_text", "value", "unit", "kind", "qualifier"} <= set(claims[0])


def test_table_metrics_of_an_arxiv_page() -> None:
    proc = run(HTML, "--table", "metrics")
    assert proc.returncode == 0, proc.stderr
    metrics = lines(proc)
    assert len(metrics) == 102 and {m["arxiv_id"] for m in metrics} == {"2501.11120"}
    assert all(isinstance(m["value"], float) for m in metrics)


def test_table_the_page_cannot_give_is_one_line_exit_2() -> None:
    proc = run(DAY, "--table", "metrics")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "no metrics rows" in proc.stderr


def test_real_no_html_stub_is_recognised() -> None:
    proc = run(STUB)
    assert proc.returncode == 0, proc.stderr
    (row,) = lines(proc)
    assert (row["arxiv_id"], row["fulltext_status"], row["fulltext_source"]) == (
        "2601.17668",
        "no_html",
        "none",
    )
    assert run(STUB, "--table", "metrics").stdout == ""  # no page, no rows


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        # derived from a real entry: the list as Python repr() strings instead of objects
        (lambda real: [repr(e) for e in real[:3]], "entry_not_an_object"),
        ([{"foo": 1}], "entry_without_paper"),
    ],
)
def test_list_without_usable_entries_exits_2(tmp_path: Path, entries, reason: str) -> None:
    real = json.loads(DAY.read_bytes())
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(entries(real) if callable(entries) else entries))
    proc = run(bad)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "nothing usable" in proc.stderr and reason in proc.stderr


def test_some_rejected_entries_are_reported(tmp_path: Path) -> None:
    real = json.loads(DAY.read_bytes())
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps([*real[:2], {"foo": 1}, "not an entry"]))
    proc = run(mixed)
    assert proc.returncode == 0
    assert len(lines(proc)) == 2
    errors = proc.stderr.splitlines()
    assert len(errors) == 2
    assert "entry_without_paper" in errors[0] and "entry_not_an_object" in errors[1]


def test_help_is_whole_sentences() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "--table {metrics,claims}" in text
    description = text.split("file ", 1)[1].split(" positional arguments:")[0]
    assert description.endswith("holds nothing usable.")
