"""Regenerate the column tables of docs/tables.md from the table declarations (`scraper.schema`):

    python -m tests.tools.readme_columns

Rewrites the block between `<!-- columns:start -->` and `<!-- columns:end -->` in docs/tables.md;
tests/test_readme.py fails when the two drift apart."""

from __future__ import annotations

from scraper.schema.markdown import column_table
from scraper.schema.registry import TABLES
from tests.tools.docs import TABLES_DOC

START, END = "<!-- columns:start -->", "<!-- columns:end -->"


def main() -> None:
    text = TABLES_DOC.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    block = "\n\n".join("\n".join(column_table(table)) for table in TABLES)
    TABLES_DOC.write_text(f"{head}{START}\n{block}\n{END}{tail}")


if __name__ == "__main__":
    main()
