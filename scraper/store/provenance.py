"""Provenance: which revision of the parsers derived a day's rows, and which days an older one did.

The *parser revision* is a hash of the code that turns fetched bytes into rows — the parsers, the
derivations (metrics, claims), normalization, the list judge, the schema, the spider's routing and
the pipelines — taken over each module's syntax tree with docstrings removed. So it changes exactly
when that code changes, never when a comment, a docstring or the formatting does, and nobody has to
remember to bump a number (a forgotten bump would leave stale days looking current: a silent
failure). Every run report (`_runs/*.json`) records it for each day the run wrote; `hfpapers-rebuild
--stale` rebuilds the archived days whose rows an older revision derived.
"""

from __future__ import annotations

import ast
import hashlib
from datetime import date
from functools import cache
from pathlib import Path

from scraper.store.layout import Layout

_ROOT = Path(__file__).resolve().parents[2]
# The code that derives rows from answers (relative to the project root).
DERIVATION = (
    "scraper/parse",
    "scraper/derive",
    "scraper/schema",
    "scraper/fetch/spiders",
    "scraper/fetch/lists.py",
    "scraper/fetch/items.py",
    "pipelines",
)


def _without_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return tree


def derivation_files(root: Path = _ROOT) -> list[Path]:
    files: list[Path] = []
    for name in DERIVATION:
        path = root / name
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


@cache
def parser_revision(root: Path = _ROOT) -> str:
    """12 hex digits naming the derivation code as it is now."""
    digest = hashlib.sha256()
    for path in derivation_files(root):
        tree = _without_docstrings(ast.parse(path.read_text(encoding="utf-8")))
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(ast.dump(tree, annotate_fields=False).encode() + b"\0")
    return digest.hexdigest()[:12]


def revisions_by_day(layout: Layout) -> dict[date, set[str]]:
    """For each day, the parser revisions whose rows it holds now, from the run reports in order: a
    rebuild re-derives the whole day (its revision replaces the set); a crawl that wrote the day adds
    its own (the day's older `ratings` snapshots stay). A report without a revision counts as
    "unknown"."""
    found: dict[date, set[str]] = {}
    from scraper.store.runs import read_run_reports

    for _name, report in read_run_reports(layout):
        revision = str(report.get("parser_revision") or "unknown")
        rebuild = report.get("kind") == "rebuild"
        for text, info in (report.get("days") or {}).items():
            try:
                day = date.fromisoformat(text)
            except ValueError:
                continue
            if not isinstance(info, dict) or info.get("outcome") not in ("written", "empty", "rebuilt"):
                continue
            if rebuild:
                found[day] = {revision}
            else:
                found.setdefault(day, set()).add(revision)
    return found


def stale_days(layout: Layout, days: list[date], current: str | None = None) -> list[date]:
    """The days of `days` whose rows were not all derived by the current revision."""
    current = current or parser_revision()
    known = revisions_by_day(layout)
    return [day for day in days if known.get(day) != {current}]
