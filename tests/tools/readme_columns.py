"""Regenerate the README's column tables from the table declarations (`scraper.schema`):

    python -m tests.tools.readme_columns

Rewrites the block between `<!-- columns:start -->` and `<!-- columns:end -->` in README.md;
tests/test_readme.py fails when the two drift apart."""

from __future__ import annotations

from pathlib import Path

from scraper.schema.markdown import column_table
from scraper.schema.registry import TABLES

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- columns:start -->", "<!-- columns:end -->"


def main() -> None:
    text = README.read_text()
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    block = "\n\n".join("\n".join(column_table(table)) for table in TABLES)
    README.write_text(f"{head}{START}\n{block}\n{END}{tail}")


if __name__ == "__main__":
    main()
