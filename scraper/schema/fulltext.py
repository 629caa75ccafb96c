"""The ``fulltext`` table: one row per arXiv paper version, from its HTML rendering (or abs page).

Written by :mod:`scraper.parsers.arxiv_html` (``fulltext_source="html"``) and
:func:`scraper.parsers.arxiv_abs.fulltext_from_abs` (``"abs"``: metadata only, no body).
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import table_schema

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

FULLTEXT = table_schema(
    [
        pa.field("arxiv_id", pa.string(), nullable=False),  # without version
        pa.field("version", pa.int16()),  # version actually served
        pa.field("fulltext_source", pa.string()),  # html | abs | none
        pa.field("fulltext_status", pa.string()),  # ok|partial|conversion_failed|no_html|fetch_error
        pa.field("generator", pa.string()),  # "LaTeXML 0.8.8", "LaTeXML oxide 0.7.6"
        pa.field("license_url", pa.string()),
        pa.field("license_name", pa.string()),  # "CC BY 4.0", "arXiv non-exclusive", …
        # True only for CC BY / BY-SA / CC0 / public domain (see arxiv_html.classify_license)
        pa.field("license_allows_redistribution", pa.bool_()),
        pa.field("title", pa.string()),
        pa.field("abstract", pa.string()),
        pa.field("authors", pa.list_(AUTHOR)),
        pa.field("sections", pa.list_(SECTION)),
        pa.field("figures", pa.list_(FIGURE)),
        pa.field("tables", pa.list_(TABLE)),
        pa.field("footnotes", pa.list_(FOOTNOTE)),
        pa.field("references", pa.list_(REFERENCE)),
        pa.field("error_macros", _STR_LIST),  # text of each ltx_ERROR span
        pa.field("n_sections", pa.int32()),  # top-level body sections (appendices not counted)
        pa.field("n_figures", pa.int32()),  # top-level figures (panels not counted)
        pa.field("n_tables", pa.int32()),  # table records
        pa.field("n_equations", pa.int32()),  # display equation blocks
        pa.field("n_math", pa.int32()),  # <math> elements (inline + display)
        pa.field("n_listings", pa.int32()),
        pa.field("n_references", pa.int32()),
        pa.field("n_footnotes", pa.int32()),
        pa.field("n_errors", pa.int32()),
        # abs-page data (fulltext_source="abs"); primary_subject also from the B-page watermark
        pa.field("comments", pa.string()),
        pa.field("subjects", _STR_LIST),
        pa.field("primary_subject", pa.string()),
        pa.field("submission_history", pa.list_(SUBMISSION)),
        pa.field("extra", pa.string()),  # JSON object of what has no column (notes, watermark…)
    ],
    doc="arXiv full text, one row per paper version: sections, tables, figures, references, "
    "licence and conversion status from the arXiv HTML rendering (or abs-page metadata only).",
)
