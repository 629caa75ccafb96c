"""One format-neutral digest: the summary, the themes, the rising papers and one entry per paper —
what the Markdown, HTML and Atom renderers all show.

An entry is a heading, a byline and labelled facts made of plain text, links and upvote curves, so
the three outputs cannot drift apart: each renderer only decides how they are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from scraper.use.digest.categories import category_label
from scraper.use.digest.rank import STAR_RULE, changes, order, rate
from scraper.use.digest.rising import Rising, Snapshot, rising
from scraper.use.digest.select import Selection
from scraper.use.digest.sparkline import curve_text, when
from scraper.use.digest.themes import PaperText, Themes, find_themes

FIRST_AUTHORS = 3  # authors named before "et al."
MAX_CLAIMS = 3


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    anchor: str | None = None  # the same target inside the HTML page (an element id), if it has one


@dataclass(frozen=True)
class Curve:
    """A paper's upvote snapshots: a sparkline in HTML, first and last values in words elsewhere."""

    snapshots: tuple[Snapshot, ...]

    @property
    def text(self) -> str:
        return curve_text(self.snapshots)


Inline = str | Link | Curve  # a run of plain text, a link, or an upvote curve


@dataclass
class Entry:
    place: int
    arxiv_id: str
    title: str
    hf_url: str
    listing_date: date
    stars: int | None
    authors: list[str]  # every author, in order (the Atom feed lists them)
    byline: list[Inline]
    facts: list[tuple[str, list[Inline]]]  # (label, text and links)
    updated: datetime  # the paper's latest crawl (its `papers` row holds the latest values)
    upvotes: int | None = None

    @property
    def star_text(self) -> str:
        return "★" * self.stars if self.stars else ""

    @property
    def anchor(self) -> str:
        """The id of the paper's block in the HTML page."""
        return f"p{self.arxiv_id}"

    def link(self) -> Link:
        return Link(self.title, self.hf_url, self.anchor)


@dataclass
class Digest:
    selection: Selection
    entries: list[Entry]
    papers_in_period: int
    papers_by_day: dict[date, int]
    notes: list[str] = field(default_factory=list)  # what the data lacks, said once at the top
    themes: Themes = field(default_factory=Themes)
    rising: Rising = field(default_factory=Rising)
    _by_id: dict[str, Entry] = field(init=False, repr=False, default_factory=dict)

    @property
    def updated(self) -> datetime:
        return max(entry.updated for entry in self.entries)

    def entry(self, arxiv_id: str) -> Entry:
        return self._by_id[arxiv_id]

    def __post_init__(self) -> None:
        self._by_id = {entry.arxiv_id: entry for entry in self.entries}


def _value(row: dict, column: str) -> Any:
    """The cell, with pandas' missing markers (NA, NaN, NaT) as None."""
    value = row.get(column)
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):  # lists and structs: pd.isna answers element-wise
        return value


def _items(row: dict, column: str) -> list:
    """A list cell as a Python list ([] when null); Arrow-backed lists come out as arrays."""
    value = row.get(column)
    if value is None or (not hasattr(value, "__len__") and pd.isna(value)):
        return []
    return list(value)


def _listed(value: Any) -> list:
    """A nested list value (None, a list or an array) as a list."""
    return [] if value is None else list(value)


def count_text(value: int | None, one: str, many: str) -> str:
    """`1 upvote`, `1,234 upvotes`, `upvotes unknown`."""
    if value is None:
        return f"{many} unknown"
    return f"{value:,} {one if value == 1 else many}"


def _signed(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else f"{int(value):+,}"


def _byline(row: dict) -> tuple[list[str], list[Inline]]:
    names = [a["name"] for a in _items(row, "authors") if a.get("name")]
    if not names:
        names = [a["name"] for a in _items(row, "arxiv_authors") if a.get("name")]
    shown = ", ".join(names[:FIRST_AUTHORS]) + (" et al." if len(names) > FIRST_AUTHORS else "")
    organization = _value(row, "organization_fullname") or _value(row, "organization")
    if organization is None:
        # Before 2025-10 HF names no organization; arXiv's affiliations (when given) stand in.
        affiliations = dict.fromkeys(
            aff for a in _items(row, "arxiv_authors") for aff in _listed(a.get("affiliations"))
        )
        organization = ", ".join(list(affiliations)[:2]) or None
    byline: list[Inline] = [shown or "authors unknown"]
    if organization:
        byline.append(f" — {organization}")
    return names, byline


def _links(row: dict, fulltext: dict | None) -> list[Inline]:
    links: list[Inline] = [Link("arXiv", row["arxiv_abs_url"]), " · ", Link("PDF", row["arxiv_pdf_url"])]
    # The HTML link only where arXiv has the HTML (or where the crawl did not ask arXiv).
    if fulltext is None or fulltext["fulltext_source"] == "html":
        links += [" · ", Link("HTML", row["arxiv_html_url"])]
    if _value(row, "project_page"):
        links += [" · ", Link("project page", row["project_page"])]
    if _value(row, "github_repo"):
        links += [" · ", Link("GitHub", row["github_repo"])]
        stars = _value(row, "github_stars")
        links.append(f" ⭐ {stars:,}" if stars is not None else " (stars unknown)")
    return links


def _counts(row: dict, change: dict | None) -> list[Inline]:
    text = (
        f"{count_text(_value(row, 'upvotes'), 'upvote', 'upvotes')} · "
        f"{count_text(_value(row, 'num_comments'), 'comment', 'comments')}"
    )
    if change is not None:
        parts = [
            f"{delta} {name}"
            for name, column in (
                ("upvotes", "upvotes"),
                ("comments", "num_comments"),
                ("stars", "github_stars"),
            )
            if (delta := _signed(change[column])) is not None
        ]
        if parts:
            when = change["previous_crawled_at"].strftime("%Y-%m-%d %H:%M UTC")
            text += f" ({', '.join(parts)} since the crawl of {when})"
    return [text]


def _best_cells(metrics: pd.DataFrame | None) -> dict[tuple[str, int | None], dict]:
    """For each paper version, its first best cell in reading order (tables, rows, cells) of a results
    table. Best, as in the docs' pandas example: bold or underlined (`is_best`), or the top value of
    a column that says whether higher or lower is better (`direction`)."""
    if metrics is None or metrics.empty:
        return {}
    if "table_kind" in metrics:  # settings and data statistics are not results
        metrics = metrics[metrics["table_kind"].fillna("results") == "results"]
    signed = metrics["value"].where(metrics["direction"] != "lower", -metrics["value"])
    column = [metrics["arxiv_id"], metrics["version"], metrics["table_id"], metrics["col_index"]]
    top_of_column = signed == signed.groupby(column).transform("max")
    marked = metrics["is_best"].fillna(False).astype(bool)
    metrics = metrics[marked | (metrics["direction"].notna() & top_of_column.fillna(False).astype(bool))]
    first = metrics.sort_values(["arxiv_id", "version", "table_id", "row_index", "col_index", "value_index"])
    first = first.drop_duplicates(["arxiv_id", "version"])
    return {(cell["arxiv_id"], cell["version"]): cell for cell in first.to_dict("records")}


def _best_result(best: dict | None) -> list[Inline] | None:
    if best is None:
        return None
    metric = _value(best, "column_label") or "value"
    row_label = _value(best, "row_label")
    where = f" ({best['table_label']})" if _value(best, "table_label") else ""
    return [f"{metric} = {_number(best)}" + (f" — {row_label}" if row_label else "") + where]


def _number(cell: dict) -> str:
    """`71.2%`, `3.5×`, `12 GB`, `0.14 ± 0.01` from the parsed cell (its raw text may be TeX)."""
    value, unit, spread = _value(cell, "value"), _value(cell, "unit"), _value(cell, "spread")
    if value is None:
        return str(cell["raw_text"])
    text = f"{value:g}" + ("" if unit is None else unit if unit in ("%", "×") else f" {unit}")
    return text + (f" ± {spread:g}" if spread is not None else "")


# What each `fulltext_status` means for a reader of the digest (`ok` needs no word).
STATUS_WORDS = {
    "partial": "partial: some LaTeX did not convert",
    "conversion_failed": "arXiv's HTML conversion failed",
    "no_html": "arXiv has no HTML",
    "fetch_error": "the HTML could not be fetched",
}


def _source(fulltext: dict | None, arxiv_crawled: bool) -> list[Inline]:
    if fulltext is None:
        return ["not read (arXiv not crawled)" if not arxiv_crawled else "none (no full-text row)"]
    version = _value(fulltext, "version")
    at = f" v{version}" if version is not None else ""
    source = {"html": f"arXiv HTML{at}", "abs": f"arXiv abs page{at}"}.get(
        fulltext["fulltext_source"], "none"
    )
    status = STATUS_WORDS.get(_value(fulltext, "fulltext_status"))
    if status:
        source += f" ({status})"
    return [f"{source} · licence: {_value(fulltext, 'license_name') or 'unknown'}"]


def _paper_text(row: dict) -> PaperText:
    return PaperText(
        arxiv_id=row["arxiv_id"],
        title=_value(row, "title") or "",
        abstract=_value(row, "summary") or "",
        keywords=[k for k in _items(row, "ai_keywords") if k],
        categories=[c for c in _items(row, "arxiv_categories") if c],
    )


def build(selection: Selection, top: int | None = None, themes: bool = True) -> Digest:
    """The digest of a selection: its `top` best-ranked papers (default all), grouped into themes
    unless `themes` is False."""
    papers = selection.papers.copy()
    papers["stars"] = rate(papers)
    ranked = order(papers)
    papers_in_period = len(ranked)
    if top is not None:
        ranked = ranked.head(top)
    deltas = changes(selection.ratings).to_dict("index")
    best_cells = _best_cells(selection.metrics)
    fulltext_by_key = {}
    if selection.fulltext is not None:
        # The latest version read for each paper and day (rows as dicts: iterrows is slow).
        for text in selection.fulltext.sort_values(["version", "crawled_at"]).to_dict("records"):
            fulltext_by_key[(text["arxiv_id"], text["listing_date"])] = text

    rows = ranked.to_dict("records")
    moving = rising(selection.ratings, [row["arxiv_id"] for row in rows])
    entries = []
    for place, row in enumerate(rows, start=1):
        key = (row["arxiv_id"], row["listing_date"])
        text = fulltext_by_key.get(key)
        names, byline = _byline(row)
        facts: list[tuple[str, list[Inline]]] = []
        if selection.period.is_range:
            facts.append(("Listed", [str(row["listing_date"])]))
        facts.append(("Links", _links(row, text)))
        field_code = _value(row, "arxiv_primary_category") or (
            _value(text, "primary_subject") if text is not None else None
        )
        if field_code:
            facts.append(("Field", [category_label(field_code) or field_code]))
        facts.append(("Votes", _counts(row, deltas.get(key))))
        curve = moving.curves.get(row["arxiv_id"], [])
        if len(curve) > 1:  # one snapshot is no curve yet: the Votes line has its value
            facts.append(("Upvote curve", [Curve(tuple(curve))]))
        stars = _value(row, "stars")
        facts.append(("Rating", [f"{'★' * stars} ({stars} of 3)" if stars else "unrated (upvotes unknown)"]))
        if _value(row, "ai_summary"):
            facts.append(("AI summary", [str(row["ai_summary"])]))
        claims = _items(row, "headline_claims")[:MAX_CLAIMS]
        if claims:
            facts.append(("Headline numbers", ["; ".join(f"“{claim}”" for claim in claims)]))
        version = _value(text, "version") if text is not None else None
        best = _best_result(best_cells.get((row["arxiv_id"], version)))
        if best:
            facts.append(("Best table result", best))
        facts.append(("Reading source", _source(text, selection.fulltext is not None)))
        entries.append(
            Entry(
                place=place,
                arxiv_id=row["arxiv_id"],
                title=_value(row, "title") or row["arxiv_id"],
                hf_url=row["hf_url"],
                listing_date=row["listing_date"],
                stars=stars,
                authors=names,
                byline=byline,
                facts=facts,
                updated=row["crawled_at"].to_pydatetime(),
                upvotes=_value(row, "upvotes"),
            )
        )
    by_day = papers.groupby("listing_date")["arxiv_id"].nunique().to_dict()
    if themes:
        grouped = find_themes([_paper_text(row) for row in rows])
    else:
        grouped = Themes(
            other=[row["arxiv_id"] for row in rows], skipped="themes were turned off (--no-themes)"
        )
    return Digest(
        selection, entries, papers_in_period, by_day, list(selection.missing), themes=grouped, rising=moving
    )


def summary(digest: Digest) -> list[tuple[str, list[Inline]]]:
    """The opening lines, written from the data: papers, top theme, biggest riser, best-rated paper."""
    period = digest.selection.period
    shown = len(digest.entries)
    days = len(digest.papers_by_day)
    papers = (
        count_text(shown, "paper", "papers")
        if shown == digest.papers_in_period
        else f"top {shown} of {digest.papers_in_period}"
    )
    where = f"listed on {period.start}" if not period.is_range else f"listed on {days} days of {period.label}"
    lines: list[tuple[str, list[Inline]]] = [("Papers", [f"{papers} {where}"])]
    grouped = digest.themes
    if grouped.themes:
        top = grouped.themes[0]
        size, other = (count_text(n, "paper", "papers") for n in (len(top.arxiv_ids), len(grouped.other)))
        share = f"the first of {len(grouped.themes)} themes; {other} in Other"
        lines.append(("Top theme", [f"{top.name} — {size} ({share})"]))
    else:
        lines.append(("Themes", [f"none — {grouped.skipped}"]))
    biggest = digest.rising.biggest
    if biggest is not None:
        window, rise = biggest
        entry = digest.entry(rise.arxiv_id)
        gain = f" — +{rise.gain:,} upvotes {window.said} ({when(rise.before)} → {when(rise.after)})"
        lines.append(("Biggest riser", [entry.link(), gain]))
    else:
        lines.append(("Biggest riser", [f"none — {digest.rising.note or 'no paper gained upvotes'}"]))
    best = digest.entries[0]
    if best.upvotes is not None:
        stars = f", {best.star_text}" if best.stars else ""
        lines.append(("Best-rated paper", [best.link(), f" — {best.upvotes:,} upvotes{stars}"]))
    lines += [("Missing from this data", [note]) for note in digest.notes]
    return lines


__all__ = ["STAR_RULE", "Curve", "Digest", "Entry", "Inline", "Link", "build", "count_text", "summary"]
