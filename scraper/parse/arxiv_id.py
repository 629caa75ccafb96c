"""arXiv identifiers: the one place that says what an id looks like.

Hugging Face lists ids without a version: new style `2501.11120` (4+4 digits until 2014, 4+5 since),
old style `hep-th/9901001` (archive, optional subject class such as `math.AG`, 7 digits). arXiv
pages and the API add `vN`. Everything that recognises an id — in a list entry, a URL, a page, a
reference — builds its pattern from `ID` below.
"""

from __future__ import annotations

import re

#: The grammar of a bare id, to embed in a larger pattern (no groups of its own). ASCII digits only:
#: `\d` would also take `２５０１.０００１２` (full-width) and Arabic-Indic digits, whichever pattern
#: embeds it.
ID = r"(?:[0-9]{4}\.[0-9]{4,5}|[a-z-]+(?:\.[A-Z]{2})?/[0-9]{7})"
#: An id as HF lists it (no version).
ARXIV_ID = re.compile(rf"^{ID}$")
#: An id with an optional version suffix, as arXiv URLs and the API use it.
VERSIONED_ARXIV_ID = re.compile(rf"^{ID}(?:v[0-9]+)?$")


def is_arxiv_id(value: object) -> bool:
    """True for a bare (unversioned) arXiv id. `fullmatch`, so no trailing newline slips through."""
    return isinstance(value, str) and ARXIV_ID.fullmatch(value) is not None
