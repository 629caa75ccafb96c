"""The column tables of the README and the dataset card, rendered from the table declarations.

`column_table("papers")` gives the markdown lines documenting every column of a table: a heading,
what a row is, and one line per column with its Arrow type, meaning and source, all read from the
declared fields (`scraper.schema.column`). Regenerate the README's block with
`python -m tests.tools.readme_columns`.
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import description_of, source_of
from scraper.schema.registry import DECLARED


def arrow_type_name(data_type: pa.DataType) -> str:
    """A compact Arrow type: `list<struct<name: string, …>>` (no `item:` noise)."""
    if pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
        return f"list<{arrow_type_name(data_type.value_type)}>"
    if pa.types.is_struct(data_type):
        inner = ", ".join(f"{f.name}: {arrow_type_name(f.type)}" for f in data_type)
        return f"struct<{inner}>"
    return str(data_type)


def markdown_cell(text: str) -> str:
    """`text` made safe for one cell of a markdown table."""
    return text.replace("|", "\\|").replace("\n", " ")


def column_table(name: str) -> list[str]:
    """Markdown lines documenting every column of table `name`: heading, what a row is, and a table
    of name, Arrow type, meaning and source."""
    table = DECLARED[name]
    lines = [
        f"### `{name}`",
        "",
        table.doc,
        "",
        "| column | Arrow type | meaning | source |",
        "|---|---|---|---|",
    ]
    for fld in table.fields:
        kind = arrow_type_name(fld.type) + ("" if fld.nullable else ", not null")
        lines.append(
            f"| `{fld.name}` | `{markdown_cell(kind)}` | {markdown_cell(description_of(fld))} "
            f"| {markdown_cell(source_of(fld))} |"
        )
    lines.append("")
    return lines
