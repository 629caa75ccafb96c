"""The release's dataset card (README.md with the Hub's YAML header) and its licence file.

Everything here is rendered from the release summary and the table declarations of
`scraper.schema` (column tables: `scraper.schema.markdown`), with no clock or random input, so the
same data gives the same bytes.
"""

from __future__ import annotations

from huggingface_hub import DatasetCard, DatasetCardData

from scraper.schema.markdown import column_table
from scraper.schema.registry import TABLES
from scraper.use.release import (
    FIGURE_PATH,
    PER_YEAR,
    RELEASED_TABLES,
    ROW_GROUP_MAX_ROWS,
    ROW_GROUP_TARGET_BYTES,
)
from scraper.use.release.licence import BODY_COLUMNS
from scraper.use.release.summary import ReleaseSummary

PRETTY_NAME = "Hugging Face Daily Papers with arXiv metadata, full text and results"
REPO_PLACEHOLDER = "<user>/hfpapers"
TAGS = ["arxiv", "scientific-papers", "huggingface-daily-papers", "research-metadata", "parquet"]
TASK_CATEGORIES = ["text-classification", "summarization", "table-question-answering"]
# (exclusive upper bound, Hub size category), for the number of rows of the largest table.
SIZE_CATEGORIES: tuple[tuple[int, str], ...] = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)

LICENSING = """\
This dataset mixes material under different terms; each column's source is given above.

* **arXiv metadata** — identifiers, titles, abstracts, authors, categories, dates, comments, DOIs
  (`papers.arxiv_*`, `papers.summary`, the metadata columns of `fulltext`, abstract sentences in
  `claims`): arXiv publishes its metadata under
  [CC0 1.0](https://creativecommons.org/publicdomain/zero/1.0/).
* **Hugging Face Daily Papers fields** — upvotes, comments, submitters, organizations, AI summaries
  and keywords, GitHub links and stars: collected from Hugging Face's public API; reuse them within
  [Hugging Face's terms](https://huggingface.co/terms-of-service).
* **Full text** — `fulltext.sections`, `figures`, `tables`, `footnotes`, `references`, the
  `metrics.caption` of a table and the `claims.sentence` of a conclusion: each paper version keeps
  its own licence (`fulltext.license_name`, `fulltext.license_url`). They are released only for
  versions under CC BY, CC BY-SA, CC0 or a public-domain mark
  (`fulltext.license_allows_redistribution`); for every other version (arXiv's non-exclusive
  licence, any NC or ND licence, or a licence we could not read) they are null, while the row, the
  licence and the counts stay. Reusing released text under CC BY or CC BY-SA requires attribution:
  cite the paper (`arxiv_id`, authors, title) and keep its licence.
* **Numbers extracted from results tables and claims** (`metrics` values and labels, `claims`
  spans) are facts reported by the papers; please cite the paper when you use them.
* The code that built the dataset is MIT-licensed.
"""

LICENSE_TEXT = "# Licensing of this dataset\n\n" + LICENSING


def size_category(rows: int) -> str:
    for bound, label in SIZE_CATEGORIES:
        if rows < bound:
            return label
    return "1B<n<10B"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def card_metadata(summary: ReleaseSummary) -> dict:
    """The YAML header as a dict, in the order it is written."""
    largest = max(t.rows for t in summary.tables.values())
    configs = []
    for name in RELEASED_TABLES:
        if name not in summary.tables:
            continue
        config: dict[str, object] = {
            "config_name": name,
            "data_files": [{"split": "train", "path": f"data/{name}/*.parquet"}],
        }
        if name == "papers":
            config["default"] = True
        configs.append(config)
    return {
        "pretty_name": PRETTY_NAME,
        "language": ["en"],
        "license": "other",
        "license_name": "hfpapers-mixed",
        "license_link": "LICENSE.md",
        "annotations_creators": ["machine-generated"],
        "language_creators": ["found"],
        "multilinguality": ["monolingual"],
        "size_categories": [size_category(largest)],
        "source_datasets": ["original"],
        "task_categories": TASK_CATEGORIES,
        "tags": TAGS,
        "configs": configs,
    }


def render_card(summary: ReleaseSummary) -> str:
    """README.md of the release: `DatasetCardData` writes the YAML header the Hub validates."""
    data = DatasetCardData(**card_metadata(summary))
    card = DatasetCard(f"---\n{data.to_yaml()}\n---\n\n{_body(summary)}")
    return str(card).rstrip("\n") + "\n"


def _body(summary: ReleaseSummary) -> str:
    repo = summary.repo_id or REPO_PLACEHOLDER
    days = len(summary.papers_per_day)
    papers = summary.tables["papers"]
    lic = summary.licence
    out: list[str] = [
        f"# {PRETTY_NAME}",
        "",
        f"Every paper listed on [Hugging Face Daily Papers](https://huggingface.co/papers) from "
        f"**{summary.first_day}** to **{summary.last_day}** ({days} listing days, {papers.rows} paper "
        f"rows), with its arXiv metadata and — where the paper's licence allows — its full text, the "
        f"numbers of its results tables and the quantitative claims of its abstract and conclusion.",
        "",
        f"![Papers per listing day and distribution of upvotes]({FIGURE_PATH})",
        "",
        "## Configurations",
        "",
        "Each configuration is one table (one `train` split), stored as one Parquet file per month "
        "of listing days, `data/<table>/YYYY-MM.parquet`"
        + (
            " (" + ", ".join(f"`{t}`" for t in sorted(PER_YEAR)) + ": one file per year, "
            "`data/<table>/YYYY.parquet`, as it is small)"
            if PER_YEAR & set(summary.tables)
            else ""
        )
        + ". A file's rows are in listing-day order, and every row carries its day in "
        "`listing_date`. A new release rewrites only the months whose days changed. Row groups hold "
        f"at most {ROW_GROUP_MAX_ROWS:,} rows and about {ROW_GROUP_TARGET_BYTES // 2**20} MiB of data, "
        "and the files carry a page index, so the dataset viewer and readers fetch little to reach a row.",
        "",
        "| config | rows | listing days | first day | last day | what a row is |",
        "|---|---:|---:|---|---|---|",
    ]
    for name, info in summary.tables.items():
        label = f"`{name}` (default)" if name == "papers" else f"`{name}`"
        doc = TABLES[name].metadata[b"doc"].decode()
        out.append(
            f"| {label} | {info.rows} | {len(info.days)} | {min(info.days)} | {max(info.days)} "
            f"| {_cell(doc)} |"
        )
    out += [
        "",
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f'papers = load_dataset("{repo}", "papers", split="train")  # or fulltext, metrics, claims, ratings',
        "```",
        "",
        "```python",
        "import pandas as pd  # needs huggingface_hub installed for hf:// paths",
        "",
        f'papers = pd.read_parquet("hf://datasets/{repo}/data/papers")',
        "```",
        "",
        "```sql",
        "-- DuckDB",
        "SELECT listing_date, count(*) AS papers, sum(upvotes) AS upvotes",
        f"FROM read_parquet('hf://datasets/{repo}/data/papers/*.parquet')",
        "GROUP BY listing_date ORDER BY listing_date;",
        "```",
        "",
        "`listing_date` is the listing day of a row; to read a few months only, name their files "
        f"(`data/papers/{summary.last_day:%Y-%m}.parquet`).",
        "",
        "## Full text and licences",
        "",
        "| paper versions | count |",
        "|---|---:|",
        f"| full text released (CC BY, CC BY-SA, CC0, public domain) | {len(lic.released)} |",
        f"| full text withheld (licence does not allow redistribution, or unknown) | {len(lic.withheld)} |",
        f"| no full text available (no HTML rendering; abs-page metadata at most) | {len(lic.no_body)} |",
        "",
        f"For withheld versions the `fulltext` row keeps its metadata, licence and counts while "
        f"`{'`, `'.join(BODY_COLUMNS)}` are null "
        f"(an empty list means the paper has none). Withheld as well: `caption` in "
        f"{lic.metrics_captions_withheld} `metrics` rows and `sentence` in "
        f"{lic.claims_sentences_withheld} `claims` conclusion rows; their numbers and labels are kept. "
        f"See [Licensing](#licensing).",
        "",
        "## Columns",
        "",
    ]
    for name in summary.tables:
        out += column_table(name)
    out += [
        "## How the data was collected",
        "",
        "A [Scrapy](https://scrapy.org) crawler (`hfpapers`) visits each listing day and, for that day:",
        "",
        "1. fetches the Daily Papers list from Hugging Face's `/api/daily_papers?date=…` (or the "
        "listing page's embedded JSON, which gives the same records);",
        "2. asks the arXiv API for the metadata of the papers (one request per 100 ids, for all the "
        "days of a run at once);",
        "3. fetches each paper's arXiv HTML rendering at the version the API reported, falling back "
        "to its abs page when there is none; from the HTML it extracts sections, tables, figures, "
        "references and licence, the numbers of every results table (`metrics`), and the quantitative "
        "claims of the abstract and conclusion (`claims`);",
        "4. writes the day's partitions once every request of the day is done, and adds one snapshot "
        "of every paper's upvotes, comments and stars to `ratings` (every crawl of a day adds one; an "
        "undated crawl re-crawls the 14 days before the latest one, so ratings keep their history as "
        "they climb).",
        "",
        "The crawl obeys robots.txt (including `Crawl-delay`), honours `Retry-After`, and caches "
        "immutable versioned arXiv pages. Input it could not use is kept in a local `rejects` table "
        "that is not part of this release.",
        "",
        "## Licensing",
        "",
        LICENSING.rstrip("\n"),
        "",
        "## Known limits",
        "",
        "* Upvotes, comments and GitHub stars in `papers` are the latest snapshot taken at `crawled_at` "
        "(every snapshot is in `ratings`), not final counts; "
        "a re-crawled day replaces that snapshot in `papers` and adds one to `ratings`.",
        "* A paper appears once per listing day it was listed on; `arxiv_id` alone is not unique "
        "across days.",
        "* Full text exists only for papers arXiv renders as HTML; LaTeXML conversion errors give "
        "`fulltext_status = partial` with some text missing or garbled (math is kept as TeX).",
        "* `metrics` and `claims` are extracted by rules, not by hand: units, `is_best` (bold or "
        "underlined cells) and `direction` can be wrong or missing, and a claim's `value` is the "
        "last number of its span.",
        "* A licence that could not be read counts as not allowing redistribution.",
        "* Counts the source did not send are null (absent is not zero); `organization` is set from "
        "2025-09-29 on.",
        "",
    ]
    return "\n".join(out)
