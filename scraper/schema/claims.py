"""Schema of `claims`: one row per quantitative result stated in an abstract or conclusion sentence.

Filled by `scraper.derive.claims`; the common columns are added by the pipeline. The numbers of
results tables are `metrics` (scraper/schema/metrics.py).
"""

from __future__ import annotations

import pyarrow as pa

from scraper.schema import CRAWLER, DERIVED, Table, column

#: Values of `claims.kind`.
CLAIM_KINDS: tuple[str, ...] = ("speedup", "reduction", "improvement", "absolute", "relative")
#: Values of `claims.source_section`.
CLAIM_SECTIONS: tuple[str, ...] = ("abstract", "conclusion")

CLAIMS_TABLE = Table(
    "claims",
    doc="One row per quantitative result stated in a paper's abstract or conclusion.",
    columns=[
        column("arxiv_id", pa.string(), "arXiv identifier without version.", CRAWLER, nullable=False),
        column(
            "source_section", pa.string(), "`abstract` (HF summary) or `conclusion` (arXiv HTML).", DERIVED
        ),
        column("sentence_index", pa.int32(), "Position of the sentence within its section.", DERIVED),
        column(
            "sentence",
            pa.string(),
            "The sentence stating the result. Null for conclusion sentences of papers whose licence does not "
            "allow redistribution.",
            "HF summary or arXiv HTML",
        ),
        column(
            "claim_text",
            pa.string(),
            "The matched span with its qualifier, e.g. `up to 3.2×`, `from 21.7 seconds to under 1 second`.",
            DERIVED,
        ),
        column(
            "value",
            pa.float64(),
            "The result: the last number of the span (B of `from A to B`, the upper end of a range).",
            DERIVED,
        ),
        column("value_from", pa.float64(), "`from A to B` and ranges (`8% -- 30%`): A.", DERIVED),
        column("value_to", pa.float64(), "`from A to B` and ranges: B.", DERIVED),
        column(
            "baseline",
            pa.float64(),
            "The number the result is compared with: A of `from A to B` and of `B instead of A`, or a number "
            "after `compared to`/`versus`/`vs.` (`62.1% compared to 48.0%` gives 48.0); null when the claim "
            "names none. A baseline is never a claim of its own.",
            DERIVED,
        ),
        column("unit", pa.string(), "`%`, `×`, `pt`, `s`, `ms`, `FPS`, `GB`, `days`, … or null.", DERIVED),
        column(
            "kind", pa.string(), "`speedup`, `reduction`, `improvement`, `absolute` or `relative`.", DERIVED
        ),
        column(
            "qualifier",
            pa.string(),
            "`up to`, `over`, `more than`, `at least`, `about` (also `~`, `≈`, `roughly`), `nearly` "
            "(also `almost`), `less than` (also `under`, `fewer than`), `only`, `just` or null; the words "
            "also stay in `claim_text`.",
            DERIVED,
        ),
    ],
    keys=("arxiv_id", "source_section", "sentence_index", "claim_text", "value"),
)
CLAIMS = CLAIMS_TABLE.schema
