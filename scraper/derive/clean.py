"""Record normalization shared by the normalize pipeline and `hfpapers-parse`: clean text, derived
links, and the common columns every table carries. Pure functions, no Scrapy."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from scraper.parse.text import squash
from scraper.schema import SCHEMA_VERSION

HF_PAPER_URL = "https://huggingface.co/papers/{id}"
ARXIV_ABS_URL = "https://arxiv.org/abs/{id}"
ARXIV_PDF_URL = "https://arxiv.org/pdf/{id}"
ARXIV_HTML_URL = "https://arxiv.org/html/{id}"

# LaTeX escapes seen in HF/arXiv abstracts, made readable. Math in $…$ is left as written.
_LATEX_SIMPLE = {r"\%": "%", r"\$": "$", r"\&": "&", r"\_": "_", r"\#": "#", r"\times": "×"}
_LATEX_ACCENT = {"'": "\u0301", '"': "\u0308", "`": "\u0300", "^": "\u0302", "~": "\u0303"}
_ACCENT_RE = re.compile(r"""\\(['"`^~])\{?\\?([A-Za-z])\}?""")
_TEXT_MACRO_RE = re.compile(r"\\(?:textsc|textbf|textit|emph|texttt)\{([^{}]*)\}")


def readable_latex(text: str | None) -> str | None:
    """Turn the common LaTeX escapes of abstracts into plain characters (`\\%` → `%`, `\\"u` → ü)."""
    if text is None:
        return None
    for escape, plain in _LATEX_SIMPLE.items():
        text = text.replace(escape, plain)
    text = _TEXT_MACRO_RE.sub(r"\1", text)
    text = _ACCENT_RE.sub(
        lambda m: unicodedata.normalize("NFC", m.group(2) + _LATEX_ACCENT[m.group(1)]), text
    )
    return text


# Free text typed by people (names, display names, summaries): one normalisation for all of them —
# every whitespace run (newlines, tabs, double spaces) becomes one space, both ends stripped, and
# text that was only whitespace becomes null (absent, not an empty string).
FREE_TEXT_COLUMNS = ("submitted_by_fullname", "organization_fullname", "ai_summary")
FREE_TEXT_AUTHOR_FIELDS = ("name", "hf_fullname")


def clean_free_text(text: str | None) -> str | None:
    """The one whitespace normalisation of free text (see FREE_TEXT_COLUMNS)."""
    return squash(text) or None if isinstance(text, str) else text


def clean_paper(record: dict) -> dict:
    """Normalize a `papers` record in place: unwrap title, clean summary and every other free-text
    column, derive links."""
    record["title"] = squash(record.get("title"))
    record["summary"] = readable_latex(squash(record.get("summary")))
    for column in FREE_TEXT_COLUMNS:
        if column in record:
            record[column] = clean_free_text(record[column])
    if isinstance(record.get("ai_keywords"), list):
        record["ai_keywords"] = [clean_free_text(k) for k in record["ai_keywords"]]
    for author in record.get("authors") or ():
        if isinstance(author, dict):
            for field in FREE_TEXT_AUTHOR_FIELDS:
                if field in author:
                    author[field] = clean_free_text(author[field])
    arxiv_id = record["arxiv_id"]
    record["hf_url"] = HF_PAPER_URL.format(id=arxiv_id)
    record["arxiv_abs_url"] = ARXIV_ABS_URL.format(id=arxiv_id)
    record["arxiv_pdf_url"] = ARXIV_PDF_URL.format(id=arxiv_id)
    # Unversioned (the latest) here: the HF row has no version; once the arXiv API has reported one,
    # the writer points it at that version (scraper.store.partitions.versioned_html_urls).
    record["arxiv_html_url"] = ARXIV_HTML_URL.format(id=arxiv_id)
    return record


def add_common(record: dict, listing_date: date, crawled_at: datetime, source_url: str | None) -> dict:
    """Fill the columns every table carries (see scraper.schema.COMMON_FIELDS)."""
    record["listing_date"] = listing_date
    record["crawled_at"] = crawled_at
    record["source_url"] = source_url
    record["schema_version"] = SCHEMA_VERSION
    return record
