"""The Hub release: `hfpapers-release OUT_DIR` builds a Hugging Face Hub dataset folder from `data/`,
and optionally pushes it.

Layout of the folder (and of the Hub repository)::

    README.md                                   dataset card: YAML header (one config per table) + docs
    LICENSE.md                                  what may be reused under which terms
    assets/overview.png                         papers per day and upvote distribution (shown by the card)
    data/<table>/date=YYYY-MM-DD/part-0.parquet  papers, fulltext, metrics, claims, ratings

`data/<table>/date=…/` mirrors the crawl's own layout on purpose: the Hub viewer and
`datasets.load_dataset` read it through the card's `configs:` globs; pandas, pyarrow and DuckDB
read a table folder as a hive-partitioned dataset; and `scraper.dataset.load` (and the README's
snippets) work unchanged on a downloaded snapshot's `data/`. Keeping the tables under `data/`
also keeps them apart from the card, the licence and the figure at the repository root.

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
PART_NAME = "part-0.parquet"  # the release's one file per table and day (the crawl's: scraper/layout.py)


class ReleaseError(Exception):
    """A failure whose message is the one line the user sees."""
