"""The user documentation as the tests read it: the README front page and the pages under docs/."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
#: Where the column tables of every table are generated (`python -m tests.tools.readme_columns`).
TABLES_DOC = DOCS / "tables.md"


def pages() -> list[Path]:
    """The README and every docs page, README first."""
    return [README, *sorted(DOCS.glob("*.md"))]


def python_blocks() -> list[tuple[str, str]]:
    """(page name, code) of every ```python block of the README and the docs pages."""
    blocks = []
    for page in pages():
        for code in re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.S):
            blocks.append((page.relative_to(ROOT).as_posix(), code))
    return blocks


def section(text: str, heading: str) -> str:
    """The body under a Markdown heading (a line equal to `heading`), up to the next heading of the
    same or a higher level outside a fenced code block."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines()
    start = lines.index(heading) + 1
    fenced = False
    for i in range(start, len(lines)):
        line = lines[i]
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            hashes = len(line) - len(line.lstrip("#"))
            if hashes <= level and line[hashes : hashes + 1] == " ":
                return "\n".join(lines[start:i])
    return "\n".join(lines[start:])
