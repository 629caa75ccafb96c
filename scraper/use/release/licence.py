"""The licence filter: arXiv metadata (CC0) is released for every paper; full text only for paper
versions whose licence allows redistribution (`fulltext.license_allows_redistribution`); for the
others the body columns of `fulltext`, the `metrics` captions and the `claims` conclusion sentences
are nulled while their rows, counts and numbers stay."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

#: `fulltext` columns that hold the paper's text (not metadata): withheld unless the licence allows.
BODY_COLUMNS: tuple[str, ...] = ("sections", "figures", "tables", "footnotes", "references")


@dataclass
class LicenceCounts:
    """Distinct paper versions by what the release holds of their full text, and what was cut."""

    released: set[tuple[str, int | None]] = field(default_factory=set)
    withheld: set[tuple[str, int | None]] = field(default_factory=set)
    no_body: set[tuple[str, int | None]] = field(default_factory=set)
    metrics_captions_withheld: int = 0
    claims_sentences_withheld: int = 0


def redistribution_flags(fulltext: pa.Table) -> dict[tuple[str, int | None], bool]:
    """(arxiv_id, version) -> whether that version's text may be republished (unknown: no)."""
    ids = fulltext["arxiv_id"].to_pylist()
    versions = fulltext["version"].to_pylist()
    allowed = fulltext["license_allows_redistribution"].to_pylist()
    return {(i, v): a is True for i, v, a in zip(ids, versions, allowed, strict=True)}


def _nulls_unless(keep: pa.Array, column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(keep, column, pa.nulls(len(column), type=column.type))


def filter_fulltext(table: pa.Table, counts: LicenceCounts) -> pa.Table:
    """Null the body columns of rows whose licence does not allow redistribution (their metadata,
    licence and counts stay), and drop the text of non-footnote notes kept in `extra`."""
    allowed = pc.fill_null(table["license_allows_redistribution"], False)
    has_body = pa.array([False] * table.num_rows)
    for name in BODY_COLUMNS:
        has_body = pc.or_(has_body, pc.fill_null(pc.greater(pc.list_value_length(table[name]), 0), False))
    keys = list(zip(table["arxiv_id"].to_pylist(), table["version"].to_pylist(), strict=True))
    for key, body, ok in zip(keys, has_body.to_pylist(), allowed.to_pylist(), strict=True):
        bucket = counts.no_body if not body else counts.released if ok else counts.withheld
        bucket.add(key)
    for name in BODY_COLUMNS:
        table = table.set_column(
            table.schema.get_field_index(name), table.schema.field(name), _nulls_unless(allowed, table[name])
        )
    extras = [
        _without_notes(extra) if not ok else extra
        for extra, ok in zip(table["extra"].to_pylist(), allowed.to_pylist(), strict=True)
    ]
    return table.set_column(
        table.schema.get_field_index("extra"), table.schema.field("extra"), pa.array(extras, pa.string())
    )


def _without_notes(extra: str | None) -> str | None:
    if not extra:
        return extra
    try:
        data = json.loads(extra)
    except ValueError:
        return None  # not JSON: cannot tell what it holds, so it is not released
    if not isinstance(data, dict) or "notes" not in data:
        return extra
    del data["notes"]
    return json.dumps(data, ensure_ascii=False) if data else None


def filter_metrics(
    table: pa.Table, flags: dict[tuple[str, int | None], bool], counts: LicenceCounts
) -> pa.Table:
    """Null `caption` (the paper's prose) unless the paper version may be redistributed; the
    numbers and labels are facts and stay."""
    keys = zip(table["arxiv_id"].to_pylist(), table["version"].to_pylist(), strict=True)
    keep = [flags.get(key, False) for key in keys]
    counts.metrics_captions_withheld += sum(
        1 for k, c in zip(keep, table["caption"].to_pylist(), strict=True) if not k and c is not None
    )
    index = table.schema.get_field_index("caption")
    return table.set_column(
        index, table.schema.field("caption"), _nulls_unless(pa.array(keep, pa.bool_()), table["caption"])
    )


def filter_claims(
    table: pa.Table, flags: dict[tuple[str, int | None], bool], counts: LicenceCounts
) -> pa.Table:
    """Null `sentence` for claims outside the abstract (the conclusion) of papers that may not be
    redistributed; abstract sentences are arXiv metadata (CC0) and always stay."""
    by_paper: dict[str, bool] = {}
    for (arxiv_id, _version), ok in flags.items():  # every version of the day must allow it
        by_paper[arxiv_id] = by_paper.get(arxiv_id, True) and ok
    keep = [
        section == "abstract" or by_paper.get(arxiv_id, False)
        for arxiv_id, section in zip(
            table["arxiv_id"].to_pylist(), table["source_section"].to_pylist(), strict=True
        )
    ]
    counts.claims_sentences_withheld += sum(
        1 for k, s in zip(keep, table["sentence"].to_pylist(), strict=True) if not k and s is not None
    )
    index = table.schema.get_field_index("sentence")
    return table.set_column(
        index, table.schema.field("sentence"), _nulls_unless(pa.array(keep, pa.bool_()), table["sentence"])
    )
