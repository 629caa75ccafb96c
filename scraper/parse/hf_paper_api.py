"""Hugging Face per-paper API (`/api/papers/<arxiv id>`): one JSON object with the keys of a daily
entry's `paper` plus linked models/datasets/spaces (sources.md §3) → one `papers` record."""

from __future__ import annotations

import json

from scraper.parse.errors import ParseError
from scraper.parse.hf_daily_api import PAPER_KEYS, load_json, paper_to_record

KIND = "hf_paper_api"
# Counts of linked repos are known keys of this endpoint; they go to `extra` under their own names.
LINKED_KEYS = {
    "linkedModels",
    "numTotalModels",
    "linkedDatasets",
    "numTotalDatasets",
    "linkedSpaces",
    "numTotalSpaces",
}


def parse_paper_api(body: bytes, url: str = "") -> dict:
    data = load_json(body, KIND, url)
    if not isinstance(data, dict):
        raise ParseError(KIND, "not_an_object", type(data).__name__, url)
    try:
        record = paper_to_record(data)
    except ParseError as exc:
        raise ParseError(KIND, exc.reason, exc.detail, url) from exc
    extra = json.loads(record["extra"]) if record["extra"] else {}
    # Keep only the counts of linked repos: the full linked lists are large and change daily.
    for key in LINKED_KEYS & set(data) - PAPER_KEYS:
        extra.pop(f"paper.{key}", None)
        if key.startswith("numTotal"):
            extra[key] = data[key]
    record["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
    return record
