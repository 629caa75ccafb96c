"""The dataset's schema: one explicit pyarrow schema per table, the single source of truth.

Records travel through the crawl as plain dicts keyed by column name. `conform()` turns a record
into a one-row Arrow table of exactly the table's schema, or raises SchemaError saying which column
broke it; the validate pipeline and the tests both use it.
"""

from __future__ import annotations

import pyarrow as pa

# 2: `ratings` table; `metrics` range/label columns (2026-11).
SCHEMA_VERSION = 2


class SchemaError(ValueError):
    """A record that does not fit its table's schema."""


def conform(record: dict, schema: pa.Schema) -> pa.Table:
    """Return `record` as a one-row table of `schema`; raise SchemaError when it does not fit.

    Unknown keys are an error (the parsers put what they cannot map into an `extra` column),
    missing keys become null, and a non-nullable column must have a value.
    """
    unknown = set(record) - set(schema.names)
    if unknown:
        raise SchemaError(f"unknown columns: {sorted(unknown)}")
    for field in schema:
        if not field.nullable and record.get(field.name) is None:
            raise SchemaError(f"column {field.name!r} is required")
    try:
        return pa.Table.from_pylist([record], schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as exc:
        raise SchemaError(_which_column(record, schema, exc)) from exc


def _which_column(record: dict, schema: pa.Schema, exc: Exception) -> str:
    for field in schema:
        if field.name not in record:
            continue
        try:
            pa.array([record[field.name]], type=field.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as err:
            return f"column {field.name!r} ({field.type}): {err}"
    return str(exc)


# Columns every table carries, appended by the normalize pipeline (parsers never set them):
# the listing day the row belongs to (also the hive partition key `date=`), when and from where it
# was fetched, and the schema version that wrote it.
COMMON_FIELDS: list[pa.Field] = [
    pa.field("listing_date", pa.date32(), nullable=False),
    pa.field("crawled_at", pa.timestamp("ms", tz="UTC"), nullable=False),
    pa.field("source_url", pa.string()),
    pa.field("schema_version", pa.int16(), nullable=False),
]


def table_schema(fields: list[pa.Field], doc: str) -> pa.Schema:
    """A table's full schema: its own fields followed by COMMON_FIELDS, with a doc string."""
    return pa.schema(fields + COMMON_FIELDS, metadata={"doc": doc})
