"""The code's rooms and the one way its imports run (docs/design.md, "Rooms").

Data flows fetch → parse → derive → store → use. `schema` (the columns, declared once) is the floor
every room stands on. Among parse, derive, store and use, a room imports only rooms before it in the
flow; `fetch` (spiders and crawl machinery) drives the crawl and imports parse, derive and store;
`pipelines/` (Scrapy item pipelines) sit on the crawl. Nothing imports fetch or pipelines back, and
the crawl never imports use.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# room -> the rooms it may import (besides itself and the package root `scraper`, which holds only
# the version).
MAY_IMPORT = {
    "schema": set(),
    "parse": {"schema"},
    "derive": {"schema", "parse"},
    "store": {"schema", "parse", "derive"},
    "use": {"schema", "parse", "derive", "store"},
    "settings": {"store"},  # the Scrapy settings module: the data folder's default name
    "fetch": {"schema", "parse", "derive", "store", "settings"},
    "pipelines": {"schema", "parse", "derive", "store", "fetch"},
}


def room_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "pipelines":
        return "pipelines"
    if parts[0] == "scraper" and len(parts) > 1:
        return parts[1]
    return None


def modules() -> dict[str, Path]:
    found = {}
    for path in [*ROOT.glob("scraper/**/*.py"), *ROOT.glob("pipelines/**/*.py")]:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(module: str, path: Path) -> set[str]:
    """The project modules `module` imports (at any depth of its code)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {n for n in names if n.split(".")[0] in ("scraper", "pipelines")}


def test_every_module_lives_in_a_room() -> None:
    loose = sorted(
        m for m in modules() if room_of(m) not in MAY_IMPORT and m != "scraper" and m != "pipelines"
    )
    assert loose == []


def test_imports_run_one_way() -> None:
    found = modules()
    wrong = []
    for module, path in found.items():
        here = room_of(module)
        for target in imported(module, path):
            there = room_of(target)
            if here is None or there is None or there == here:
                continue
            if there not in MAY_IMPORT[here]:
                wrong.append(f"{module} imports {target} ({here} -> {there})")
    assert wrong == []


def test_the_rule_itself_has_no_circle() -> None:
    # A room may not reach, through the rooms it may import, back to itself.
    def reach(room: str, seen: set[str]) -> set[str]:
        for other in MAY_IMPORT[room] - seen:
            seen.add(other)
            reach(other, seen)
        return seen

    assert all(room not in reach(room, set()) for room in MAY_IMPORT)


def test_the_checker_sees_a_wrong_import(tmp_path: Path) -> None:
    # The check can fail: a parser that imports the writer is caught.
    fake = tmp_path / "fake.py"
    fake.write_text("from scraper.store.partitions import write_partition\n", encoding="utf-8")
    targets = imported("scraper.parse.fake", fake)
    assert "scraper.store.partitions" in targets
    assert room_of("scraper.store.partitions") not in MAY_IMPORT["parse"]
