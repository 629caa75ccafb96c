"""Comparing the tables two crawls wrote."""

from __future__ import annotations

from pathlib import Path

from scraper.schema.registry import APPEND_ONLY


def dataset_contents(data_dir: Path) -> dict[str, object]:
    """Every partition under `data_dir` (run reports aside) as a pyarrow Table, keyed by its path,
    made comparable across crawls: `crawled_at` dropped, the replay server's address cut from
    `source_url`. An append-only table's day (`ratings`, `rejects`: one file, each crawl's rows after
    the earlier ones) has its rows sorted, since the crawls that made them differ from run to run;
    every row counts (a day redone after a kill must not hold a snapshot twice)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    def comparable(path: Path) -> pa.Table:
        table = pq.read_table(path).drop_columns(["crawled_at"])
        index = table.schema.get_field_index("source_url")
        urls = pc.replace_substring_regex(
            table["source_url"], pattern=r"^http://127\.0\.0\.1:\d+", replacement=""
        )
        return table.set_column(index, "source_url", urls)

    contents: dict[str, object] = {}
    for path in sorted(data_dir.glob("*/date=*/*.parquet")):
        table = comparable(path)
        if path.parts[-3] in APPEND_ONLY and table.num_rows > 1:
            rows = sorted(table.to_pylist(), key=repr)
            table = pa.Table.from_pylist(rows, schema=table.schema)
        contents[str(path.relative_to(data_dir))] = table
    return contents


def table_files(data_dir: Path) -> dict[str, Path]:
    """Every table partition file under `data_dir`, by its path relative to it."""
    return {str(p.relative_to(data_dir)): p for p in sorted(data_dir.glob("*/date=*/*.parquet"))}


def assert_same_tables(expected_dir: Path, got_dir: Path) -> None:
    """Both folders hold the same table files, each with the same schema and the same rows (every
    value, `crawled_at` included), and an append-only table's day the same crawls in the same order."""
    import pyarrow.parquet as pq

    from scraper.store.partitions import appended_crawls

    expected, got = table_files(expected_dir), table_files(got_dir)
    assert list(got) == list(expected)
    for name, path in expected.items():
        a, b = pq.read_table(path), pq.read_table(got[name])
        assert b.schema.equals(a.schema, check_metadata=True), f"{name}: schema differs"
        assert b.equals(a), f"{name}: rows differ"
        if path.parts[-3] in APPEND_ONLY:
            assert appended_crawls(got[name]) == appended_crawls(path), f"{name}: crawls differ"
