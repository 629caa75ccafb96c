"""The crawl's middlewares and the item pipelines, one component at a time, built from a real
crawler's settings (`scrapy.utils.test.get_crawler`, as Scrapy's own tests do) and fed real parsed
records and real recorded bodies — the quick loop's view of what the crawl tests show end to end."""

from __future__ import annotations

import datetime as dt
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import pytest
from scrapy import Request, Spider
from scrapy.exceptions import DropItem
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from pipelines.dedupe import DedupePipeline
from pipelines.normalize import NormalizePipeline
from pipelines.validate import ValidatePipeline
from pipelines.write import ParquetWriterPipeline
from scraper import settings as project_settings
from scraper.fetch.body_checks import BODY_KIND, BodyCheckMiddleware
from scraper.fetch.cache_policy import REFRESH_CACHE
from scraper.fetch.items import Reject, TableRow
from scraper.fetch.retry_after import RetryAfterMiddleware
from scraper.parse.hf_daily_api import parse_daily_api
from scraper.schema.ratings import RATED_COLUMNS
from tests.tools.replay import fixture_bytes

DAY = date(2025, 9, 29)
LIST_URL = "https://huggingface.co/api/daily_papers?date=2025-09-29&limit=100&p=0"


def crawler_with(**settings):
    project = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    crawler = get_crawler(Spider, {**project, **settings})
    crawler.spider = crawler._create_spider("components")
    return crawler


def real_rows() -> list[dict]:
    return parse_daily_api(fixture_bytes("hf_daily_api/2025-09-29.json"), LIST_URL, DAY).records


# -- downloader middlewares -------------------------------------------------------------------------


def test_a_truncated_body_is_retried_past_the_cache_and_a_whole_one_passes() -> None:
    crawler = crawler_with(RETRY_TIMES=2)
    middleware = BodyCheckMiddleware.from_crawler(crawler)
    request = Request(LIST_URL, meta={BODY_KIND: "json"})
    body = fixture_bytes("hf_daily_api/2025-09-29.json")
    whole = Response(LIST_URL, body=body, request=request)
    assert middleware.process_response(request, whole) is whole
    cut = Response(LIST_URL, body=body[: len(body) // 2], request=request)
    retry = middleware.process_response(request, cut)
    assert isinstance(retry, Request) and retry.meta[REFRESH_CACHE] is True
    assert retry.meta["retry_times"] == 1
    assert crawler.stats.get_value("hfpapers/body_check/truncated_body") == 1


def test_retry_after_pauses_the_domain_and_retries() -> None:
    crawler = crawler_with(RETRY_TIMES=2)
    # The middleware asks the engine's downloader which slot a request uses; without a running
    # engine, the slot is the host, as Scrapy's default slot key is.
    crawler.engine = SimpleNamespace(
        downloader=SimpleNamespace(get_slot_key=lambda request: urlsplit(request.url).hostname)
    )
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    request = Request(LIST_URL)
    limited = Response(LIST_URL, status=429, headers={"Retry-After": "7"}, request=request)
    retry = middleware.process_response(request, limited)
    assert isinstance(retry, Request) and retry.meta["retry_times"] == 1
    assert crawler.stats.get_value("retry/retry_after_honoured") == 1
    assert middleware._not_before["huggingface.co"] > 0
    too_long = Response(LIST_URL, status=429, headers={"Retry-After": "100000"}, request=request)
    assert middleware.process_response(request, too_long) is too_long  # gives up, says why


# -- item pipelines: normalize -> validate -> dedupe -> write ----------------------------------------


def run_pipelines(crawler, items: list) -> tuple[list, list, list]:
    """Items through the four pipelines, as Scrapy's item pipeline manager would; returns the
    items that passed, the drop messages, and the pipelines (keep them: signals hold them weakly)."""
    stages = [cls.from_crawler(crawler) for cls in (NormalizePipeline, ValidatePipeline, DedupePipeline)]
    writer = ParquetWriterPipeline.from_crawler(crawler)
    writer.open_spider()
    passed, dropped = [], []
    for item in items:
        try:
            for stage in stages:
                item = stage.process_item(item)
        except DropItem as exc:
            dropped.append(str(exc))
            continue
        passed.append(writer.process_item(item))
    return passed, dropped, [*stages, writer]


def test_pipelines_write_a_day_and_keep_out_what_breaks_the_schema(tmp_path: Path) -> None:
    crawler = crawler_with(HFPAPERS_DATA_DIR=str(tmp_path))
    records = real_rows()
    items: list = [TableRow("papers", dict(r), DAY, LIST_URL) for r in records]
    items.append(TableRow("papers", dict(records[0]), DAY, LIST_URL))  # the same paper again
    broken = {**records[1], "arxiv_id": "2509.99999", "upvotes": "many"}  # (derived: a new id)
    items.append(TableRow("papers", broken, DAY, LIST_URL))
    items.append(TableRow("papers", {**records[2], "arxiv_id": "2509.99998", "nonsense": 1}, DAY, LIST_URL))
    items.append(Reject(DAY, LIST_URL, "entry_not_an_object", "", "papers", None, "'x'"))
    passed, dropped, pipelines = run_pipelines(crawler, items)
    assert len(dropped) == 1 and records[0]["arxiv_id"] in dropped[0]
    written = pipelines[-1].write_day(DAY).rows
    papers = pq.read_table(tmp_path / "papers" / "date=2025-09-29" / "part-0.parquet")
    assert written["papers"] == papers.num_rows == len(records)  # the broken rows went to rejects
    rejects = pq.read_table(tmp_path / "rejects" / "date=2025-09-29" / "part-0.parquet").to_pylist()
    assert sorted(r["reason"] for r in rejects) == [
        "entry_not_an_object",
        "schema_violation",
        "schema_violation",
    ]
    violations = {r["arxiv_id"]: r["detail"] for r in rejects if r["reason"] == "schema_violation"}
    assert "'upvotes'" in violations["2509.99999"]  # found in the batch, named by its column
    assert "unknown columns: ['nonsense']" in violations["2509.99998"]  # found as the row passed
    assert papers.column("listing_date").to_pylist()[0] == DAY
    assert crawler.stats.get_value("hfpapers/days_written") == 1


def test_each_crawl_appends_its_ratings_to_the_days_one_file(tmp_path: Path) -> None:
    from scraper.store.partitions import appended_crawls

    contents = []
    for n, more in enumerate((0, 5)):
        crawler = crawler_with(HFPAPERS_DATA_DIR=str(tmp_path), HFPAPERS_CRAWL_ID=f"20250929T0{n}0000000000Z")
        rows = [
            TableRow("ratings", {c: r[c] for c in RATED_COLUMNS} | {"upvotes": r["upvotes"] + more}, DAY)
            for r in real_rows()
        ]
        _, _, pipelines = run_pipelines(crawler, rows)
        pipelines[-1].write_day(DAY)
        del pipelines
        files = sorted((tmp_path / "ratings" / "date=2025-09-29").glob("*.parquet"))
        assert [f.name for f in files] == ["part-0.parquet"]  # one file per day, however many crawls
        contents.append(pq.read_table(files[0]))
    first, second = contents
    assert second.slice(0, first.num_rows).equals(first)  # the old rows, as they were, come first
    assert second.num_rows == 2 * first.num_rows
    added = second.slice(first.num_rows)
    assert sum(added["upvotes"].to_pylist()) - sum(first["upvotes"].to_pylist()) == 5 * len(real_rows())
    crawls = appended_crawls(tmp_path / "ratings" / "date=2025-09-29" / "part-0.parquet")
    assert crawls == [("20250929T000000000000Z", first.num_rows), ("20250929T010000000000Z", first.num_rows)]


def test_older_per_crawl_files_are_merged_and_a_redo_replaces_its_interrupted_crawl(tmp_path: Path) -> None:
    from scraper.schema import conform
    from scraper.schema.registry import TABLES
    from scraper.store.layout import snapshot_name
    from scraper.store.partitions import append_partition, appended_crawls, assemble, merge_old_append_files

    folder = tmp_path / "ratings" / "date=2025-09-29"
    folder.mkdir(parents=True)
    snapshot = [
        conform(
            {c: r[c] for c in RATED_COLUMNS}
            | {
                "listing_date": DAY,
                "crawled_at": dt.datetime(2025, 9, 29, 8, tzinfo=dt.UTC),
                "schema_version": 3,
            },
            TABLES["ratings"],
        )
        for r in real_rows()
    ]
    one = assemble("ratings", snapshot)
    for crawl in ("C1", "C2"):  # as an older version wrote them: one file per crawl
        pq.write_table(one, folder / snapshot_name(crawl))
    assert merge_old_append_files(tmp_path) == 1
    assert [p.name for p in folder.iterdir()] == ["part-0.parquet"]
    merged = folder / "part-0.parquet"
    assert appended_crawls(merged) == [("C1", one.num_rows), ("C2", one.num_rows)]
    assert pq.read_table(merged).num_rows == 2 * one.num_rows
    append_partition(tmp_path, "ratings", DAY, one, "C3")
    append_partition(tmp_path, "ratings", DAY, one, "C4", replaced={"C3"})  # C3 was interrupted
    assert appended_crawls(merged) == [("C1", one.num_rows), ("C2", one.num_rows), ("C4", one.num_rows)]
    assert pq.read_table(merged).num_rows == 3 * one.num_rows


def test_an_unknown_table_is_refused() -> None:
    crawler = crawler_with()
    with pytest.raises(ValueError, match="unknown table"):
        from scraper.store.partitions import partition_dir

        partition_dir(Path("data"), "../../etc", DAY)
    assert (
        ValidatePipeline.from_crawler(crawler)
        .process_item(TableRow("nonsense", {"arxiv_id": "2509.00001"}, DAY))
        .table
        == "rejects"
    )
