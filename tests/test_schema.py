"""Each column is declared once, with its type, meaning and source (issue 14, item 4): every column
of every table says what it means and where it comes from, the registry is built from those
declarations, and the schemas that are written carry none of that metadata."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scraper.schema import (
    COMMON_FIELDS,
    PARTITION_KEY,
    SCHEMA_VERSION,
    Table,
    column,
    conform,
    description_of,
    source_of,
)
from scraper.schema.arxiv import ARXIV_JOINED
from scraper.schema.registry import DECLARED, JOINED, KEYS, TABLES
from scraper.store.layout import partition_folder
from scraper.use.dataset import NoDataError, load

EVERY_TABLE = [*DECLARED.values(), ARXIV_JOINED]


@pytest.mark.parametrize("table", EVERY_TABLE, ids=lambda t: t.name)
def test_every_column_has_a_description_and_a_source(table: Table) -> None:
    undocumented = [f.name for f in table.fields if not description_of(f).strip() or not source_of(f).strip()]
    assert not undocumented, f"{table.name}: columns without a description or a source: {undocumented}"
    # The struct members inside a column are described by the column's description, not one by one.
    assert table.schema.names == [f.name for f in table.fields]


def test_a_column_without_description_or_source_is_refused() -> None:
    with pytest.raises(ValueError, match="'stars' needs a description and a source"):
        column("stars", pa.int32(), " ", "HF")
    with pytest.raises(ValueError, match="'stars' needs a description and a source"):
        column("stars", pa.int32(), "GitHub stars.", "")


def test_a_row_key_must_name_columns_of_its_table() -> None:
    stars = column("stars", pa.int32(), "GitHub stars.", "HF")
    with pytest.raises(ValueError, match=r"keys \['arxiv_id'\] are not columns"):
        Table("toy", doc="A toy table.", columns=[stars], keys=("arxiv_id",))


def test_the_registry_is_built_from_the_declarations() -> None:
    assert list(TABLES) == ["papers", "fulltext", "metrics", "claims", "ratings", "rejects"]
    for name, table in DECLARED.items():
        assert TABLES[name].names == [f.name for f in table.columns + COMMON_FIELDS]
        assert TABLES[name].metadata == {b"doc": table.doc.encode()}
        assert KEYS[name] == table.keys
    assert KEYS["metrics"] == ("arxiv_id", "version", "table_id", "row_index", "col_index", "value_index")
    assert JOINED["arxiv"].names == [f.name for f in ARXIV_JOINED.columns]  # no common columns: joined
    assert JOINED["arxiv"].metadata is None and KEYS["arxiv"] == ("arxiv_id",)


@pytest.mark.parametrize("schema", [*TABLES.values(), *JOINED.values()], ids=[*TABLES, *JOINED])
def test_written_schemas_carry_no_column_metadata(schema: pa.Schema) -> None:
    """Descriptions stay out of the Parquet files: rewording one must not change every file's bytes
    (nor leave old and new partitions with different schemas)."""
    assert [f.name for f in schema if f.metadata] == []


def ratings_row(day: dt.date) -> pa.Table:
    record = {
        "arxiv_id": "2509.22611",
        "upvotes": 3,
        "listing_date": day,
        "crawled_at": dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC),
        "schema_version": SCHEMA_VERSION,
    }
    return conform(record, TABLES["ratings"])


def test_a_conformed_row_written_to_parquet_has_no_column_metadata(tmp_path) -> None:
    pq.write_table(ratings_row(dt.date(2025, 9, 30)), tmp_path / "part.parquet")
    written = pq.read_schema(tmp_path / "part.parquet")
    assert [f.name for f in written if f.metadata] == []
    assert written.metadata[b"doc"] == DECLARED["ratings"].doc.encode()


def test_the_loader_reads_the_partition_folders_the_writer_names(tmp_path) -> None:
    day = dt.date(2025, 9, 30)
    assert partition_folder(day) == f"{PARTITION_KEY}=2025-09-30"
    folder = tmp_path / "ratings" / partition_folder(day)
    folder.mkdir(parents=True)
    pq.write_table(ratings_row(day), folder / "part-0.parquet")
    loaded = load("ratings", start=day, end=day, data_dir=tmp_path)
    assert loaded["arxiv_id"].tolist() == ["2509.22611"]
    assert loaded["listing_date"].tolist() == [day]
    with pytest.raises(NoDataError):  # the day is read from the folder name, so the filter applies
        load("ratings", start=day + dt.timedelta(days=1), data_dir=tmp_path)
