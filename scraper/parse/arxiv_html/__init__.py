"""arXiv HTML full text (LaTeXML 0.8.8 "A" pages and LaTeXML oxide "B" pages) -> one FULLTEXT row.

:func:`parse_html` reads a page in a few steps, one module each:

* :mod:`.page` — is it a paper (or arXiv's "no HTML" stub)? Which id and version, generator,
  licence (:func:`classify_license`).
* :mod:`.dom` — the byte-level pre-pass that swaps every ``<math>`` for its TeX alttext before
  the Lexbor parse (MathML is most of a paper's nodes and only its TeX is kept), and the shared
  node helpers.
* :mod:`.blocks` — the article read by one selector query, its hits sorted by kind in Python.
* :mod:`.references` (notes, bibliography), :mod:`.authors`, :mod:`.tables`
  (:func:`extract_tables`), :mod:`.figures`, :mod:`.sections` (title, abstract, section text).

Speed is part of the design: one query per part of the page, ``text_lexbor()`` and a fast
whitespace squash instead of ``text()``, tag ids and cached class sets per node. The figures
(``bench/bench_arxiv_html.py``) are in the README's "Measured" section.
"""

from .document import parse_html
from .page import KIND, MAX_VERSION, classify_license, is_no_html_page
from .tables import MAX_SPAN, extract_tables

__all__ = [
    "KIND",
    "MAX_SPAN",
    "MAX_VERSION",
    "classify_license",
    "extract_tables",
    "is_no_html_page",
    "parse_html",
]
