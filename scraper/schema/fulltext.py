"""The ``fulltext`` table: one row per arXiv paper version, from its HTML rendering (or abs page).

Written by :mod:`scraper.parse.arxiv_html` (``fulltext_source="html"``) and
:func:`scraper.parse.arxiv_abs.fulltext_from_abs` (``"abs"``: metadata only, no body).
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import ABS, CRAWLER, DERIVED, HTML, HTML_OR_ABS, Table, column

TS = pa.timestamp("ms", tz="UTC")
_STR_LIST = pa.list_(pa.string())

AUTHOR = pa.struct(
    [
        pa.field("name", pa.string()),
        pa.field("affiliations", _STR_LIST),
        pa.field("emails", _STR_LIST),
    ]
)
SECTION = pa.struct(
    [
        pa.field("id", pa.string()),  # LaTeXML id: S1, S1.SS2, A1, S3.SS2.SSS1.Px1
        pa.field("number", pa.string()),  # "3.1", "A", "IV"; None for unnumbered/paragraphs
        pa.field("title", pa.string()),
        pa.field("level", pa.int8()),  # 1 section/appendix, 2 sub, 3 subsub, 4 paragraph (0 chapter)
        pa.field("text", pa.string()),  # own blocks only, "\n"-joined; math as TeX alttext
    ]
)
FIGURE = pa.struct(
    [
        pa.field("id", pa.string()),
        pa.field("label", pa.string()),  # "Figure 3"
        pa.field("caption", pa.string()),  # without the "Figure 3:" tag
        pa.field("images", _STR_LIST),  # img src as written (relative to /html/<id>vN/)
    ]
)
CELL = pa.struct(
    [
        pa.field("text", pa.string()),
        pa.field("is_header", pa.bool_()),
        pa.field("colspan", pa.int32()),
        pa.field("rowspan", pa.int32()),
        pa.field("bold", pa.bool_()),
        pa.field("underline", pa.bool_()),
        pa.field("italic", pa.bool_()),
        # the cell's rules as LaTeXML marks them (`ltx_border_*`): "t", "b", "l", "r" (e.g. "tr");
        # a vertical rule tells label columns from value columns
        pa.field("borders", pa.string()),
    ]
)
ROW = pa.struct([pa.field("is_header", pa.bool_()), pa.field("cells", pa.list_(CELL))])
TABLE = pa.struct(
    [
        pa.field("id", pa.string()),  # figure id, "#k" suffix when it holds several tabulars
        pa.field("label", pa.string()),  # "Table 1"
        pa.field("caption", pa.string()),
        pa.field("rows", pa.list_(ROW)),
    ]
)
FOOTNOTE = pa.struct([pa.field("mark", pa.string()), pa.field("text", pa.string())])
REFERENCE = pa.struct(
    [
        pa.field("id", pa.string()),  # bib.bib12
        pa.field("tag", pa.string()),  # "[12]" or "Smith et al. (2024)"
        pa.field("text", pa.string()),
        pa.field("arxiv_ids", _STR_LIST),
        pa.field("dois", _STR_LIST),
        pa.field("urls", _STR_LIST),
    ]
)
SUBMISSION = pa.struct(
    [
        pa.field("version", pa.int16()),
        pa.field("submitted_at", TS),
        pa.field("size", pa.string()),  # as printed: "475 KB"
    ]
)

FULLTEXT_TABLE = Table(
    "fulltext",
    doc="arXiv full text, one row per paper version: sections, tables, figures, references, "
    "licence and conversion status from the arXiv HTML rendering (or abs-page metadata only).",
    columns=[
        column("arxiv_id", pa.string(), "arXiv identifier without version.", CRAWLER, nullable=False),
        column("version", pa.int16(), "Paper version actually served.", HTML_OR_ABS),
        column(
            "fulltext_source",
            pa.string(),
            "`html` (body text), `abs` (abs-page metadata only) or `none`.",
            CRAWLER,
        ),
        column(
            "fulltext_status",
            pa.string(),
            "`ok`, `partial` (LaTeXML errors), `conversion_failed`, `no_html` or `fetch_error`.",
            HTML_OR_ABS,
        ),
        column("generator", pa.string(), "LaTeXML version that rendered the HTML.", HTML),
        column("license_url", pa.string(), "Licence URL of this paper version.", HTML_OR_ABS),
        column(
            "license_name",
            pa.string(),
            "Licence short name: `CC BY 4.0`, `arXiv non-exclusive`, …",
            HTML_OR_ABS,
        ),
        # which licences count: scraper.parse.arxiv_html.classify_license
        column(
            "license_allows_redistribution",
            pa.bool_(),
            "True only for CC BY, CC BY-SA, CC0 and public domain: decides whether the body columns of this "
            "row (and the `metrics` captions / `claims` conclusion sentences) are released.",
            f"{DERIVED} from the licence",
        ),
        column("title", pa.string(), "Title from the paper page.", HTML_OR_ABS),
        column("abstract", pa.string(), "Abstract from the paper page.", HTML_OR_ABS),
        column(
            "authors",
            pa.list_(AUTHOR),
            "Authors with `affiliations` and `emails` as printed in the paper.",
            HTML_OR_ABS,
        ),
        column(
            "sections",
            pa.list_(SECTION),
            "Body sections in order: `id`, `number`, `title`, `level` (1 section … 4 paragraph), `text`: one "
            "line per paragraph, list item (`• …`, `1. …`) and code line; math as TeX between `$…$` "
            "(inline) and `$$…$$` (display); citations as markers naming `references.id`, `[bib.bib4; "
            "bib.bib29]` (a textual cite keeps its words: `Smith et al. (2024) [bib.bib12]`). Null when "
            "withheld for licence reasons.",
            HTML,
        ),
        column(
            "figures",
            pa.list_(FIGURE),
            "Figures: `id`, `label`, `caption`, image paths. Null when withheld.",
            HTML,
        ),
        column(
            "tables",
            pa.list_(TABLE),
            "Tables: `id`, `label`, `caption`, rows of cells with span and bold/underline flags. Null when "
            "withheld.",
            HTML,
        ),
        column("footnotes", pa.list_(FOOTNOTE), "Footnotes: `mark`, `text`. Null when withheld.", HTML),
        column(
            "references",
            pa.list_(REFERENCE),
            "Bibliography entries with the arXiv ids, DOIs and URLs found in them. Null when withheld.",
            HTML,
        ),
        column(
            "error_macros", _STR_LIST, "Text of each LaTeXML error span (usually an unknown macro).", HTML
        ),
        column("n_sections", pa.int32(), "Top-level body sections (appendices not counted).", HTML),
        column("n_figures", pa.int32(), "Top-level figures (panels not counted).", HTML),
        column("n_tables", pa.int32(), "Table records.", HTML),
        column("n_equations", pa.int32(), "Display equation blocks.", HTML),
        column("n_math", pa.int32(), "Math elements, inline and display.", HTML),
        column("n_listings", pa.int32(), "Code listings.", HTML),
        column("n_references", pa.int32(), "Bibliography entries.", HTML),
        column("n_footnotes", pa.int32(), "Footnotes.", HTML),
        column("n_errors", pa.int32(), "LaTeXML error spans.", HTML),
        # abs-page data (fulltext_source="abs"); primary_subject also from the B-page watermark
        column("comments", pa.string(), "Authors' comments line.", ABS),
        column("subjects", _STR_LIST, "arXiv subject codes.", ABS),
        column("primary_subject", pa.string(), "Primary subject code.", f"{ABS} or HTML watermark"),
        column(
            "submission_history",
            pa.list_(SUBMISSION),
            "Every version: `version`, `submitted_at`, `size` as printed.",
            ABS,
        ),
        column(
            "extra",
            pa.string(),
            "JSON object of what has no column (watermark, non-footnote notes, DOIs…); notes are dropped "
            "when the body is withheld.",
            HTML_OR_ABS,
        ),
    ],
    keys=("arxiv_id", "version"),
)
FULLTEXT = FULLTEXT_TABLE.schema
