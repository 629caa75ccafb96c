"""The dataset's schema: one explicit pyarrow schema per table, the single source of truth.

Each column is declared once, with `column()`: its Arrow type, what it means and where its values
come from, together. Each table is a `Table` (what a row is, its columns, its row key) in its own
module; `scraper.schema.registry` collects them, and the README and card column tables are rendered
from them (`scraper.schema.markdown`).

Records travel through the crawl as plain dicts keyed by column name. `conform_batch()` turns a
day's records of one table into one Arrow table of exactly the table's schema, in one conversion,
and names the records that do not fit (and which column broke each); the validate pipeline uses it.
`conform()` does the same for a single record (tests, and the rejects of a failed day).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pyarrow as pa

# 2: `ratings` table; `metrics` range/label columns (2026-11).
# 3: `papers.invalid_values`; `metrics.table_kind`, `spread_plus`, `spread_minus`, `total`;
#    `claims.baseline`; table cells' `borders` (2026-12).
SCHEMA_VERSION = 3

# The hive partition key: a table's rows of one listing day live in `<table>/date=YYYY-MM-DD/`.
PARTITION_KEY = "date"


class SchemaError(ValueError):
    """A record that does not fit its table's schema."""


def conform(record: dict, schema: pa.Schema) -> pa.Table:
    """Return `record` as a one-row table of `schema`; raise SchemaError when it does not fit.

    Unknown keys are an error (the parsers put what they cannot map into an `extra` column),
    missing keys become null, and a non-nullable column must have a value.
    """
    check_columns(record, schema)
    try:
        return pa.Table.from_pylist([record], schema=schema)
    except _CONVERSION_ERRORS as exc:
        raise SchemaError(_which_column(record, schema, exc)) from exc


def check_columns(record: dict, schema: pa.Schema) -> None:
    """The checks that need no conversion: no unknown column, every required column has a value."""
    unknown = set(record) - set(schema.names)
    if unknown:
        raise SchemaError(f"unknown columns: {sorted(unknown)}")
    for field in schema:
        if not field.nullable and record.get(field.name) is None:
            raise SchemaError(f"column {field.name!r} is required")


_CONVERSION_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError)


def conform_batch(records: list[dict], schema: pa.Schema) -> tuple[pa.Table, list[tuple[int, str]]]:
    """`records` as one table of `schema` (in their order), and the records left out as (index,
    reason). One conversion for the whole batch; only when it fails is the batch halved until the
    records that break it are found, so a batch of good rows costs one `from_pylist` (row by row
    costs ~15x more CPU, and each one-row table holds ~23 KB until it is concatenated)."""
    bad: list[tuple[int, str]] = []
    good: list[int] = []
    for index, record in enumerate(records):
        try:
            check_columns(record, schema)
        except SchemaError as exc:
            bad.append((index, str(exc)))
        else:
            good.append(index)
    parts: list[pa.Table] = []

    def convert(indices: list[int]) -> None:
        if not indices:
            return
        try:
            parts.append(pa.Table.from_pylist([records[i] for i in indices], schema=schema))
        except _CONVERSION_ERRORS as exc:
            if len(indices) == 1:
                bad.append((indices[0], _which_column(records[indices[0]], schema, exc)))
                return
            middle = len(indices) // 2
            convert(indices[:middle])
            convert(indices[middle:])

    convert(good)
    table = pa.concat_tables(parts) if len(parts) > 1 else (parts[0] if parts else schema.empty_table())
    return table, sorted(bad)


def _which_column(record: dict, schema: pa.Schema, exc: Exception) -> str:
    for field in schema:
        if field.name not in record:
            continue
        try:
            pa.array([record[field.name]], type=field.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as err:
            return f"column {field.name!r} ({field.type}): {err}"
    return str(exc)


# Where values come from: the short names the README and the dataset card print as a column's source.
HF = "HF `daily_papers` API"
ATOM = "arXiv API (Atom)"
HTML = "arXiv HTML (LaTeXML)"
HTML_OR_ABS = "arXiv HTML, else abs page"
ABS = "arXiv abs page"
CRAWLER = "crawler"
DERIVED = "derived"


def column(
    name: str, data_type: pa.DataType, description: str, source: str, *, nullable: bool = True
) -> pa.Field:
    """One column, declared once: its Arrow type, what it means and where its values come from.

    Meaning and source travel as field metadata, so the README and card tables are rendered from the
    very field the writer uses (`Table.schema` strips them again before anything is written).
    """
    if not description.strip() or not source.strip():
        raise ValueError(f"column {name!r} needs a description and a source")
    return pa.field(
        name, data_type, nullable=nullable, metadata={"description": description, "source": source}
    )


def description_of(field: pa.Field) -> str:
    return (field.metadata or {}).get(b"description", b"").decode()


def source_of(field: pa.Field) -> str:
    return (field.metadata or {}).get(b"source", b"").decode()


# Columns every table carries, appended by the normalize pipeline (parsers never set them).
COMMON_FIELDS: list[pa.Field] = [
    column(
        "listing_date",
        pa.date32(),
        f"The Daily Papers listing day the row belongs to (also the `{PARTITION_KEY}=` partition folder).",
        CRAWLER,
        nullable=False,
    ),
    column(
        "crawled_at",
        pa.timestamp("ms", tz="UTC"),
        "When the response behind the row was fetched (UTC).",
        CRAWLER,
        nullable=False,
    ),
    column("source_url", pa.string(), "URL of the response the row was parsed from.", CRAWLER),
    column(
        "schema_version",
        pa.int16(),
        "Version of the dataset schema that wrote the row.",
        CRAWLER,
        nullable=False,
    ),
]


@dataclass(frozen=True)
class Table:
    """A table declared in one place: its name, what a row is, its own columns and its row key.

    `fields` are the documented columns (own + COMMON_FIELDS, with meaning and source); `schema` is
    what is written and validated: the same columns without field metadata, so the Parquet files do
    not change when a description is reworded (old and new partitions keep one schema, and a release
    re-uploads only files whose data changed).
    """

    name: str
    doc: str  # what a row is; written as the schema's `doc` metadata (empty: none)
    columns: list[pa.Field]
    keys: tuple[str, ...]  # row identity within a listing day (dedupe and the writer's sort order)
    common: bool = True  # False for rows joined into another table before writing (no common columns)

    def __post_init__(self) -> None:
        unknown = set(self.keys) - {f.name for f in self.columns}
        if unknown:
            raise ValueError(f"table {self.name!r}: keys {sorted(unknown)} are not columns")

    @property
    def fields(self) -> list[pa.Field]:
        return self.columns + (COMMON_FIELDS if self.common else [])

    def field(self, name: str) -> pa.Field:
        return next(f for f in self.fields if f.name == name)

    @cached_property
    def schema(self) -> pa.Schema:
        return pa.schema(
            [f.remove_metadata() for f in self.fields], metadata={"doc": self.doc} if self.doc else None
        )
