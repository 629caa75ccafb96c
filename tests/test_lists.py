"""Complete lists, kept current, and never a good day lost (issue: complete lists).

Every crawl here is the real spider, run in this process (tests/tools/crawl.py), against the replay
server, which pages `/api/daily_papers` by HF's rules (`limit` default 50, at most 100, `p` 0-based).
The big and growing days are DERIVED from real entries: the recorded days' entries
(tests/fixtures/hf_daily_api/) are pooled, de-duplicated by paper id and served as one day; "grown"
adds further real entries and raises every upvote count by a fixed amount. Nothing in a recorded file
is edited.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from scraper.fetch.lists import MAX_UNUSABLE_SHARE, PagedList, allowed_to_leave, judge
from scraper.parse.hf_daily_api import entries_to_daily_list
from tests.tools.commands import run_rebuild
from tests.tools.crawl import CrawlResult, crawl
from tests.tools.replay import FIXTURES, start_replay
from tests.tools.tables import assert_same_tables

NO_ARXIV = {"HFPAPERS_ARXIV": "false"}
BIG_DAY = "2025-10-06"  # a Monday without a capture: the derived day is served there


def real_entries(count: int, skip: int = 0) -> list[dict]:
    """`count` real daily entries with distinct paper ids, pooled from every recorded day."""
    pool: dict[str, dict] = {}
    for path in sorted((FIXTURES / "hf_daily_api").glob("20*.json")):
        for entry in json.loads(path.read_text()):
            pool.setdefault(entry["paper"]["id"], entry)
    entries = list(pool.values())
    assert len(entries) >= skip + count, f"only {len(entries)} distinct real entries recorded"
    return [json.loads(json.dumps(e)) for e in entries[skip : skip + count]]


def serve_day(overlay: Path, day: str, entries: list | bytes) -> None:
    folder = overlay / "hf_daily_api"
    folder.mkdir(parents=True, exist_ok=True)
    body = entries if isinstance(entries, bytes) else json.dumps(entries).encode()
    (folder / f"{day}.json").write_bytes(body)


def with_more_upvotes(entries: list[dict], more: int) -> list[dict]:
    raised = json.loads(json.dumps(entries))
    for entry in raised:
        entry["paper"]["upvotes"] = entry["paper"].get("upvotes", 0) + more
    return raised


def list_requests(replay, day: str) -> list[str]:
    return [r["path"] for r in replay.requests() if f"daily_papers?date={day}" in r["path"]]


def ratings(data_dir: Path, day: str) -> pd.DataFrame:
    files = sorted((data_dir / "ratings" / f"date={day}").glob("*.parquet"))
    return pd.concat([pq.read_table(f).to_pandas().assign(file=f.name) for f in files])


def crawl_served_day(
    tmp_path: Path, answer: list | bytes, settings: dict | None = None, accept: bool = False, **replay_options
):
    """Serve `answer` as BIG_DAY's list and crawl that day once (HF only) into tmp_path/data;
    return the crawl's result and the replay server's record of requests. `accept`: the crawl is
    told the day's list really shrank (`-a accept_shrunk=yes`)."""
    serve_day(tmp_path / "overlay", BIG_DAY, answer)
    server, replay = start_replay(tmp_path, overlay=tmp_path / "overlay", **replay_options)
    args = [f"date={BIG_DAY}", *(["accept_shrunk=yes"] if accept else [])]
    try:
        result = crawl(replay, tmp_path / "data", *args, settings={**NO_ARXIV, **(settings or {})})
    finally:
        server.shutdown()
    return result, replay


def crawl_with_args(tmp_path: Path, *args: str) -> CrawlResult:
    """A crawl with these `-a` arguments against a replay server of the recordings."""
    server, replay = start_replay(tmp_path)
    try:
        return crawl(replay, tmp_path / "data", *args, settings=NO_ARXIV)
    finally:
        server.shutdown()


def data_files(data_dir: Path, day: str) -> dict[str, bytes]:
    """Every data partition file of `day` (rejects aside: they record each crawl's problems)."""
    return {
        str(p.relative_to(data_dir)): p.read_bytes()
        for p in sorted(data_dir.glob(f"*/date={day}/*.parquet"))
        if p.parts[-3] != "rejects"
    }


# -- paging -----------------------------------------------------------------------------------------


def test_the_replay_server_pages_as_hf_does(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    serve_day(overlay, BIG_DAY, real_entries(130))
    server, replay = start_replay(tmp_path, overlay=overlay)
    try:

        def get(query: str) -> list:
            with urllib.request.urlopen(f"{replay.base}/hf/api/daily_papers?{query}") as answer:
                return json.loads(answer.read())

        assert len(get(f"date={BIG_DAY}")) == 50  # the default page size
        assert len(get(f"date={BIG_DAY}&limit=100")) == 100
        assert len(get(f"date={BIG_DAY}&limit=100&p=1")) == 30  # p is 0-based
        assert get(f"date={BIG_DAY}&limit=100&p=2") == []
        with pytest.raises(urllib.error.HTTPError) as too_big:
            get(f"date={BIG_DAY}&limit=101")
        assert too_big.value.code == 400
    finally:
        server.shutdown()


@pytest.mark.crawl
def test_a_day_of_130_papers_is_written_whole_then_grows_to_140(tmp_path: Path) -> None:
    overlay, data = tmp_path / "overlay", tmp_path / "data"
    first = real_entries(130)
    serve_day(overlay, BIG_DAY, first)
    server, replay = start_replay(tmp_path, overlay=overlay)
    try:
        result = crawl(replay, data, f"date={BIG_DAY}", settings=NO_ARXIV)
        assert result.returncode == 0, result.log[-3000:]
        papers = pd.read_parquet(data / "papers" / f"date={BIG_DAY}")
        assert len(papers) == 130
        assert sorted(papers["listing_rank"]) == list(range(1, 131))
        assert set(papers["arxiv_id"]) == {e["paper"]["id"] for e in first}
        pages = list_requests(replay, BIG_DAY)
        assert pages == [f"/hf/api/daily_papers?date={BIG_DAY}&limit=100&p={p}" for p in (0, 1, 2)]

        grown = with_more_upvotes(first, 7) + real_entries(10, skip=130)
        serve_day(overlay, BIG_DAY, grown)
        result = crawl(replay, data, f"date={BIG_DAY}", settings=NO_ARXIV)
        assert result.returncode == 0, result.log[-3000:]
    finally:
        server.shutdown()
    papers = pd.read_parquet(data / "papers" / f"date={BIG_DAY}").set_index("arxiv_id")
    assert len(papers) == 140
    expected = {e["paper"]["id"]: e["paper"]["upvotes"] for e in grown}
    assert papers["upvotes"].to_dict() == expected  # the latest values

    history = ratings(data, BIG_DAY)
    assert history["file"].unique().tolist() == ["part-0.parquet"]  # one file per day, every crawl in it
    originals = history[history["arxiv_id"].isin({e["paper"]["id"] for e in first})]
    per_paper = originals.groupby("arxiv_id")
    assert per_paper.size().eq(2).all() and len(per_paper) == 130
    assert per_paper["crawled_at"].nunique().eq(2).all()
    curve = originals.sort_values("crawled_at").groupby("arxiv_id")["upvotes"].agg(list)
    assert all(later - earlier == 7 for earlier, later in curve)


def test_a_server_that_pages_smaller_than_asked_still_gives_the_whole_day(tmp_path: Path) -> None:
    result, replay = crawl_served_day(tmp_path, real_entries(130), page_cap=50)
    assert result.returncode == 0, result.log[-3000:]
    assert len(pd.read_parquet(tmp_path / "data" / "papers" / f"date={BIG_DAY}")) == 130
    # 50 + 50 + 30 (a short page is not the end) + the empty page that is
    assert len(list_requests(replay, BIG_DAY)) == 4


def test_paging_stops_on_a_page_of_nothing_new() -> None:
    entries = real_entries(5)
    pages = PagedList()
    assert pages.add_page(entries) == 5
    assert pages.add_page(entries[2:]) == 0  # a server that ignores `p` repeats itself
    assert pages.repeated == 3
    assert [r["listing_rank"] for r in pages.daily_list(None).records] == [1, 2, 3, 4, 5]


# -- the refresh window -------------------------------------------------------------------------

LATEST = "2026-07-31"  # the undated capture's day
GROWING = "2026-07-28"  # three days earlier


def test_the_latest_crawl_refreshes_a_day_whose_list_grew(tmp_path: Path) -> None:
    overlay, data = tmp_path / "overlay", tmp_path / "data"
    entries = real_entries(25)
    serve_day(overlay, GROWING, entries[:20])
    server, replay = start_replay(tmp_path, overlay=overlay)
    try:
        result = crawl(replay, data, f"date={GROWING}", settings=NO_ARXIV)
        assert result.returncode == 0, result.log[-3000:]
        assert len(pd.read_parquet(data / "papers" / f"date={GROWING}")) == 20

        serve_day(overlay, GROWING, with_more_upvotes(entries, 3))
        result = crawl(replay, data, settings=NO_ARXIV)  # no date: latest day + 14 before it
        assert result.returncode == 0, result.log[-3000:]
        refreshed = [p for p in replay.requests() if "date=" in p["path"]]
        no_refresh = crawl(replay, tmp_path / "latest-only", "refresh=0", settings=NO_ARXIV)
    finally:
        server.shutdown()
    assert len(pd.read_parquet(data / "papers" / f"date={LATEST}")) == 30
    papers = pd.read_parquet(data / "papers" / f"date={GROWING}")
    assert len(papers) == 25
    assert papers.set_index("arxiv_id")["upvotes"].to_dict() == {
        e["paper"]["id"]: e["paper"]["upvotes"] + 3 for e in entries
    }
    assert "the latest listing day is 2026-07-31; refreshing the 14 days before it" in result.log
    asked_days = {p["path"].split("date=")[1][:10] for p in refreshed}
    assert asked_days >= {f"2026-07-{d:02d}" for d in range(17, 32)}
    stats = result.stats()
    assert stats["hfpapers/refresh_days"] == 14 and stats["hfpapers/latest_day"] == LATEST
    assert no_refresh.returncode == 0, no_refresh.log[-3000:]
    assert sorted(p.name for p in (tmp_path / "latest-only" / "papers").iterdir()) == [f"date={LATEST}"]


# -- a bad answer never replaces a good day ---------------------------------------------------------


def _crawl_twice(tmp_path: Path, first: list, second: list | bytes):
    overlay, data = tmp_path / "overlay", tmp_path / "data"
    serve_day(overlay, BIG_DAY, first)
    server, replay = start_replay(tmp_path, overlay=overlay)
    try:
        good = crawl(replay, data, f"date={BIG_DAY}", settings=NO_ARXIV)
        assert good.returncode == 0, good.log[-3000:]
        before = data_files(data, BIG_DAY)
        serve_day(overlay, BIG_DAY, second)
        bad = crawl(replay, data, f"date={BIG_DAY}", settings=NO_ARXIV)
    finally:
        server.shutdown()
    return before, data_files(data, BIG_DAY), bad, data


@pytest.mark.crawl
@pytest.mark.parametrize(
    "answer",
    [
        pytest.param([], id="empty-list"),
        pytest.param("repr", id="non-object-entries"),
        pytest.param("few", id="most-papers-gone"),
        pytest.param("half", id="half-the-papers-gone"),
        pytest.param("four", id="four-of-30-gone"),
    ],
)
def test_a_bad_answer_leaves_a_good_day_byte_identical(tmp_path: Path, answer) -> None:
    entries = real_entries(30)
    if answer == "repr":  # as seen in the wild: Python repr() strings instead of objects
        answer = [repr(e) for e in entries]
    elif answer == "few":
        answer = entries[:5]
    elif answer == "half":  # the rule used to be "fewer than half": 15 of 30 went through
        answer = entries[:15]
    elif answer == "four":  # one more than a list may lose (allowed_to_leave(30) == 3)
        answer = entries[:26]
    before, after, bad, data = _crawl_twice(tmp_path, entries, answer)
    assert bad.returncode == 1, bad.log[-3000:]
    assert before and after == before
    assert any(
        f"{BIG_DAY}: " in line and "kept as they were" in line and "ERROR" in line
        for line in bad.log.splitlines()
    )
    rejects = pd.read_parquet(data / "rejects" / f"date={BIG_DAY}")
    assert "suspicious_list" in set(rejects["reason"])
    # A rebuild judges the bad answer against what the good crawl left, as the crawl did.
    rebuilt = run_rebuild("--data", str(data), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert rebuilt.returncode == 0, rebuilt.stdout[-2000:] + rebuilt.stderr[-2000:]
    assert_same_tables(data, tmp_path / "out")


def test_a_list_that_really_shrank_is_accepted_when_the_maintainer_says_so(tmp_path: Path) -> None:
    entries = real_entries(30)
    _, _, refused, data = _crawl_twice(tmp_path / "first", entries, entries[:15])
    assert refused.returncode == 1 and "-a accept_shrunk=yes" in refused.log
    result, _ = crawl_served_day(tmp_path / "first", entries[:15], settings={}, accept=True)
    assert result.returncode == 0, result.log[-3000:]
    papers = pd.read_parquet(data / "papers" / f"date={BIG_DAY}")
    assert sorted(papers["arxiv_id"]) == sorted(e["paper"]["id"] for e in entries[:15])
    assert result.log.count("is no longer on the day's list") == 15


def test_accepting_a_shrunk_list_wants_the_days_named(tmp_path: Path) -> None:
    result = crawl_with_args(tmp_path, "accept_shrunk=yes")
    assert result.returncode == 2
    assert "accept_shrunk=yes goes with date=" in result.log.strip().splitlines()[-1]


@pytest.mark.crawl
def test_an_undated_empty_answer_fails_the_refresh(tmp_path: Path) -> None:
    """HF's undated answer names the latest day; an empty one cannot, so none of the refresh
    window is crawled — exit 1, an ERROR line, a reject, whether or not days are written."""
    entries = real_entries(12)
    serve_day(tmp_path / "overlay", BIG_DAY, entries)
    # Derived: an undated answer of `[]`, newer than the recorded undated capture.
    serve_day(tmp_path / "overlay", "default-endpoint_2026-12-31_raw", [])
    server, replay = start_replay(tmp_path, overlay=tmp_path / "overlay")
    data = tmp_path / "data"
    try:
        written = crawl(replay, data, f"date={BIG_DAY}", settings=NO_ARXIV)
        assert written.returncode == 0, written.log[-3000:]
        before = data_files(data, BIG_DAY)
        result = crawl(replay, data, settings=NO_ARXIV)
    finally:
        server.shutdown()
    assert result.returncode == 1, result.log[-3000:]
    assert "undated list came back without papers" in result.log.strip().splitlines()[-1]
    assert data_files(data, BIG_DAY) == before
    rejects = pd.read_parquet(data / "rejects")
    assert "suspicious_list" in set(rejects["reason"])


@pytest.mark.crawl
def test_a_paper_that_leaves_the_list_leaves_the_day_but_keeps_its_ratings(tmp_path: Path) -> None:
    entries = real_entries(38)
    gone = entries[17]["paper"]["id"]
    before, after, second, data = _crawl_twice(tmp_path, entries, entries[:17] + entries[18:])
    assert second.returncode == 0, second.log[-3000:]
    papers = pd.read_parquet(data / "papers" / f"date={BIG_DAY}")
    assert len(papers) == 37 and gone not in set(papers["arxiv_id"])
    assert f"{gone} is no longer on the day's list" in second.log
    history = ratings(data, BIG_DAY)
    assert len(history[history["arxiv_id"] == gone]) == 1  # the first crawl's snapshot stays


def test_unusable_entries_fail_the_day_and_are_not_journaled(tmp_path: Path) -> None:
    """17 of 35 entries not objects, on a day never written before: exit 1, the reason in
    `rejects`, and a resumed job tries the day again."""
    entries: list = real_entries(18)
    entries += [repr(e) for e in real_entries(17, skip=18)]
    data, job = tmp_path / "data", tmp_path / "job"
    result, _ = crawl_served_day(tmp_path, entries, settings={"JOBDIR": str(job)})
    assert result.returncode == 1, result.log[-3000:]
    assert not (data / "papers").exists()
    rejects = pd.read_parquet(data / "rejects" / f"date={BIG_DAY}")
    assert (rejects["reason"] == "entry_not_an_object").sum() == 17
    from scraper.fetch.journal import DayJournal

    journal = DayJournal(job / "hfpapers-days.jsonl")
    assert BIG_DAY not in {d.isoformat() for d in journal.finished("api", str(data.resolve()))}


@pytest.mark.crawl
def test_ids_that_are_not_arxiv_ids_go_to_rejects_only(tmp_path: Path) -> None:
    entries = real_entries(20)
    bad = json.loads(json.dumps(entries[:2]))
    bad[0]["paper"]["id"], bad[1]["paper"]["id"] = "../../x", "2507.0000\n1"
    result, _ = crawl_served_day(tmp_path, entries + bad)
    data = tmp_path / "data"
    assert result.returncode == 0, result.log[-3000:]
    papers = pd.read_parquet(data / "papers")
    assert len(papers) == 20 and not {"../../x", "2507.0000\n1"} & set(papers["arxiv_id"])
    rejects = pd.read_parquet(data / "rejects")
    assert sorted(rejects.loc[rejects["reason"] == "not_an_arxiv_id", "arxiv_id"]) == [
        "../../x",
        "2507.0000\n1",
    ]
    # each names the page its entry was on (p=0), not the empty page that closed the list (p=1)
    kept_out = rejects[rejects["reason"] == "not_an_arxiv_id"]
    assert all(url.endswith(f"date={BIG_DAY}&limit=100&p=0") for url in kept_out["source_url"])


@pytest.mark.crawl
def test_an_oversized_list_fails_the_day_loudly(tmp_path: Path) -> None:
    """A 20 MiB answer (real entries, their summaries padded) is over the 16 MiB cap per list
    page: the download is cancelled, the day fails with exit 1, nothing is buffered."""
    entries = real_entries(20)
    for entry in entries:
        entry["paper"]["summary"] = "x" * (1024 * 1024)
    result, _ = crawl_served_day(tmp_path, entries)
    assert result.returncode == 1, result.log[-3000:]
    assert "larger than download max size" in result.log
    assert not (tmp_path / "data" / "papers").exists()


@pytest.mark.crawl
def test_an_oversized_list_without_content_length_says_why(tmp_path: Path) -> None:
    """The same cap when the server sends no Content-Length (the body ends when the connection
    closes): Scrapy cancels the download with no message of its own; the reject says why."""
    body = (FIXTURES / "hf_daily_api" / "2025-09-30.json").read_text()  # 359 KB, real
    unframed = {
        "status": 200,
        "body": body,
        "headers": {"Content-Type": "application/json"},
        "unframed": True,
    }
    path = f"/hf/api/daily_papers?date={BIG_DAY}&limit=100&p=0"
    result, _ = crawl_served_day(
        tmp_path,
        real_entries(3),
        settings={"HFPAPERS_MAX_LIST_BYTES": str(100_000), "RETRY_TIMES": "0"},
        faults={path: [unframed]},
    )
    assert result.returncode == 1, result.log[-3000:]
    rejects = pd.read_parquet(tmp_path / "data" / "rejects")
    detail = rejects.loc[rejects["reason"] == "fetch_failed", "detail"].iloc[0]
    assert detail == "the answer grew past the download size limit (100000 bytes) and was cancelled"
    assert "grew past the download size limit" in result.log.strip().splitlines()[-1]


def test_judge_thresholds() -> None:
    good = entries_to_daily_list(real_entries(10), None)
    ids = {r["arxiv_id"] for r in good.records}
    assert judge(good, set()).ok and judge(good, ids).ok
    assert not judge(entries_to_daily_list([], None), ids).ok
    assert judge(entries_to_daily_list([], None), set()).ok  # a day without a list, never written
    mostly_bad = real_entries(4) + ["x"] * 2
    assert MAX_UNUSABLE_SHARE < 2 / 6 and not judge(entries_to_daily_list(mostly_bad, None), set()).ok
    left = judge(entries_to_daily_list(real_entries(9), None), ids)
    assert left.ok and len(left.left) == 1
    # A list may lose a few papers (real lists lose one or two), never dozens.
    assert allowed_to_leave(10) == allowed_to_leave(60) == 3 and allowed_to_leave(130) == 7
    day = entries_to_daily_list(real_entries(30), None)
    written = {r["arxiv_id"] for r in day.records}
    assert judge(entries_to_daily_list(real_entries(27), None), written).ok
    lost_four = judge(entries_to_daily_list(real_entries(26), None), written)
    assert not lost_four.ok and len(lost_four.left) == 4
    assert judge(entries_to_daily_list(real_entries(26), None), written, accept_shrunk=True).ok


# -- what a refresh costs ---------------------------------------------------------------------------


def _requests_by_kind(requests: list[dict]) -> dict[str, int]:
    kinds = {
        "hf_list": "/hf/api/daily_papers",
        "arxiv_api": "/export/api/query",
        "arxiv_html": "/arxiv/html/",
        "arxiv_abs": "/arxiv/abs/",
    }
    return {kind: sum(r["path"].startswith(prefix) for r in requests) for kind, prefix in kinds.items()}


@pytest.mark.crawl
def test_what_a_refresh_costs(tmp_path: Path) -> None:
    """Two undated crawls (latest day + 14 days before it) of a window holding the derived arXiv
    day (tests/tools/derived.py, served as 2026-07-30) and a derived day of 20 real entries
    (2026-07-28);
    between them both days grow. The second crawl fetches every list again, asks the arXiv API for
    the days' ids again, and fetches arXiv pages only for what it has not fetched before: the
    versioned pages come from the archive (the HTTP cache's store). Prints the figures (pytest -s)."""
    from tests.tools.derived import ABS_ID, ARXIV_DAY, HTML_ID, derive_arxiv_day

    overlay = derive_arxiv_day(tmp_path / "overlay", FIXTURES)
    arxiv_day = json.loads((overlay / "hf_daily_api" / f"{ARXIV_DAY}.json").read_text())
    extra = real_entries(26)
    serve_day(overlay, GROWING, extra[:20])
    server, replay = start_replay(tmp_path, overlay=overlay)
    settings: dict[str, str] = {}  # the versioned pages' cache is the data folder's archive
    try:
        cold = crawl(replay, tmp_path / "data", settings=settings)
        cold_requests, cold_stats = replay.requests(), cold.stats()
        replay.log_path.unlink()
        serve_day(overlay, GROWING, with_more_upvotes(extra[:24], 5))
        serve_day(overlay, ARXIV_DAY, arxiv_day + extra[24:26])
        warm = crawl(replay, tmp_path / "data", settings=settings)
        warm_requests = replay.requests()
    finally:
        server.shutdown()
    assert cold.returncode == 0, cold.log[-3000:]
    assert warm.returncode == 0, warm.log[-3000:]
    papers = pd.read_parquet(tmp_path / "data" / "papers")
    assert papers.groupby("date", observed=True).size().to_dict() == {
        GROWING: 24,
        ARXIV_DAY: len(arxiv_day) + 2,
        LATEST: 30,
    }
    warm_paths = [r["path"] for r in warm_requests]
    assert f"/arxiv/html/{HTML_ID}v1" not in warm_paths  # fetched once, ever
    assert not any(p.startswith(f"/arxiv/abs/{ABS_ID}") for p in warm_paths)
    # the papers already in their days keep their page rows: not even read from the archive
    assert warm.stats()["hfpapers/pages_kept"] == 30 + len(arxiv_day) + 20  # (the latest day: 30)

    figures = {"cold": _requests_by_kind(cold_requests), "refresh": _requests_by_kind(warm_requests)}
    for run, stats in (("cold", cold_stats), ("refresh", warm.stats())):
        figures[run]["served from cache"] = stats.get("httpcache/hit", 0)
        figures[run]["page rows kept"] = stats.get("hfpapers/pages_kept", 0)
    print("\nrequests of an undated crawl (latest day + 14-day refresh window, 3 listed days):")
    for run, counts in figures.items():
        print(f"  {run:8s} " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    # The undated request — the latest day's first page — then the 14 days before it; a listed day
    # needs its page and the empty page after it.
    assert figures["refresh"]["hf_list"] == 1 + 14 + 3
    # Only the 6 papers new to the window reach arXiv's pages (HTML, then the abs fallback).
    assert figures["refresh"]["arxiv_html"] == figures["refresh"]["arxiv_abs"] == 6

    # The archive of both crawls rebuilds their tables exactly: each day replayed crawl by crawl
    # (undated, so as the latest day and its window), two ratings snapshots for the days listed in
    # both, the unchanged lists and empty closing pages read through their revisit records, and the
    # versioned pages the refresh took from the archive found in the first crawl's files.
    revisits = [
        line for p in (tmp_path / "data" / "raw").glob("*/*.cdxj") for line in p.read_text().splitlines()
    ]
    assert any('"type": "revisit"' in line for line in revisits)
    rebuilt = run_rebuild("--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"))
    assert rebuilt.returncode == 0, rebuilt.stdout[-2000:] + rebuilt.stderr[-2000:]
    assert_same_tables(tmp_path / "data", tmp_path / "out")


# -- the listing page (source=html): one page holds the whole day; real captures of a day rising ---

CAPTURES = FIXTURES / "hf_daily_html"


def serve_page(overlay: Path, day: str, capture: str) -> None:
    """Serve a real capture, byte for byte, as `day`'s listing page (only the file name differs)."""
    folder = overlay / "hf_daily_html"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{day}.html").write_bytes((CAPTURES / capture).read_bytes())


@pytest.mark.crawl
def test_the_listing_page_holds_a_whole_71_paper_day(tmp_path: Path) -> None:
    server, replay = start_replay(tmp_path)
    try:
        result = crawl(replay, tmp_path / "data", "date=2026-05-13", "source=html", settings=NO_ARXIV)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.log[-3000:]
    papers = pd.read_parquet(tmp_path / "data" / "papers")
    assert len(papers) == 71 and sorted(papers["listing_rank"]) == list(range(1, 72))
    assert len([r for r in replay.requests() if r["path"].startswith("/hf/papers")]) == 1


@pytest.mark.crawl
def test_three_real_captures_of_one_day_make_its_upvote_history(tmp_path: Path) -> None:
    """2026-02-27 captured on Saturday and on Monday: the same 28 papers, upvotes 656 → 722."""
    overlay, data, day = tmp_path / "overlay", tmp_path / "data", "2026-02-27"
    server, replay = start_replay(tmp_path, overlay=overlay)
    try:
        for capture in (
            "papers-date-2026-02-27_captured-2026-02-28T08-57Z.html",
            "papers-date-2026-02-27_captured-2026-03-02T10-31Z.html",
        ):
            serve_page(overlay, day, capture)
            result = crawl(replay, data, f"date={day}", "source=html", settings=NO_ARXIV)
            assert result.returncode == 0, result.log[-3000:]
    finally:
        server.shutdown()
    papers = pd.read_parquet(data / "papers")
    assert len(papers) == 28 and papers["upvotes"].sum() == 722  # the latest values
    history = ratings(data, day)
    per_crawl = history.groupby("crawled_at")["upvotes"].agg(["size", "sum"])
    assert per_crawl.values.tolist() == [[28, 656], [28, 722]]
    # The listing pages' archive (source=html, arXiv off) gives the same history again.
    rebuilt = run_rebuild("--data", str(data), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert rebuilt.returncode == 0, rebuilt.stdout[-2000:] + rebuilt.stderr[-2000:]
    assert_same_tables(data, tmp_path / "out")
