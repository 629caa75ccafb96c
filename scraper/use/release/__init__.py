"""The Hub release: `hfpapers-release OUT_DIR` builds a Hugging Face Hub dataset folder from `data/`,
and optionally pushes it.

Layout of the folder (and of the Hub repository)::

    README.md                    dataset card: YAML header (one config per table) + docs
    LICENSE.md                   what may be reused under which terms
    assets/overview.png          papers per day and upvote distribution (shown by the card)
    data/<table>/YYYY-MM.parquet one file per table and month: papers, fulltext, metrics, ratings
    data/claims/YYYY.parquet     one file per year for a small table (PER_YEAR)

Months, not days (the crawl's own layout): a year of daily files is 365 files per table, whose
footers and schemas weigh as much as small days' rows, and which readers open one by one; a month
file is one read. A refresh changes the days of its window only, so a push sends the one or two
month files those days are in (the same data gives the same bytes; huggingface_hub leaves out
what the repository holds already). Each file's rows are in listing-day order and every row keeps
its `listing_date`; `datasets.load_dataset` reads each table through the card's `configs:` globs,
pandas and DuckDB read a table's folder or glob, and `scraper.use.dataset.load` reads the month files
too (only those whose period overlaps the days asked for). Keeping the tables under `data/` keeps
them apart from the card, the licence and the figure at the repository root.

Row groups: at most ROW_GROUP_MAX_ROWS rows (what `datasets` itself writes) and about
ROW_GROUP_TARGET_BYTES of Arrow data, whichever comes first — the Hub's dataset viewer reads a whole
row group to show any row of it and refuses row groups over 300 MB, and the files carry a page
index so it can read less.

Modules, each importing only those above it (this file imports none of them):

* `partitions` — reading the crawl's date partitions;
* `licence` — the licence filter (what full text may be republished);
* `summary` — what a built release holds (counts the card and the figure are drawn from);
* `figure`, `card` — the overview figure, the dataset card and the licence file;
* `build` — writing the folder (deterministic: the same `data/` gives the same bytes);
* `push` — comparing with the Hub repository and committing through `huggingface_hub`;
* `cli` — the `hfpapers-release` command.
"""

from __future__ import annotations

#: Tables published, in card order (`rejects`, the `_runs` reports and the `raw/` web archive stay
#: local: the archived pages are under many licences; docs/archive.md says how to publish them).
RELEASED_TABLES: tuple[str, ...] = ("papers", "fulltext", "metrics", "claims", "ratings")
#: What a release owns inside OUT_DIR; anything else there is left alone and never uploaded.
MANAGED_DIRS: tuple[str, ...] = ("data", "assets")
MANAGED_FILES: tuple[str, ...] = ("README.md", "LICENSE.md")
FIGURE_PATH = "assets/overview.png"
#: Tables released one file per year (`data/<table>/YYYY.parquet`): a few MB a year (`claims`: a few
#: rows per paper). The others get one file per month.
PER_YEAR: frozenset[str] = frozenset({"claims"})
#: Row groups (see above): at most this many rows (`datasets` writes 1,000 per group, 100 for images) …
ROW_GROUP_MAX_ROWS = 1000
#: … and about this much Arrow data (a `fulltext` row is a whole paper: ~80 rows at 200 KB).
ROW_GROUP_TARGET_BYTES = 16 * 1024 * 1024


class ReleaseError(Exception):
    """A failure whose message is the one line the user sees."""
