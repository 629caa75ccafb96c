"""End to end: arXiv's real "No HTML for '<id>'" answer (tests/fixtures/arxiv_stub/) sends the crawl
to the abs page, whether it comes with status 200 or 404, and the paper's `fulltext` row says
`no_html` from the `abs` source — not a fetch error."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tools.crawl import crawl
from tests.tools.derived import ABS_ID
from tests.tools.derived import ARXIV_DAY as DAY
from tests.tools.derived import derive_arxiv_day as derive_overlay
from tests.tools.replay import FIXTURES, start_replay

pytestmark = pytest.mark.crawl

STUB = FIXTURES / "arxiv_stub" / "2601.17668_no-html-stub_2026-01or02.html"
HTML_PATH = f"/arxiv/html/{ABS_ID}v2"  # the version the derived Atom entry reports


def stub_for(paper: str) -> bytes:
    """The real stub as arXiv would send it for `paper` (the capture was for 2601.17668)."""
    return STUB.read_bytes().replace(b"'2601.17668'", f"'{paper}'".encode())


@pytest.mark.parametrize("status", [200, 404])
def test_stub_answer_falls_back_to_the_abs_page(tmp_path, status: int) -> None:
    overlay = derive_overlay(tmp_path / "overlay")
    body = stub_for(f"{ABS_ID}v2").decode()
    # The stub is served for the paper's versioned HTML URL, once (a scripted answer) — the
    # crawl asks for that URL once, so the recorded 404 behind it is never reached.
    server, replay = start_replay(
        tmp_path, overlay=overlay, faults={HTML_PATH: [{"status": status, "body": body}]}
    )
    try:
        result = crawl(replay, tmp_path / "data", f"date={DAY}", settings={"HTTPCACHE_ENABLED": "False"})
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    served = [r for r in replay.requests() if r["path"] == HTML_PATH]
    assert [r["status"] for r in served] == [status]
    row = pd.read_parquet(result.data_dir / "fulltext").set_index("arxiv_id").loc[ABS_ID]
    assert (row["fulltext_source"], row["fulltext_status"]) == ("abs", "no_html")
    assert row["version"] == 2 and len(row["submission_history"]) == 2  # read from the abs page
    rejects = result.data_dir / "rejects"  # written only when something was kept out
    assert not rejects.exists() or ABS_ID not in set(pd.read_parquet(rejects)["arxiv_id"].dropna())
    assert result.stats().get("hfpapers/fulltext/fetch_error") is None
